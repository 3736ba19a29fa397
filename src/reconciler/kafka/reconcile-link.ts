// The Kafka side of the controller seam (types.ts): resolve cluster ids, observe the link on the
// Admin REST API, plan (pure), execute, re-observe, and turn it all into a ReconcileOutcome.
import type { ClusterLinkStatus } from '../../clusterlink/types.js';
import { KafkaRestError, type KafkaRestClient } from '../../kafka-rest/index.js';
import { createClientCache, type ClientFactory } from './clients.js';
import { completeRemoteId, localIds, RemoteClusterUnknown, type Ids } from './cluster-ids.js';
import { executePlan, type ExecuteOptions, type ExecutionReport } from './execute.js';
import {
  convergedOutcome,
  passEvents,
  requestedStopsOf,
  statusMirrors,
  type Converged,
  type PassExtras,
  type PendingOutcome,
} from './outcome.js';
import { reconcileReverse } from './reverse-mirrors.js';
import { readTransitionErrors } from './transition-status.js';
import type { TransitionBackoff } from './transitions.js';
import { ownsMirrors, roleOf } from './plan/link-configs.js';
import { planLink } from './plan/plan.js';
import type { LinkRole, ObservedLink, Plan } from './plan/types.js';
import { previousSnapshots, SNAPSHOTS_STATUS_KEY, withTransitionTimes } from './status.js';
import type { KubeEvent, LinkReconciler, ReconcileInput, ReconcileOutcome, RestTarget } from '../types.js';

