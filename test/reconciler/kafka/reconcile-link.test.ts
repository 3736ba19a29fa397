// The LinkReconciler (client + plan + executor) against the Admin REST simulator, both link types:
// create → mirror → pause → resume → promote → delete, idempotent resyncs, every request and
// response checked against the OpenAPI contract.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileInput, ReconcileOutcome } from '../../../src/reconciler/types.js';
import { clusterLinkResource } from '../../support/builders.js';
import {
  CONTRACT_SKIP_MESSAGE,
  SimWorld,
  startRestSimulator,
  type RestSimulator,
} from '../../support/rest-simulator/index.js';

const reconcile = createLinkReconciler({
  stopPollBudgetMs: 200,
  stopPollIntervalMs: 10,
  pendingRequeueMs: 50,
  sourceInitiatedRetryMs: 3_000,
});
after(() => reconcile.close());

function cr(spec: ClusterLinkSpec, generation = 1): ClusterLink {
  return clusterLinkResource(spec, { name: 'lk', namespace: 'ns', uid: 'abcd1234-0000', generation });
}

/**
 * Run passes the way the controller would: status of one pass is the previousStatus of the next, and the
 * applied-configs record (the annotation, docs/reconciler.md#applied-configs) is carried over too.
 */
async function pass(
  input: Omit<ReconcileInput, 'previousStatus'>,
  prev: { status?: ClusterLinkStatus; applied?: Record<string, string> },
): Promise<ReconcileOutcome> {
  const out = await reconcile({
    ...input,
    previousStatus: prev.status,
    ...(prev.applied ? { appliedConfigs: prev.applied } : {}),
  });
  prev.status = out.status;
  if (out.appliedConfigs) prev.applied = out.appliedConfigs;
  return out;
}

function ready(o: ReconcileOutcome): string {
  const c = o.conditions.find((x) => x.type === 'Ready');
  return `${c?.status} ${c?.reason}: ${c?.message}`;
}

function assertContract(...sims: RestSimulator[]): void {
  for (const s of sims) assert.deepEqual(s.violations, [], 'the simulator saw OpenAPI contract violations');
}

