// The Kafka side of the controller seam (types.ts): resolve cluster ids, observe the link on the
// Admin REST API, plan (pure), execute, re-observe, and turn it all into a ReconcileOutcome.
import type { ClusterLinkStatus, Condition } from '../../clusterlink/types.js';
import { KafkaRestError, type KafkaRestClient } from '../../kafka-rest/index.js';
import { createClientCache, type ClientFactory } from './clients.js';
import { executePlan, type ExecutionReport } from './execute.js';
import { degradedCondition, linkHealth } from './health.js';
import { mirrorHistories } from './mirror-history.js';
import { bidirectionalState } from './plan/bidirectional.js';
import { reconcileReverse } from './reverse-mirrors.js';
import { describePreflight, preflightCondition } from './preflight.js';
import { applyTransitions, readTransitionErrors } from './transition-status.js';
import { transitionRecord, type TransitionBackoff } from './transitions.js';
import { ownsMirrors, roleOf } from './plan/link-configs.js';
import { desiredMirrors, planLink } from './plan/plan.js';
import type { LinkRole, MirrorSnapshot, ObservedLink, Plan } from './plan/types.js';
import {
  mirrorStatuses,
  previousSnapshots,
  SNAPSHOTS_STATUS_KEY,
  tasksCondition,
  withTransitionTimes,
} from './status.js';
import type {
  KubeEvent,
  LinkReconciler,
  ReconcileInput,
  ReconcileOutcome,
  RestTarget,
  StoppedMirror,
} from '../types.js';

export interface LinkReconcilerOptions {
  /** Per-request timeout of REST calls (ms). */
  requestTimeoutMs?: number;
  /** How long to poll PENDING_STOPPED mirrors within one pass before asking for a requeue (ms). */
  stopPollBudgetMs?: number;
  stopPollIntervalMs?: number;
  /** Requeue delay while mirrors are PENDING_STOPPED or a deletion hand-over is pending (ms). */
  pendingRequeueMs?: number;
  /** Source-mode create: retry the transient "does not have a link named" 400 for this long (ms). */
  sourceInitiatedRetryMs?: number;
  /** Max concurrent mirror creations. */
  mirrorConcurrency?: number;
  /** Backoff between repeated promote/failover requests of one mirror (docs/reconciler.md#failed-transitions). */
  transitionBackoff?: TransitionBackoff;
  /** Every Admin REST call's method, path and code (the reconciler metrics, docs/reconciler.md#metrics). */
  onRestRequest?: (method: string, path: string, code: string) => void;
  /** Injected for tests: build clients yourself (e.g. against a simulator). */
  clientFactory?: ClientFactory;
  now?: () => Date;
}

export type ClosableLinkReconciler = LinkReconciler & { close(): void };

const MAX_ROUNDS = 3;

export function createLinkReconciler(options: LinkReconcilerOptions = {}): ClosableLinkReconciler {
  const cache = options.clientFactory ? undefined : createClientCache(options.requestTimeoutMs, options.onRestRequest);
  const clientFor: ClientFactory = options.clientFactory ?? ((t) => (cache as NonNullable<typeof cache>).get(t));
  const reconcile = (async (input: ReconcileInput, signal?: AbortSignal) =>
    reconcileLink(input, clientFor, options, signal)) as ClosableLinkReconciler;
  reconcile.close = () => cache?.close();
  return reconcile;
}

interface Ids {
  local: string;
  remote?: string;
  source?: string;
  destination?: string;
}

/** clusterID in the spec wins, then the RestTarget's known id, then GET /clusters on that REST endpoint. */
async function resolveIds(
  input: ReconcileInput,
  role: LinkRole,
  clientFor: ClientFactory,
  signal?: AbortSignal,
): Promise<Ids> {
  const spec = input.link.spec ?? {};
  const localBlock = role === 'source' ? spec.sourceKafkaCluster : spec.destinationKafkaCluster;
  const remoteBlock = role === 'source' ? spec.destinationKafkaCluster : spec.sourceKafkaCluster;
  const idOf = async (fromSpec: string | undefined, target: RestTarget | undefined): Promise<string | undefined> => {
    if (fromSpec) return fromSpec;
    if (!target) return undefined;
    if (target.clusterId) return target.clusterId;
    return clientFor(target).discoverClusterId(signal);
  };
  const local = (await idOf(localBlock?.clusterID, input.local)) as string;
  const remote = await idOf(remoteBlock?.clusterID, input.remote);
  return role === 'source'
    ? { local, remote, source: local, destination: remote }
    : { local, remote, source: remote, destination: local };
}

