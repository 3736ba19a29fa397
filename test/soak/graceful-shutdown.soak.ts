// Soak: SIGTERM under load, repeated SOAK_SHUTDOWNS times (default 5) against fresh `serve` processes, with
// and without a shutdown delay. No request in flight at the signal may fail; the process exits 0 each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runShutdownScenario, type ShutdownFigures } from './support/shutdown-scenario.js';
import { writeResult } from './results.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

const RUNS = Number(process.env.SOAK_SHUTDOWNS ?? 5);

test(`graceful shutdown soak: ${RUNS} runs`, { timeout: 15 * 60_000 }, async () => {
  const runs: Array<Omit<ShutdownFigures, 'logs' | 'privateKey'> & { shutdownDelayMs: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const shutdownDelayMs = i % 2 === 0 ? 1_500 : 0;
    const { logs, privateKey, ...figures } = await runShutdownScenario({
      loadMs: 2_000,
      shutdownDelayMs,
      keepAliveWorkers: 4,
      freshWorkers: 2,
    });
    assertNoSecretValues(logs, { 'tls.key': Buffer.from(privateKey) });
    runs.push({ shutdownDelayMs, ...figures });
  }
  const total = (f: (r: Omit<ShutdownFigures, 'logs' | 'privateKey'>) => number): number =>
    runs.reduce((sum, r) => sum + f(r), 0);
  writeResult('graceful-shutdown', {
    runs: runs.length,
    requests: total((r) => r.requests),
    inFlightAtSignal: total((r) => r.inFlightAtSignal),
    failedInFlight: total((r) => r.failedInFlight),
    sentDuringDrain: total((r) => r.sentDuringDrain),
    failedDuringDrain: total((r) => r.failedDuringDrain),
    refusedAfterClose: total((r) => r.refusedAfterClose),
    exitCodes: runs.map((r) => r.exitCode),
    details: runs,
  });
  for (const r of runs) {
    assert.equal(r.exitCode, 0, JSON.stringify(r));
    assert.equal(r.failedInFlight, 0, JSON.stringify(r));
    assert.equal(r.failedDuringDrain, 0, JSON.stringify(r));
    if (r.shutdownDelayMs > 0)
      assert.ok(
        r.readinessFailedAfterMs !== undefined &&
          (r.firstFailureAfterMs === undefined || r.readinessFailedAfterMs < r.firstFailureAfterMs),
        JSON.stringify(r),
      );
  }
});
