// The /mutate JSON Patch (docs/rules.md#defaults, docs/webhook.md#the-admissionreview-contract): the operations the
// defaults recorded while they ran on the object exactly as the API server sent it (src/clusterlink/defaults-patch.ts),
// so unknown fields survive and nothing is copied or diffed. Only `add` and `replace`, each into a parent that
// exists; the tests hold it to the defaulted object (test/clusterlink/properties.test.ts) and to the answers of the
// diff-based patch it replaced (test/fixtures/mutate).
import type { Operation } from 'fast-json-patch';
import { defaultsPatch, type RuleContext } from '../clusterlink/index.js';
import { isPlainObject } from '../lib/json.js';

export class PatchError extends Error {
  override name = 'PatchError';
}

/** The defaults patch of `object`; throws PatchError when it is not a JSON object (the scope check keeps those out). */
export function mutatePatch(object: unknown, ctx: RuleContext): Operation[] {
  if (!isPlainObject(object)) throw new PatchError('the object to default must be a JSON object');
  return defaultsPatch(object, ctx);
}

/** base64 of the JSON Patch document (exactly `JSON.stringify(ops)` as UTF-8), as `response.patch` carries it. */
export function encodePatch(ops: readonly Operation[]): string {
  const length = plainPatchLength(ops);
  if (length !== undefined) {
    const encoded = ops.length < BYTES_FROM_OPS ? base64OfText(ops) : base64OfBytes(ops, length);
    if (encoded !== undefined) return encoded;
  }
  return Buffer.from(JSON.stringify(ops), 'utf8').toString('base64');
}

/**
 * From this many operations on, the text is written straight into one buffer instead of being built as a string
 * (docs/performance.md#mutate). Below it the string is cheaper; above it the string's pieces (for 10,000 topics
 * about 4 MB, plus the joined text and its copy for base64) made the garbage collector run during the review and
 * copy the whole parsed review with it. Measured: the two break even between 2,000 and 3,000 mirror topics.
 */
export const BYTES_FROM_OPS = 4096;

const OP_OPEN = '{"op":"';
const PATH_KEY = '","path":"';
const VALUE_KEY = '","value":"';
const OP_CLOSE = '"}';
const OP_FIXED_LENGTH = OP_OPEN.length + PATH_KEY.length + VALUE_KEY.length + OP_CLOSE.length;

/** Anything but printable ASCII other than `"` and `\`: a character JSON.stringify would escape, or not ASCII. */
const NOT_PLAIN = /[^\u0020\u0021\u0023-\u005b\u005d-\u007e]/;

/**
 * The length of `JSON.stringify(ops)` when every operation is one the defaults record: `{ op, path, value }` in that
 * order (the order JSON.stringify writes), an `add` or a `replace`, with string path and value. Undefined for
 * anything else. Whether the strings need escaping is checked while the text is written.
 */
function plainPatchLength(ops: readonly Operation[]): number | undefined {
  let length = 2 + Math.max(ops.length - 1, 0);
  for (let i = 0; i < ops.length; i++) {
    const operation = ops[i] as { op: unknown; path: unknown; value?: unknown };
    const { op, path, value } = operation;
    if (op !== 'add' && op !== 'replace') return undefined;
    if (typeof path !== 'string' || typeof value !== 'string' || !hasOpPathValueKeys(operation)) return undefined;
    length += OP_FIXED_LENGTH + op.length + path.length + value.length;
  }
  return length;
}

/**
 * base64 of the text of plain-shaped operations, built as a string; undefined when a string needs escaping. One
 * regular expression per string does JSON.stringify's escape scan (about 3 ns a character here,
 * docs/performance.md#mutate). The text is ASCII, so its own UTF-8 and latin1: btoa encodes it.
 */
function base64OfText(ops: readonly Operation[]): string | undefined {
  let json = '[';
  for (let i = 0; i < ops.length; i++) {
    const { op, path, value } = ops[i] as { op: string; path: string; value: string };
    if (NOT_PLAIN.test(path) || NOT_PLAIN.test(value)) return undefined;
    json += `${i === 0 ? '' : ','}${OP_OPEN}${op}${PATH_KEY}${path}${VALUE_KEY}${value}${OP_CLOSE}`;
  }
  return btoa(`${json}]`);
}

/** The same written as bytes into one buffer of the `length` plainPatchLength found: no string per piece. */
function base64OfBytes(ops: readonly Operation[], length: number): string | undefined {
  const bytes = Buffer.allocUnsafe(length);
  let at = 0;
  bytes[at++] = 0x5b; // [
  for (let i = 0; i < ops.length; i++) {
    const { op, path, value } = ops[i] as { op: string; path: string; value: string };
    if (i > 0) bytes[at++] = 0x2c; // ,
    at = writePlain(bytes, writeText(bytes, at, OP_OPEN), op);
    at = writePlain(bytes, writeText(bytes, at, PATH_KEY), path);
    at = writePlain(bytes, writeText(bytes, at, VALUE_KEY), value);
    if (at < 0) return undefined;
    at = writeText(bytes, at, OP_CLOSE);
  }
  bytes[at] = 0x5d; // ]
  return bytes.toString('base64');
}

/** Writes our own punctuation (ASCII) at `at`; the position after it, and −1 stays −1. */
function writeText(bytes: Buffer, at: number, text: string): number {
  if (at < 0) return -1;
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  return at;
}

/** writeText for a string from the object: −1 when a character is one JSON.stringify would escape, or not ASCII. */
function writePlain(bytes: Buffer, at: number, text: string): number {
  if (at < 0) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return -1;
    bytes[at++] = c;
  }
  return at;
}

/** True when the enumerable keys are exactly op, path, value in that order (the order JSON.stringify writes). */
function hasOpPathValueKeys(operation: object): boolean {
  let n = 0;
  for (const key in operation) {
    if (key !== (n === 0 ? 'op' : n === 1 ? 'path' : n === 2 ? 'value' : undefined)) return false;
    n++;
  }
  return n === 3;
}
