// How the LinkReconciler reports trouble: the server's message in Ready, link tasks in error as a
// condition, per-item errors of batched actions, unreachable clusters, 409 races, unsupported modes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec } from '../../src/clusterlink/types.js';
import type { KafkaRestClient } from '../../src/kafka-rest/index.js';
import { executePlan } from '../../src/reconciler/execute.js';
import { createLinkReconciler } from '../../src/reconciler/reconcile-link.js';
import type { ReconcileOutcome } from '../../src/reconciler/types.js';
import { SimWorld, startRestSimulator } from '../support/rest-simulator/index.js';

const reconcile = createLinkReconciler({ stopPollBudgetMs: 50, stopPollIntervalMs: 10, requestTimeoutMs: 2_000 });
after(() => reconcile.close());

const cr = (spec: ClusterLinkSpec): ClusterLink => ({ metadata: { name: 'lk', namespace: 'ns', generation: 2 }, spec });
const ready = (o: ReconcileOutcome) => o.conditions.find((c) => c.type === 'Ready');
const base: ClusterLinkSpec = { name: 'lk', sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' }, destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } } };

describe('failures surface in status and conditions', async () => {
  const world = new SimWorld();
  world.addCluster('src', { bootstrap: 'src:9092' });
  world.addTopic('src', 'a');
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  after(() => sim.close());
  const input = (spec: ClusterLinkSpec) => ({ link: cr(spec), linkName: 'lk', local: { endpoint: sim.url, clusterId: 'dst' }, credentials: {}, deleting: false });

  await test('link tasks in error become LinkTasksHealthy=False with the task message', async () => {
    const out = await reconcile(input({ ...base, configs: { 'acl.sync.enable': 'true' } }));
    const tasks = out.conditions.find((c) => c.type === 'LinkTasksHealthy');
    assert.equal(tasks?.status, 'False');
    assert.match(tasks?.message ?? '', /AclSync IN_ERROR: MISCONFIGURATION_ERROR ACL migration is enabled but acl.filters is not set/);
    assert.equal(ready(out)?.status, 'True', 'the link itself is fine');
    assert.equal(out.conditions.every((c) => c.observedGeneration === 2 && typeof c.lastTransitionTime === 'string'), true);
  });

  await test('a rejected mirror create puts the server message into Ready', async () => {
    world.addTopic('dst', 'a'); // a plain topic of that name already exists
    const out = await reconcile(input({ ...base, mirrorTopics: [{ name: 'a', state: 'ACTIVE' }] }));
    assert.equal(ready(out)?.reason, 'RestError');
    assert.equal(ready(out)?.message, "createMirror a: HTTP 400: Topic 'a' already exists.");
    assert.equal(out.failure?.retryable, false);
    assert.ok(out.events.some((e) => e.type === 'Warning' && e.message.includes('already exists')));
    assert.deepEqual(sim.violations, []);
  });

  await test('an unreachable cluster is a retryable failure, not a crash', async () => {
    const out = await reconcile({ ...input(base), local: { endpoint: 'http://127.0.0.1:1' } });
    assert.equal(ready(out)?.reason, 'ClusterIDUnknown');
    assert.equal(out.failure?.retryable, true);
    assert.equal(out.writeCalls, 0);
  });

  await test('409 on create (a concurrent create) → read and diff instead of failing', async () => {
    sim.failNext({ method: 'POST', pathIncludes: '/links', status: 409, errorCode: 40902, message: "Cluster link 'race' already exists." });
    const out = await reconcile({ ...input({ ...base, name: 'race' }), linkName: 'race' });
    assert.equal(ready(out)?.status, 'True', JSON.stringify(ready(out)));
    assert.ok(world.clusters.get('dst')?.links.has('race'));
  });

  await test('bidirectional: Ready=False NotSupported, no REST call', async () => {
    sim.resetCalls();
    const out = await reconcile(input({ ...base, sourceInitiatedLink: { linkMode: 'Bidirectional' } }));
    assert.equal(ready(out)?.reason, 'NotSupported');
    assert.equal(sim.calls.length, 0);
  });

  await test('missing credentials block the create with a message naming the field', async () => {
    const out = await reconcile({ ...input({ ...base, name: 'nocreds', sourceKafkaCluster: { ...base.sourceKafkaCluster, authentication: { type: 'plain', jaasConfig: { secretRef: 's' } } } }), linkName: 'nocreds' });
    assert.equal(ready(out)?.reason, 'InvalidConfiguration');
    assert.match(ready(out)?.message ?? '', /spec\.sourceKafkaCluster\.authentication/);
    assert.equal(out.writeCalls, 0);
    assert.equal(out.status.appState, 'Failed');
  });

  await test('an aborted pass throws instead of reporting', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(reconcile(input(base), ac.signal));
  });
});

test('executor: per-item errors of a batched action are reported, not dropped', async () => {
  const stub = {
    alterMirrors: async (_c: string, _l: string, _a: string, names: string[]) => ({
      accepted: names.filter((n) => n !== 'b'),
      failed: [{ mirrorTopicName: 'b', errorCode: 400, message: "Topic 'b' has already stopped its mirror from 'lk'" }],
    }),
    listMirrors: async () => [],
  } as unknown as KafkaRestClient;
  const report = await executePlan(stub, 'c', 'lk', [
    { kind: 'mirrorAction', action: 'promote', names: ['a', 'b'] },
    { kind: 'awaitStopped', names: ['a', 'b'] },
  ]);
  assert.deepEqual(report.itemErrors, [{ mirrorTopicName: 'b', errorCode: 400, message: "Topic 'b' has already stopped its mirror from 'lk'", action: 'promote' }]);
  assert.equal(report.writeCalls, 1);
  assert.deepEqual(report.pendingStop, [], 'a failed item is not awaited');
});
