// Issue 17 point 9 (docs/webhook.md#tls): TLS 1.2 offers forward-secret AEAD suites only. A real TLS client
// offers exactly one suite per case; the server must refuse static-RSA key exchange and CBC, accept ECDHE+GCM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { startWebhook, type RunningWebhook } from '../support/webhook-server.js';

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
before(async () => {
  wh = await startWebhook({ metricsListener: false });
});
after(() => wh.close());

describe('TLS 1.2 cipher suites', () => {
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
