// Certificate rotation under load (docs/webhook.md#the-admissionreview-contract: certificate files re-read on change without a restart): while a
// load generator runs, the serving certificate files are replaced several times, by careful and careless
// writers. Zero requests fail, every handshake after a rotation presents the new certificate, and keep-alive
// connections opened before a rotation keep working. The soak run repeats this for longer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRotationScenario } from './support/rotation-scenario.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

test(
  'rotating the certificate files under load: zero failed requests, new handshakes get the new certificate',
  { timeout: 120_000 },
  async () => {
    const { logs, privateKeys, ...figures } = await runRotationScenario({
      rotations: 3,
      dwellMs: 300,
      keepAliveWorkers: 2,
      freshWorkers: 2,
    });
    assert.deepEqual(figures.firstProblems, []);
    assert.equal(figures.failed, 0);
    assert.equal(figures.staleHandshakes, 0, JSON.stringify(figures));
    assert.equal(new Set(figures.presented).size, 3, 'three distinct certificates were served in turn');
    assert.ok(
      figures.freshHandshakes > figures.rotations && figures.keepAliveRequests > figures.rotations,
      JSON.stringify(figures),
    );
    // The reloads were logged, and no serving private key is in any line.
    assert.ok(logs.some((l) => /serving certificate reloaded/.test(l)));
    assertNoSecretValues(logs, ...privateKeys.map((k) => ({ 'tls.key': Buffer.from(k) })));
  },
);
