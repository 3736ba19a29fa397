// How the LinkReconciler reports trouble: the server's message in Ready, link tasks in error as a
// condition, per-item errors of batched actions, unreachable clusters, 409 races, unsupported modes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import type { KafkaRestClient } from '../../../src/kafka-rest/index.js';
import { executePlan } from '../../../src/reconciler/kafka/execute.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileOutcome } from '../../../src/reconciler/types.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';

const reconcile = createLinkReconciler({ stopPollBudgetMs: 50, stopPollIntervalMs: 10, requestTimeoutMs: 2_000 });
after(() => reconcile.close());

const cr = (spec: ClusterLinkSpec): ClusterLink => ({ metadata: { name: 'lk', namespace: 'ns', generation: 2 }, spec });
const ready = (o: ReconcileOutcome) => o.conditions.find((c) => c.type === 'Ready');
const base: ClusterLinkSpec = {
  name: 'lk',
  sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
};

describe('failures surface in status and conditions', async () => {
  const world = new SimWorld();
  world.addCluster('src', { bootstrap: 'src:9092' });
  world.addTopic('src', 'a');
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  after(() => sim.close());
  const input = (spec: ClusterLinkSpec) => ({
    link: cr(spec),
    linkName: 'lk',
    local: { endpoint: sim.url, clusterId: 'dst' },
    credentials: {},
    deleting: false,
  });

  await test('link tasks in error become LinkTasksHealthy=False with the task message', async () => {
    const out = await reconcile(input({ ...base, configs: { 'acl.sync.enable': 'true' } }));
    const tasks = out.conditions.find((c) => c.type === 'LinkTasksHealthy');
    assert.equal(tasks?.status, 'False');
    assert.match(
      tasks?.message ?? '',
      /AclSync IN_ERROR: MISCONFIGURATION_ERROR ACL migration is enabled but acl.filters is not set/,
    );
    // Ready is honest (docs/reconciler.md#health): a task in error makes it False, with the fix.
    assert.equal(ready(out)?.status, 'False');
    assert.equal(ready(out)?.reason, 'LinkTasksInError');
    assert.match(
      ready(out)?.message ?? '',
      /link task AclSync is IN_ERROR: .* — suggested: a sync is enabled without its filters/,
    );
    assert.equal(out.conditions.find((c) => c.type === 'Degraded')?.status, 'True');
    assert.equal(
      out.conditions.every((c) => c.observedGeneration === 2 && typeof c.lastTransitionTime === 'string'),
      true,
    );
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

  await test('offsets snapshotted before a stop survive a pass that fails right after it', async () => {
    world.deleteTopic('dst', 'a');
    const spec = { ...base, name: 'snap', mirrorTopics: [{ name: 'a', state: 'ACTIVE' }] };
    const first = await reconcile({ ...input(spec), linkName: 'snap' });
    assert.equal(ready(first)?.status, 'True');
    // Observe (link, configs, mirrors) passes; the promote goes through; every read after it fails.
    sim.failNext({
      method: 'GET',
      pathIncludes: '/links/snap',
      status: 401,
      errorCode: 40101,
      message: 'Authentication failed',
      skip: 3,
      times: 20,
    });
    const out = await reconcile({
      ...input({ ...spec, mirrorTopics: [{ name: 'a', state: 'PROMOTE' }] }),
      linkName: 'snap',
      previousStatus: first.status,
    });
    assert.equal(ready(out)?.status, 'False');
    assert.ok(out.failure);
    const snaps = out.status.mirrorTopicSnapshots as Record<string, { lastSourceFetchOffsets: { offset: number }[] }>;
    assert.equal(snaps.a?.lastSourceFetchOffsets[0]?.offset, 100);
    assert.equal(out.status.clusterLinkID, first.status.clusterLinkID, 'the previous status is kept');
  });

  await test('an unreachable cluster is a retryable failure, not a crash', async () => {
    const out = await reconcile({ ...input(base), local: { endpoint: 'http://127.0.0.1:1' } });
    assert.equal(ready(out)?.reason, 'ClusterIDUnknown');
    assert.equal(out.failure?.retryable, true);
    assert.equal(out.writeCalls, 0);
  });

  await test('409 on create (a concurrent create) → read and diff instead of failing', async () => {
    sim.failNext({
      method: 'POST',
      pathIncludes: '/links',
      status: 409,
      errorCode: 40902,
      message: "Cluster link 'race' already exists.",
    });
    const out = await reconcile({ ...input({ ...base, name: 'race' }), linkName: 'race' });
    assert.equal(ready(out)?.status, 'True', JSON.stringify(ready(out)));
    assert.ok(world.clusters.get('dst')?.links.has('race'));
  });

  await test('missing credentials block the create with a message naming the field', async () => {
    const out = await reconcile({
      ...input({
        ...base,
        name: 'nocreds',
        sourceKafkaCluster: {
          ...base.sourceKafkaCluster,
          authentication: { type: 'plain', jaasConfig: { secretRef: 's' } },
        },
      }),
      linkName: 'nocreds',
    });
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
  assert.deepEqual(report.itemErrors, [
    {
      mirrorTopicName: 'b',
      errorCode: 400,
      message: "Topic 'b' has already stopped its mirror from 'lk'",
      action: 'promote',
    },
  ]);
  assert.equal(report.writeCalls, 1);
  assert.deepEqual(report.pendingStop, [], 'a failed item is not awaited');
});

test('fault injection: with 30% transient failures repeated passes converge and then stay quiet', async () => {
  let seed = 42;
  const random = (): number => {
    // mulberry32: deterministic, so the test is repeatable
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const world = new SimWorld({ pendingStoppedReads: 0 });
  world.addCluster('src', { bootstrap: 'src:9092' });
  for (const t of ['a', 'b', 'c']) world.addTopic('src', t);
  const sim = await startRestSimulator({ world, clusterId: 'dst', failureRate: 0.3, random });
  const rec = createLinkReconciler({ stopPollBudgetMs: 50, stopPollIntervalMs: 5 });
  try {
    let status: ReconcileOutcome['status'] | undefined;
    const converge = async (spec: ClusterLinkSpec): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const out = await rec({
          link: cr(spec),
          linkName: 'lk',
          local: { endpoint: sim.url },
          credentials: {},
          deleting: false,
          previousStatus: status,
        });
        status = out.status;
        if (ready(out)?.status === 'True' && !out.failure) return;
      }
      assert.fail('did not converge in 30 passes');
    };
    await converge({ ...base, mirrorTopics: [{ name: 'a' }, { name: 'b', state: 'PAUSE' }, { name: 'c' }] });
    await converge({
      ...base,
      mirrorTopics: [{ name: 'a' }, { name: 'b', state: 'PAUSE' }, { name: 'c', state: 'FAILOVER' }],
    });
    const quiet = await rec({
      link: cr({
        ...base,
        mirrorTopics: [{ name: 'a' }, { name: 'b', state: 'PAUSE' }, { name: 'c', state: 'FAILOVER' }],
      }),
      linkName: 'lk',
      local: { endpoint: sim.url },
      credentials: {},
      deleting: false,
      previousStatus: status,
    });
    assert.equal(quiet.writeCalls, 0);
    const mirrors = world.mirrors('dst', 'lk', false);
    assert.deepEqual(
      mirrors.map((t) => [t.name, t.mirror?.status]),
      [
        ['a', 'ACTIVE'],
        ['b', 'PAUSED'],
        ['c', 'STOPPED'],
      ],
    );
    assert.deepEqual(sim.violations, []);
  } finally {
    rec.close();
    await sim.close();
  }
});

test('a CRD that prunes the snapshot key: offsets are rebuilt from mirrorTopics[].lastSourceFetchOffsets', async () => {
  const world = new SimWorld({ pendingStoppedReads: 1000 });
  world.addCluster('src', { bootstrap: 'src:9092' });
  world.addTopic('src', 'one', { partitions: 1, endOffset: 70 });
  world.addTopic('src', 'two', { partitions: 2, endOffset: 90 });
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  const rec = createLinkReconciler({ stopPollBudgetMs: 20, stopPollIntervalMs: 5 });
  const prune = (s: ReconcileOutcome['status']): ReconcileOutcome['status'] => {
    const { mirrorTopicSnapshots: _pruned, ...kept } = s;
    return JSON.parse(JSON.stringify(kept)) as ReconcileOutcome['status'];
  };
  try {
    const run = (state: 'ACTIVE' | 'FAILOVER', previousStatus?: ReconcileOutcome['status']) =>
      rec({
        link: cr({
          ...base,
          mirrorTopics: [
            { name: 'one', state },
            { name: 'two', state },
          ],
        }),
        linkName: 'lk',
        local: { endpoint: sim.url },
        credentials: {},
        deleting: false,
        previousStatus,
      });
    const created = await run('ACTIVE');
    const stopping = await run('FAILOVER', prune(created.status));
    assert.equal(stopping.status.mirrorTopics?.two?.lastSourceFetchOffset, 91);
    world.completePendingStops();
    const stopped = await run('FAILOVER', prune(stopping.status));
    assert.equal(stopped.status.mirrorTopics?.one?.lastSourceFetchOffset, 70);
    assert.equal(stopped.status.mirrorTopics?.two?.lastSourceFetchOffset, 91);
    const byName = new Map(stopped.stoppedMirrors.map((m) => [m.topicName, m]));
    assert.deepEqual(byName.get('one')?.lastSourceFetchOffsets, [{ partition: 0, offset: 70 }]);
    assert.deepEqual(
      byName.get('two')?.lastSourceFetchOffsets,
      [
        { partition: 0, offset: 90 },
        { partition: 1, offset: 91 },
      ],
      'per-partition offsets of a multi-partition topic are rebuilt from mirrorTopics[].lastSourceFetchOffsets',
    );
    assert.deepEqual(sim.violations, []);
  } finally {
    rec.close();
    await sim.close();
  }
});
