// Failover and deletion with the source cluster's REST API down (docs/reconciler.md, "REST endpoint"): the remote
// cluster id is asked of the remote REST API only to create the link; an existing link gives it itself (or the
// last status does), so FAILOVER reaches mirrors:failover and a deletion completes during a source outage.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileInput, ReconcileOutcome } from '../../../src/reconciler/types.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';

const reconcile = createLinkReconciler({
  requestTimeoutMs: 2_000,
  stopPollBudgetMs: 200,
  stopPollIntervalMs: 10,
  pendingRequeueMs: 50,
});
after(() => reconcile.close());

function cr(spec: ClusterLinkSpec, generation: number, deleting = false): ClusterLink {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: {
      name: 'dr',
      namespace: 'ns',
      uid: 'abcd1234-0000',
      generation,
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec,
  };
}

function ready(o: ReconcileOutcome): string {
  const c = o.conditions.find((x) => x.type === 'Ready');
  return `${c?.status} ${c?.reason}: ${c?.message}`;
}

const spec = (state: 'ACTIVE' | 'FAILOVER'): ClusterLinkSpec => ({
  name: 'dr',
  // no clusterID: the source id is learnt through its REST class
  sourceKafkaCluster: { bootstrapEndpoint: 'src.example:9092', kafkaRestClassRef: { name: 'src-rest' } },
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
  mirrorTopics: [{ name: 'orders', state }],
});

describe('remote (source) REST API down', async () => {
  const world = new SimWorld({ pendingStoppedReads: 1 });
  world.addCluster('src-1', { bootstrap: 'src.example:9092' });
  world.addTopic('src-1', 'orders', { partitions: 2, endOffset: 300 });
  const dest = await startRestSimulator({ world, clusterId: 'dst-1' });
  const src = await startRestSimulator({ world, clusterId: 'src-1' });
  after(() => Promise.all([dest.close(), src.close()]));
  const srcUrl = src.url;
  const base = (link: ClusterLink, previousStatus?: ClusterLinkStatus): ReconcileInput => ({
    link,
    linkName: 'dr',
    local: { endpoint: dest.url },
    remote: { endpoint: srcUrl },
    credentials: {},
    deleting: link.metadata?.deletionTimestamp !== undefined,
    ...(previousStatus ? { previousStatus } : {}),
  });
  let status: ClusterLinkStatus | undefined;

  await test('the link is created while the source REST API answers (its id is needed for the create)', async () => {
    const out = await reconcile(base(cr(spec('ACTIVE'), 1)));
    status = out.status;
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.equal(out.status.sourceKafkaClusterID, 'src-1');
    assert.equal(world.clusters.get('dst-1')?.links.get('dr')?.remoteClusterId, 'src-1');
  });

  await test('source REST down: a resync of the existing link still succeeds, the id comes from the link', async () => {
    await src.close();
    const out = await reconcile(base(cr(spec('ACTIVE'), 1), status));
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.equal(out.status.sourceKafkaClusterID, 'src-1');
    assert.equal(out.failure, undefined);
    // without a status that knew it either, the link's own source_cluster_id is enough
    const fresh = await reconcile(base(cr(spec('ACTIVE'), 1)));
    assert.equal(fresh.status.sourceKafkaClusterID, 'src-1');
    assert.equal(fresh.failure, undefined);
  });

  await test('source REST down: state FAILOVER reaches mirrors:failover and the mirror stops', async () => {
    dest.resetCalls();
    let out = await reconcile(base(cr(spec('FAILOVER'), 2), status));
    status = out.status;
    assert.equal(dest.counts()['POST /kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:failover'], 1);
    for (let i = 0; i < 5 && out.status.mirrorTopics?.['orders']?.status !== 'STOPPED'; i++) {
      out = await reconcile(base(cr(spec('FAILOVER'), 2), status));
      status = out.status;
    }
    assert.equal(out.status.mirrorTopics?.['orders']?.status, 'STOPPED');
    assert.deepEqual(
      out.stoppedMirrors.map((m) => [m.topicName, m.action]),
      [['orders', 'FAILOVER']],
    );
  });

  await test('source REST down: the deletion completes (link deleted, finalized)', async () => {
    let out: ReconcileOutcome | undefined;
    for (let i = 0; i < 5 && out?.finalized !== true; i++) {
      out = await reconcile(base(cr(spec('FAILOVER'), 3, true), status));
      status = out.status;
    }
    assert.equal(out?.finalized, true, out ? ready(out) : 'no pass');
    assert.equal(world.clusters.get('dst-1')?.links.has('dr'), false);
  });

  await test('a link still to be created does need the source id: ClusterIDUnknown while its REST API is down', async () => {
    const out = await reconcile(base({ ...cr(spec('ACTIVE'), 1), spec: { ...spec('ACTIVE'), name: 'other' } }));
    const c = out.conditions.find((x) => x.type === 'Ready');
    assert.equal(c?.reason, 'ClusterIDUnknown');
    assert.equal(out.failure?.retryable, true);
    assert.equal(world.clusters.get('dst-1')?.links.has('dr'), false);
  });

  await test('a remote REST class that cannot be resolved fails only a create, with its own reason', async () => {
    const input = {
      ...base(cr(spec('ACTIVE'), 1)),
      remoteProblem: { reason: 'KafkaRestClassNotFound', message: 'KafkaRestClass ns/src-rest not found' },
    };
    delete (input as Partial<ReconcileInput>).remote;
    const out = await reconcile(input);
    assert.equal(ready(out), 'False KafkaRestClassNotFound: KafkaRestClass ns/src-rest not found');
    assert.equal(out.writeCalls, 0);
  });
});
