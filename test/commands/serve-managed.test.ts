// `serve --managed-certs` as a process against the fake API (docs/install.md#managed-certificates): while the
// serving Secret does not exist (here the Lease holder may not create Secrets: 403) the server listens, /healthz
// says 200 and /readyz 503, so the pod gets no traffic and is never restarted; once the Secret appears the same
// process serves it and turns ready.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { generateSelfSignedServing } from '../../src/tls/generate.js';

const NS = 'kafka-admission';

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function served(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

describe('serve --managed-certs before and after its Secret exists', () => {
  let api: FakeKubeApi;
  let dir: string;
  let serve: ServeProcess;

  before(async () => {
    api = await startFakeKubeApi();
    api.intercept((req) =>
      req.method === 'POST' && req.path.endsWith('/secrets')
        ? { status: 403, body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'no create' } }
        : undefined,
    );
    dir = mkdtempSync(join(tmpdir(), 'serve-managed-'));
    // startServeProcess hands clients ca.crt from --cert-dir; in this mode nothing is written there.
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.crt'), generateSelfSignedServing(['localhost']).caPem);
    serve = await startServeProcess({
      certDir: join(dir, 'certs'),
      args: ['--reconciler', 'false', '--managed-certs', '--dns-name', 'localhost', '--tls-reload-interval', '200ms'],
      env: { HOME: dir, KUBECONFIG: api.kubeconfigPath, POD_NAMESPACE: NS, POD_NAME: 'pod-a' },
    });
  });
  after(async () => {
    await serve?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  });

  test('no Secret yet: listening, /healthz 200, /readyz 503 (on both listeners)', async () => {
    await serve.waitForLine((l) => /pass failed/.test(String(l.msg)), 30_000);
    assert.equal(await get(`${serve.url}/healthz`), 200);
    assert.equal(await get(`${serve.url}/readyz`), 503);
    const metrics = await fetch(`${serve.metricsUrl}/readyz`);
    assert.equal(metrics.status, 503);
  });

  test('the Secret appears (another writer): the same process serves it and turns ready', async () => {
    const pair = generateSelfSignedServing(['localhost']);
    api.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: 'clusterlink-webhook-managed-tls',
        namespace: NS,
        labels: { 'app.kubernetes.io/managed-by': 'clusterlink-webhook' },
        annotations: { 'clusterlink-webhook.io/certificate': 'serving' },
      },
      data: {
        'tls.crt': Buffer.from(pair.certPem).toString('base64'),
        'tls.key': Buffer.from(pair.keyPem).toString('base64'),
      },
    });
    await serve.waitForLine((l) => /serving certificate loaded from Secret/.test(String(l.msg)), 30_000);
    assert.equal(await get(`${serve.url}/readyz`), 200);
    assert.equal(await served(serve.url), new X509Certificate(pair.certPem).fingerprint256);
  });
});
