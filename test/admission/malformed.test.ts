// Malformed input never gets a 500 or kills the server: each case answers its status code with a JSON body
// that says what is wrong, and the server keeps answering real reviews afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterLinkReview,
  httpsCall,
  postReview,
  startWebhook,
  type RunningWebhook,
} from '../support/webhook-server.js';
import { fakeAdmitters } from './fakes.js';

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l1', namespace: 'ns' },
  spec: {},
};
const valid = (): Record<string, any> => clusterLinkReview(LINK);
const withRequest = (patch: (r: Record<string, unknown>) => void): string => {
  const review = valid();
  patch(review.request);
  return JSON.stringify(review);
};
const JSON_CT = { 'content-type': 'application/json' };

interface Case {
  name: string;
  path?: string;
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
}

const CASES: Case[] = [
  { name: 'not JSON', body: 'this is not json', headers: JSON_CT, status: 400, message: /not valid JSON/ },
  {
    name: 'truncated JSON',
    body: JSON.stringify(valid()).slice(0, 40),
    headers: JSON_CT,
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'wrong content type',
    body: JSON.stringify(valid()),
    headers: { 'content-type': 'text/plain' },
    status: 400,
    message: /Content-Type must be application\/json/,
  },
  {
    name: 'no content type',
    body: JSON.stringify(valid()),
    headers: {},
    status: 400,
    message: /Content-Type must be application\/json/,
  },
  {
    name: 'YAML content type',
    body: 'apiVersion: x',
    headers: { 'content-type': 'application/yaml' },
    status: 400,
    message: /Content-Type/,
  },
  { name: 'empty body', body: '', headers: JSON_CT, status: 400, message: /empty/ },
  { name: 'JSON array', body: '[]', headers: JSON_CT, status: 400, message: /JSON object/ },
  { name: 'JSON null', body: 'null', headers: JSON_CT, status: 400, message: /JSON object/ },
  {
    name: 'v1beta1 review',
    body: JSON.stringify({ ...valid(), apiVersion: 'admission.k8s.io/v1beta1' }),
    headers: JSON_CT,
    status: 400,
    message: /apiVersion must be "admission.k8s.io\/v1"/,
  },
  {
    name: 'wrong kind',
    body: JSON.stringify({ ...valid(), kind: 'ConversionReview' }),
    headers: JSON_CT,
    status: 400,
    message: /kind must be "AdmissionReview"/,
  },
  {
    name: 'no request',
    body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
    headers: JSON_CT,
    status: 400,
    message: /request is missing/,
  },
  {
    name: 'no request.uid',
    body: withRequest((r) => delete r.uid),
    headers: JSON_CT,
    status: 400,
    message: /request\.uid/,
  },
  {
    name: 'empty request.uid',
    body: withRequest((r) => (r.uid = '')),
    headers: JSON_CT,
    status: 400,
    message: /request\.uid/,
  },
  {
    name: 'numeric request.uid',
    body: withRequest((r) => (r.uid = 42)),
    headers: JSON_CT,
    status: 400,
    message: /request\.uid/,
  },
  {
    name: 'no request.kind',
    body: withRequest((r) => delete r.kind),
    headers: JSON_CT,
    status: 400,
    message: /request\.kind/,
  },
  {
    name: 'no request.operation',
    body: withRequest((r) => delete r.operation),
    headers: JSON_CT,
    status: 400,
    message: /request\.operation/,
  },
  {
    name: 'dryRun not a boolean',
    body: withRequest((r) => (r.dryRun = 'yes')),
    headers: JSON_CT,
    status: 400,
    message: /dryRun/,
  },
  {
    name: 'ClusterLink CREATE without an object',
    body: withRequest((r) => (r.object = null)),
    headers: JSON_CT,
    status: 400,
    message: /request\.object must be an object/,
  },
  {
    name: 'ClusterLink UPDATE with an array object',
    body: withRequest((r) => Object.assign(r, { operation: 'UPDATE', object: [] })),
    headers: JSON_CT,
    status: 400,
    message: /request\.object/,
  },
  {
    name: 'body over 6 MiB',
    body: Buffer.alloc(6 * 1024 * 1024 + 1, 0x20),
    headers: JSON_CT,
    status: 413,
    message: /larger than 6291456 bytes/,
  },
  {
    name: 'GET on a webhook path',
    path: '/validate',
    method: 'GET',
    status: 404,
    message: /no route for GET \/validate/,
  },
  {
    name: 'unknown path',
    path: '/admit',
    body: JSON.stringify(valid()),
    headers: JSON_CT,
    status: 404,
    message: /no route for POST \/admit/,
  },
];

describe('malformed input', () => {
  let wh: RunningWebhook;
  before(async () => {
    wh = await startWebhook({ admitters: fakeAdmitters() });
  });
  after(() => wh.close());

  for (const path of ['/validate', '/mutate']) {
    for (const c of CASES) {
      if (c.path && c.path !== path && c.path.startsWith('/')) {
        if (path === '/mutate') continue; // path-specific cases run once
      }
      test(`${c.path ?? path}: ${c.name} → ${c.status}`, async () => {
        const res = await httpsCall<{ code: number; message: string }>(wh.url, wh.ca, c.path ?? path, c.body, {
          method: c.method ?? 'POST',
          headers: c.headers ?? {},
        });
        assert.equal(res.status, c.status, res.text);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        assert.equal(res.body.code, c.status);
        assert.match(res.body.message, c.message);
      });
    }
  }

  test('a review just under the body limit (object + oldObject near etcd size) is answered', async () => {
    const big = 'x'.repeat(2_900_000);
    const object = { ...LINK, metadata: { ...LINK.metadata, annotations: { big } } };
    const review = clusterLinkReview(object, { operation: 'UPDATE', oldObject: object });
    const res = await postReview(wh.url, wh.ca, '/validate', review);
    assert.ok(JSON.stringify(review).length < 6 * 1024 * 1024);
    assert.equal(res.status, 200);
    assert.equal(res.body.response.allowed, true);
  });

  test('after all of that the server is healthy and still answers reviews', async () => {
    const health = await httpsCall<{ status: string }>(wh.url, wh.ca, '/healthz');
    assert.equal(health.status, 200);
    assert.equal((await httpsCall(wh.url, wh.ca, '/readyz')).status, 200);
    const res = await postReview(wh.url, wh.ca, '/validate', valid());
    assert.equal(res.status, 200);
    assert.equal(res.body.response.uid, valid().request.uid);
    const errors = await wh.metrics.admissionErrors.get();
    const malformed = errors.values.filter((v) => v.labels.reason === 'malformed').reduce((n, v) => n + v.value, 0);
    const tooLarge = errors.values.filter((v) => v.labels.reason === 'too_large').reduce((n, v) => n + v.value, 0);
    assert.ok(malformed >= 2 * 18, `malformed requests are counted (${malformed})`);
    assert.equal(tooLarge, 2);
  });
});
