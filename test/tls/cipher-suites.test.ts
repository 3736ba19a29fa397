// Issue 17 point 9 (docs/webhook.md#tls): TLS 1.2 offers forward-secret AEAD suites only. A real TLS client
// offers exactly one suite per case; the server must refuse static-RSA key exchange and CBC, accept ECDHE+GCM,
// with the generated ECDSA P-256 certificate and with an RSA certificate a user provides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import forge from 'node-forge';
import { startWebhook, type RunningWebhook } from '../support/webhook-server.js';
import { staticTlsSource } from '../../src/tls/source.js';

/** A self-signed RSA serving certificate for localhost (what a user may bring; `serve` generates ECDSA). */
function rsaServing(): { certPem: string; keyPem: string } {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '4f01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

function handshake(
  port: number,
  ca: string,
  options: Record<string, unknown>,
): Promise<{ cipher: string; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...options }, () => {
      const result = { cipher: socket.getCipher().standardName, protocol: socket.getProtocol() };
      socket.end();
      resolve(result);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake timed out')));
    socket.on('error', reject);
  });
}

let wh: RunningWebhook;
let ecdsa: RunningWebhook;
before(async () => {
  const rsa = rsaServing();
  wh = await startWebhook({ metricsListener: false, tls: staticTlsSource(rsa, 'rsa'), ca: rsa.certPem });
  ecdsa = await startWebhook({ metricsListener: false });
});
after(async () => {
  await wh.close();
  await ecdsa.close();
});

describe('TLS 1.2 cipher suites (RSA certificate)', () => {
  const refused = [
    { suite: 'AES128-SHA', why: 'static RSA, CBC, SHA-1' },
    { suite: 'AES256-SHA256', why: 'static RSA, CBC' },
    { suite: 'AES128-GCM-SHA256', why: 'static RSA (no forward secrecy)' },
    { suite: 'ECDHE-RSA-AES128-SHA', why: 'CBC with SHA-1' },
    { suite: 'ECDHE-RSA-AES256-SHA384', why: 'CBC' },
  ];
  for (const c of refused) {
    test(`${c.suite} is refused (${c.why})`, async () => {
      await assert.rejects(
        handshake(wh.port, wh.ca, { maxVersion: 'TLSv1.2', ciphers: `${c.suite}@SECLEVEL=0` }),
        (err: NodeJS.ErrnoException) => {
          assert.doesNotMatch(
            String(err.code),
            /NO_CIPHER_MATCH|NO_CIPHERS_AVAILABLE/,
            'the client must offer the suite',
          );
          assert.match(`${err.code} ${err.message}`, /HANDSHAKE_FAILURE|handshake failure|NO_SHARED_CIPHER/i);
          return true;
        },
      );
    });
  }
  const accepted = [
    { suite: 'ECDHE-RSA-AES128-GCM-SHA256', name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' },
    { suite: 'ECDHE-RSA-AES256-GCM-SHA384', name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
    { suite: 'ECDHE-RSA-CHACHA20-POLY1305', name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256' },
  ];
  for (const c of accepted) {
    test(`${c.suite} is accepted`, async () => {
      const h = await handshake(wh.port, wh.ca, { maxVersion: 'TLSv1.2', ciphers: c.suite });
      assert.deepEqual(h, { cipher: c.name, protocol: 'TLSv1.2' });
    });
  }
  test('TLS 1.3 still works', async () => {
    const h = await handshake(wh.port, wh.ca, {});
    assert.equal(h.protocol, 'TLSv1.3');
  });
});

describe('TLS 1.2 cipher suites (the generated ECDSA P-256 certificate)', () => {
  const cases = [
    { suite: 'ECDHE-ECDSA-AES128-GCM-SHA256', accepted: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
    { suite: 'ECDHE-ECDSA-AES256-GCM-SHA384', accepted: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' },
    { suite: 'ECDHE-ECDSA-CHACHA20-POLY1305', accepted: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' },
    { suite: 'ECDHE-ECDSA-AES128-SHA', accepted: undefined },
    { suite: 'ECDHE-ECDSA-AES256-SHA384', accepted: undefined },
  ];
  for (const c of cases) {
    test(`${c.suite} is ${c.accepted ? 'accepted' : 'refused (CBC)'}`, async () => {
      const attempt = handshake(ecdsa.port, ecdsa.ca, { maxVersion: 'TLSv1.2', ciphers: `${c.suite}@SECLEVEL=0` });
      if (c.accepted) assert.deepEqual(await attempt, { cipher: c.accepted, protocol: 'TLSv1.2' });
      else await assert.rejects(attempt, /handshake failure|HANDSHAKE_FAILURE|NO_SHARED_CIPHER/i);
    });
  }
});
