// The TLS face of the server, over real sockets: the certificate has the right SANs and chains to the CA,
// TLS 1.1 is refused, and a replaced certificate file is served on the next handshake without a restart
// (a broken replacement keeps the old one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { createLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import {
  generateCertificateAuthority,
  generateServingCertificate,
  type ServingCertificate,
} from '../../src/tls/generate.js';
import { fileTlsSource, staticTlsSource } from '../../src/tls/source.js';
import { startWebhook, type RunningWebhook } from '../support/webhook-server.js';

interface Handshake {
  cert: PeerCertificate;
  protocol: string | null;
  authorized: boolean;
}

function handshake(port: number, ca: string, extra: Record<string, unknown> = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...extra }, () => {
      const result = {
        cert: socket.getPeerCertificate(),
        protocol: socket.getProtocol(),
        authorized: socket.authorized,
      };
      socket.end();
      resolve(result);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake timed out')));
    socket.on('error', reject);
  });
}

/** Handshakes until `predicate` holds (bounded); returns the last handshake. */
async function handshakeUntil(
  port: number,
  ca: string,
  predicate: (h: Handshake) => boolean,
  limitMs = 10_000,
): Promise<Handshake> {
  const until = Date.now() + limitMs;
  let last = await handshake(port, ca);
  while (!predicate(last) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    last = await handshake(port, ca);
  }
  return last;
}

