// Honest Ready (docs/reconciler.md#health): FAILED / SOURCE_UNAVAILABLE / LINK_FAILED mirrors and IN_ERROR link tasks
// make Ready=False and Degraded=True, naming them and the fix; a healthy link is Ready with Degraded=False.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import type { LinkData, MirrorData } from '../../../src/kafka-rest/types.js';
import { fixFor, fixInMessage } from '../../../src/reconciler/kafka/error-fixes.js';
import { degradedCondition, linkHealth } from '../../../src/reconciler/kafka/health.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';

const mirror = (name: string, status: string, error = 'NO_ERROR'): MirrorData => ({
  link_name: 'lk',
  mirror_topic_name: name,
  source_topic_name: name,
  num_partitions: 1,
  mirror_lags: [],
  mirror_status: status,
  state_time_ms: 1,
  mirror_topic_error: error,
});
const link = (tasks: LinkData['tasks']): LinkData => ({
  link_name: 'lk',
  cluster_link_id: 'id',
  topic_names: [],
  tasks,
});

test('linkHealth names every broken mirror and task with its fix', () => {
  const cases: [string, MirrorData[], LinkData, string | undefined, RegExp[]][] = [
    [
      'all fine',
      [mirror('a', 'ACTIVE'), mirror('b', 'PAUSED'), mirror('c', 'STOPPED')],
      link([{ task_name: 'AclSync', state: 'NOT_CONFIGURED', errors: [] }]),
      undefined,
      [],
    ],
    [
      'a FAILED mirror with its topic error',
      [mirror('a', 'FAILED', 'SOURCE_TOPIC_ID_CHANGED')],
      link([]),
      'MirrorsUnhealthy',
      [/mirror topic a is FAILED \(SOURCE_TOPIC_ID_CHANGED\): the source topic was re-created/],
    ],
    [
      'SOURCE_UNAVAILABLE',
      [mirror('b', 'SOURCE_UNAVAILABLE')],
      link(null),
      'MirrorsUnhealthy',
      [/mirror topic b is SOURCE_UNAVAILABLE: the source topic or cluster cannot be reached/],
    ],
    [
      'LINK_FAILED',
      [mirror('c', 'LINK_FAILED')],
      link(undefined),
      'MirrorsUnhealthy',
      [/mirror topic c is LINK_FAILED: the cluster link failed/],
    ],
    [
      'a task in error',
      [],
      link([
        {
          task_name: 'ConsumerOffsetSync',
          state: 'IN_ERROR',
          errors: [{ error_code: 'AUTHORIZATION_ERROR', error_message: 'denied' }],
        },
      ]),
      'LinkTasksInError',
      [/link task ConsumerOffsetSync is IN_ERROR: AUTHORIZATION_ERROR denied — suggested: .*grant DESCRIBE\/READ/],
    ],
    [
      'both',
      [mirror('a', 'FAILED')],
      link([{ task_name: 'AclSync', state: 'IN_ERROR', errors: [] }]),
      'MirrorsAndTasksUnhealthy',
      [/mirror topic a is FAILED: the mirror failed/, /link task AclSync is IN_ERROR: no error reported/],
    ],
  ];
  for (const [name, mirrors, l, reason, patterns] of cases) {
    const h = linkHealth(mirrors, l);
    assert.equal(h.reason, reason, name);
    assert.equal(h.problems.length, patterns.length, name);
    patterns.forEach((p, i) => assert.match(h.problems[i] ?? '', p, name));
    assert.equal(degradedCondition(h).status, reason ? 'True' : 'False', name);
  }
});

test('error codes map to fixes; unknown codes have none', () => {
  assert.match(fixFor('unresolvable_bootstrap_error') ?? '', /does not resolve to an IP address/);
  assert.equal(fixFor('SOMETHING_NEW'), undefined);
  assert.equal(fixFor(undefined), undefined);
  assert.equal(fixInMessage('link failed: TIMEOUT_ERROR while connecting')?.code, 'TIMEOUT_ERROR');
  assert.equal(fixInMessage('all good'), undefined);
});

describe('against the simulator', async () => {
  const world = new SimWorld({ pendingStoppedReads: 0 });
  world.addCluster('src', { bootstrap: 'src:9092' });
  world.addTopic('src', 'a');
  world.addTopic('src', 'b');
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  const reconcile = createLinkReconciler({ stopPollBudgetMs: 20, stopPollIntervalMs: 5 });
  after(async () => {
    reconcile.close();
    await sim.close();
  });
  const spec: ClusterLinkSpec = {
    name: 'lk',
    sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
    mirrorTopics: [{ name: 'a' }, { name: 'b' }],
  };
  let status: ClusterLinkStatus | undefined;
  const run = async () => {
    const out = await reconcile({
      link: { metadata: { name: 'lk', namespace: 'ns', generation: 1 }, spec },
      linkName: 'lk',
      local: { endpoint: sim.url, clusterId: 'dst' },
      credentials: {},
      deleting: false,
      ...(status ? { previousStatus: status } : {}),
    });
    status = out.status;
    return out;
  };

  await test('healthy: Ready=True, Degraded=False', async () => {
    const out = await run();
    assert.equal(out.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(out.conditions.find((c) => c.type === 'Degraded')?.status, 'False');
  });

  await test('a mirror the server reports FAILED makes Ready=False and Degraded=True naming it', async () => {
    const t = world.clusters.get('dst')!.topics.get('b')!;
    t.mirror!.status = 'FAILED';
    t.mirror!.error = 'SOURCE_TOPIC_MAY_BE_DELETED';
    const out = await run();
    const ready = out.conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'MirrorsUnhealthy');
    assert.match(
      ready?.message ?? '',
      /mirror topic b is FAILED \(SOURCE_TOPIC_MAY_BE_DELETED\): re-create the source topic/,
    );
    assert.equal(out.conditions.find((c) => c.type === 'Degraded')?.status, 'True');
    assert.equal(out.writeCalls, 0, 'reported, not acted on');
    assert.deepEqual(sim.violations, []);
  });
});
