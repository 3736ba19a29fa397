// Soak: certificate rotation under sustained load — SOAK_ROTATIONS rotations (default 40) of the serving
// certificate files while keep-alive and fresh-handshake workers post reviews. Zero failures allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRotationScenario } from './support/rotation-scenario.js';
import { writeResult } from './results.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

const ROTATIONS = Number(process.env.SOAK_ROTATIONS ?? 40);

test(`certificate rotation soak: ${ROTATIONS} rotations under load`, { timeout: 15 * 60_000 }, async () => {
  const { logs, privateKeys, ...figures } = await runRotationScenario({
    rotations: ROTATIONS,
    dwellMs: 500,
    keepAliveWorkers: 4,
    freshWorkers: 4,
    certificates: 4,
  });
  writeResult('cert-rotation', { ...figures, logLinesScanned: logs.length });
  assertNoSecretValues(logs, ...privateKeys.map((k) => ({ 'tls.key': Buffer.from(k) })));
  assert.deepEqual(figures.firstProblems, []);
  assert.equal(figures.failed, 0);
  assert.equal(figures.staleHandshakes, 0);
});
