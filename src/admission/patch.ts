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

/** base64 of the JSON Patch document, as `response.patch` carries it. */
export const encodePatch = (ops: readonly Operation[]): string =>
  Buffer.from(JSON.stringify(ops), 'utf8').toString('base64');
