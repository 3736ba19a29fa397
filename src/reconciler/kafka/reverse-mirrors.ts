// The `toSource` direction of a bidirectional link (docs/reconciler.md#bidirectional-links): those mirrors live on
// the remote cluster, under its half of the same link, so they are observed, planned (the same planner as the
// local mirrors) and changed through the remote REST API. Their status is CFK's reverseMirrorTopics.
import type { ClusterLinkSpec, ClusterLinkStatus, MirrorTopic } from '../../clusterlink/types.js';
import { KafkaRestError, type KafkaRestClient, type MirrorData } from '../../kafka-rest/index.js';
import type { KubeEvent, ReconcileInput } from '../types.js';
import { executePlan, type ExecuteOptions, type ExecutionReport } from './execute.js';
import { mirrorHistories } from './mirror-history.js';
import { reverseMirrorTopics } from './plan/bidirectional.js';
import { desiredMirrors, planMirrors, snapshotOf } from './plan/plan.js';
import type { ObservedLink, Plan } from './plan/types.js';
import { mirrorStatuses } from './status.js';

export interface ReverseOutcome {
  status: Pick<ClusterLinkStatus, 'reverseMirrorTopics' | 'numReverseMirrorTopics'>;
  events: KubeEvent[];
  writeCalls: number;
  /** Ready=False text: the remote side could not be reached or an action failed. */
  problem?: string;
  /** Reverse mirrors still stopping (requeue). */
  pending: boolean;
  activeStates: string[];
}

interface ReverseInput {
  input: ReconcileInput;
  remote?: KafkaRestClient;
  remoteClusterId?: string;
  generation?: number;
  nowMs: number;
  exec: ExecuteOptions;
}

const EMPTY: ReverseOutcome = { status: {}, events: [], writeCalls: 0, pending: false, activeStates: [] };

export async function reconcileReverse(x: ReverseInput): Promise<ReverseOutcome> {
  const wanted = reverseMirrorTopics(x.input.link.spec?.mirrorTopics);
  if (!x.remote || !x.remoteClusterId) {
    if (wanted.length === 0) return EMPTY;
    return {
      ...EMPTY,
      problem:
        'toSource mirror topics live on the remote cluster: spec.sourceKafkaCluster.kafkaRestClassRef must name its REST API',
    };
  }
  const { remote, remoteClusterId: rid } = x;
  const name = x.input.linkName;
  const previous = x.input.previousStatus?.reverseMirrorTopics ?? {};
  try {
    const link = await remote.findLink(rid, name, {}, x.exec.signal);
    if (!link) {
      if (wanted.length === 0) return EMPTY;
      return { ...EMPTY, problem: `the remote half of link ${name} does not exist yet: create the other ClusterLink` };
    }
    let mirrors = await remote.listMirrors(rid, name, x.exec.signal);
    const plan = planReverse(x, wanted, { link, configs: [], mirrors });
    const report = await executePlan(remote, rid, name, plan.actions, x.exec);
    if (report.writeCalls > 0) mirrors = await remote.listMirrors(rid, name, x.exec.signal);
    return reverseOutcome(x, rid, wanted, mirrors, report);
  } catch (e) {
    if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
    return {
      ...EMPTY,
      status: { ...(x.input.previousStatus?.reverseMirrorTopics ? { reverseMirrorTopics: previous } : {}) },
      problem: `the remote cluster's REST API (toSource mirrors): ${e.serverMessage ?? e.message}`,
    };
  }
}

/** Deleting this half fails the pushed mirrors over; otherwise the local planner runs on the remote half. */
function planReverse(x: ReverseInput, wanted: MirrorTopic[], observed: ObservedLink): Plan {
  const plan: Plan = { role: 'bidirectional', actions: [], notes: [] };
  const spec: ClusterLinkSpec = x.input.link.spec ?? {};
  if (x.input.deleting) {
    // Deleting this half: the mirrors it pushed become regular topics on the remote cluster.
    const listed = new Set(wanted.map((m) => m.name));
    const live = observed.mirrors.filter(
      (m) => listed.has(m.mirror_topic_name) && m.mirror_status !== 'STOPPED' && m.mirror_status !== 'PENDING_STOPPED',
    );
    if (live.length > 0) {
      plan.actions.push({ kind: 'snapshot', snapshots: live.map((m) => snapshotOf(m, 'FAILOVER')) });
      plan.actions.push({ kind: 'mirrorAction', action: 'failover', names: live.map((m) => m.mirror_topic_name) });
    }
    return plan;
  }
  planMirrors(
    {
      spec: { ...spec, mirrorTopics: wanted, mirrorTopicOptions: { ...spec.mirrorTopicOptions, prefix: undefined } },
      linkName: x.input.linkName,
      credentials: {},
      observed,
      previousStatus: { mirrorTopics: x.input.previousStatus?.reverseMirrorTopics ?? {} },
      deleting: false,
      nowMs: x.nowMs,
    },
    plan,
  );
  return plan;
}

/** CFK's reverseMirrorTopics status, events for what changed, and Ready=False text for what failed. */
function reverseOutcome(
  x: ReverseInput,
  rid: string,
  wanted: MirrorTopic[],
  mirrors: MirrorData[],
  report: ExecutionReport,
): ReverseOutcome {
  const previous = x.input.previousStatus?.reverseMirrorTopics ?? {};
  const snapshots = Object.fromEntries(report.snapshots.map((s) => [s.topicName, s]));
  const desiredByName = new Map(desiredMirrors(wanted, undefined).map((d) => [d.name, d]));
  const histories = mirrorHistories(mirrors, { previous, snapshots, actionLags: report.actionLags });
  const topics = mirrorStatuses(mirrors, desiredByName, snapshots, {}, x.generation, previous, histories);
  const events: KubeEvent[] = report.completed.map((c) => ({
    type: 'Normal',
    reason: c.action === 'createMirror' ? 'ReverseMirrorTopicCreated' : 'ReverseMirrorStateChanged',
    message: `remote cluster ${rid}: ${c.detail}`,
  }));
  const problems = [
    ...report.failures.map((f) => `${f.action}${f.topic ? ` ${f.topic}` : ''}: ${f.message}`),
    ...report.itemErrors.map((i) => `${i.action} ${i.mirrorTopicName}: ${i.message}`),
  ];
  for (const p of problems) events.push({ type: 'Warning', reason: 'ReverseMirrorFailed', message: p });
  return {
    status: { reverseMirrorTopics: topics, numReverseMirrorTopics: Object.keys(topics).length },
    events,
    writeCalls: report.writeCalls,
    ...(problems.length > 0 ? { problem: `toSource mirrors on ${rid}: ${problems.join('; ')}` } : {}),
    pending: mirrors.some((m) => m.mirror_status === 'PENDING_STOPPED'),
    activeStates: mirrors.map((m) => m.mirror_status),
  };
}
