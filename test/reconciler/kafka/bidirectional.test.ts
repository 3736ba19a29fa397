// A bidirectional pair end to end (docs/reconciler.md#bidirectional-links) against two simulated clusters: the
// Inbound half first (waits for its peer), then the Outbound half; mirrors both ways (toDestination pulled into
// the local cluster, toSource pushed to the remote one through its REST API); fail over one direction; delete.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileOutcome, RestTarget } from '../../../src/reconciler/types.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';
import { prunedStatusPaths } from '../../support/structural-prune.js';

describe('bidirectional pair: create → mirror both ways → fail over one direction → delete', async () => {
  const world = new SimWorld({ pendingStoppedReads: 0 });
  const east = await startRestSimulator({ world, clusterId: 'east', bootstrap: 'east:9092' });
  const central = await startRestSimulator({ world, clusterId: 'central', bootstrap: 'central:9092' });
  world.addTopic('central', 'central-orders', { partitions: 2, endOffset: 40 });
  world.addTopic('east', 'east-events', { partitions: 1, endOffset: 7 });
  const reconcile = createLinkReconciler({ stopPollBudgetMs: 30, stopPollIntervalMs: 5, pendingRequeueMs: 20 });
  after(async () => {
    reconcile.close();
    await Promise.all([east.close(), central.close()]);
  });

  // In each CR, destinationKafkaCluster is the local cluster and sourceKafkaCluster the remote one.
  const eastSpec = (ordersState = 'ACTIVE'): ClusterLinkSpec => ({
    name: 'bidi',
    sourceInitiatedLink: { linkMode: 'Bidirectional' },
    sourceKafkaCluster: { bootstrapEndpoint: 'central:9092', kafkaRestClassRef: { name: 'central' } },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'east' } },
    consumerGroupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }],
    mirrorTopics: [
      { name: 'central-orders', direction: 'toDestination', state: ordersState },
      { name: 'east-events', direction: 'toSource' },
    ],
  });
  const centralSpec: ClusterLinkSpec = {
    name: 'bidi',
    sourceInitiatedLink: { linkMode: 'Bidirectional', connectionMode: 'Inbound' },
    sourceKafkaCluster: {
      clusterID: 'east',
      bootstrapEndpoint: 'placeholder:9092',
      kafkaRestClassRef: { name: 'east' },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'central' } },
  };
  const state: Record<string, ClusterLinkStatus | undefined> = {};
  const run = async (who: 'east' | 'central', spec: ClusterLinkSpec, deleting = false): Promise<ReconcileOutcome> => {
    const link: ClusterLink = { metadata: { name: `bidi-${who}`, namespace: 'ns', generation: 1 }, spec };
    const [local, remote]: RestTarget[] =
      who === 'east'
        ? [{ endpoint: east.url }, { endpoint: central.url }]
        : [{ endpoint: central.url }, { endpoint: east.url }];
    const out = await reconcile({
      link,
      linkName: 'bidi',
      local: local!,
      remote: remote!,
      credentials: {},
      deleting,
      ...(state[who] ? { previousStatus: state[who] } : {}),
    });
    state[who] = out.status;
    assert.deepEqual(prunedStatusPaths(out.status), [], 'every status field exists in the CRD schema');
    return out;
  };
  const ready = (o: ReconcileOutcome) => o.conditions.find((c) => c.type === 'Ready');

  await test('the Inbound half first: created, waits for its peer', async () => {
    const out = await run('central', centralSpec);
    const l = world.clusters.get('central')?.links.get('bidi');
    assert.equal(l?.mode, 'BIDIRECTIONAL');
    assert.equal(l?.connectionMode, 'INBOUND');
    assert.equal(l?.remoteClusterId, 'east', 'remote_cluster_id');
    assert.equal(l?.configs.has('bootstrap.servers'), false);
    assert.equal(ready(out)?.reason, 'LinkNotActive');
  });

  await test('the Outbound half: link, a mirror pulled in, a mirror pushed out, status per direction', async () => {
    const out = await run('east', eastSpec());
    assert.equal(ready(out)?.status, 'True', ready(out)?.message);
    assert.equal(world.clusters.get('east')?.links.get('bidi')?.connectionMode, 'OUTBOUND');
    assert.equal(world.clusters.get('east')?.topics.get('central-orders')?.mirror?.linkName, 'bidi');
    assert.equal(
      world.clusters.get('central')?.topics.get('east-events')?.mirror?.linkName,
      'bidi',
      'toSource lives on the remote',
    );
    assert.equal(out.status.mirrorTopics?.['central-orders']?.status, 'ACTIVE');
    assert.equal(out.status.numMirrorTopics, 1);
    assert.equal(out.status.reverseMirrorTopics?.['east-events']?.status, 'ACTIVE');
    assert.equal(out.status.numReverseMirrorTopics, 1);
    assert.deepEqual(out.status.bidirectionalState, {
      sourceToDestinationActive: true,
      destinationToSourceActive: true,
      consumerOffsetSyncEnabled: true,
    });
    assert.ok(out.events.some((e) => e.reason === 'ReverseMirrorTopicCreated'));
    assert.equal(ready(await run('central', centralSpec))?.status, 'True', 'the Inbound half is active now');
    const quiet = await run('east', eastSpec());
    assert.equal(quiet.writeCalls, 0, 'a resync writes nothing on either cluster');
  });

  await test('fail over one direction: only the pulled mirror stops, the pushed one keeps flowing', async () => {
    let out = await run('east', eastSpec('FAILOVER'));
    if (out.status.mirrorTopics?.['central-orders']?.status !== 'STOPPED')
      out = await run('east', eastSpec('FAILOVER'));
    assert.equal(out.status.mirrorTopics?.['central-orders']?.status, 'STOPPED');
    assert.deepEqual(
      out.status.mirrorTopics?.['central-orders']?.lastSourceFetchOffsets?.map((o) => o.offset),
      [40, 41],
    );
    assert.ok(out.stoppedMirrors.some((m) => m.topicName === 'central-orders' && m.action === 'FAILOVER'));
    assert.equal(out.status.reverseMirrorTopics?.['east-events']?.status, 'ACTIVE');
    assert.equal(out.status.bidirectionalState?.sourceToDestinationActive, false);
    assert.equal(out.status.bidirectionalState?.destinationToSourceActive, true);
  });

  await test('delete both halves: pushed mirrors failed over on the remote, each link deleted', async () => {
    let out = await run('east', eastSpec('FAILOVER'), true);
    for (let i = 0; i < 3 && !out.finalized; i++) out = await run('east', eastSpec('FAILOVER'), true);
    assert.equal(out.finalized, true);
    assert.equal(world.clusters.get('east')?.links.has('bidi'), false);
    assert.ok(
      ['PENDING_STOPPED', 'STOPPED'].includes(
        world.clusters.get('central')?.topics.get('east-events')?.mirror?.status ?? '',
      ),
    );
    world.completePendingStops();
    let c = await run('central', centralSpec, true);
    for (let i = 0; i < 3 && !c.finalized; i++) c = await run('central', centralSpec, true);
    assert.equal(c.finalized, true);
    assert.equal(world.clusters.get('central')?.links.has('bidi'), false);
    assert.ok(
      world.clusters.get('central')?.topics.has('east-events'),
      'the failed-over topic stays as a regular topic',
    );
    assert.ok(world.clusters.get('east')?.topics.has('central-orders'));
    assert.deepEqual([...east.violations, ...central.violations], []);
  });
});
