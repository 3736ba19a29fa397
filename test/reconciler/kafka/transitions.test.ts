// Failed transitions (docs/reconciler.md#failed-transitions): the server's reason (include_state_transition_errors)
// in status, Ready and an Event; a backoff between repeated promotes instead of one every few seconds; a promote
// stuck in PENDING_STOPPED escalated to FAILOVER by the user.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import {
  backoffMs,
  decideTransition,
  transitionStatusFields,
  type TransitionDecision,
  type TransitionRecord,
} from '../../../src/reconciler/kafka/transitions.js';
import type { ReconcileOutcome } from '../../../src/reconciler/types.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';
import { prunedStatusPaths } from '../../support/structural-prune.js';

const B = { baseMs: 1_000, capMs: 8_000 };

test('backoff doubles per attempt up to the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, B)),
    [1_000, 2_000, 4_000, 8_000, 8_000, 8_000],
  );
});

test('decideTransition', () => {
  const promoted: TransitionRecord = { action: 'PROMOTE', attempts: 2, lastAttemptMs: 10_000, errors: [] };
  const cases: [string, Parameters<typeof decideTransition>, TransitionDecision][] = [
    [
      'first request',
      ['PROMOTE', 'ACTIVE', undefined, 0, B],
      { kind: 'request', action: 'PROMOTE', escalation: false },
    ],
    ['stopped: nothing', ['PROMOTE', 'STOPPED', promoted, 0, B], { kind: 'none' }],
    ['pending after a promote: wait for it', ['PROMOTE', 'PENDING_STOPPED', promoted, 0, B], { kind: 'await' }],
    [
      'failed promote within its backoff: wait',
      ['PROMOTE', 'ACTIVE', promoted, 11_000, B],
      { kind: 'wait', retryInMs: 1_000 },
    ],
    [
      'failed promote after its backoff: ask again',
      ['PROMOTE', 'ACTIVE', promoted, 12_000, B],
      { kind: 'request', action: 'PROMOTE', escalation: false },
    ],
    [
      'a FAILED mirror is treated the same',
      ['PROMOTE', 'FAILED', promoted, 11_500, B],
      { kind: 'wait', retryInMs: 500 },
    ],
    [
      'stuck promote escalated to failover',
      ['FAILOVER', 'PENDING_STOPPED', promoted, 11_000, B],
      { kind: 'request', action: 'FAILOVER', escalation: true },
    ],
    [
      'failover already requested: wait',
      ['FAILOVER', 'PENDING_STOPPED', { ...promoted, action: 'FAILOVER' }, 0, B],
      { kind: 'await' },
    ],
    [
      'another action than the one that failed: no backoff',
      ['FAILOVER', 'ACTIVE', promoted, 11_000, B],
      { kind: 'request', action: 'FAILOVER', escalation: false },
    ],
  ];
  for (const [name, args, want] of cases) assert.deepEqual(decideTransition(...args), want, name);
});

test('transitionStatusFields counts attempts per action and keeps only the action once STOPPED', () => {
  const prev: TransitionRecord = {
    action: 'PROMOTE',
    attempts: 1,
    lastAttemptMs: 0,
    errors: [{ errorCode: 'X', errorMessage: 'm' }],
  };
  assert.deepEqual(transitionStatusFields({ status: 'ACTIVE', previous: prev, requested: 'PROMOTE', nowMs: 2_000 }), {
    requestedAction: 'PROMOTE',
    transitionAttempts: 2,
    lastTransitionAttemptTime: '1970-01-01T00:00:02Z',
    stateTransitionErrors: [{ errorCode: 'X', errorMessage: 'm' }],
  });
  assert.equal(
    transitionStatusFields({ status: 'ACTIVE', previous: prev, requested: 'FAILOVER', nowMs: 0 }).transitionAttempts,
    1,
  );
  assert.deepEqual(transitionStatusFields({ status: 'STOPPED', previous: prev, nowMs: 0 }), {
    requestedAction: 'PROMOTE',
  });
  assert.deepEqual(transitionStatusFields({ status: 'ACTIVE', nowMs: 0 }), {});
});