describe('destination-initiated link lifecycle', async () => {
  const world = new SimWorld({ pendingStoppedReads: 1 });
  world.addCluster('src-1', { bootstrap: 'src.example:9092' });
  world.addTopic('src-1', 'orders', { partitions: 2, endOffset: 500 });
  world.addTopic('src-1', 'payments', { partitions: 1, endOffset: 7 });
  const dest = await startRestSimulator({ world, clusterId: 'dst-1' });
  after(() => dest.close());
  if (!dest.contractChecked) console.log(CONTRACT_SKIP_MESSAGE);

  const spec: ClusterLinkSpec = {
    name: 'lk',
    sourceKafkaCluster: {
      clusterID: 'src-1',
      bootstrapEndpoint: 'src.example:9092',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'jaas' } },
      tls: { enabled: true, secretRef: 'tls' },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' } },
    mirrorTopicOptions: { prefix: 'dc1.' },
    consumerGroupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }],
    mirrorTopics: [
      { name: 'dc1.orders', sourceTopicName: 'orders', state: 'ACTIVE', replicationFactor: 3 },
      { name: 'dc1.payments', sourceTopicName: 'payments', state: 'ACTIVE' },
    ],
  };
  const base = {
    linkName: 'lk',
    local: { endpoint: dest.url },
    credentials: {
      source: {
        plain: { username: 'u', password: 'p"w' },
        tls: { cacertsPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
      },
    },
    deleting: false,
  };
  const prev: { status?: ClusterLinkStatus } = {};

  await test('create: link with derived configs, then the mirrors', async () => {
    const out = await pass({ ...base, link: cr(spec) }, prev);
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.equal(out.status.appState, 'Created');
    assert.equal(out.status.state, 'CREATED');
    assert.equal(out.status.sourceKafkaClusterID, 'src-1');
    assert.equal(out.status.destinationKafkaClusterID, 'dst-1', 'discovered with GET /clusters');
    assert.equal(out.status.numMirrorTopics, 2);
    assert.deepEqual(out.status.mirrorTopics?.['dc1.orders'], {
      sourceTopicName: 'orders',
      replicationFactor: 3,
      status: 'ACTIVE',
      observedGeneration: 1,
    });
    assert.match(out.status.clusterLinkID ?? '', /^.{22}$/);
    assert.equal(out.writeCalls, 3);
    const link = world.clusters.get('dst-1')?.links.get('lk');
    assert.equal(link?.configs.get('security.protocol'), 'SASL_SSL');
    assert.equal(
      link?.configs.get('sasl.jaas.config'),
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p\\"w";',
    );
    assert.equal(
      link?.configs.get('consumer.offset.group.filters'),
      '{"groupFilters":[{"name":"*","patternType":"LITERAL","filterType":"INCLUDE"}]}',
    );
    assert.equal(out.conditions.find((c) => c.type === 'LinkTasksHealthy')?.status, 'True');
    assertContract(dest);
  });

  await test('resync with nothing to change makes no writing call', async () => {
    dest.resetCalls();
    const out = await pass({ ...base, link: cr(spec) }, prev);
    assert.equal(out.writeCalls, 0);
    assert.equal(dest.writeCalls(), 0);
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assertContract(dest);
  });

  await test('a mirror the server auto-created is reported but never deleted', async () => {
    world.addTopic('src-1', 'auto');
    world.createMirror('dst-1', 'lk', { source_topic_name: 'auto' });
    for (let i = 0; i < 2; i++) {
      const out = await pass({ ...base, link: cr(spec) }, prev);
      assert.equal(out.writeCalls, 0);
      assert.deepEqual(out.status.mirrorTopics?.['dc1.auto'], { sourceTopicName: 'auto', status: 'ACTIVE' });
    }
    assert.ok(world.clusters.get('dst-1')?.topics.has('dc1.auto'));
    world.deleteTopic('dst-1', 'dc1.auto');
  });

  await test('pause one mirror with one batched call, then resume it', async () => {
    const paused = { ...spec, mirrorTopics: spec.mirrorTopics?.map((m) => ({ ...m, state: 'PAUSE' })) };
    dest.resetCalls();
    let out = await pass({ ...base, link: cr(paused, 2) }, prev);
    assert.equal(dest.counts()['POST /kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:pause'], 1);
    assert.equal(out.status.mirrorTopics?.['dc1.orders']?.status, 'PAUSED');
    assert.equal(out.status.mirrorTopics?.['dc1.payments']?.status, 'PAUSED');
    out = await pass({ ...base, link: cr(spec, 3) }, prev);
    assert.equal(out.status.mirrorTopics?.['dc1.orders']?.status, 'ACTIVE');
    assert.equal(out.writeCalls, 1);
    assertContract(dest);
  });

  await test('config change: only the differing owned config is altered', async () => {
    const changed: ClusterLinkSpec = {
      ...spec,
      consumerGroupFilters: [{ name: 'app-', patternType: 'PREFIXED', filterType: 'INCLUDE' }],
      configs: { 'consumer.offset.sync.ms': '10000' },
    };
    dest.resetCalls();
    const out = await pass({ ...base, link: cr(changed, 4) }, prev);
    assert.equal(out.writeCalls, 1);
    assert.equal(dest.counts()['PUT /kafka/v3/clusters/{cluster_id}/links/{link_name}/configs:alter'], 1);
    const link = world.clusters.get('dst-1')?.links.get('lk');
    assert.equal(link?.configs.get('consumer.offset.sync.ms'), '10000');
    assert.match(link?.configs.get('consumer.offset.group.filters') ?? '', /app-/);
    const again = await pass({ ...base, link: cr(changed, 4) }, prev);
    assert.equal(again.writeCalls, 0);
    assertContract(dest);
  });

  await test('promote: offsets snapshotted before the stop, requeue while PENDING_STOPPED, then STOPPED', async () => {
    world.behaviour.pendingStoppedReads = 1000; // stays pending for this pass
    const promoted: ClusterLinkSpec = {
      ...spec,
      mirrorTopics: [{ ...spec.mirrorTopics![0]!, state: 'PROMOTE' }, spec.mirrorTopics![1]!],
    };
    let out = await pass({ ...base, link: cr(promoted, 5) }, prev);
    assert.equal(out.status.mirrorTopics?.['dc1.orders']?.status, 'PENDING_STOPPED');
    assert.equal(out.requeueAfterMs, 50);
    assert.equal(ready(out).split(':')[0], 'False MirrorsStopping');
    world.completePendingStops();
    world.behaviour.pendingStoppedReads = 1;
    out = await pass({ ...base, link: cr(promoted, 5) }, prev);
    assert.equal(out.writeCalls, 0, 'no second promote');
    assert.equal(out.requeueAfterMs, undefined);
    assert.equal(out.status.mirrorTopics?.['dc1.orders']?.status, 'STOPPED');
    assert.equal(out.status.mirrorTopics?.['dc1.orders']?.lastSourceFetchOffset, 501, 'kept from the snapshot, not -1');
    assert.deepEqual(
      out.stoppedMirrors.map((m) => [m.topicName, m.action, m.lastSourceFetchOffsets]),
      [
        [
          'dc1.orders',
          'PROMOTE',
          [
            { partition: 0, offset: 500 },
            { partition: 1, offset: 501 },
          ],
        ],
      ],
    );
    assertContract(dest);
  });

  await test('a removed mirror is deleted (deleteRemovedMirrorTopics default)', async () => {
    const removed: ClusterLinkSpec = { ...spec, mirrorTopics: [{ ...spec.mirrorTopics![0]!, state: 'PROMOTE' }] };
    const out = await pass({ ...base, link: cr(removed, 6) }, prev);
    assert.equal(
      out.events.some((e) => e.reason === 'MirrorTopicDeleted' && e.message.includes('dc1.payments')),
      true,
    );
    assert.equal(world.clusters.get('dst-1')?.topics.has('dc1.payments'), false);
    assertContract(dest);
  });

  await test('deletion: fail over live mirrors, hand over, then delete the link', async () => {
    // Another live mirror to fail over.
    const withNew: ClusterLinkSpec = {
      ...spec,
      mirrorTopics: [{ ...spec.mirrorTopics![0]!, state: 'PROMOTE' }, spec.mirrorTopics![1]!],
    };
    await pass({ ...base, link: cr(withNew, 7) }, prev);
    assert.equal(prev.status?.mirrorTopics?.['dc1.payments']?.status, 'ACTIVE');
    let out = await pass({ ...base, link: cr(withNew, 7), deleting: true }, prev);
    assert.equal(out.finalized, false);
    assert.equal(out.requeueAfterMs, 50);
    assert.equal(out.status.mirrorTopics?.['dc1.payments']?.status, 'STOPPED');
    assert.ok(
      out.stoppedMirrors.some(
        (m) => m.topicName === 'dc1.payments' && m.action === 'FAILOVER' && m.lastSourceFetchOffsets?.[0]?.offset === 7,
      ),
    );
    assert.ok(world.clusters.get('dst-1')?.links.has('lk'), 'link kept until the hand-over is recorded');
    out = await pass({ ...base, link: cr(withNew, 7), deleting: true }, prev);
    assert.equal(out.finalized, true);
    assert.equal(out.status.appState, 'Deleted');
    assert.equal(world.clusters.get('dst-1')?.links.has('lk'), false);
    assert.ok(world.clusters.get('dst-1')?.topics.has('dc1.orders'), 'promoted topics survive');
    const gone = await pass({ ...base, link: cr(withNew, 7), deleting: true }, prev);
    assert.equal(gone.finalized, true);
    assert.equal(gone.writeCalls, 0);
    assertContract(dest);
  });
});

