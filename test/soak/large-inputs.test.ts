// Deep or huge objects over HTTPS: 10,000 mirror topics (valid, all invalid, and an UPDATE that breaks every
// topic), a 5 MiB body, 1,000 levels of nesting in every kind of place. Each gets a contract-conforming
// answer (no stack overflow, no internal error, no 5xx) and the server stays healthy. Timings are recorded
// by the soak run and docs/reliability.md, not asserted here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAnswer } from './support/answer-contract.js';
import { postRaw } from './support/client.js';
import { nestedJsonText } from './support/review-arbitraries.js';
import { clusterLinkReview, startWebhook, type RunningWebhook } from '../support/webhook-server.js';

const MiB = 1024 * 1024;

/** A destination-initiated link with a prefix, which the rules accept. */
function link(mirrorTopics: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name: 'big-link', namespace: 'links' },
    spec: {
      name: 'big-link',
      sourceKafkaCluster: { bootstrapEndpoint: 'kafka.source.svc:9092', clusterID: 'src-cluster-id' },
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: 'links' } },
      mirrorTopicOptions: { prefix: 'dc1.' },
      mirrorTopics,
    },
    ...extra,
  };
}

const topics = (n: number, name: (i: number) => string, state = 'ACTIVE') =>
  Array.from({ length: n }, (_, i) => ({ name: name(i), state }));

interface Sent {
  status: number;
  /** Size of the answer. */
  bytes: number;
  /** Absent on a 4xx JSON error. */
  response: {
    allowed: boolean;
    status?: { code: number; details?: { causes: unknown[] } };
    warnings?: string[];
    patch?: string;
  };
  kind: string | undefined;
}

