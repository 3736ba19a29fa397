// Kubernetes API failure during admission (docs/rules.md#secret-checks, docs/webhook.md#the-admissionreview-contract): with the API black-holed, slow, 403, 500, refusing
// connections or unroutable, every review — several at once — is answered inside the 2 s budget (the server's
// own measure), with a warning (default) or a denial (strict) naming the Secret; a review that needs no Secret
// never waits behind the lookups; and no Secret value reaches a log line, a metric or an answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAULTS,
  PLAIN,
  TLS,
  startKubeFaultHarness,
  type KubeFaultHarness,
  type ReviewOutcome,
} from './support/kube-fault-scenario.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

const BUDGET_MS = 2_000;
const CONCURRENT = 4;

describe('Kubernetes API faults during admission', () => {
  let harness: KubeFaultHarness;
  const answers: ReviewOutcome[] = [];
  before(async () => {
    harness = await startKubeFaultHarness();
  });
  after(async () => {
    await harness?.close();
  });

  for (const fault of FAULTS) {
    for (const strict of [false, true]) {
      test(
        `${fault}, ${strict ? 'strict' : 'default'} mode: ${fault === 'healthy' ? 'allowed, no Secret warning' : strict ? 'denied naming the Secret' : 'allowed with a warning'}; within the budget`,
        { timeout: 30_000 },
        async () => {
          const { secured, plain, plainFinishedFirst } = await harness.round(fault, strict, CONCURRENT);
          answers.push(...secured, plain);
          for (const outcome of [...secured, plain]) {
            assert.deepEqual(outcome.problems, [], outcome.text.slice(0, 300));
            assert.ok(
              outcome.serverMs !== undefined && outcome.serverMs < BUDGET_MS,
              `answered in ${outcome.serverMs} ms (server) / ${Math.round(outcome.ms)} ms (client)`,
            );
          }
          assert.equal(plain.allowed, true);
          for (const outcome of secured) {
            const secretWarnings = outcome.warnings.filter((w) => /secret/.test(w));
            if (fault === 'healthy') {
              assert.equal(outcome.allowed, true, outcome.causes.join('; '));
              assert.deepEqual(secretWarnings, []);
            } else if (strict) {
              assert.equal(outcome.allowed, false);
              assert.ok(
                outcome.causes.some((c) =>
                  /secret "?.*(unreadable|timed out|not found).*strict secret checking|strict secret checking/.test(c),
                ),
                outcome.causes.join('; '),
              );
            } else {
              assert.equal(outcome.allowed, true, outcome.causes.join('; '));
              assert.ok(
                secretWarnings.some((w) => /secret "link-(tls|plain)" unreadable/.test(w)),
                outcome.warnings.join('; '),
              );
            }
          }
          if (fault === 'black-hole' || fault === 'slow')
            assert.ok(plainFinishedFirst, 'the review without Secrets must not wait behind the lookups');
        },
      );
    }
  }

  test('afterwards: no Secret value in any log line, metric or answer', async () => {
    assert.ok(answers.length >= FAULTS.length * 2 * CONCURRENT);
    const texts = [...(await harness.logsAndMetrics()), ...answers.map((a) => a.text)];
    assert.ok(
      texts.some((t) => /secret lookup failed/.test(t)),
      'the failed lookups were logged',
    );
    assertNoSecretValues(texts, TLS.secretData, PLAIN);
  });
});