describe('source-initiated link pair across two clusters', async () => {
  const world = new SimWorld({ pendingStoppedReads: 0, destinationPropagationFailures: 1 });
  const src = await startRestSimulator({ world, clusterId: 'src-2', bootstrap: 'src2.example:9092' });
  const dst = await startRestSimulator({ world, clusterId: 'dst-2', bootstrap: 'dst2.example:9092' });
  world.addTopic('src-2', 'events', { partitions: 1, endOffset: 33 });
  after(() => Promise.all([src.close(), dst.close()]));

  const destSpec: ClusterLinkSpec = {
    name: 'pair',
    sourceInitiatedLink: { linkMode: 'Destination' },
    sourceKafkaCluster: { clusterID: 'src-2' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst' } },
    aclFilters: [
      {
        resourceFilter: { resourceType: 'any', patternType: 'any' },
        accessFilter: { operation: 'any', permissionType: 'any' },
      },
    ],
    mirrorTopics: [{ name: 'events', state: 'ACTIVE' }],
  };
  const srcSpec: ClusterLinkSpec = {
    name: 'pair',
    sourceInitiatedLink: { linkMode: 'Source' },
    sourceKafkaCluster: {
      kafkaRestClassRef: { name: 'src' },
      authentication: { type: 'plain', jaasConfig: { secretRef: 'local' } },
    },
    destinationKafkaCluster: {
      bootstrapEndpoint: 'dst2.example:9092',
      kafkaRestClassRef: { name: 'dst' },
      authentication: { type: 'mtls' },
      tls: { enabled: true, secretRef: 'tls' },
    },
  };
  const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----`;
  const destInput = { linkName: 'pair', local: { endpoint: dst.url }, credentials: {}, deleting: false };
  const srcInput = {
    linkName: 'pair',
    local: { endpoint: src.url },
    remote: { endpoint: dst.url },
    credentials: {
      source: { plain: { username: 'local', password: 'secret' } },
      destination: {
        tls: { fullchainPem: pem('CERTIFICATE'), privkeyPem: pem('PRIVATE KEY'), cacertsPem: pem('CERTIFICATE') },
      },
    },
    deleting: false,
  };
  const dPrev: { status?: ClusterLinkStatus } = {};
  const sPrev: { status?: ClusterLinkStatus } = {};

  await test('Destination half first: INBOUND link with the behaviour configs and mirrors, waiting for its Source half', async () => {
    const out = await pass({ ...destInput, link: cr(destSpec) }, dPrev);
    const link = world.clusters.get('dst-2')?.links.get('pair');
    assert.equal(link?.connectionMode, 'INBOUND');
    assert.equal(link?.configs.get('acl.sync.enable'), 'true');
    assert.equal(link?.configs.has('bootstrap.servers'), false);
    assert.equal(out.status.numMirrorTopics, 1);
    assert.match(ready(out), /^False LinkNotActive: link state UNAVAILABLE/);
    assertContract(src, dst);
  });

  await test('Source half: retries the transient 400, SOURCE/OUTBOUND with remote mTLS and local.* SASL', async () => {
    const out = await pass({ ...srcInput, link: cr(srcSpec) }, sPrev);
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.equal(out.status.sourceKafkaClusterID, 'src-2');
    assert.equal(out.status.destinationKafkaClusterID, 'dst-2', 'learned from the destination REST class');
    const posts = src.calls.filter((c) => c.method === 'POST' && c.route.endsWith('/links'));
    assert.deepEqual(
      posts.map((c) => c.status),
      [400, 204],
    );
    const link = world.clusters.get('src-2')?.links.get('pair');
    assert.equal(link?.mode, 'SOURCE');
    assert.equal(link?.configs.get('security.protocol'), 'SSL');
    assert.equal(link?.configs.get('ssl.keystore.type'), 'PEM');
    assert.equal(link?.configs.get('local.security.protocol'), 'SASL_PLAINTEXT');
    assert.match(link?.configs.get('local.sasl.jaas.config') ?? '', /username="local"/);
    assert.equal(link?.configs.has('cluster.link.prefix'), false);
    const again = await pass({ ...srcInput, link: cr(srcSpec) }, sPrev);
    assert.equal(again.writeCalls, 0);
    assertContract(src, dst);
  });

  await test('Destination half is now Ready; mirror pause → resume → promote', async () => {
    let out = await pass({ ...destInput, link: cr(destSpec) }, dPrev);
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    out = await pass(
      { ...destInput, link: cr({ ...destSpec, mirrorTopics: [{ name: 'events', state: 'PAUSE' }] }) },
      dPrev,
    );
    assert.equal(out.status.mirrorTopics?.events?.status, 'PAUSED');
    out = await pass({ ...destInput, link: cr(destSpec) }, dPrev);
    assert.equal(out.status.mirrorTopics?.events?.status, 'ACTIVE');
    out = await pass(
      { ...destInput, link: cr({ ...destSpec, mirrorTopics: [{ name: 'events', state: 'PROMOTE' }] }) },
      dPrev,
    );
    assert.equal(out.status.mirrorTopics?.events?.status, 'STOPPED');
    assert.equal(out.stoppedMirrors[0]?.lastSourceFetchOffsets?.[0]?.offset, 33);
    const again = await pass(
      { ...destInput, link: cr({ ...destSpec, mirrorTopics: [{ name: 'events', state: 'PROMOTE' }] }) },
      dPrev,
    );
    assert.equal(again.writeCalls, 0);
    assertContract(src, dst);
  });

  await test('deletion of both halves', async () => {
    const spec = { ...destSpec, mirrorTopics: [{ name: 'events', state: 'PROMOTE' }] };
    let out = await pass({ ...destInput, link: cr(spec), deleting: true }, dPrev);
    assert.equal(out.finalized, true, 'all mirrors already STOPPED and recorded');
    out = await pass({ ...srcInput, link: cr(srcSpec), deleting: true }, sPrev);
    assert.equal(out.finalized, true);
    assert.equal(world.clusters.get('src-2')?.links.size, 0);
    assert.equal(world.clusters.get('dst-2')?.links.size, 0);
    assertContract(src, dst);
  });
});
