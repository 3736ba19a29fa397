// Reconciler metrics (docs/reconciler.md#metrics): controller-runtime's and client-go's names, REST calls by
// endpoint template and code, mirror topics by state, leader status — from a controller run against the fake
// Kubernetes API and from the Kafka side against the REST simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { silentLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import { createReconcilerMetrics, restEndpointOf } from '../../../src/reconciler/controller/metrics.js';
import { WorkQueue } from '../../../src/reconciler/controller/work-queue.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileOutcome } from '../../../src/reconciler/types.js';
import { startFakeKubeApi } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';
import { linkObject, seedRestClass, waitFor } from './harness.js';

async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const v = (metric?.values ?? []).find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value;
}

test('restEndpointOf: names become route templates', () => {
  const cases: [string, string][] = [
    ['/clusters/abc/links/lk/mirrors/orders', '/clusters/{cluster_id}/links/{link_name}/mirrors/{mirror_topic_name}'],
    ['/clusters/abc/links/lk/mirrors:promote', '/clusters/{cluster_id}/links/{link_name}/mirrors:promote'],
    ['/clusters/abc/links/lk/configs:alter', '/clusters/{cluster_id}/links/{link_name}/configs:alter'],
    ['/clusters/abc/links?link_name=lk', '/clusters/{cluster_id}/links'],
    ['/clusters/abc/topics/t1', '/clusters/{cluster_id}/topics/{topic_name}'],
    ['/clusters/abc/links/-/mirrors', '/clusters/{cluster_id}/links/-/mirrors'],
    ['/clusters', '/clusters'],
  ];
  for (const [path, want] of cases) assert.equal(restEndpointOf(path), want, path);
});

test('mirror states add up over links and a deleted link is forgotten', async () => {
  const registry = new Registry();
  const m = createReconcilerMetrics(registry);
  m.setMirrorStates('ns/a', { ACTIVE: 2, STOPPED: 1 });
  m.setMirrorStates('ns/b', { ACTIVE: 1 });
  assert.equal(await value(registry, 'clusterlink_webhook_mirror_topics', { state: 'ACTIVE' }), 3);
  m.setMirrorStates('ns/a', { PAUSED: 2 });
  assert.equal(await value(registry, 'clusterlink_webhook_mirror_topics', { state: 'ACTIVE' }), 1);
  assert.equal(await value(registry, 'clusterlink_webhook_mirror_topics', { state: 'STOPPED' }), undefined);
  m.forgetLink('ns/b');
  assert.equal(await value(registry, 'clusterlink_webhook_mirror_topics', { state: 'ACTIVE' }), undefined);
  assert.equal(await value(registry, 'clusterlink_webhook_mirror_topics', { state: 'PAUSED' }), 2);
});

test('the work queue reports adds, retries and depth', () => {
  const seen = { adds: 0, retries: 0, depth: -1 };
  const q = new WorkQueue(
    { baseMs: 60_000, capMs: 60_000 },
    {
      added: () => void seen.adds++,
      retried: () => void seen.retries++,
      depth: (n) => void (seen.depth = n),
    },
  );
  q.add('a');
  q.add('a'); // already queued: not an add
  q.add('b');
  assert.deepEqual(seen, { adds: 2, retries: 0, depth: 2 });
  q.addRateLimited('c');
  assert.equal(seen.retries, 1);
  q.shutdown();
});

test('REST calls by endpoint template and code, from the Kafka side', async () => {
  const world = new SimWorld();
  world.addCluster('src', { bootstrap: 'src:9092' });
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  const registry = new Registry();
  const m = createReconcilerMetrics(registry);
  const reconcile = createLinkReconciler({ onRestRequest: (method, path, code) => m.observeRest(method, path, code) });
  try {
    await reconcile({
      link: {
        metadata: { name: 'lk', namespace: 'ns', generation: 1 },
        spec: {
          name: 'lk',
          sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
          destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
        },
      },
      linkName: 'lk',
      local: { endpoint: sim.url, clusterId: 'dst' },
      credentials: {},
      deleting: false,
    });
    const get = (labels: Record<string, string>) =>
      value(registry, 'clusterlink_webhook_kafka_rest_requests_total', labels);
    assert.equal(await get({ method: 'GET', endpoint: '/clusters/{cluster_id}/links/{link_name}', code: '404' }), 1);
    assert.equal(
      await get({ method: 'POST', endpoint: '/clusters/{cluster_id}/links', code: '204' }),
      2,
      'preflight + create',
    );
    const text = await registry.metrics();
    assert.ok(!text.includes('"lk"') && !text.includes('dst'), 'no names in labels');
  } finally {
    reconcile.close();
    await sim.close();
  }
});

test('a controller run: reconcile totals by result, reconcile time, queue adds, leader status', async () => {
  const api = await startFakeKubeApi();
  seedRestClass(api, 'ns', 'rest', 'https://dest.example:8090');
  const registry = new Registry();
  const metrics = createReconcilerMetrics(registry);
  let n = 0;
  const outcome = (): ReconcileOutcome => ({
    status: {
      appState: 'Created',
      state: 'CREATED',
      numMirrorTopics: 2,
      mirrorTopics: { a: { status: 'ACTIVE' }, b: { status: 'PAUSED' } },
    },
    conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled' }],
    stoppedMirrors: [],
    events: [],
    writeCalls: 0,
    ...(++n === 1 ? { failure: { message: 'boom', retryable: true } } : {}),
  });
  const controller = new ClusterLinkController({
    kubeConfig: api.kubeConfig(),
    linkReconciler: async () => outcome(),
    logger: silentLogger(),
    lease: false,
    resyncMs: 0,
    backoff: { baseMs: 10, capMs: 20 },
    metrics,
  });
  try {
    controller.start();
    assert.equal(await value(registry, 'leader_election_master_status', { name: 'clusterlink' }), 1);
    api.seed(
      linkObject('ns', 'l1', {
        name: 'l1',
        destinationKafkaCluster: { kafkaRestClassRef: { name: 'rest', namespace: 'ns' } },
        sourceKafkaCluster: { clusterID: 's', bootstrapEndpoint: 's:9092' },
      }),
    );
    await waitFor(
      async () => (await value(registry, 'controller_runtime_reconcile_total', { result: 'success' })) !== undefined,
      'a successful pass',
    );
    assert.equal(
      await value(registry, 'controller_runtime_reconcile_total', { controller: 'clusterlink', result: 'error' }),
      1,
    );
    assert.equal(await value(registry, 'controller_runtime_reconcile_errors_total'), 1);
    assert.ok(((await value(registry, 'workqueue_adds_total', { name: 'clusterlink' })) ?? 0) >= 2);
    assert.equal(await value(registry, 'workqueue_retries_total', { name: 'clusterlink' }), 1);
    assert.equal(await value(registry, 'clusterlink_webhook_mirror_topics', { state: 'PAUSED' }), 1);
    const text = await registry.metrics();
    const count = /^controller_runtime_reconcile_time_seconds_count\{controller="clusterlink"\} (\d+)$/m.exec(text);
    assert.ok(Number(count?.[1]) >= 2, 'reconcile time observed per pass');
  } finally {
    await controller.stop();
    assert.equal(await value(registry, 'leader_election_master_status', { name: 'clusterlink' }), 0);
    await api.close();
  }
});
