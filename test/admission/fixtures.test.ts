// Golden AdmissionReviews over real HTTPS: each fixture in test/fixtures/admission is POSTed to /mutate and
// /validate of a started server (fake admitters, so the answers do not depend on the rule book) and the
// whole AdmissionReview that comes back is compared with test/fixtures/admission/expected/<case>.json.
// Patches are compared decoded, ordered by path, and applied with an independent library (rfc6902).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyPatch } from 'rfc6902';
import type { Operation } from 'rfc6902';
import { decodePatch, postReview, startWebhook, type RunningWebhook } from '../support/webhook-server.js';
import { fakeAdmitters, type FakeAdmitters } from './fakes.js';

const FIXTURES = new URL('../fixtures/admission/', import.meta.url);
const readJson = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

interface Case {
  name: string;
  /**
   * Whether the rules are consulted (ClusterLink CREATE/UPDATE on the main resource); `validate`: only the validating
   * webhook (the UPDATE of a terminating object, which still meets the update rules).
   */
  inScope: boolean | 'validate';
}

const CASES: Case[] = [
  { name: 'create', inScope: true },
  { name: 'create-invalid', inScope: true },
  { name: 'update', inScope: true },
  { name: 'dry-run', inScope: true },
  { name: 'other-kind', inScope: false },
  { name: 'subresource-status', inScope: false },
  { name: 'deleting', inScope: 'validate' },
  { name: 'delete', inScope: false },
];

const byPath = (ops: Array<{ path: string }>): Array<{ path: string }> =>
  [...ops].sort((a, b) => a.path.localeCompare(b.path));

describe('golden AdmissionReview fixtures over HTTPS', () => {
  let wh: RunningWebhook;
  let fakes: FakeAdmitters;
  before(async () => {
    fakes = fakeAdmitters();
    wh = await startWebhook({ admitters: fakes, logLevel: 'debug' });
  });
  after(() => wh.close());

  for (const c of CASES) {
    test(`${c.name}: /validate and /mutate answer exactly the golden response`, async () => {
      const review = readJson(`${c.name}.json`);
      const expected = readJson(`expected/${c.name}.json`);
      const before = { mutate: fakes.calls.mutate.length, validate: fakes.calls.validate.length };

      const validate = await postReview(wh.url, wh.ca, '/validate', review);
      assert.equal(validate.status, 200);
      assert.match(String(validate.headers['content-type']), /^application\/json/);
      assert.deepEqual(validate.body, expected.validate);

      const mutate = await postReview(wh.url, wh.ca, '/mutate', review);
      assert.equal(mutate.status, 200);
      const { patch: _encoded, ...rest } = mutate.body.response;
      const ops = decodePatch(mutate.body.response);
      const actual = { ...mutate.body, response: ops.length > 0 ? { ...rest, patch: byPath(ops) } : rest };
      const want = expected.mutate.response.patch
        ? {
            ...expected.mutate,
            response: { ...expected.mutate.response, patch: byPath(expected.mutate.response.patch) },
          }
        : expected.mutate;
      assert.deepEqual(actual, want);

      if (ops.length > 0) {
        // An independent JSON Patch implementation must accept every op and reach the defaulted object.
        const target = structuredClone(review.request.object);
        const results = applyPatch(target, ops as Operation[]);
        assert.deepEqual(
          results,
          ops.map(() => null),
        );
        assert.deepEqual(target, expected.mutatedObject);
        // Idempotent: nothing left to change once defaulted.
        const again = await postReview(wh.url, wh.ca, '/mutate', {
          ...review,
          request: { ...review.request, object: target },
        });
        assert.equal(again.body.response.patch, undefined);
        assert.equal(again.body.response.patchType, undefined);
      }

      if (c.inScope === 'validate') {
        assert.equal(fakes.calls.validate.length, before.validate + 1, 'a terminating UPDATE reaches /validate');
        assert.equal(fakes.calls.mutate.length, before.mutate, 'a terminating object is never defaulted');
      } else if (c.inScope) {
        const seenByValidate = fakes.calls.validate.at(-1)!;
        assert.equal(fakes.calls.validate.length, before.validate + 1);
        assert.deepEqual(seenByValidate.object, review.request.object);
        assert.deepEqual(seenByValidate.oldObject, review.request.oldObject);
        assert.equal(seenByValidate.dryRun, review.request.dryRun);
        assert.equal(seenByValidate.uid, review.request.uid);
      } else {
        assert.equal(fakes.calls.validate.length, before.validate, 'out-of-scope review must not reach the rules');
        assert.equal(fakes.calls.mutate.length, before.mutate, 'out-of-scope review must not reach the defaults');
        const logged = wh.logs().filter((l) => l.uid === review.request.uid && l.level === 'debug');
        assert.equal(logged.length, 2, 'one debug line per webhook for an out-of-scope review');
      }
    });
  }

  test('a pre-serialised fixture posted as raw bytes gets the same answer (no client-side re-encoding)', async () => {
    const raw = readFileSync(new URL('create-invalid.json', FIXTURES), 'utf8');
    const res = await postReview(wh.url, wh.ca, '/validate', raw);
    assert.deepEqual(res.body, readJson('expected/create-invalid.json').validate);
  });
});