describe('deep and huge objects', () => {
  let webhook: RunningWebhook;
  before(async () => {
    webhook = await startWebhook({ logLevel: 'warn' });
  });
  after(async () => {
    await webhook?.close();
  });

  async function send(path: '/validate' | '/mutate', body: string): Promise<Sent> {
    const bytes = Buffer.from(body, 'utf8');
    const res = await postRaw(webhook.url, webhook.ca, path, bytes, {
      contentType: 'application/json',
      timeoutMs: 60_000,
    });
    const verdict = checkAnswer(res.status, res.text, bytes, path);
    assert.deepEqual(verdict.problems, []);
    const parsed = JSON.parse(res.text) as { response?: Sent['response'] };
    return {
      status: res.status,
      bytes: Buffer.byteLength(res.text),
      response: parsed.response ?? { allowed: false },
      kind: verdict.kind,
    };
  }

  test('10,000 valid mirror topics: allowed; mutate patches every sourceTopicName', { timeout: 60_000 }, async () => {
    const review = JSON.stringify(clusterLinkReview(link(topics(10_000, (i) => `dc1.orders-${i}`))));
    const validated = await send('/validate', review);
    assert.equal(validated.response.allowed, true);
    const mutated = await send('/mutate', review);
    assert.equal(mutated.kind, 'allowed');
    const ops = JSON.parse(Buffer.from(mutated.response.patch ?? '', 'base64').toString('utf8')) as unknown[];
    assert.equal(ops.length, 10_000);
  });

  test(
    '10,000 mirror topics that all break the prefix rule: one denial listing them, no internal error',
    { timeout: 60_000 },
    async () => {
      const review = JSON.stringify(clusterLinkReview(link(topics(10_000, (i) => `orders-${i}`))));
      const validated = await send('/validate', review);
      assert.equal(validated.kind, 'denied');
      assert.equal(validated.response.status?.code, 422);
      // The denial stays readable and small: causes are capped (first ones plus a "N more" note), not 10,000.
      const causes = validated.response.status?.details?.causes.length ?? 0;
      assert.ok(causes >= 1 && causes <= 101, `${causes} causes`);
      assert.ok(validated.bytes < 256 * 1024, `a ${validated.bytes}-byte answer`);
    },
  );

  test(
    'an UPDATE moving 10,000 promoted topics back to ACTIVE: denied, no internal error',
    { timeout: 60_000 },
    async () => {
      const object = link(topics(10_000, (i) => `dc1.orders-${i}`, 'ACTIVE'));
      const oldObject = link(topics(10_000, (i) => `dc1.orders-${i}`, 'PROMOTE'));
      const review = JSON.stringify(clusterLinkReview(object, { operation: 'UPDATE', oldObject }));
      const validated = await send('/validate', review);
      assert.equal(validated.kind, 'denied');
      assert.ok(validated.bytes < 256 * 1024, `a ${validated.bytes}-byte answer`);
    },
  );

  test(
    'a 5 MiB body (one huge annotation) is answered on both webhooks; 7 MiB is 413',
    { timeout: 60_000 },
    async () => {
      const big = JSON.stringify(
        clusterLinkReview(
          link([], { metadata: { name: 'big-link', namespace: 'links', annotations: { blob: 'a'.repeat(5 * MiB) } } }),
        ),
      );
      assert.ok(big.length > 5 * MiB);
      assert.equal((await send('/validate', big)).kind, 'allowed');
      assert.equal((await send('/mutate', big)).kind, 'allowed');
      const tooBig = JSON.stringify(
        clusterLinkReview(link([], { metadata: { name: 'big-link', annotations: { blob: 'a'.repeat(7 * MiB) } } })),
      );
      assert.equal((await send('/validate', tooBig)).status, 413);
    },
  );

  const places: Array<[string, (nest: string) => string]> = [
    [
      'an unknown top-level field',
      (nest) => JSON.stringify(clusterLinkReview(link([], { extra: '@' }))).replace('"@"', nest),
    ],
    [
      'spec.configs',
      (nest) =>
        JSON.stringify(
          clusterLinkReview({ ...link([]), spec: { ...(link([]).spec as object), configs: '@' } }),
        ).replace('"@"', nest),
    ],
    [
      'spec.mirrorTopics',
      (nest) =>
        JSON.stringify(
          clusterLinkReview({ ...link([]), spec: { ...(link([]).spec as object), mirrorTopics: '@' } }),
        ).replace('"@"', nest),
    ],
    [
      'metadata.annotations',
      (nest) =>
        JSON.stringify(clusterLinkReview(link([], { metadata: { name: 'big-link', annotations: '@' } }))).replace(
          '"@"',
          nest,
        ),
    ],
    [
      'the oldObject of an UPDATE',
      (nest) =>
        JSON.stringify(clusterLinkReview(link([]), { operation: 'UPDATE', oldObject: '@' })).replace('"@"', nest),
    ],
    ['request.uid', (nest) => JSON.stringify(clusterLinkReview(link([]), { uid: '@' })).replace('"@"', nest)],
  ];
  for (const [where, build] of places) {
    for (const style of ['object', 'array'] as const) {
      test(`1,000 levels of ${style} nesting in ${where}: a contract answer, never an internal error`, async () => {
        for (const path of ['/validate', '/mutate'] as const) {
          const sent = await send(path, build(nestedJsonText(1_000, style)));
          assert.notEqual(sent.kind, 'internal-error', `${path}: ${JSON.stringify(sent.response).slice(0, 200)}`);
        }
      });
    }
  }

  // Found by this suite: defaulting deep-copies the object with structuredClone, which overflows the stack at
  // about 2,000 levels; /validate then denies with an internal error and /mutate skips the defaults. The API
  // server's structural schema prunes unknown nested fields before admission, so this is not reachable
  // through kube-apiserver, but it is a stack overflow on input. Reported; kept as a todo until fixed.
  test('5,000 levels of nesting in an unknown field: answered without an internal error', async () => {
    const sent = await send('/validate', places[0]![1](nestedJsonText(5_000, 'object')));
    assert.notEqual(sent.kind, 'internal-error');
  });

  test('afterwards the server is ready and answers a small review', async () => {
    assert.equal(webhook.server.isReady(), true);
    const sent = await send('/validate', JSON.stringify(clusterLinkReview(link([{ name: 'dc1.a' }]))));
    assert.equal(sent.response.allowed, true);
  });
});
