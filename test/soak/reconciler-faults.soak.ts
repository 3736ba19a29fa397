// Soak: the reconciler fault scenario repeated SOAK_RECONCILER_RUNS times (default 5) with different seeds,
// more topics and a higher failure rate on some runs. Each run must converge with no stray delete and no
// duplicate KafkaTopic CR; the controller logs hold no credential.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RECONCILER_SECRETS,
  runReconcilerFaultScenario,
  type ReconcilerFaultFigures,
} from './support/reconciler-fault-scenario.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';
import { writeResult } from './results.js';

const RUNS = Number(process.env.SOAK_RECONCILER_RUNS ?? 5);

test(`reconciler fault soak: ${RUNS} runs`, { timeout: 15 * 60_000 }, async () => {
  const runs: Array<Omit<ReconcilerFaultFigures, 'logs'> & { seed: number }> = [];
  let logLines = 0;
  for (let i = 0; i < RUNS; i++) {
    const seed = 1000 + i;
    const { logs, ...figures } = await runReconcilerFaultScenario({
      topics: i % 2 === 0 ? 12 : 20,
      failureRate: i % 2 === 0 ? 0.3 : 0.4,
      kills: 2,
      seed,
      convergeTimeoutMs: 120_000,
    });
    assertNoSecretValues(logs, RECONCILER_SECRETS.rest, RECONCILER_SECRETS.sasl);
    logLines += logs.length;
    runs.push({ seed, ...figures });
  }
  writeResult('reconciler-faults', {
    runs: runs.length,
    kills: runs.reduce((s, r) => s + r.kills, 0),
    restCalls: runs.reduce((s, r) => s + r.restCalls, 0),
    injectedFailures: runs.reduce((s, r) => s + r.injectedFailures, 0),
    converged: runs.filter((r) => r.converged).length,
    unexpectedDeletes: runs.flatMap((r) => r.unexpectedDeletes),
    duplicateKafkaTopicCrs: runs.reduce((s, r) => s + r.duplicateKafkaTopicCrs, 0),
    controllerLogLinesScanned: logLines,
    details: runs.map(({ deleteCalls, ...r }) => ({ ...r, deleteCalls: deleteCalls.length })),
  });
  for (const r of runs) {
    assert.equal(r.converged, true, JSON.stringify(r));
    assert.deepEqual(r.unexpectedDeletes, []);
    assert.equal(r.duplicateKafkaTopicCrs, 0);
  }
});
