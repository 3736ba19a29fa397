// Found by the reconciler fault runs: a transient failure must not make the reconciler forget what it owes.
// Two faults, one pass each, between "a topic was removed from the spec" and "it is deleted":
//  - the DELETE itself fails (500), and the status written afterwards must still mark the topic as owned;
//  - the cluster-id lookup (GET /clusters, the first call of a pass) fails, and the failure status must keep
//    the previous mirror marks and offset snapshots instead of replacing them with an empty status.
// Either way the next healthy pass deletes the removed topic, and only that one.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec } from '../../src/clusterlink/types.js';
import { createLinkReconciler } from '../../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileOutcome } from '../../src/reconciler/types.js';
import { SimWorld, startRestSimulator } from '../support/rest-simulator/index.js';

const reconcile = createLinkReconciler({ stopPollBudgetMs: 50, stopPollIntervalMs: 10, requestTimeoutMs: 2_000 });
after(() => reconcile.close());

const spec = (topics: string[]): ClusterLinkSpec => ({
  name: 'lk',
  sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
  mirrorTopics: topics.map((name) => ({ name, state: 'ACTIVE' as const })),
});
const ready = (o: ReconcileOutcome) => o.conditions.find((c) => c.type === 'Ready');

describe('a transient failure does not lose the intent to delete a removed mirror topic', async () => {
  const world = new SimWorld();
  world.addCluster('src', { bootstrap: 'src:9092' });
  for (const t of ['a', 'b', 'c']) world.addTopic('src', t);
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  after(() => sim.close());
  // No clusterId for the local side: every pass starts with GET /clusters.
  const input = (topics: string[], generation: number, previousStatus?: ClusterLink['status']) => ({
    link: { metadata: { name: 'lk', namespace: 'ns', generation }, spec: spec(topics) } as ClusterLink,
    linkName: 'lk',
    local: { endpoint: sim.url },
    credentials: {},
    deleting: false,
    ...(previousStatus ? { previousStatus } : {}),
  });
  const deletes = () => sim.calls.filter((c) => c.method === 'DELETE').map((c) => `${c.path} ${c.status}`);

  await test('set-up: three mirrors, all marked as listed by the spec', async () => {
    const out = await reconcile(input(['a', 'b', 'c'], 1));
    assert.equal(ready(out)?.status, 'True', ready(out)?.message);
    assert.deepEqual(Object.keys(out.status.mirrorTopics ?? {}), ['a', 'b', 'c']);
    assert.ok(Object.values(out.status.mirrorTopics ?? {}).every((m) => m.observedGeneration === 1));

    // "b" leaves the spec; its DELETE fails once.
    sim.failNext({ method: 'DELETE', pathIncludes: '/topics/b', status: 500, errorCode: 50003, message: 'injected' });
    const failedDelete = await reconcile(input(['a', 'c'], 2, out.status));
    assert.equal(ready(failedDelete)?.status, 'False');
    assert.ok(world.clusters.get('dst')?.topics.has('b'));
    assert.deepEqual(deletes(), ['/kafka/v3/clusters/dst/topics/b 500']);
    assert.notEqual(
      failedDelete.status.mirrorTopics?.b?.observedGeneration,
      undefined,
      'b is still marked as ours after the failed delete',
    );

    // A restarted controller (no cached cluster id) fails before it can look at anything: GET /clusters
    // keeps answering 500 through the client's retries.
    sim.failNext({ method: 'GET', status: 500, errorCode: 50003, message: 'injected', times: 3 });
    const restarted = createLinkReconciler({ stopPollBudgetMs: 50, stopPollIntervalMs: 10, requestTimeoutMs: 2_000 });
    const failedLookup = await restarted(input(['a', 'c'], 2, failedDelete.status)).finally(() => restarted.close());
    sim.resetCalls();
    assert.equal(ready(failedLookup)?.reason, 'ClusterIDUnknown');
    assert.deepEqual(
      Object.keys(failedLookup.status.mirrorTopics ?? {}),
      ['a', 'b', 'c'],
      'the failure status keeps the mirrors it knew',
    );
    assert.notEqual(failedLookup.status.mirrorTopics?.b?.observedGeneration, undefined);

    // Healthy again: b is deleted, a and c are untouched.
    const healed = await reconcile(input(['a', 'c'], 2, failedLookup.status));
    assert.equal(ready(healed)?.status, 'True', ready(healed)?.message);
    assert.equal(world.clusters.get('dst')?.topics.has('b'), false);
    assert.ok(world.clusters.get('dst')?.topics.has('a') && world.clusters.get('dst')?.topics.has('c'));
    assert.deepEqual(deletes(), ['/kafka/v3/clusters/dst/topics/b 204']);
    assert.deepEqual(sim.violations, []);
  });
});
