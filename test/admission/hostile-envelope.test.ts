// Issue 17 points 5 and 8 (docs/webhook.md#hostile-input): no HTTP 500 for a deeply nested envelope value, no
// fragment of the body in a 400 answer or a log line, and Secret names visible in logs (not "[REDACTED]").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/log.js';
import { createSecretChecker } from '../../src/secrets/checker.js';
import { memorySource } from '../secrets/memory-source.js';
import { clusterLinkReview, postReview, startWebhook, type RunningWebhook } from '../support/webhook-server.js';

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const MARKER = 'hunter2-body-fragment';

const checkerLines: string[] = [];
const checkerLogger = createLogger({
  destination: new Writable({
    write(chunk: Buffer, _enc, cb) {
      checkerLines.push(chunk.toString('utf8'));
      cb();
    },
  }),
});

let webhook: RunningWebhook;
before(async () => {
  const checker = createSecretChecker(memorySource({}), { strict: false, logger: checkerLogger });
  webhook = await startWebhook({ secretChecker: checker });
});
after(async () => {
  await webhook.close();
});

describe('a hostile envelope is a 400 with a message of our own', () => {
  const cases: Array<{ name: string; body: string; message: RegExp }> = [
    {
      name: '10k-deep apiVersion',
      body: `{"apiVersion":${deep(10_000)},"kind":"AdmissionReview"}`,
      message: /apiVersion must be "admission.k8s.io\/v1" \(got an array\)/,
    },
    {
      name: '10k-deep kind',
      body: `{"apiVersion":"admission.k8s.io/v1","kind":${deep(10_000)}}`,
      message: /kind must be "AdmissionReview" \(got an array\)/,
    },
    {
      name: '10k-deep object in kind',
      body: `{"apiVersion":"admission.k8s.io/v1","kind":{"a":${deep(10_000)}}}`,
      message: /got a value of type object/,
    },
    {
      name: 'invalid JSON around a secret-looking token',
      body: `{"apiVersion": ${MARKER}, "request": {}}`,
      message: /^the body is not valid JSON/,
    },
    {
      name: 'truncated JSON',
      body: `{"apiVersion":"${MARKER}"`,
      message: /^the body is not valid JSON \(at byte \d+\)$/,
    },
    {
      name: 'a long apiVersion string is described, not echoed',
      body: JSON.stringify({ apiVersion: `v1 ${MARKER} ${'x'.repeat(100)}`, kind: 'AdmissionReview' }),
      message: /got a string of \d+ characters/,
    },
    {
      name: 'a short wrong apiVersion is echoed (it helps, and it is an identifier)',
      body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' }),
      message: /got "admission.k8s.io\/v1beta1"/,
    },
  ];
  for (const c of cases) {
    for (const path of ['/mutate', '/validate']) {
      test(`${c.name} (${path})`, async () => {
        const res = await postReview(webhook.url, webhook.ca, path, c.body);
        assert.equal(res.status, 400, res.text);
        const { message } = res.body as unknown as { message: string };
        assert.match(message, c.message);
        assert.ok(!res.text.includes(MARKER), res.text);
        assert.ok(!JSON.stringify(webhook.logs()).includes(MARKER));
      });
    }
  }
});

describe('Secret names stay visible in logs', () => {
  test('a failed lookup logs the Secret name in secretName', async () => {
    const link = {
      apiVersion: 'platform.confluent.io/v1beta1',
      kind: 'ClusterLink',
      metadata: { name: 'orders', namespace: 'links' },
      spec: {
        name: 'orders',
        sourceKafkaCluster: {
          bootstrapEndpoint: 'kafka.source.svc:9092',
          clusterID: 'src',
          tls: { enabled: true, secretRef: 'orders-source-tls' },
        },
        destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc', namespace: 'links' } },
      },
    };
    const res = await postReview(webhook.url, webhook.ca, '/validate', clusterLinkReview(link));
    assert.equal(res.status, 200);
    const line = checkerLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'secret lookup failed');
    assert.equal(line?.secretName, 'orders-source-tls');
    assert.ok(!JSON.stringify(line).includes('[REDACTED]'));
  });
});
