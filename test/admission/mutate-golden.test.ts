// /mutate answers byte for byte what the diff-based patch answered (test/fixtures/mutate/README.md): the admitter's
// patch for every case of test/fixtures/mutate/cases.ts, and the whole HTTPS response for each admission fixture.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { admissionFixtureCases, mutateCases } from '../support/mutate-goldens/cases.js';
import { goldenOf, type MutateGolden, type MutateThrows } from '../support/mutate-goldens/golden.js';
import { postReview, startWebhook, type RunningWebhook } from '../support/webhook-server.js';

const readJson = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/mutate/${name}`, import.meta.url), 'utf8')) as T;
const GOLDENS = readJson<Record<string, MutateGolden | MutateThrows>>('goldens.json');
const HTTP = readJson<Record<string, string>>('http.json');

describe('/mutate goldens (recorded from the diff-based patch)', () => {
  const cases = mutateCases();

  test('every case has a golden and every golden a case', () => {
    assert.deepEqual(cases.map((c) => c.name).sort(), Object.keys(GOLDENS).sort());
  });

  for (const c of cases) {
    test(c.name, async () => {
      const want = GOLDENS[c.name];
      assert.ok(want, `no golden for ${c.name}`);
      const got = await goldenOf(c);
      if ('throws' in want) {
        // only the request object that is not an object throws (the scope check keeps it from the admitter)
        assert.ok('throws' in got, `expected a throw, got ${JSON.stringify(got)}`);
        assert.match(got.throws, /^PatchError: /);
        return;
      }
      assert.deepEqual(got, want);
    });
  }
});

describe('/mutate over HTTPS: the whole response body, byte for byte', () => {
  let wh: RunningWebhook;
  before(async () => {
    wh = await startWebhook();
  });
  after(() => wh.close());

  for (const c of admissionFixtureCases()) {
    test(c.name, async () => {
      const body = readFileSync(new URL(`../fixtures/${c.name}`, import.meta.url), 'utf8');
      const res = await postReview(wh.url, wh.ca, '/mutate', body);
      assert.equal(res.status, 200);
      assert.equal(res.text, HTTP[c.name]);
    });
  }
});
