// Soak: Kubernetes API faults during admission, SOAK_KUBE_ROUNDS rounds (default 20) over every fault and
// both modes with 8 reviews in flight each. Every answer inside the 2 s budget (server-measured; the client
// view is recorded too), the right warning/denial, and afterwards no Secret value in logs, metrics or answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULTS, PLAIN, TLS, startKubeFaultHarness, type ReviewOutcome } from './support/kube-fault-scenario.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';
import { writeResult } from './results.js';

const ROUNDS = Number(process.env.SOAK_KUBE_ROUNDS ?? 20);

test(
  `Kubernetes API fault soak: ${ROUNDS} rounds × ${FAULTS.length} faults × 2 modes`,
  { timeout: 15 * 60_000 },
  async () => {
    const harness = await startKubeFaultHarness();
    const outcomes: ReviewOutcome[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const fault of FAULTS) {
          for (const strict of [false, true]) {
            const { secured, plain } = await harness.round(fault, strict, 8);
            outcomes.push(...secured, plain);
          }
        }
      }
      const texts = [...(await harness.logsAndMetrics()), ...outcomes.map((o) => o.text)];
      const byFault: Record<string, { reviews: number; maxServerMs: number; maxClientMs: number; overBudget: number }> =
        {};
      for (const o of outcomes) {
        const f = (byFault[`${o.fault}${o.strict ? '/strict' : ''}`] ??= {
          reviews: 0,
          maxServerMs: 0,
          maxClientMs: 0,
          overBudget: 0,
        });
        f.reviews++;
        f.maxServerMs = Math.max(f.maxServerMs, Math.round(o.serverMs ?? Number.POSITIVE_INFINITY));
        f.maxClientMs = Math.max(f.maxClientMs, Math.round(o.ms));
        if ((o.serverMs ?? Number.POSITIVE_INFINITY) >= 2_000) f.overBudget++;
      }
      const problems = outcomes.flatMap((o) => o.problems);
      writeResult('kube-faults', {
        rounds: ROUNDS,
        reviews: outcomes.length,
        problems: problems.length,
        firstProblems: problems.slice(0, 5),
        byFault,
        logLinesAndMetricTextsScanned: texts.length,
      });
      assert.deepEqual(problems.slice(0, 5), []);
      for (const [fault, f] of Object.entries(byFault)) assert.equal(f.overBudget, 0, `${fault}: ${JSON.stringify(f)}`);
      assertNoSecretValues(texts, TLS.secretData, PLAIN);
    } finally {
      await harness.close();
    }
  },
);
