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
  const plain = plainPatchJson(ops);
  // plain text is ASCII, so its own UTF-8 and latin1: btoa encodes it without a Buffer in between
  if (plain !== undefined) return btoa(plain);
  return Buffer.from(JSON.stringify(ops), 'utf8').toString('base64');
}

/** Anything but printable ASCII other than `"` and `\`: a character JSON.stringify would escape, or not ASCII. */
const NOT_PLAIN = /[^\u0020\u0021\u0023-\u005b\u005d-\u007e]/;

/**
 * `JSON.stringify(ops)` for the operations the defaults record (`{ op, path, value }` in that order, strings that
 * need no escaping), built as text; undefined for anything else, which JSON.stringify then encodes. JSON.stringify
 * scans every character of every string for escapes, which was most of a /mutate answer's encoding time
 * (docs/performance.md#mutate); one regular expression per string does that check here.
 */
function plainPatchJson(ops: readonly Operation[]): string | undefined {
  let json = '[';
  for (let i = 0; i < ops.length; i++) {
    const operation = ops[i] as { op: unknown; path: unknown; value?: unknown };
    const { op, path, value } = operation;
    if (op !== 'add' && op !== 'replace') return undefined;
    if (typeof path !== 'string' || typeof value !== 'string' || !hasOpPathValueKeys(operation)) return undefined;
    if (NOT_PLAIN.test(path) || NOT_PLAIN.test(value)) return undefined;
    json += `${i === 0 ? '' : ','}{"op":"${op}","path":"${path}","value":"${value}"}`;
  }
  return `${json}]`;
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
