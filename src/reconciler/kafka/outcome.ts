// The last phases of a pass over one link (docs/reconciler.md, "Status"): what was observed, planned and done
// becomes events, offset snapshots, the stopped mirrors that need a KafkaTopic, the CFK-shaped status and the
// conditions. Pure: no I/O here.
import type { ClusterLinkStatus, Condition } from '../../clusterlink/types.js';
import type { MirrorData } from '../../kafka-rest/types.js';
import type { ExecutionReport } from './execute.js';
import { degradedCondition, linkHealth } from './health.js';
import { mirrorHistories, type MirrorHistory } from './mirror-history.js';
import { bidirectionalState } from './plan/bidirectional.js';
import { desiredMirrors } from './plan/plan.js';
import { describePreflight, preflightCondition } from './preflight.js';
import type { ReverseOutcome } from './reverse-mirrors.js';
import { applyTransitions, type TransitionOutcome } from './transition-status.js';
import { transitionRecord, type StopAction, type TransitionBackoff } from './transitions.js';
import type { LinkRole, MirrorSnapshot, ObservedLink, Plan } from './plan/types.js';
import { mirrorStatuses, previousSnapshots, SNAPSHOTS_STATUS_KEY, tasksCondition } from './status.js';
import type { KubeEvent, ReconcileInput, ReconcileOutcome, StoppedMirror } from '../types.js';

type DesiredByName = Map<string, ReturnType<typeof desiredMirrors>[number]>;

/** What the observe/plan/execute rounds of one pass produced. */
export interface Converged {
  observed: ObservedLink;
  plan: Plan;
  reports: ExecutionReport[];
  /** The link as observed just before a deleteLink action (its mirrors go into the final status). */
  beforeDelete?: ObservedLink;
}

export type PendingOutcome = Omit<ReconcileOutcome, 'conditions' | 'events'> & {
  conditions: Omit<Condition, 'lastTransitionTime'>[];
};

/** What the pass read besides the converge rounds: stop errors of failing transitions, the reverse mirrors. */
export interface PassExtras {
  nowMs: number;
  transitionBackoff?: TransitionBackoff;
  /** stateTransitionErrors of mirrors whose promote/failover has not completed (docs/reconciler.md#failed-transitions). */
  transitionErrors: Record<string, { errorCode: string; errorMessage: string }[]>;
  /** The toSource direction of a bidirectional link (docs/reconciler.md#bidirectional-links). */
  reverse?: ReverseOutcome;
}

/** The mirrors the status reports on: the link's as read just before its deletion, else as last observed. */
export function statusMirrors(c: Converged): MirrorData[] {
  const linkDeleted = c.reports.some((r) => r.linkDeleted);
  return c.beforeDelete && linkDeleted ? c.beforeDelete.mirrors : c.observed.mirrors;
}

/** The promotes/failovers the server accepted in this pass, by mirror. */
export function requestedStopsOf(reports: readonly ExecutionReport[]): Record<string, StopAction> {
  return Object.assign({}, ...reports.map((r) => r.requestedStops)) as Record<string, StopAction>;
}

export function eventReason(action: string): string {
  return (
    (
      {
        createLink: 'LinkCreated',
        alterConfigs: 'LinkConfigsUpdated',
        createMirror: 'MirrorTopicCreated',
        mirrorAction: 'MirrorStateChanged',
        deleteTopic: 'MirrorTopicDeleted',
        deleteLink: 'LinkDeleted',
      } as Record<string, string>
    )[action] ?? 'Reconciled'
  );
}

/** Normal events for what was done, Warning events for the plan's warnings and every failure. */
export function passEvents(plan: Plan, reports: readonly ExecutionReport[]): KubeEvent[] {
  const events: KubeEvent[] = [];
  for (const n of plan.notes)
    events.push({ type: n.severity === 'Warning' ? 'Warning' : 'Normal', reason: n.reason, message: n.message });
  for (const r of reports)
    for (const c of r.completed) events.push({ type: 'Normal', reason: eventReason(c.action), message: c.detail });
  for (const f of reports.flatMap((r) => r.failures))
    events.push({
      type: 'Warning',
      reason: 'RestCallFailed',
      message: `${f.action}${f.topic ? ` ${f.topic}` : ''}: ${f.message}`,
    });
  for (const i of reports.flatMap((r) => r.itemErrors))
    events.push({
      type: 'Warning',
      reason: 'MirrorActionFailed',
      message: `${i.action} ${i.mirrorTopicName}: ${i.message}`,
    });
  return events;
}

