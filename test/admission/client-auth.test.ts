// Issue 17 point 4 (docs/webhook.md#forged-reviews): with --client-ca-file, /mutate and /validate answer only a
// caller presenting a certificate the CA signed (the API server, configured by its AdmissionConfiguration);
// anyone else gets a 403 before the body is read. Health routes stay open for kubelet probes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { makeTlsMaterial, makeCertificate, generateKey, EKU } from '../support/pem-fixtures.js';
import { clusterLinkReview, startWebhook, type RunningWebhook } from '../support/webhook-server.js';

const apiServer = makeTlsMaterial({ algorithm: 'ec' });
const stranger = (() => {
  const caKey = generateKey('ec');
  const key = generateKey('ec');

  const certPem = makeCertificate({
    subject: 'intruder',
    key: key.privateKey,
    issuer: { subject: 'Other CA', key: caKey.privateKey },
    extKeyUsage: [EKU.clientAuth],
  });
  return { certPem, keyPem: key.pkcs8Pem };
})();

function call(
  wh: RunningWebhook,
  path: string,
  client?: { certPem: string; keyPem: string },
): Promise<{ status: number; body: string }> {
  const body = path === '/healthz' ? undefined : JSON.stringify(clusterLinkReview({ metadata: { name: 'x' } }));
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, wh.url),
      {
        method: body ? 'POST' : 'GET',
        ca: wh.ca,
        agent: false,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let wh: RunningWebhook;
before(async () => {
  wh = await startWebhook({ clientCaPem: apiServer.caPem, metricsListener: false });
});
after(() => wh.close());

describe('client-certificate authentication of the API server', () => {
  const apiServerClient = { certPem: apiServer.leafPem, keyPem: apiServer.leafKey.pkcs8Pem };
  const cases = [
    { name: 'no certificate', client: undefined, status: 403 },
    { name: 'a certificate from another CA', client: stranger, status: 403 },
    { name: "the API server's certificate", client: apiServerClient, status: 200 },
  ];
  for (const c of cases) {
    for (const path of ['/mutate', '/validate']) {
      test(`${path}: ${c.name} → ${c.status}`, async () => {
        const res = await call(wh, path, c.client);
        assert.equal(res.status, c.status, res.body);
        if (c.status === 403) assert.match(res.body, /client certificate signed by the --client-ca-file CA/);
      });
    }
  }
  test('/healthz needs no certificate (kubelet probes)', async () => {
    assert.equal((await call(wh, '/healthz')).status, 200);
  });
});
