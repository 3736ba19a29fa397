// Stopped-mirror history (docs/reconciler.md#stopped-mirror-history): per-partition offsets from the read after
// STOPPED, else the promote/failover response, else the pre-stop snapshot; the stop time from the STOPPED read;
// kept in status (every field in the CRD schema) and handed to the KafkaTopic CR, multi-partition too.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import {
  historyFromStatus,
  historyStatusFields,
  mergeOffsets,
  mirrorHistory,
  type HistoryInputs,
} from '../../../src/reconciler/kafka/mirror-history.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { buildKafkaTopic, KAFKA_TOPIC_ANNOTATIONS } from '../../../src/reconciler/controller/kafka-topic.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';
import { prunedStatusPaths } from '../../support/structural-prune.js';

const lag = (partition: number, offset: number) => ({ partition, lag: 0, last_source_fetch_offset: offset });

test('mergeOffsets: post-stop read ≥ 0, else the response, else the snapshot, per partition', () => {
  const cases: [string, Parameters<typeof mergeOffsets>, { partition: number; offset: number }[]][] = [
    [
      'server reports -1 after STOPPED: response wins',
      [[lag(0, -1)], [lag(0, 40)], [{ partition: 0, offset: 30 }]],
      [{ partition: 0, offset: 40 }],
    ],
    [
      'post-stop read with real values wins',
      [[lag(0, 45)], [lag(0, 40)], [{ partition: 0, offset: 30 }]],
      [{ partition: 0, offset: 45 }],
    ],
    [
      'no response: the snapshot is used only where -1',
      [
        [lag(0, -1), lag(1, 9)],
        undefined,
        [
          { partition: 0, offset: 30 },
          { partition: 1, offset: 3 },
        ],
      ],
      [
        { partition: 0, offset: 30 },
        { partition: 1, offset: 9 },
      ],
    ],
    [
      'response -1 falls through to the snapshot',
      [undefined, [lag(0, -1)], [{ partition: 0, offset: 7 }]],
      [{ partition: 0, offset: 7 }],
    ],
    ['nothing known: the partition is left out', [[lag(0, -1)], [lag(0, -1)], []], []],
    [
      'partitions are sorted and united',
      [[lag(2, 5)], [lag(0, 1)], [{ partition: 1, offset: 2 }]],
      [
        { partition: 0, offset: 1 },
        { partition: 1, offset: 2 },
        { partition: 2, offset: 5 },
      ],
    ],
  ];
  for (const [name, args, want] of cases) assert.deepEqual(mergeOffsets(...args), want, name);
});

