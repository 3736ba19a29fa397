// End to end in one process: the controller (real client-node against the fake Kubernetes API) driving the
// real Kafka side (createLinkReconciler) against the Admin REST v3 simulator. ClusterLinks are applied and
// edited as kubectl would; Kafka state, status, KafkaTopic CRs and the finalizer are checked at each step.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { ClusterLink, ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import { KAFKA_TOPIC_ANNOTATIONS, kafkaTopicCrName } from '../../../src/reconciler/controller/kafka-topic.js';
import { FINALIZER } from '../../../src/kube/resources.js';
import { createLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../../support/rest-simulator/index.js';
import { API_VERSION, eventsFor, getLink, linkObject, seedPlainSecret, seedRestClass, waitFor } from './harness.js';

const DST_NS = 'kafka-dst';
const SRC_NS = 'kafka-src';

function mirrorStatus(link: ClusterLink | undefined, topic: string): string | undefined {
  return link?.status?.mirrorTopics?.[topic]?.status;
}

function ready(link: ClusterLink | undefined): string {
  const c = link?.status?.conditions?.find((x) => x.type === 'Ready');
  return `${c?.status} ${c?.reason}`;
}

describe('controller + Kafka side + REST simulator', () => {
  let kube: FakeKubeApi;
  let world: SimWorld;
  let dest: RestSimulator;
  let src: RestSimulator;
  let controller: ClusterLinkController;
  const logLines: string[] = [];
  const reconciler = createLinkReconciler({
    stopPollBudgetMs: 200,
    stopPollIntervalMs: 10,
    pendingRequeueMs: 50,
    sourceInitiatedRetryMs: 3_000,
  });

  before(async () => {
    world = new SimWorld({ pendingStoppedReads: 1 });
    world.addTopic(world.addCluster('src-1', { bootstrap: 'src.example:9092' }).id, 'orders', {
      partitions: 2,
      endOffset: 500,
    });
    world.addTopic('src-1', 'payments', { partitions: 1, endOffset: 7 });
    world.addTopic('src-1', 'invoices', { partitions: 1, endOffset: 90 });
    world.addTopic('src-1', 'events', { partitions: 1, endOffset: 33 });
    dest = await startRestSimulator({
      world,
      clusterId: 'dst-1',
      bootstrap: 'dst.example:9092',
      auth: { basic: { username: 'rest', password: 'rest-pw' } },
    });
    src = await startRestSimulator({ world, clusterId: 'src-1', bootstrap: 'src.example:9092' });
    kube = await startFakeKubeApi();
    seedRestClass(kube, DST_NS, 'dst-rest', dest.url, { username: 'rest', password: 'rest-pw' });
    seedPlainSecret(kube, DST_NS, 'src-plain', 'mirror-user', 'mirror-pw');
    seedRestClass(kube, SRC_NS, 'src-rest', src.url);
    seedRestClass(kube, SRC_NS, 'dst-rest', dest.url, { username: 'rest', password: 'rest-pw' });
    seedPlainSecret(kube, SRC_NS, 'local-plain', 'local', 'local-pw');
    controller = new ClusterLinkController({
      kubeConfig: kube.kubeConfig(),
      linkReconciler: reconciler,
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
      lease: false,
      resyncMs: 150,
      backoff: { baseMs: 30, capMs: 300 },
    });
    controller.start();
  });
  after(async () => {
    await controller.stop();
    reconciler.close();
    await Promise.all([kube.close(), dest.close(), src.close()]);
  });

  /** kubectl edit: a new spec on the stored object (generation bumps, the status stays). */
  function editSpec(namespace: string, name: string, change: (spec: ClusterLinkSpec) => ClusterLinkSpec): void {
    const current = getLink(kube, namespace, name)!;
    kube.seed({
      ...(current as KubeObject),
      spec: change(structuredClone(current.spec ?? {})),
    });
  }

  async function kubectlDelete(namespace: string, name: string): Promise<void> {
    await kube.kubeConfig().makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: 'platform.confluent.io',
      version: 'v1beta1',
      plural: 'clusterlinks',
      namespace,
      name,
    });
  }

  const uid = 'c0ffee42-1111-2222-3333-444444444444';
  const destSpec: ClusterLinkSpec = {
    name: 'lk',
    sourceKafkaCluster: {
      clusterID: 'src-1',
      bootstrapEndpoint: 'src.example:9092',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: DST_NS } },
    mirrorTopicOptions: { prefix: 'dc1.' },
    mirrorTopics: [
      { name: 'dc1.orders', sourceTopicName: 'orders', state: 'ACTIVE' },
      { name: 'dc1.payments', sourceTopicName: 'payments', state: 'ACTIVE' },
      { name: 'dc1.invoices', sourceTopicName: 'invoices', state: 'ACTIVE' },
    ],
  };

  test('destination-initiated: apply creates the link and its mirrors; status and finalizer', async () => {
    kube.seed(linkObject(DST_NS, 'lk', destSpec, { uid }));
    await waitFor(
      () =>
        ['dc1.orders', 'dc1.payments', 'dc1.invoices'].every(
          (t) => mirrorStatus(getLink(kube, DST_NS, 'lk'), t) === 'ACTIVE',
        ),
      'three ACTIVE mirrors in status',
    );
    const link = world.clusters.get('dst-1')?.links.get('lk');
    assert.equal(link?.mode, 'DESTINATION');
    assert.equal(link?.remoteClusterId, 'src-1');
    assert.equal(link?.configs.get('bootstrap.servers'), 'src.example:9092');
    assert.match(link?.configs.get('sasl.jaas.config') ?? '', /username="mirror-user"/);
    assert.equal(link?.configs.get('cluster.link.prefix'), 'dc1.');
    assert.equal(world.clusters.get('dst-1')?.topics.get('dc1.orders')?.mirror?.status, 'ACTIVE');

    const cr = getLink(kube, DST_NS, 'lk')!;
    assert.deepEqual(cr.metadata?.finalizers, [FINALIZER]);
    assert.equal(cr.status?.state, 'CREATED');
    assert.equal(cr.status?.appState, 'Created');
    assert.equal(cr.status?.clusterLinkID, link?.id);
    assert.equal(cr.status?.sourceKafkaClusterID, 'src-1');
    assert.equal(cr.status?.destinationKafkaClusterID, 'dst-1');
    assert.equal(cr.status?.numMirrorTopics, 3);
    assert.equal(cr.status?.observedGeneration, 1);
    assert.equal(ready(cr), 'True Reconciled');
    // events are recorded right after the status write
    await waitFor(
      () => eventsFor(kube, DST_NS, 'lk').filter((e) => e.reason === 'MirrorTopicCreated').length === 3,
      'MirrorTopicCreated events',
    );
    assert.equal(eventsFor(kube, DST_NS, 'lk').filter((e) => e.reason === 'LinkCreated').length, 1);
  });

  test('a quiet resync writes nothing to Kafka or Kubernetes', async () => {
    dest.resetCalls();
    kube.clearRequests();
    const passes = controller.passes;
    await waitFor(() => controller.passes >= passes + 2, 'two resync passes');
    assert.equal(dest.writeCalls(), 0);
    assert.ok(dest.calls.length > 0, 'the resync did read the link');
    assert.deepEqual(
      kube.requests.filter((r) => r.method !== 'GET'),
      [],
    );
  });

  test('edit: pause, then promote; the promoted topic gets a KafkaTopic with the snapshotted offsets', async () => {
    editSpec(DST_NS, 'lk', (s) => ({
      ...s,
      mirrorTopics: s.mirrorTopics?.map((m) => (m.name === 'dc1.orders' ? { ...m, state: 'PAUSE' } : m)),
    }));
    await waitFor(() => mirrorStatus(getLink(kube, DST_NS, 'lk'), 'dc1.orders') === 'PAUSED', 'PAUSED in status');
    assert.equal(world.clusters.get('dst-1')?.topics.get('dc1.orders')?.mirror?.status, 'PAUSED');
    assert.equal(getLink(kube, DST_NS, 'lk')?.status?.observedGeneration, 2);

    editSpec(DST_NS, 'lk', (s) => ({
      ...s,
      mirrorTopics: s.mirrorTopics?.map((m) => (m.name === 'dc1.orders' ? { ...m, state: 'PROMOTE' } : m)),
    }));
    const topicCr = kafkaTopicCrName('dc1.orders', uid);
    assert.equal(topicCr, 'clink-dc1.orders-c0ffee42');
    await waitFor(
      () =>
        kube.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: DST_NS, name: topicCr }) !== undefined,
      'KafkaTopic for dc1.orders',
    );
    await waitFor(() => mirrorStatus(getLink(kube, DST_NS, 'lk'), 'dc1.orders') === 'STOPPED', 'STOPPED in status');
    assert.equal(world.clusters.get('dst-1')?.topics.get('dc1.orders')?.mirror?.status, 'STOPPED');
    const kt = kube.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: DST_NS, name: topicCr })!;
    assert.equal((kt.spec as { name: string }).name, 'dc1.orders');
    assert.equal(kt.metadata?.annotations?.[KAFKA_TOPIC_ANNOTATIONS.action], 'PROMOTE');
    assert.equal(
      kt.metadata?.annotations?.[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets],
      '[{"partition":0,"offset":500},{"partition":1,"offset":501}]',
    );
    assert.match(kt.metadata?.annotations?.[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTime] ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(kt.metadata?.ownerReferences, undefined);
    assert.equal(
      getLink(kube, DST_NS, 'lk')?.status?.mirrorTopics?.['dc1.orders']?.lastSourceFetchOffset !== -1,
      true,
      'the snapshot, not -1',
    );
  });

  test('remove a topic from the spec: it is deleted on the destination', async () => {
    editSpec(DST_NS, 'lk', (s) => ({ ...s, mirrorTopics: s.mirrorTopics?.filter((m) => m.name !== 'dc1.payments') }));
    await waitFor(() => !world.clusters.get('dst-1')?.topics.has('dc1.payments'), 'dc1.payments deleted on Kafka');
    await waitFor(
      () => getLink(kube, DST_NS, 'lk')?.status?.mirrorTopics?.['dc1.payments'] === undefined,
      'dc1.payments gone from status',
    );
    assert.equal(world.clusters.get('dst-1')?.topics.has('dc1.invoices'), true);
  });

  test('REST outage: the condition shows the error, retries back off, recovery converges, nothing is deleted', async () => {
    const topicsBefore = [...(world.clusters.get('dst-1')?.topics.keys() ?? [])].sort();
    dest.resetCalls();
    dest.failNext({ status: 503, errorCode: 50003, message: 'Service unavailable: brokers restarting', times: 5 });
    editSpec(DST_NS, 'lk', (s) => ({ ...s, configs: { 'consumer.offset.sync.ms': '10000' } }));
    await waitFor(
      () =>
        getLink(kube, DST_NS, 'lk')?.status?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'False' && /Service unavailable/.test(c.message ?? ''),
        ) === true,
      'Ready=False with the server message',
    );
    await waitFor(
      () => world.clusters.get('dst-1')?.links.get('lk')?.configs.get('consumer.offset.sync.ms') === '10000',
      'the change applied after recovery',
    );
    await waitFor(() => ready(getLink(kube, DST_NS, 'lk')) === 'True Reconciled', 'Ready again');
    assert.equal(dest.calls.filter((c) => c.status === 503).length, 5);
    assert.deepEqual(
      dest.calls.filter((c) => c.method === 'DELETE'),
      [],
    );
    assert.deepEqual([...(world.clusters.get('dst-1')?.topics.keys() ?? [])].sort(), topicsBefore);
    assert.equal(
      getLink(kube, DST_NS, 'lk')?.status?.observedGeneration,
      getLink(kube, DST_NS, 'lk')?.metadata?.generation,
    );
    const outageEvents = eventsFor(kube, DST_NS, 'lk').filter(
      (e) => e.type === 'Warning' && /Service unavailable/.test(e.message),
    );
    assert.ok(
      outageEvents.length >= 1 && outageEvents.length <= 2,
      `the outage is announced once, not per retry (${outageEvents.length})`,
    );
  });

  test('delete: remaining mirrors are failed over and get KafkaTopics, the link goes, then the finalizer', async () => {
    const promotedCr = kafkaTopicCrName('dc1.orders', uid);
    const promotedRv = kube.getObject({
      apiVersion: API_VERSION,
      kind: 'KafkaTopic',
      namespace: DST_NS,
      name: promotedCr,
    })?.metadata?.resourceVersion;
    await kubectlDelete(DST_NS, 'lk');
    await waitFor(() => getLink(kube, DST_NS, 'lk') === undefined, 'ClusterLink gone');
    assert.equal(world.clusters.get('dst-1')?.links.has('lk'), false, 'link deleted on Kafka');
    const invoices = world.clusters.get('dst-1')?.topics.get('dc1.invoices');
    assert.ok(invoices, 'failed over, not deleted');
    assert.ok(invoices.mirror === undefined || invoices.mirror.status === 'STOPPED', 'a regular topic now');
    assert.ok(
      dest.calls.some((c) => c.method === 'POST' && c.route.endsWith('/mirrors:failover')),
      'failed over through the REST API',
    );
    const kt = kube.getObject({
      apiVersion: API_VERSION,
      kind: 'KafkaTopic',
      namespace: DST_NS,
      name: kafkaTopicCrName('dc1.invoices', uid),
    });
    assert.equal(kt?.metadata?.annotations?.[KAFKA_TOPIC_ANNOTATIONS.action], 'FAILOVER');
    assert.equal(
      kt?.metadata?.annotations?.[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets],
      '[{"partition":0,"offset":90}]',
    );
    assert.equal(
      kube.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: DST_NS, name: promotedCr })?.metadata
        ?.resourceVersion,
      promotedRv,
      'never overwritten',
    );
    assert.ok(dest.calls.some((c) => c.method === 'DELETE' && c.route.endsWith('/links/{link_name}')));
  });

  test('source-initiated pair: Destination-mode CR then Source-mode CR; both links converge; both delete', async () => {
    world.behaviour.destinationPropagationFailures = 1;
    kube.seed(
      linkObject(DST_NS, 'pair-dst', {
        name: 'pair',
        sourceInitiatedLink: { linkMode: 'Destination' },
        sourceKafkaCluster: { clusterID: 'src-1' },
        destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
        mirrorTopics: [{ name: 'events', state: 'ACTIVE' }],
      }),
    );
    await waitFor(
      () => world.clusters.get('dst-1')?.links.get('pair')?.connectionMode === 'INBOUND',
      'INBOUND link on the destination',
    );
    kube.seed(
      linkObject(SRC_NS, 'pair-src', {
        name: 'pair',
        sourceInitiatedLink: { linkMode: 'Source' },
        sourceKafkaCluster: {
          kafkaRestClassRef: { name: 'src-rest' },
          authentication: { type: 'plain', jaasConfig: { secretRef: 'local-plain' } },
        },
        destinationKafkaCluster: { bootstrapEndpoint: 'dst.example:9092', kafkaRestClassRef: { name: 'dst-rest' } },
      }),
    );
    await waitFor(() => ready(getLink(kube, SRC_NS, 'pair-src')) === 'True Reconciled', 'Source half Ready');
    await waitFor(
      () => ready(getLink(kube, DST_NS, 'pair-dst')) === 'True Reconciled',
      'Destination half Ready once its Source half exists',
    );
    const sourceLink = world.clusters.get('src-1')?.links.get('pair');
    assert.equal(sourceLink?.mode, 'SOURCE');
    assert.equal(sourceLink?.remoteClusterId, 'dst-1', 'learned through the destination REST class');
    assert.match(sourceLink?.configs.get('local.sasl.jaas.config') ?? '', /username="local"/);
    assert.equal(mirrorStatus(getLink(kube, DST_NS, 'pair-dst'), 'events'), 'ACTIVE');
    assert.equal(getLink(kube, SRC_NS, 'pair-src')?.status?.destinationKafkaClusterID, 'dst-1');

    await kubectlDelete(DST_NS, 'pair-dst');
    await kubectlDelete(SRC_NS, 'pair-src');
    await waitFor(
      () => getLink(kube, DST_NS, 'pair-dst') === undefined && getLink(kube, SRC_NS, 'pair-src') === undefined,
      'both CRs gone',
    );
    assert.equal(world.clusters.get('dst-1')?.links.has('pair'), false);
    assert.equal(world.clusters.get('src-1')?.links.has('pair'), false);
    assert.deepEqual([...dest.violations, ...src.violations], [], 'no REST contract violations');
  });

  test('no secret value in logs, events, status or KafkaTopics', () => {
    const secrets = ['rest-pw', 'mirror-pw', 'local-pw'];
    const kubeText = JSON.stringify([
      ...kube.listObjects({ apiVersion: 'v1', kind: 'Event' }),
      ...kube.listObjects({ apiVersion: API_VERSION, kind: 'KafkaTopic' }),
      ...kube.listObjects({ apiVersion: API_VERSION, kind: 'ClusterLink' }),
    ]);
    assert.ok(logLines.length > 0);
    for (const secret of secrets) {
      assert.ok(!logLines.some((l) => l.includes(secret)), `${secret} in a log line`);
      assert.ok(!kubeText.includes(secret), `${secret} in a Kubernetes object`);
    }
  });
});