export interface LinkReconcilerOptions {
  /** Per-request timeout of REST calls (ms, default 15 s). */
  requestTimeoutMs?: number;
  /** Timeout of a link create, which the server validates against the remote cluster (ms, default 60 s). */
  createLinkTimeoutMs?: number;
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
  const cache = options.clientFactory
    ? undefined
    : createClientCache(
        {
          ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
          ...(options.createLinkTimeoutMs !== undefined ? { createLinkTimeoutMs: options.createLinkTimeoutMs } : {}),
        },
        options.onRestRequest,
      );
  const clientFor: ClientFactory = options.clientFactory ?? ((t) => (cache as NonNullable<typeof cache>).get(t));
  const reconcile = (async (input: ReconcileInput, signal?: AbortSignal) =>
    reconcileLink(input, clientFor, options, signal)) as ClosableLinkReconciler;
  reconcile.close = () => cache?.close();
  return reconcile;
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

/** What a pass accumulates while it converges; kept when a round throws (a failed pass must not lose it). */
interface PassProgress {
  reports: ExecutionReport[];
  /** The applied-configs record (docs/reconciler.md#applied-configs): replaced once planned config writes succeed. */
  appliedConfigs: Record<string, string> | undefined;
  /** The pass's clock, for the transition backoff (docs/reconciler.md#failed-transitions). */
  readonly nowMs: number;
}

function execOptionsOf(options: LinkReconcilerOptions, signal?: AbortSignal): ExecuteOptions {
  return {
    ...(signal ? { signal } : {}),
    mirrorConcurrency: options.mirrorConcurrency,
    sourceInitiatedRetryMs: options.sourceInitiatedRetryMs,
    stopPollBudgetMs: options.stopPollBudgetMs,
    stopPollIntervalMs: options.stopPollIntervalMs,
  };
}

/** The observe → plan → execute rounds of one pass (a 409 on create gets another round). */
async function converge(
  input: ReconcileInput,
  role: LinkRole,
  ids: Ids,
  client: KafkaRestClient,
  first: ObservedLink,
  options: LinkReconcilerOptions,
  progress: PassProgress,
  signal?: AbortSignal,
): Promise<Converged> {
  const reports = progress.reports;
  const spec = input.link.spec ?? {};
  const execOpts = execOptionsOf(options, signal);
  let observed = first;
  let beforeDelete: ObservedLink | undefined;
  for (let round = 0; ; round++) {
    const plan = planLink({
      spec,
      linkName: input.linkName,
      credentials: input.credentials,
      remoteClusterId: ids.remote,
      observed,
      previousStatus: input.previousStatus,
      deleting: input.deleting,
      ...(progress.appliedConfigs ? { appliedConfigs: progress.appliedConfigs } : {}),
      ...(input.remote ? { remoteRestEndpoint: input.remote.endpoint } : {}),
      nowMs: progress.nowMs,
      ...(options.transitionBackoff ? { transitionBackoff: options.transitionBackoff } : {}),
    });
    const done = (): Converged => ({ observed, plan, reports, ...(beforeDelete ? { beforeDelete } : {}) });
    if (plan.blocked || plan.finalized || plan.actions.length === 0) {
      if (!plan.blocked && plan.appliedConfigs) progress.appliedConfigs = plan.appliedConfigs;
      return done();
    }
    if (plan.actions.some((a) => a.kind === 'deleteLink')) beforeDelete = observed;
    const report = await executePlan(client, ids.local, input.linkName, plan.actions, execOpts);
    reports.push(report);
    if (plan.appliedConfigs && configsApplied(plan, report)) progress.appliedConfigs = plan.appliedConfigs;
    if (report.writeCalls > 0 || report.pendingStop.length > 0 || report.linkAlreadyExisted)
      observed = await observe(client, ids.local, input.linkName, role, signal);
    // 409 on create: the link exists after all, so read and diff it in another round.
    if (!report.linkAlreadyExisted || round + 1 >= MAX_ROUNDS) return done();
  }
}

/** Conditions get observedGeneration and lastTransitionTime; the status carries both. */
function finishOutcome(input: ReconcileInput, now: string, events: KubeEvent[], o: PendingOutcome): ReconcileOutcome {
  const generation = input.link.metadata?.generation;
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
}

/** A pass that ended in a REST error: Ready=False with the server's message, the status keeps what it knew. */
function failedOutcome(reason: string, e: unknown, status: ClusterLinkStatus): PendingOutcome & { event: KubeEvent } {
  if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
  const message = e.serverMessage ? `${e.method} ${e.path}: ${e.serverMessage}` : e.message;
  return {
    event: { type: 'Warning', reason, message },
    status: { ...status, appState: status.appState ?? 'Failed', state: status.state ?? 'FAILED' },
    conditions: [{ type: 'Ready', status: 'False', reason, message }],
    stoppedMirrors: [],
    writeCalls: 0,
    failure: { message, retryable: e.transient },
  };
}

/** What the previous status knew, without its conditions and generation (a failed pass must not wipe it). */
function priorStatus(input: ReconcileInput): ClusterLinkStatus {
  const { conditions: _c, observedGeneration: _g, ...prior } = input.previousStatus ?? {};
  return prior;
}

/** The remote REST class is needed (the link does not exist yet) but could not be resolved. */
function remoteUnknownOutcome(input: ReconcileInput, e: RemoteClusterUnknown): PendingOutcome {
  return {
    status: { ...priorStatus(input), clusterLinkName: input.linkName, appState: 'Unknown', state: 'UNKNOWN' },
    conditions: [{ type: 'Ready', status: 'False', reason: e.reason, message: e.message }],
    stoppedMirrors: [],
    writeCalls: 0,
    failure: { message: e.message, retryable: false },
  };
}

function idStatusOf(linkName: string, ids: Ids): ClusterLinkStatus {
  return {
    clusterLinkName: linkName,
    ...(ids.source ? { sourceKafkaClusterID: ids.source } : {}),
    ...(ids.destination ? { destinationKafkaClusterID: ids.destination } : {}),
  };
}

async function reconcileLink(
  input: ReconcileInput,
  clientFor: ClientFactory,
  options: LinkReconcilerOptions,
  signal?: AbortSignal,
): Promise<ReconcileOutcome> {
  const role = roleOf(input.link.spec ?? {});
  const now = (options.now ?? (() => new Date()))().toISOString();
  const out = outcomesOf(input, now);
  let ids: Ids;
  try {
    ids = await localIds(input, role, clientFor, signal);
  } catch (e) {
    return out.unknownIds(e);
  }
  return reconcileWithIds(input, role, ids, now, out, clientFor, options, signal);
}

/** How a pass ends: finished, failed on a REST error, or without the cluster ids it needs. */
interface PassOutcomes {
  finish: (o: PendingOutcome, events?: KubeEvent[]) => ReconcileOutcome;
  failed: (reason: string, e: unknown, status: ClusterLinkStatus) => ReconcileOutcome;
  unknownIds: (e: unknown) => ReconcileOutcome;
}

function outcomesOf(input: ReconcileInput, now: string): PassOutcomes {
  const finish = (o: PendingOutcome, events: KubeEvent[] = []): ReconcileOutcome =>
    finishOutcome(input, now, events, o);
  const failed = (reason: string, e: unknown, status: ClusterLinkStatus): ReconcileOutcome => {
    const { event, ...o } = failedOutcome(reason, e, status);
    return finish(o, [event]);
  };
  const unknownIds = (e: unknown): ReconcileOutcome =>
    e instanceof RemoteClusterUnknown
      ? finish(remoteUnknownOutcome(input, e), [{ type: 'Warning', reason: e.reason, message: e.message }])
      : failed('ClusterIDUnknown', e, {
          ...priorStatus(input),
          clusterLinkName: input.linkName,
          appState: 'Unknown',
          state: 'UNKNOWN',
        });
  return { finish, failed, unknownIds };
}

/** The pass once the local cluster id is known: observe, complete the remote id, converge, read the extras. */
async function reconcileWithIds(
  input: ReconcileInput,
  role: LinkRole,
  local: Ids,
  now: string,
  out: PassOutcomes,
  clientFor: ClientFactory,
  options: LinkReconcilerOptions,
  signal?: AbortSignal,
): Promise<ReconcileOutcome> {
  let ids = local;
  const client = clientFor(input.local);
  const progress: PassProgress = { reports: [], appliedConfigs: input.appliedConfigs, nowMs: Date.parse(now) };
  const applied = (o: ReconcileOutcome): ReconcileOutcome =>
    progress.appliedConfigs && !input.deleting ? { ...o, appliedConfigs: progress.appliedConfigs } : o;
  // `ids` as known when the error happens (the remote id may have been completed by then).
  const restFailed = (e: unknown): ReconcileOutcome =>
    applied(out.failed('RestError', e, restFailedStatus(input, ids, progress.reports)));
  let first: ObservedLink;
  try {
    first = await observe(client, ids.local, input.linkName, role, signal);
  } catch (e) {
    return restFailed(e);
  }
  try {
    ids = await completeRemoteId(input, role, ids, first.link, clientFor, signal);
  } catch (e) {
    return out.unknownIds(e);
  }
  const idStatus = idStatusOf(input.linkName, ids);
  let converged: Converged;
  let extras: PassExtras;
  try {
    converged = await converge(input, role, ids, client, first, options, progress, signal);
    extras = await readExtras(input, role, ids, client, converged, options, progress.nowMs, clientFor, signal);
  } catch (e) {
    return restFailed(e);
  }
  const { pending, events } = convergedOutcome(input, role, idStatus, converged, options.pendingRequeueMs, extras);
  return applied(out.finish(pending, [...passEvents(converged.plan, converged.reports), ...events]));
}

/**
 * Keep what the previous status knew, plus any offsets snapshotted before a stop in this pass:
 * once the stop completes the server only reports -1.
 */
function restFailedStatus(input: ReconcileInput, ids: Ids, reports: ExecutionReport[]): ClusterLinkStatus {
  const snaps = { ...previousSnapshots(input.previousStatus) };
  for (const r of reports) for (const sn of r.snapshots) snaps[sn.topicName] = sn;
  return {
    ...priorStatus(input),
    ...idStatusOf(input.linkName, ids),
    ...(Object.keys(snaps).length > 0 ? { [SNAPSHOTS_STATUS_KEY]: snaps } : {}),
  };
}

/** After the rounds: why unfinished promotes/failovers fail, and the reverse mirrors of a bidirectional link. */
async function readExtras(
  input: ReconcileInput,
  role: LinkRole,
  ids: Ids,
  client: KafkaRestClient,
  c: Converged,
  options: LinkReconcilerOptions,
  nowMs: number,
  clientFor: ClientFactory,
  signal?: AbortSignal,
): Promise<PassExtras> {
  const transitionErrors = await readTransitionErrors(
    client,
    ids.local,
    input.linkName,
    statusMirrors(c),
    input.previousStatus?.mirrorTopics,
    requestedStopsOf(c.reports),
    signal,
  );
  const generation = input.link.metadata?.generation;
  // The toSource direction of a bidirectional link, through the remote REST API (docs/reconciler.md#bidirectional-links).
  const reverse =
    role === 'bidirectional'
      ? await reconcileReverse({
          input,
          ...(input.remote ? { remote: clientFor(input.remote) } : {}),
          ...(ids.remote ? { remoteClusterId: ids.remote } : {}),
          ...(generation !== undefined ? { generation } : {}),
          nowMs,
          exec: execOptionsOf(options, signal),
        })
      : undefined;
  return {
    nowMs,
    ...(options.transitionBackoff ? { transitionBackoff: options.transitionBackoff } : {}),
    transitionErrors,
    ...(reverse ? { reverse } : {}),
  };
}

/** The plan's link-config writes (create or configs:alter), if it had any, all went through. */
function configsApplied(plan: Plan, report: ExecutionReport): boolean {
  if (report.linkAlreadyExisted) return false;
  const writes = plan.actions.filter((a) => a.kind === 'createLink' || a.kind === 'alterConfigs').length;
  return report.completed.filter((c) => c.action === 'createLink' || c.action === 'alterConfigs').length === writes;
}

export type { RestTarget };