describe('against the simulator', async () => {
  let clock = Date.UTC(2026, 10, 1);
  const world = new SimWorld({ pendingStoppedReads: 0 });
  world.addCluster('src', { bootstrap: 'src:9092' });
  world.addTopic('src', 'orders', { endOffset: 10 });
  world.addTopic('src', 'audit', { endOffset: 20 });
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  const reconcile = createLinkReconciler({
    stopPollBudgetMs: 20,
    stopPollIntervalMs: 5,
    pendingRequeueMs: 50,
    transitionBackoff: { baseMs: 30_000, capMs: 600_000 },
    now: () => new Date(clock),
  });
  after(async () => {
    reconcile.close();
    await sim.close();
  });
  const spec = (orders: string, audit = 'ACTIVE'): ClusterLinkSpec => ({
    name: 'lk',
    sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
    mirrorTopics: [
      { name: 'orders', state: orders },
      { name: 'audit', state: audit },
    ],
  });
  let status: ClusterLinkStatus | undefined;
  const run = async (s: ClusterLinkSpec): Promise<ReconcileOutcome> => {
    const link: ClusterLink = { metadata: { name: 'lk', namespace: 'ns', generation: 1 }, spec: s };
    const out = await reconcile({
      link,
      linkName: 'lk',
      local: { endpoint: sim.url, clusterId: 'dst' },
      credentials: {},
      deleting: false,
      ...(status ? { previousStatus: status } : {}),
    });
    status = out.status;
    assert.deepEqual(prunedStatusPaths(out.status), []);
    return out;
  };
  const promotes = () => sim.calls.filter((c) => c.path.endsWith('mirrors:promote')).length;

  await test('a promote the server reverts: reason in status, Ready and an event; retried only after the backoff', async () => {
    await run(spec('ACTIVE'));
    world.failTransition('dst', 'orders', {
      action: 'promote',
      errorCode: 'SOURCE_UNAVAILABLE',
      message: 'Unable to reach the source cluster',
      mode: 'revert',
    });
    let out = await run(spec('PROMOTE'));
    const entry = out.status.mirrorTopics?.orders;
    assert.equal(entry?.status, 'ACTIVE');
    assert.equal(entry?.requestedAction, 'PROMOTE');
    assert.equal(entry?.transitionAttempts, 1);
    assert.deepEqual(entry?.stateTransitionErrors, [
      { errorCode: 'SOURCE_UNAVAILABLE', errorMessage: 'Unable to reach the source cluster' },
    ]);
    const ready = out.conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'MirrorTransitionFailed');
    assert.match(
      ready?.message ?? '',
      /promote of orders failed: SOURCE_UNAVAILABLE: Unable to reach the source cluster \(attempt 1, next in 30 s; .*set its state to FAILOVER/,
    );
    assert.ok(out.events.some((e) => e.type === 'Warning' && e.reason === 'MirrorTransitionFailed'));
    assert.equal(out.requeueAfterMs, 30_000, 'the next try after the backoff, not in a few seconds');
    assert.equal(promotes(), 1);

    clock += 5_000; // a resync or a watch event within the backoff: no second promote
    out = await run(spec('PROMOTE'));
    assert.equal(promotes(), 1);
    assert.equal(out.writeCalls, 0);
    assert.equal(out.requeueAfterMs, 25_000);

    clock += 25_000; // due: asked again, attempt 2, next backoff 60 s
    out = await run(spec('PROMOTE'));
    assert.equal(promotes(), 2);
    assert.equal(out.status.mirrorTopics?.orders?.transitionAttempts, 2);
    assert.equal(out.requeueAfterMs, 60_000);
  });

  await test('a promote stuck in PENDING_STOPPED is escalated to FAILOVER and completes', async () => {
    world.failTransition('dst', 'audit', {
      action: 'promote',
      errorCode: 'SOURCE_UNAVAILABLE',
      message: 'source down',
      mode: 'stuck',
    });
    let out = await run(spec('PROMOTE', 'PROMOTE'));
    assert.equal(out.status.mirrorTopics?.audit?.status, 'PENDING_STOPPED');
    assert.equal(out.status.mirrorTopics?.audit?.stateTransitionErrors?.[0]?.errorMessage, 'source down');
    clock += 1_000;
    out = await run(spec('PROMOTE', 'PROMOTE'));
    assert.equal(out.status.mirrorTopics?.audit?.status, 'PENDING_STOPPED', 'still stuck, and not asked again');
    const failovers = () => sim.calls.filter((c) => c.path.endsWith('mirrors:failover')).length;
    assert.equal(failovers(), 0);
    out = await run(spec('PROMOTE', 'FAILOVER'));
    assert.equal(failovers(), 1);
    assert.equal(out.status.mirrorTopics?.audit?.status, 'STOPPED');
    assert.equal(out.status.mirrorTopics?.audit?.requestedAction, 'FAILOVER');
    assert.equal(out.status.mirrorTopics?.audit?.lastSourceFetchOffset, 20);
    assert.ok(out.stoppedMirrors.some((m) => m.topicName === 'audit' && m.action === 'FAILOVER'));
    assert.deepEqual(sim.violations, []);
  });
});