/** Offset snapshots: this pass's, plus the persisted ones for mirrors that still exist. */
function collectSnapshots(
  mirrors: readonly MirrorData[],
  reports: readonly ExecutionReport[],
  previous: ClusterLinkStatus | undefined,
): Record<string, MirrorSnapshot> {
  const snapshots: Record<string, MirrorSnapshot> = {};
  const prevSnaps = previousSnapshots(previous);
  for (const m of mirrors) {
    const s = prevSnaps[m.mirror_topic_name];
    if (s) snapshots[m.mirror_topic_name] = s;
  }
  for (const r of reports) for (const s of r.snapshots) snapshots[s.topicName] = s;
  return snapshots;
}

/**
 * A CRD that prunes the snapshot key still keeps mirrorTopics[].lastSourceFetchOffset: rebuild from it (exact
 * for one partition; for more, only the status value is carried over). Adds to `snapshots`, returns the carried.
 */
function carryStatusOffsets(
  mirrors: readonly MirrorData[],
  snapshots: Record<string, MirrorSnapshot>,
  desiredByName: DesiredByName,
  previous: ClusterLinkStatus | undefined,
): Record<string, number> {
  const carried: Record<string, number> = {};
  for (const m of mirrors) {
    const last = previous?.mirrorTopics?.[m.mirror_topic_name]?.lastSourceFetchOffset;
    if (
      snapshots[m.mirror_topic_name] ||
      last === undefined ||
      (m.mirror_status !== 'STOPPED' && m.mirror_status !== 'PENDING_STOPPED')
    )
      continue;
    carried[m.mirror_topic_name] = last;
    if (m.num_partitions === 1) {
      const d = desiredByName.get(m.mirror_topic_name);
      snapshots[m.mirror_topic_name] = {
        topicName: m.mirror_topic_name,
        sourceTopicName: m.source_topic_name,
        action: d?.state === 'PROMOTE' ? 'PROMOTE' : 'FAILOVER',
        partitions: 1,
        lastSourceFetchOffsets: [{ partition: 0, offset: last }],
      };
    }
  }
  return carried;
}

function stoppedMirrorsOf(
  mirrors: readonly MirrorData[],
  snapshots: Record<string, MirrorSnapshot>,
  desiredByName: DesiredByName,
  histories: Record<string, MirrorHistory>,
  stops: { requested: Record<string, StopAction>; previous: ClusterLinkStatus['mirrorTopics'] },
): StoppedMirror[] {
  return mirrors
    .filter((m) => m.mirror_status === 'STOPPED')
    .map((m) => {
      const s = snapshots[m.mirror_topic_name];
      const h = histories[m.mirror_topic_name];
      const d = desiredByName.get(m.mirror_topic_name);
      // The stop that completed: an escalated promote was finished by a failover.
      const action: StopAction =
        stops.requested[m.mirror_topic_name] ??
        transitionRecord(stops.previous?.[m.mirror_topic_name])?.action ??
        s?.action ??
        (d?.state === 'PROMOTE' ? 'PROMOTE' : 'FAILOVER');
      return {
        topicName: m.mirror_topic_name,
        sourceTopicName: m.source_topic_name,
        action,
        ...(h?.offsets.length ? { lastSourceFetchOffsets: h.offsets } : {}),
        ...(h?.stoppedAtMs !== undefined ? { stateTimeMs: h.stoppedAtMs } : {}),
        partitions: m.num_partitions,
        ...(d?.replicationFactor !== undefined ? { replicationFactor: d.replicationFactor } : {}),
      };
    });
}