async function observe(
  client: KafkaRestClient,
  clusterId: string,
  linkName: string,
  role: LinkRole,
  signal?: AbortSignal,
): Promise<ObservedLink> {
  const link = await client.findLink(clusterId, linkName, { includeTasks: true }, signal);
  if (!link) return { configs: [], mirrors: [] };
  const [configs, mirrors] = await Promise.all([
    client.listLinkConfigs(clusterId, linkName, signal),
    ownsMirrors(role) ? client.listMirrors(clusterId, linkName, signal) : Promise.resolve([]),
  ]);
  return { link, configs, mirrors };
}

async function reconcileLink(
  input: ReconcileInput,
  clientFor: ClientFactory,
  options: LinkReconcilerOptions,
  signal?: AbortSignal,
): Promise<ReconcileOutcome> {
  const spec = input.link.spec ?? {};
  const role = roleOf(spec);
  const now = (options.now ?? (() => new Date()))().toISOString();
  const generation = input.link.metadata?.generation;
  const events: KubeEvent[] = [];
  const finish = (
    o: Omit<ReconcileOutcome, 'conditions' | 'events'> & { conditions: Omit<Condition, 'lastTransitionTime'>[] },
  ): ReconcileOutcome => {
    const conditions = withTransitionTimes(
      o.conditions.map((c) => ({ ...c, ...(generation !== undefined ? { observedGeneration: generation } : {}) })),
      input.previousStatus?.conditions,
      now,
    );
    return {
      ...o,
      status: { ...o.status, conditions, ...(generation !== undefined ? { observedGeneration: generation } : {}) },
      conditions,
      events,
    };
  };
  const failed = (reason: string, e: unknown, status: ClusterLinkStatus): ReconcileOutcome => {
    if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
    const message = e.serverMessage ? `${e.method} ${e.path}: ${e.serverMessage}` : e.message;
    events.push({ type: 'Warning', reason, message });
    return finish({
      status: { ...status, appState: status.appState ?? 'Failed', state: status.state ?? 'FAILED' },
      conditions: [{ type: 'Ready', status: 'False', reason, message }],
      stoppedMirrors: [],
      writeCalls: 0,
      failure: { message, retryable: e.transient },
    });
  };

  const baseStatus: ClusterLinkStatus = { clusterLinkName: input.linkName };
  let ids: Ids;
  try {
    ids = await resolveIds(input, role, clientFor, signal);
  } catch (e) {
    // Like the RestError path below: a transient failure must not wipe what the previous status knew (the
    // mirror marks that drive deleting removed topics, the offset snapshots of stopped mirrors).
    const { conditions: _c, observedGeneration: _g, ...prior } = input.previousStatus ?? {};
    return failed('ClusterIDUnknown', e, { ...prior, ...baseStatus, appState: 'Unknown', state: 'UNKNOWN' });
  }
  const idStatus: ClusterLinkStatus = {
    ...baseStatus,
    ...(ids.source ? { sourceKafkaClusterID: ids.source } : {}),
    ...(ids.destination ? { destinationKafkaClusterID: ids.destination } : {}),
  };
  const client = clientFor(input.local);
  const execOpts = {
    signal,
    mirrorConcurrency: options.mirrorConcurrency,
    sourceInitiatedRetryMs: options.sourceInitiatedRetryMs,
    stopPollBudgetMs: options.stopPollBudgetMs,
    stopPollIntervalMs: options.stopPollIntervalMs,
  };

  let observed: ObservedLink;
  let plan: Plan;
  const reports: ExecutionReport[] = [];
  let beforeDelete: ObservedLink | undefined;
  try {
    observed = await observe(client, ids.local, input.linkName, role, signal);
    for (let round = 0; ; round++) {
      plan = planLink({
        spec,
        linkName: input.linkName,
        credentials: input.credentials,
        remoteClusterId: ids.remote,
        observed,
        previousStatus: input.previousStatus,
        deleting: input.deleting,
        nowMs: Date.parse(now),
        ...(options.transitionBackoff ? { transitionBackoff: options.transitionBackoff } : {}),
      });
      if (plan.blocked || plan.finalized || plan.actions.length === 0) break;
      if (plan.actions.some((a) => a.kind === 'deleteLink')) beforeDelete = observed;
      const report = await executePlan(client, ids.local, input.linkName, plan.actions, execOpts);
      reports.push(report);
      const wrote = report.writeCalls > 0;
      if (wrote || report.pendingStop.length > 0 || report.linkAlreadyExisted)
        observed = await observe(client, ids.local, input.linkName, role, signal);
      // 409 on create: the link exists after all, so read and diff it in another round.
      if (!report.linkAlreadyExisted || round + 1 >= MAX_ROUNDS) break;
    }
  } catch (e) {
    // Keep what the previous status knew, plus any offsets snapshotted before a stop in this pass:
    // once the stop completes the server only reports -1.
    const { conditions: _c, observedGeneration: _g, ...prior } = input.previousStatus ?? {};
    const snaps = { ...previousSnapshots(input.previousStatus) };
    for (const r of reports) for (const sn of r.snapshots) snaps[sn.topicName] = sn;
    return failed('RestError', e, {
      ...prior,
      ...idStatus,
      ...(Object.keys(snaps).length > 0 ? { [SNAPSHOTS_STATUS_KEY]: snaps } : {}),
    });
  }

  for (const n of plan.notes)
    events.push({ type: n.severity === 'Warning' ? 'Warning' : 'Normal', reason: n.reason, message: n.message });
  for (const r of reports)
    for (const c of r.completed) events.push({ type: 'Normal', reason: eventReason(c.action), message: c.detail });
  const failures = reports.flatMap((r) => r.failures);
  const itemErrors = reports.flatMap((r) => r.itemErrors);
  const pendingStop = reports.at(-1)?.pendingStop ?? [];
  const linkDeleted = reports.some((r) => r.linkDeleted);
  for (const f of failures)
    events.push({
      type: 'Warning',
      reason: 'RestCallFailed',
      message: `${f.action}${f.topic ? ` ${f.topic}` : ''}: ${f.message}`,
    });
  for (const i of itemErrors)
    events.push({
      type: 'Warning',
      reason: 'MirrorActionFailed',
      message: `${i.action} ${i.mirrorTopicName}: ${i.message}`,
    });

  // Offset snapshots: this pass's, plus the persisted ones for mirrors that still exist.
  const mirrorsForStatus = beforeDelete && linkDeleted ? beforeDelete.mirrors : observed.mirrors;
  const snapshots: Record<string, MirrorSnapshot> = {};
  const prevSnaps = previousSnapshots(input.previousStatus);
  for (const m of mirrorsForStatus) {
    const s = prevSnaps[m.mirror_topic_name];
    if (s) snapshots[m.mirror_topic_name] = s;
  }
  for (const r of reports) for (const s of r.snapshots) snapshots[s.topicName] = s;

  const desired = desiredMirrors(spec.mirrorTopics, spec.mirrorTopicOptions?.prefix);
  const desiredByName = new Map(desired.map((d) => [d.name, d]));
  // A CRD that prunes the snapshot key still keeps mirrorTopics[].lastSourceFetchOffset: rebuild
  // from it (exact for one partition; for more, only the status value is carried over).
  const carried: Record<string, number> = {};
  for (const m of mirrorsForStatus) {
    const last = input.previousStatus?.mirrorTopics?.[m.mirror_topic_name]?.lastSourceFetchOffset;
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
  // Stopped-mirror history: per partition, the read after STOPPED, else the promote/failover response, else the
  // pre-stop snapshot; the stop time is the STOPPED read's state_time_ms (docs/reconciler.md#stopped-mirror-history).
  const histories = mirrorHistories(mirrorsForStatus, {
    ...(input.previousStatus?.mirrorTopics ? { previous: input.previousStatus.mirrorTopics } : {}),
    snapshots,
    actionLags: Object.assign({}, ...reports.map((r) => r.actionLags)) as ExecutionReport['actionLags'],
  });
  const requestedStops = Object.assign(
    {},
    ...reports.map((r) => r.requestedStops),
  ) as ExecutionReport['requestedStops'];
  const stoppedMirrors: StoppedMirror[] = mirrorsForStatus
    .filter((m) => m.mirror_status === 'STOPPED')
    .map((m) => {
      const s = snapshots[m.mirror_topic_name];
      const h = histories[m.mirror_topic_name];
      const d = desiredByName.get(m.mirror_topic_name);
      // The stop that completed: an escalated promote was finished by a failover.
      const action: 'PROMOTE' | 'FAILOVER' =
        requestedStops[m.mirror_topic_name] ??
        transitionRecord(input.previousStatus?.mirrorTopics?.[m.mirror_topic_name])?.action ??
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

  const link = observed.link;
  const mirrorTopics = mirrorStatuses(
    mirrorsForStatus,
    desiredByName,
    snapshots,
    carried,
    generation,
    input.previousStatus?.mirrorTopics,
    histories,
  );
  const transitionErrors = await readTransitionErrors(
    client,
    ids.local,
    input.linkName,
    mirrorsForStatus,
    input.previousStatus?.mirrorTopics,
    requestedStops,
    signal,
  );
  const transitions = applyTransitions(mirrorTopics, {
    previous: input.previousStatus?.mirrorTopics,
    requested: requestedStops,
    errors: transitionErrors,
    nowMs: Date.parse(now),
    ...(options.transitionBackoff ? { backoff: options.transitionBackoff } : {}),
  });
  if (transitions.failureMessage)
    events.push({ type: 'Warning', reason: 'MirrorTransitionFailed', message: transitions.failureMessage });
  const finalized = input.deleting && (plan.finalized === true || linkDeleted);
  const status: ClusterLinkStatus = {
    ...idStatus,
    appState: finalized ? 'Deleted' : link ? 'Created' : failures.length > 0 || plan.blocked ? 'Failed' : 'Unknown',
    state: finalized
      ? 'DELETED'
      : input.deleting
        ? 'DELETING'
        : link
          ? 'CREATED'
          : plan.blocked || failures.length > 0
            ? 'FAILED'
            : 'CREATING',
    ...(link?.cluster_link_id
      ? { clusterLinkID: link.cluster_link_id }
      : input.previousStatus?.clusterLinkID
        ? { clusterLinkID: input.previousStatus.clusterLinkID }
        : {}),
    numMirrorTopics: Object.keys(mirrorTopics).length,
    mirrorTopics,
    ...(Object.keys(snapshots).length > 0 ? { [SNAPSHOTS_STATUS_KEY]: snapshots } : {}),
  };

  // The toSource direction of a bidirectional link, through the remote REST API (docs/reconciler.md#bidirectional-links).
  const reverse =
    role === 'bidirectional'
      ? await reconcileReverse({
          input,
          ...(input.remote ? { remote: clientFor(input.remote) } : {}),
          ...(ids.remote ? { remoteClusterId: ids.remote } : {}),
          ...(generation !== undefined ? { generation } : {}),
          nowMs: Date.parse(now),
          exec: execOpts,
        })
      : undefined;
  if (reverse) {
    Object.assign(status, reverse.status);
    status.bidirectionalState = bidirectionalState({
      localMirrorStates: mirrorsForStatus.map((m) => m.mirror_status),
      remoteMirrorStates: reverse.activeStates,
      consumerOffsetSync: observed.configs.some((c) => c.name === 'consumer.offset.sync.enable' && c.value === 'true'),
    });
    events.push(...reverse.events);
  }
  const conditions: Omit<Condition, 'lastTransitionTime'>[] = [
    readyCondition({
      plan,
      failures,
      itemErrors,
      pendingStop,
      link,
      finalized,
      deleting: input.deleting,
      role,
      warnings: plan.notes.filter((n) => n.severity === 'Warning'),
      ...(transitions.failureMessage ? { transitionFailure: transitions.failureMessage } : {}),
    }),
  ];
  const tasks = tasksCondition(link);
  if (tasks) conditions.push(tasks);
  if (reverse?.problem && conditions[0]?.status === 'True')
    conditions[0] = { type: 'Ready', status: 'False', reason: 'ReverseMirrorsFailed', message: reverse.problem };
  const preflight = reports.find((r) => r.preflight)?.preflight;
  const priorPreflight = input.previousStatus?.conditions?.find((c) => c.type === 'Preflight');
  // Kept once written, so a quiet resync after the create does not rewrite the status.
  if (!preflight && priorPreflight) {
    const { lastTransitionTime: _t, observedGeneration: _g, ...kept } = priorPreflight;
    conditions.push(kept);
  }
  if (preflight) {
    conditions.push(preflightCondition(preflight));
    if (!preflight.ok && failures[0]?.action === 'createLink')
      conditions[0] = {
        type: 'Ready',
        status: 'False',
        reason: 'PreflightFailed',
        message: describePreflight(preflight),
      };
  }
  if (!input.deleting && link) {
    // Ready is honest (docs/reconciler.md#health): a link that "matches the spec" but has broken mirrors or tasks is not Ready.
    const health = linkHealth(mirrorsForStatus, link);
    const ready = conditions[0];
    if (health.reason && ready?.status === 'True')
      conditions[0] = { type: 'Ready', status: 'False', reason: health.reason, message: health.problems.join(' | ') };
    conditions.push(degradedCondition(health));
  }

  // A failing stop is retried after its backoff, not polled every few seconds.
  const retryMs = plan.transitionRetryInMs ?? transitions.retryInMs;
  const awaiting =
    pendingStop.length > 0 ||
    reverse?.pending === true ||
    (input.deleting && !finalized && (plan.awaitingHandover === true || plan.actions.length > 0));
  const pendingMs = options.pendingRequeueMs ?? 5_000;
  const requeueAfterMs = input.deleting || retryMs === undefined ? (awaiting ? pendingMs : undefined) : retryMs;
  const firstFailure = failures[0];
  return finish({
    status,
    conditions,
    stoppedMirrors,
    writeCalls: reports.reduce((n, r) => n + r.writeCalls, 0) + (reverse?.writeCalls ?? 0),
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
  });
}

function eventReason(action: string): string {
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

function readyCondition(x: {
  plan: Plan;
  failures: ExecutionReport['failures'];
  itemErrors: ExecutionReport['itemErrors'];
  pendingStop: string[];
  link: ObservedLink['link'];
  finalized: boolean;
  deleting: boolean;
  role: LinkRole;
  warnings: { reason: string; message: string }[];
  transitionFailure?: string;
}): Omit<Condition, 'lastTransitionTime'> {
  const f = x.failures[0];
  if (x.plan.blocked)
    return { type: 'Ready', status: 'False', reason: x.plan.blocked.reason, message: x.plan.blocked.message };
  if (f)
    return {
      type: 'Ready',
      status: 'False',
      reason: 'RestError',
      message: `${f.action}${f.topic ? ` ${f.topic}` : ''}: ${f.status ? `HTTP ${f.status}: ` : ''}${f.message}`,
    };
  if (x.itemErrors.length > 0)
    return {
      type: 'Ready',
      status: 'False',
      reason: 'MirrorActionFailed',
      message: x.itemErrors.map((i) => `${i.action} ${i.mirrorTopicName}: ${i.message}`).join('; '),
    };
  if (x.transitionFailure && !x.deleting)
    return { type: 'Ready', status: 'False', reason: 'MirrorTransitionFailed', message: x.transitionFailure };
  if (x.finalized)
    return { type: 'Ready', status: 'False', reason: 'Deleted', message: 'the cluster link was deleted' };
  if (x.deleting)
    return {
      type: 'Ready',
      status: 'False',
      reason: 'Deleting',
      message:
        x.pendingStop.length > 0
          ? `waiting for mirror topics to stop: ${x.pendingStop.join(', ')}`
          : 'stopping mirror topics before deleting the link',
    };
  if (x.pendingStop.length > 0)
    return {
      type: 'Ready',
      status: 'False',
      reason: 'MirrorsStopping',
      message: `waiting for mirror topics to stop: ${x.pendingStop.join(', ')}`,
    };
  if (!x.link)
    return { type: 'Ready', status: 'False', reason: 'LinkMissing', message: 'the cluster link does not exist yet' };
  const state = x.link.link_state;
  if (state && state !== 'ACTIVE' && state !== 'AVAILABLE') {
    const hint =
      x.role === 'destination-inbound' ? ' (an INBOUND link waits for its Source-mode half on the source cluster)' : '';
    return {
      type: 'Ready',
      status: 'False',
      reason: 'LinkNotActive',
      message: `link state ${state}${x.link.link_error && x.link.link_error !== 'NO_ERROR' ? ` ${x.link.link_error}` : ''}${x.link.link_error_message ? `: ${x.link.link_error_message}` : ''}${hint}`,
    };
  }
  const w = x.warnings[0];
  if (
    w &&
    (w.reason === 'InvalidConfiguration' ||
      w.reason === 'ImmutableConfigDiffers' ||
      w.reason === 'MirrorStopped' ||
      w.reason === 'MirrorNotFound')
  )
    return { type: 'Ready', status: 'False', reason: w.reason, message: w.message };
  return { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'the cluster link matches the spec' };
}

export type { RestTarget };
