// JSON Patch between the object the API server sent and the defaulted one (docs/rules.md#defaults, docs/webhook.md#the-admissionreview-contract).
// We diff the ORIGINAL request JSON, never a re-serialised typed model, so unknown fields survive.
// The result is checked before it leaves: no `remove` (a default never deletes what the user wrote),
// no `add` into a parent that does not exist, and applying it to the original must give the defaulted object.
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { hasOwn, isDeepEqual, isPlainObject, jsonCopy, pointerSegments } from '../lib/json.js';

const { applyPatch, compare } = fastJsonPatch;

export class PatchError extends Error {
  override name = 'PatchError';
}

/** Does the parent container of `pointer` exist in `doc`? */
function parentExists(doc: unknown, pointer: string): boolean {
  const segments = pointerSegments(pointer).slice(0, -1);
  let node: unknown = doc;
  for (const seg of segments) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isPlainObject(node) && hasOwn(node, seg)) node = node[seg];
    else return false;
    if (node === undefined) return false;
  }
  return typeof node === 'object' && node !== null;
}

/**
 * The minimal patch turning `original` into `defaulted`. Throws PatchError when the defaulted object cannot
 * be reached with adds and replaces only (a defaulting bug: it would delete user data).
 */
export function computeDefaultsPatch(original: unknown, defaulted: unknown): Operation[] {
  const from = jsonCopy(original);
  const to = jsonCopy(defaulted);
  if (!isPlainObject(from) || !isPlainObject(to))
    throw new PatchError('both the original and the defaulted object must be JSON objects');
  const ops = compare(from, to);
  if (ops.length === 0) return [];

  // Verify step by step against a working copy, so "parent exists" is judged where the op applies.
  const work = jsonCopy(from) as Record<string, unknown>;
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'replace')
      throw new PatchError(`defaulting would ${op.op} ${op.path}; only add and replace are allowed`);
    if (op.path === '') throw new PatchError('defaulting would replace the whole object');
    if (!parentExists(work, op.path))
      throw new PatchError(`defaulting would add ${op.path} into a parent that does not exist`);
    // No operation validation: compare() made the ops, their kind and parent are checked above, and the final
    // isDeepEqual catches anything that did not apply as intended.
    applyPatch(work, [op], false, true);
  }
  if (!isDeepEqual(work, to)) throw new PatchError('the computed patch does not reproduce the defaulted object');
  return ops;
}

/** base64 of the JSON Patch document, as `response.patch` carries it. */
export const encodePatch = (ops: readonly Operation[]): string =>
  Buffer.from(JSON.stringify(ops), 'utf8').toString('base64');