function appStateOf(x: { finalized: boolean; link: boolean; failed: boolean }): ClusterLinkStatus['appState'] {
  if (x.finalized) return 'Deleted';
  if (x.link) return 'Created';
  return x.failed ? 'Failed' : 'Unknown';
}

function stateOf(x: { finalized: boolean; deleting: boolean; link: boolean; failed: boolean }): string {
  if (x.finalized) return 'DELETED';
  if (x.deleting) return 'DELETING';
  if (x.link) return 'CREATED';
  return x.failed ? 'FAILED' : 'CREATING';
}

export interface ReadyInput {
  plan: Plan;
  failures: ExecutionReport['failures'];
  itemErrors: ExecutionReport['itemErrors'];
  pendingStop: string[];
  link: ObservedLink['link'];
  finalized: boolean;
  deleting: boolean;
  role: LinkRole;
  warnings: { reason: string; message: string }[];
  /** A promote/failover keeps failing (docs/reconciler.md#failed-transitions). */
  transitionFailure?: string;
}

type PendingCondition = Omit<Condition, 'lastTransitionTime'>;

const notReady = (reason: string, message: string): PendingCondition => ({
  type: 'Ready',
  status: 'False',
  reason,
  message,
});

/** Ready=False for what went wrong in this pass, or undefined when nothing did. */
function failedReady(x: ReadyInput): PendingCondition | undefined {
  const f = x.failures[0];
  if (x.plan.blocked) return notReady(x.plan.blocked.reason, x.plan.blocked.message);
  if (f)
    return notReady(
      'RestError',
      `${f.action}${f.topic ? ` ${f.topic}` : ''}: ${f.status ? `HTTP ${f.status}: ` : ''}${f.message}`,
    );
  if (x.itemErrors.length > 0)
    return notReady(
      'MirrorActionFailed',
      x.itemErrors.map((i) => `${i.action} ${i.mirrorTopicName}: ${i.message}`).join('; '),
    );
  if (x.transitionFailure && !x.deleting) return notReady('MirrorTransitionFailed', x.transitionFailure);
  return undefined;
}

/** Ready=False while the pass waits for something (deletion, stopping mirrors, the link), else undefined. */
function waitingReady(x: ReadyInput): PendingCondition | undefined {
  const waitingFor = `waiting for mirror topics to stop: ${x.pendingStop.join(', ')}`;
  if (x.finalized) return notReady('Deleted', 'the cluster link was deleted');
  if (x.deleting)
    return notReady(
      'Deleting',
      x.pendingStop.length > 0 ? waitingFor : 'stopping mirror topics before deleting the link',
    );
  if (x.pendingStop.length > 0) return notReady('MirrorsStopping', waitingFor);
  if (!x.link) return notReady('LinkMissing', 'the cluster link does not exist yet');
  return undefined;
}

function linkStateReady(x: ReadyInput): PendingCondition | undefined {
  const state = x.link?.link_state;
  if (!x.link || !state || state === 'ACTIVE' || state === 'AVAILABLE') return undefined;
  const hint =
    x.role === 'destination-inbound' ? ' (an INBOUND link waits for its Source-mode half on the source cluster)' : '';
  const error = x.link.link_error && x.link.link_error !== 'NO_ERROR' ? ` ${x.link.link_error}` : '';
  const message = x.link.link_error_message ? `: ${x.link.link_error_message}` : '';
  return notReady('LinkNotActive', `link state ${state}${error}${message}${hint}`);
}

const READY_BLOCKING_WARNINGS = new Set([
  'InvalidConfiguration',
  'ImmutableConfigDiffers',
  'MirrorStopped',
  'MirrorNotFound',
]);

export function readyCondition(x: ReadyInput): PendingCondition {
  const early = failedReady(x) ?? waitingReady(x) ?? linkStateReady(x);
  if (early) return early;
  const w = x.warnings[0];
  if (w && READY_BLOCKING_WARNINGS.has(w.reason)) return notReady(w.reason, w.message);
  return { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'the cluster link matches the spec' };
}