const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('serving certificate', () => {
  let wh: RunningWebhook;
  let serving: ServingCertificate;
  before(async () => {
    const ca = generateCertificateAuthority();
    serving = generateServingCertificate({
      hosts: ['localhost', '127.0.0.1', 'clusterlink-webhook.confluent.svc'],
      ca,
    });
    wh = await startWebhook({
      tls: staticTlsSource({ certPem: serving.certPem, keyPem: serving.keyPem }),
      ca: serving.caPem,
      metricsListener: false,
    });
  });
  after(() => wh.close());

  test('has the configured names as SANs and chains to the CA', async () => {
    const h = await handshake(wh.port, wh.ca);
    assert.equal(h.authorized, true);
    const sans = (h.cert.subjectaltname ?? '').split(', ').sort();
    assert.deepEqual(sans, ['DNS:clusterlink-webhook.confluent.svc', 'DNS:localhost', 'IP Address:127.0.0.1']);
    const leaf = new X509Certificate(h.cert.raw);
    const ca = new X509Certificate(serving.caPem);
    assert.equal(leaf.checkIssued(ca), true);
    assert.equal(leaf.verify(ca.publicKey), true);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
  });

  test('a client that checks the name against the SANs accepts it for the service name', async () => {
    const h = await handshake(wh.port, wh.ca, { servername: 'clusterlink-webhook.confluent.svc' });
    assert.equal(h.authorized, true);
  });

  test('a name that is not among the SANs is refused by a checking client', async () => {
    await assert.rejects(
      handshake(wh.port, wh.ca, { servername: 'other.example' }),
      (err: NodeJS.ErrnoException) => err.code === 'ERR_TLS_CERT_ALTNAME_INVALID',
    );
  });

  test('a client that does not trust the CA is refused', async () => {
    const other = generateCertificateAuthority();
    await assert.rejects(
      handshake(wh.port, other.certPem),
      /self[- ]signed|unable to verify|UNABLE_TO_VERIFY|certificate/i,
    );
  });

  test('TLS 1.2 is accepted', async () => {
    const h = await handshake(wh.port, wh.ca, { maxVersion: 'TLSv1.2' });
    assert.equal(h.protocol, 'TLSv1.2');
  });

  test('TLS 1.1 is refused by the server', async () => {
    // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all, so the refusal below is the server's, not the client's.
    await assert.rejects(
      handshake(wh.port, wh.ca, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      (err: NodeJS.ErrnoException) => {
        assert.doesNotMatch(String(err.code), /NO_PROTOCOLS_AVAILABLE/, 'the client must actually offer TLS 1.1');
        assert.match(`${err.code} ${err.message}`, /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|protocol version/i);
        return true;
      },
    );
  });
});

describe('certificate hot reload from files', () => {
  let dir: string;
  let caPem: string;
  const certs: ServingCertificate[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlink-tls-'));
    const ca = generateCertificateAuthority();
    caPem = ca.certPem;
    for (let i = 0; i < 3; i++)
      certs.push(generateServingCertificate({ hosts: ['localhost', '127.0.0.1', `gen${i}.example`], ca }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the pair the way a careful writer does: to temp files, then renamed into place. */
  function install(certFile: string, keyFile: string, certPem: string, keyPem: string): void {
    writeFileSync(`${certFile}.tmp`, certPem);
    writeFileSync(`${keyFile}.tmp`, keyPem);
    renameSync(`${keyFile}.tmp`, keyFile);
    renameSync(`${certFile}.tmp`, certFile);
  }

  for (const mode of ['fs.watch', 'polling only'] as const) {
    test(`${mode}: the next handshake presents the new certificate; open connections survive; a broken pair is ignored`, async () => {
      const sub = mkdtempSync(join(dir, 'pair-'));
      const certFile = join(sub, 'tls.crt');
      const keyFile = join(sub, 'tls.key');
      const [a, b, c] = certs as [ServingCertificate, ServingCertificate, ServingCertificate];
      install(certFile, keyFile, a.certPem, a.keyPem);
      const metrics = createMetrics({ defaultMetrics: false });
      const source = await fileTlsSource({
        certFile,
        keyFile,
        logger,
        metrics,
        pollIntervalMs: mode === 'fs.watch' ? 60_000 : 100,
        watch: mode === 'fs.watch',
        debounceMs: 20,
      });
      const wh = await startWebhook({ tls: source, ca: caPem, metricsListener: false });
      const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: caPem });
      const get = (): Promise<{ status: number; reused: boolean }> =>
        new Promise((resolve, reject) => {
          const req = request(`${wh.url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          });
          req.on('error', reject);
          req.end();
        });
      try {
        assert.equal((await handshake(wh.port, caPem)).cert.fingerprint256, fingerprintOf(a.certPem));
        assert.equal((await get()).status, 200);

        install(certFile, keyFile, b.certPem, b.keyPem);
        const afterReload = await handshakeUntil(
          wh.port,
          caPem,
          (h) => h.cert.fingerprint256 === fingerprintOf(b.certPem),
        );
        assert.equal(afterReload.cert.fingerprint256, fingerprintOf(b.certPem));
        assert.match(afterReload.cert.subjectaltname ?? '', /gen1\.example/);
        const again = await get();
        assert.deepEqual(again, { status: 200, reused: true }, 'the connection opened before the reload still serves');

        // A mismatched pair (c's certificate with b's key) must not replace b.
        install(certFile, keyFile, c.certPem, b.keyPem);
        assert.equal(await source.reload(), false);
        assert.equal((await handshake(wh.port, caPem)).cert.fingerprint256, fingerprintOf(b.certPem));
        assert.ok(
          lines.some(
            (l) => l.level === 'error' && /rejected/.test(String(l.msg)) && /does not match/.test(String(l.reason)),
          ),
        );
        // Garbage is ignored too.
        install(certFile, keyFile, 'not a certificate', 'not a key');
        assert.equal(await source.reload(), false);
        assert.equal((await handshake(wh.port, caPem)).cert.fingerprint256, fingerprintOf(b.certPem));
        // Once the pair is whole again it is adopted.
        install(certFile, keyFile, c.certPem, c.keyPem);
        const fixed = await handshakeUntil(wh.port, caPem, (h) => h.cert.fingerprint256 === fingerprintOf(c.certPem));
        assert.equal(fixed.cert.fingerprint256, fingerprintOf(c.certPem));

        const reloads = (await metrics.tlsReloads.get()).values;
        assert.equal(reloads.find((v) => v.labels.result === 'success')?.value, 2);
        assert.ok((reloads.find((v) => v.labels.result === 'error')?.value ?? 0) >= 2);
        assert.equal(
          (await metrics.tlsCertificateExpiry.get()).values[0]?.value,
          new Date(new X509Certificate(c.certPem).validTo).getTime() / 1000,
        );
      } finally {
        agent.destroy();
        source.close();
        await wh.close();
      }
    });
  }

  test('a pair that is broken from the start is refused', async () => {
    const sub = mkdtempSync(join(dir, 'broken-'));
    const [a, b] = certs as [ServingCertificate, ServingCertificate];
    writeFileSync(join(sub, 'tls.crt'), a.certPem);
    writeFileSync(join(sub, 'tls.key'), b.keyPem);
    await assert.rejects(
      fileTlsSource({
        certFile: join(sub, 'tls.crt'),
        keyFile: join(sub, 'tls.key'),
        logger,
        watch: false,
        pollIntervalMs: 0,
      }),
      /does not match/,
    );
    await assert.rejects(
      fileTlsSource({
        certFile: join(sub, 'missing.crt'),
        keyFile: join(sub, 'tls.key'),
        logger,
        watch: false,
        pollIntervalMs: 0,
      }),
      /ENOENT/,
    );
  });
});
