// The diff-based defaults patch /mutate sent before it recorded its operations while defaulting (issue 20): the
// minimal JSON Patch between two objects (fast-json-patch `compare`), refused unless it only adds and replaces into
// parents that exist and re-applies to exactly the target. Kept for the tests: the oracle the recorded patch is held
// to (test/clusterlink/properties.test.ts) and the patch of the fake admitters (test/admission/fakes.ts).
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { PatchError } from '../../src/admission/patch.js';
import { hasOwn, isDeepEqual, isPlainObject, jsonCopy, pointerSegments } from '../../src/lib/json.js';

const { applyPatch, compare } = fastJsonPatch;

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
 * be reached with adds and replaces only.
 */
export function diffPatch(original: unknown, defaulted: unknown): Operation[] {
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
    applyPatch(work, [op], false, true);
  }
  if (!isDeepEqual(work, to)) throw new PatchError('the computed patch does not reproduce the defaulted object');
  return ops;
}