/** The mirrors the status reports on, their offset snapshots (this pass's and kept ones) and the stopped ones. */
function mirrorPhase(input: ReconcileInput, c: Converged) {
  const spec = input.link.spec ?? {};
  const linkDeleted = c.reports.some((r) => r.linkDeleted);
  const mirrors = statusMirrors(c);
  const snapshots = collectSnapshots(mirrors, c.reports, input.previousStatus);
  const desiredByName: DesiredByName = new Map(
    desiredMirrors(spec.mirrorTopics, spec.mirrorTopicOptions?.prefix).map((d) => [d.name, d]),
  );
  const carried = carryStatusOffsets(mirrors, snapshots, desiredByName, input.previousStatus);
  // Stopped-mirror history: per partition, the read after STOPPED, else the promote/failover response, else the
  // pre-stop snapshot; the stop time is the STOPPED read's state_time_ms (docs/reconciler.md#stopped-mirror-history).
  const histories = mirrorHistories(mirrors, {
    ...(input.previousStatus?.mirrorTopics ? { previous: input.previousStatus.mirrorTopics } : {}),
    snapshots,
    actionLags: Object.assign({}, ...c.reports.map((r) => r.actionLags)) as ExecutionReport['actionLags'],
  });
  const mirrorTopics = mirrorStatuses(
    mirrors,
    desiredByName,
    snapshots,
    carried,
    input.link.metadata?.generation,
    input.previousStatus?.mirrorTopics,
    histories,
  );
  const stoppedMirrors = stoppedMirrorsOf(mirrors, snapshots, desiredByName, histories, {
    requested: requestedStopsOf(c.reports),
    previous: input.previousStatus?.mirrorTopics,
  });
  return { linkDeleted, mirrors, snapshots, mirrorTopics, stoppedMirrors };
}

function linkStatus(
  input: ReconcileInput,
  idStatus: ClusterLinkStatus,
  c: Converged,
  m: ReturnType<typeof mirrorPhase>,
  finalized: boolean,
  reverse: ReverseOutcome | undefined,
): ClusterLinkStatus {
  const link = c.observed.link;
  const failed = c.reports.some((r) => r.failures.length > 0) || c.plan.blocked !== undefined;
  const clusterLinkID = link?.cluster_link_id || input.previousStatus?.clusterLinkID;
  return {
    ...idStatus,
    appState: appStateOf({ finalized, link: link !== undefined, failed }),
    state: stateOf({ finalized, deleting: input.deleting, link: link !== undefined, failed }),
    ...(clusterLinkID ? { clusterLinkID } : {}),
    numMirrorTopics: Object.keys(m.mirrorTopics).length,
    mirrorTopics: m.mirrorTopics,
    ...(Object.keys(m.snapshots).length > 0 ? { [SNAPSHOTS_STATUS_KEY]: m.snapshots } : {}),
    ...(reverse
      ? {
          ...reverse.status,
          bidirectionalState: bidirectionalState({
            localMirrorStates: m.mirrors.map((x) => x.mirror_status),
            remoteMirrorStates: reverse.activeStates,
            consumerOffsetSync: c.observed.configs.some(
              (x) => x.name === 'consumer.offset.sync.enable' && x.value === 'true',
            ),
          }),
        }
      : {}),
  };
}

/**
 * Ready as the other checks correct it: a failing reverse side, a rejected preflight (docs/reconciler.md#preflight)
 * and unhealthy mirrors or tasks (docs/reconciler.md#health) make a "matches the spec" link not Ready.
 */
function correctedConditions(
  input: ReconcileInput,
  c: Converged,
  m: ReturnType<typeof mirrorPhase>,
  conditions: PendingCondition[],
  reverse: ReverseOutcome | undefined,
): PendingCondition[] {
  const out = [...conditions];
  if (reverse?.problem && out[0]?.status === 'True') out[0] = notReady('ReverseMirrorsFailed', reverse.problem);
  const preflight = c.reports.find((r) => r.preflight)?.preflight;
  const priorPreflight = input.previousStatus?.conditions?.find((x) => x.type === 'Preflight');
  // Kept once written, so a quiet resync after the create does not rewrite the status.
  if (!preflight && priorPreflight) {
    const { lastTransitionTime: _t, observedGeneration: _g, ...kept } = priorPreflight;
    out.push(kept);
  }
  if (preflight) {
    out.push(preflightCondition(preflight));
    if (!preflight.ok && c.reports.flatMap((r) => r.failures)[0]?.action === 'createLink')
      out[0] = notReady('PreflightFailed', describePreflight(preflight));
  }
  if (!input.deleting && c.observed.link) {
    const health = linkHealth(m.mirrors, c.observed.link);
    if (health.reason && out[0]?.status === 'True') out[0] = notReady(health.reason, health.problems.join(' | '));
    out.push(degradedCondition(health));
  }
  return out;
}

