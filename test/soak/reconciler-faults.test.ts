// Reconciler faults (docs/reconciler.md): the Admin REST v3 simulator fails 30 % of all calls at random, and the
// controller process is SIGKILLed mid-reconcile (while promoting, pausing and deleting) and restarted; the
// soak run kills it twice per run. The end state converges to the spec: listed mirrors in their states, only the
// topics removed from the spec deleted, one KafkaTopic CR per promoted topic, status caught up — and the
// controller's logs hold none of the credentials it used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECONCILER_SECRETS, runReconcilerFaultScenario } from './support/reconciler-fault-scenario.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

test(
  '30 % failing REST calls and a controller kill mid-reconcile: converges, no duplicate KafkaTopic, no stray delete',
  { timeout: 150_000 },
  async () => {
    const figures = await runReconcilerFaultScenario({
      topics: 6,
      failureRate: 0.3,
      kills: 1,
      killDuring: 'edit',
      seed: Number(process.env.HARDENING_SEED ?? 20261124),
      convergeTimeoutMs: 90_000,
    });
    const { logs, ...summary } = figures;
    const detail = JSON.stringify(summary);
    assert.equal(figures.kills, 1, detail);
    assert.ok(figures.injectedFailures > 0, detail);
    assert.deepEqual(figures.mismatches, [], detail);
    assert.equal(figures.converged, true, detail);
    assert.deepEqual(figures.unexpectedDeletes, [], detail);
    assert.equal(figures.duplicateKafkaTopicCrs, 0, detail);
    assert.equal(figures.kafkaTopicCrs.length, 2, detail);
    assert.deepEqual(figures.contractViolations, []);
    assert.ok(logs.length > 0, 'the controller logged');
    assertNoSecretValues(logs, RECONCILER_SECRETS.rest, RECONCILER_SECRETS.sasl);
  },
);
