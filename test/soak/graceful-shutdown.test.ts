// Graceful shutdown under load (docs/webhook.md#the-admissionreview-contract): `clusterlink-webhook serve` runs as a real process while a load
// generator sends small and large reviews over keep-alive and fresh connections; then SIGTERM. Readiness
// fails first, no request in flight at the signal fails, nothing sent while the server still drains fails,
// and the process exits 0. After the listener closes, new connections are refused (the Service has already
// taken the pod out of rotation); those are counted, not failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runShutdownScenario } from './support/shutdown-scenario.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

test(
  'SIGTERM under load: readiness fails first, zero failed in-flight requests, exit 0',
  { timeout: 120_000 },
  async () => {
    const { logs, privateKey, ...figures } = await runShutdownScenario({
      loadMs: 800,
      shutdownDelayMs: 1_500,
      keepAliveWorkers: 3,
      freshWorkers: 2,
    });
    const detail = JSON.stringify(figures);
    assert.equal(figures.exitCode, 0, detail);
    assert.ok(figures.inFlightAtSignal > 0, `the load had requests in flight at the signal: ${detail}`);
    assert.equal(figures.failedInFlight, 0, detail);
    assert.equal(figures.failedDuringDrain, 0, detail);
    assert.deepEqual(figures.firstProblems, []);
    assert.ok(figures.readinessFailedAfterMs !== undefined, detail);
    assert.ok(
      figures.firstFailureAfterMs === undefined || figures.readinessFailedAfterMs < figures.firstFailureAfterMs,
      `readiness must fail before any request does: ${detail}`,
    );
    // Nothing after the close but refusals, resets of connections never accepted, or answers that made it in.
    for (const key of Object.keys(figures.otherAfterClose)) assert.match(key, /^(200|transport.*)$/, detail);
    assert.ok(
      logs.some((l) => /webhook server stopped/.test(l)),
      'the shutdown was logged',
    );
    assert.deepEqual(
      logs.filter((l) => /unhandled promise rejection|"level":"(error|fatal)"/.test(l)),
      [],
    );
    assertNoSecretValues(logs, { 'tls.key': Buffer.from(privateKey) });
  },
);