function passConditions(
  input: ReconcileInput,
  role: LinkRole,
  c: Converged,
  finalized: boolean,
  transitions: TransitionOutcome,
): PendingCondition[] {
  const conditions: PendingCondition[] = [
    readyCondition({
      plan: c.plan,
      failures: c.reports.flatMap((r) => r.failures),
      itemErrors: c.reports.flatMap((r) => r.itemErrors),
      pendingStop: c.reports.at(-1)?.pendingStop ?? [],
      link: c.observed.link,
      finalized,
      deleting: input.deleting,
      role,
      warnings: c.plan.notes.filter((n) => n.severity === 'Warning'),
      ...(transitions.failureMessage ? { transitionFailure: transitions.failureMessage } : {}),
    }),
  ];
  const tasks = tasksCondition(c.observed.link);
  if (tasks) conditions.push(tasks);
  return conditions;
}

/** Status, conditions, stopped mirrors, requeue and the extra events of a pass that reached the Kafka side. */
export function convergedOutcome(
  input: ReconcileInput,
  role: LinkRole,
  idStatus: ClusterLinkStatus,
  c: Converged,
  pendingRequeueMs: number | undefined,
  extras: PassExtras,
): { pending: PendingOutcome; events: KubeEvent[] } {
  const m = mirrorPhase(input, c);
  const transitions = applyTransitions(m.mirrorTopics, {
    previous: input.previousStatus?.mirrorTopics,
    requested: requestedStopsOf(c.reports),
    errors: extras.transitionErrors,
    nowMs: extras.nowMs,
    ...(extras.transitionBackoff ? { backoff: extras.transitionBackoff } : {}),
  });
  const reverse = extras.reverse;
  const finalized = input.deleting && (c.plan.finalized === true || m.linkDeleted);
  const pendingStop = c.reports.at(-1)?.pendingStop ?? [];
  const awaiting =
    pendingStop.length > 0 ||
    reverse?.pending === true ||
    (input.deleting && !finalized && (c.plan.awaitingHandover === true || c.plan.actions.length > 0));
  // A failing stop is retried after its backoff, not polled every few seconds.
  const retryMs = c.plan.transitionRetryInMs ?? transitions.retryInMs;
  const pendingMs = pendingRequeueMs ?? 5_000;
  const requeueAfterMs = input.deleting || retryMs === undefined ? (awaiting ? pendingMs : undefined) : retryMs;
  const firstFailure = c.reports.flatMap((r) => r.failures)[0];
  const events: KubeEvent[] = [];
  if (transitions.failureMessage)
    events.push({ type: 'Warning', reason: 'MirrorTransitionFailed', message: transitions.failureMessage });
  if (reverse) events.push(...reverse.events);
  const pending: PendingOutcome = {
    status: linkStatus(input, idStatus, c, m, finalized, reverse),
    conditions: correctedConditions(input, c, m, passConditions(input, role, c, finalized, transitions), reverse),
    stoppedMirrors: m.stoppedMirrors,
    writeCalls: c.reports.reduce((n, r) => n + r.writeCalls, 0) + (reverse?.writeCalls ?? 0),
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
    ...(input.deleting ? { finalized } : {}),
    ...(firstFailure
      ? {
          failure: {
            message: firstFailure.message,
            retryable: firstFailure.status === undefined || firstFailure.status >= 500 || firstFailure.status === 429,
          },
        }
      : {}),
  };
  return { pending, events };
}
