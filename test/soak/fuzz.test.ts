// Fuzzing the admission server over HTTPS (docs/webhook.md#the-admissionreview-contract): whatever arrives — random JSON, wrong types in any field,
// huge arrays, deep nesting, odd unicode, prototype-pollution keys, truncated or raw bytes — the answer is a
// 200 AdmissionReview (uid echoed, clean warnings, an applicable patch) or a 4xx JSON error. Never a 5xx, a
// transport error, a hang or an unhandled rejection; Object.prototype is untouched afterwards.
// The soak run (soak/fuzz.soak.ts) does the same with ≥100,000 cases and watches memory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkAnswer } from './support/answer-contract.js';
import { keepAliveAgent, postRaw } from './support/client.js';
import { runFuzz } from './support/fuzz-run.js';
import { fuzzCase } from './support/review-arbitraries.js';
import { startWebhook, type RunningWebhook } from '../support/webhook-server.js';

const CASES = Number(process.env.HARDENING_FUZZ_CASES ?? 400);
const PROPERTY_RUNS = Number(process.env.HARDENING_PROPERTY_RUNS ?? 200);

const prototypeKeys = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();

describe('fuzzing the webhook over HTTPS', () => {
  let webhook: RunningWebhook;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  const keysBefore = prototypeKeys();

  before(async () => {
    process.on('unhandledRejection', onRejection);
    webhook = await startWebhook({ logLevel: 'warn' });
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await webhook?.close();
  });

  test(
    `property: any generated body gets a contract-conforming answer (${PROPERTY_RUNS} runs, shrinking on failure)`,
    { timeout: 120_000 },
    async () => {
      const agent = keepAliveAgent(webhook.ca, 1);
      try {
        await fc.assert(
          fc.asyncProperty(fuzzCase, async (c) => {
            const res = await postRaw(webhook.url, webhook.ca, c.path, c.body, {
              contentType: c.contentType,
              agent,
              timeoutMs: 10_000,
            });
            const verdict = checkAnswer(res.status, res.text, c.body, c.path);
            assert.deepEqual(
              verdict.problems,
              [],
              `${c.family} ${c.path}: ${c.body.subarray(0, 200).toString('utf8')}`,
            );
          }),
          { numRuns: PROPERTY_RUNS },
        );
      } finally {
        agent.destroy();
      }
    },
  );

  test(
    `${CASES} cases with 4 concurrent keep-alive connections: no 5xx, no transport error, no hang`,
    { timeout: 120_000 },
    async () => {
      const figures = await runFuzz({ url: webhook.url, ca: webhook.ca, cases: CASES, concurrency: 4 });
      assert.deepEqual(figures.failures.slice(0, 5), [], `seed ${figures.seed}`);
      assert.equal(figures.cases, CASES);
      assert.equal(
        Object.keys(figures.byStatus).filter((s) => s.startsWith('5') || s === 'transport-error').length,
        0,
        JSON.stringify(figures.byStatus),
      );
      // The generators reach every family and both kinds of answer.
      for (const family of ['review', 'random-json', 'truncated', 'deep', 'raw-bytes'])
        assert.ok((figures.byFamily[family] ?? 0) > 0, `no ${family} case generated`);
      assert.ok(
        (figures.byStatus['200'] ?? 0) > 0 && (figures.byStatus['400'] ?? 0) > 0,
        JSON.stringify(figures.byStatus),
      );
    },
  );

  test('afterwards: no unhandled rejection, Object.prototype unchanged, still healthy and answering', async () => {
    assert.deepEqual(rejections, []);
    assert.deepEqual(prototypeKeys(), keysBefore);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(webhook.server.isReady(), true);
    const body = Buffer.from(
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: {
          uid: 'after-fuzz',
          kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
          operation: 'CREATE',
          object: {},
        },
      }),
    );
    const res = await postRaw(webhook.url, webhook.ca, '/validate', body, { contentType: 'application/json' });
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.text) as { response: { uid: string; allowed: boolean } }).response.allowed, true);
  });
});