test('mirrorHistory: only stopping/stopped mirrors; the stop time is the STOPPED read; a recorded history is final', () => {
  const base: HistoryInputs = { status: 'STOPPED', mirrorLags: [lag(0, -1)], stateTimeMs: 2_000, numPartitions: 1 };
  const cases: [string, HistoryInputs, ReturnType<typeof mirrorHistory>][] = [
    ['ACTIVE has none', { ...base, status: 'ACTIVE' }, undefined],
    [
      'PENDING_STOPPED keeps the response offsets, no stop time',
      { ...base, status: 'PENDING_STOPPED', response: [lag(0, 9)] },
      { offsets: [{ partition: 0, offset: 9 }] },
    ],
    [
      'STOPPED: stop time from the read',
      { ...base, response: [lag(0, 9)] },
      { offsets: [{ partition: 0, offset: 9 }], stoppedAtMs: 2_000 },
    ],
    [
      'STOPPED after a pending pass: the offsets recorded then',
      { ...base, previous: { offsets: [{ partition: 0, offset: 8 }] } },
      { offsets: [{ partition: 0, offset: 8 }], stoppedAtMs: 2_000 },
    ],
    [
      'final once recorded',
      { ...base, mirrorLags: [lag(0, 99)], previous: { offsets: [{ partition: 0, offset: 8 }], stoppedAtMs: 1_000 } },
      { offsets: [{ partition: 0, offset: 8 }], stoppedAtMs: 1_000 },
    ],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(mirrorHistory(input), want, name);
});

test('status fields round-trip through historyFromStatus', () => {
  const h = {
    offsets: [
      { partition: 0, offset: 3 },
      { partition: 1, offset: 11 },
    ],
    stoppedAtMs: Date.UTC(2026, 0, 2),
  };
  const fields = historyStatusFields(h);
  assert.deepEqual(fields, {
    lastSourceFetchOffset: 11,
    lastSourceFetchOffsets: h.offsets,
    stoppedAt: '2026-01-02T00:00:00.000Z',
  });
  assert.deepEqual(historyFromStatus(fields), h);
  assert.deepEqual(historyFromStatus({ lastSourceFetchOffset: 4 }), { offsets: [{ partition: 0, offset: 4 }] });
  assert.equal(historyFromStatus({ status: 'ACTIVE' }), undefined);
});

describe('promote of a 3-partition mirror against the simulator', async () => {
  let clock = 1_000_000;
  const world = new SimWorld({ pendingStoppedReads: 1000, now: () => clock });
  world.addCluster('src', { bootstrap: 'src:9092' });
  const source = world.addTopic('src', 'orders', { partitions: 3, endOffset: 100 });
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  const reconcile = createLinkReconciler({ stopPollBudgetMs: 30, stopPollIntervalMs: 10, pendingRequeueMs: 50 });
  after(async () => {
    reconcile.close();
    await sim.close();
  });
  const spec = (state: string): ClusterLinkSpec => ({
    name: 'lk',
    sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
    mirrorTopics: [{ name: 'orders', state }],
  });
  const cr = (state: string): ClusterLink => ({
    metadata: { name: 'lk', namespace: 'ns', uid: 'u1-2', generation: 1 },
    spec: spec(state),
  });
  let status: ClusterLinkStatus | undefined;
  const run = async (state: string) => {
    const out = await reconcile({
      link: cr(state),
      linkName: 'lk',
      local: { endpoint: sim.url, clusterId: 'dst' },
      credentials: {},
      deleting: false,
      ...(status ? { previousStatus: status } : {}),
    });
    status = out.status;
    assert.deepEqual(prunedStatusPaths(out.status), [], 'every status field exists in the CRD schema');
    return out;
  };

  await test('the response offsets (the source advanced after the snapshot) and the stop time are kept', async () => {
    await run('ACTIVE');
    clock = 2_000_000;
    // Between the pre-stop read and the promote, the source moves on: the response carries the newer offsets.
    world.behaviour.beforeMirrorAction = () => void (source.endOffsets = [150, 151, 152]);
    let out = await run('PROMOTE');
    assert.equal(out.status.mirrorTopics?.orders?.status, 'PENDING_STOPPED');
    assert.deepEqual(
      out.status.mirrorTopics?.orders?.lastSourceFetchOffsets?.map((o) => o.offset),
      [150, 151, 152],
    );
    clock = 3_000_000;
    world.completePendingStops();
    out = await run('PROMOTE');
    const entry = out.status.mirrorTopics?.orders;
    assert.equal(entry?.status, 'STOPPED');
    assert.deepEqual(entry?.lastSourceFetchOffsets, [
      { partition: 0, offset: 150 },
      { partition: 1, offset: 151 },
      { partition: 2, offset: 152 },
    ]);
    assert.equal(entry?.lastSourceFetchOffset, 152);
    assert.equal(
      entry?.stoppedAt,
      new Date(3_000_000).toISOString(),
      'the time it stopped, not the time it became ACTIVE',
    );
    const stopped = out.stoppedMirrors.find((m) => m.topicName === 'orders');
    assert.equal(stopped?.stateTimeMs, 3_000_000);
    const topic = buildKafkaTopic(stopped, {
      namespace: 'ns',
      clusterLinkName: 'lk',
      clusterLinkUid: 'u1-2',
      linkName: 'lk',
    });
    assert.equal(
      topic.metadata.annotations?.[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets],
      '[{"partition":0,"offset":150},{"partition":1,"offset":151},{"partition":2,"offset":152}]',
    );
    assert.equal(
      topic.metadata.annotations?.[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTime],
      new Date(3_000_000).toISOString(),
    );
  });

  await test('a resync keeps the history exactly (rebuilt from status alone, the snapshot key pruned)', async () => {
    const { mirrorTopicSnapshots: _pruned, ...kept } = status ?? {};
    status = kept;
    clock = 4_000_000;
    const out = await run('PROMOTE');
    assert.equal(out.writeCalls, 0);
    assert.deepEqual(
      out.status.mirrorTopics?.orders?.lastSourceFetchOffsets?.map((o) => o.offset),
      [150, 151, 152],
    );
    assert.equal(out.status.mirrorTopics?.orders?.stoppedAt, new Date(3_000_000).toISOString());
    assert.deepEqual(sim.violations, []);
  });
});
