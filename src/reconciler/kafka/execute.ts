// Runs a plan against the Admin REST client and records what happened, for status, conditions
// and events. A failing link-level action stops the run; mirror-level failures are recorded and
// the remaining independent actions still run.
import {
  isLinkExists,
  KafkaRestError,
  type KafkaRestClient,
  type MirrorItemError,
  type MirrorLag,
} from '../../kafka-rest/index.js';
import { sleep } from '../../lib/async.js';
import type { MirrorSnapshot, PlanAction } from './plan/types.js';
import { preflightLink, type PreflightResult } from './preflight.js';

export interface ExecuteOptions {
  /** Max concurrent mirror creations. */
  mirrorConcurrency?: number;
  /** Source-mode create: retry the transient "does not have a link named" 400 for this long (ms). */
  sourceInitiatedRetryMs?: number;
  /** Poll budget for PENDING_STOPPED → STOPPED within one pass (ms), and the poll interval. */
  stopPollBudgetMs?: number;
  stopPollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface ActionFailure {
  action: PlanAction['kind'];
  /** Mirror or topic concerned, when the action is per-topic. */
  topic?: string;
  message: string;
  status?: number;
  errorCode?: number;
}

export interface ExecutionReport {
  /** Human-readable record of each completed step (becomes Normal events). */
  completed: { action: PlanAction['kind']; detail: string }[];
  failures: ActionFailure[];
  /** Per-topic errors of batched mirror actions. */
  itemErrors: (MirrorItemError & { action: string })[];
  snapshots: MirrorSnapshot[];
  /** mirror_lags the promote/failover responses returned, by mirror (docs/reconciler.md#stopped-mirror-history). */
  actionLags: Record<string, MirrorLag[]>;
  /** Mirrors whose promote/failover the server accepted in this run (docs/reconciler.md#failed-transitions). */
  requestedStops: Record<string, 'PROMOTE' | 'FAILOVER'>;
  /** Mirrors still PENDING_STOPPED when the poll budget ran out. */
  pendingStop: string[];
  /** createLink answered 409: re-observe and re-plan. */
  linkAlreadyExisted: boolean;
  linkDeleted: boolean;
  /** Link-level failure: the remaining actions were skipped. */
  stoppedEarly: boolean;
  /** The validate_only create before the real one (docs/reconciler.md#preflight), when one ran. */
  preflight?: PreflightResult;
  /** Writing REST calls issued (a retried create counts once; a preflight is not a write). */
  writeCalls: number;
}

/** What every step of one plan run shares. */
interface Run {
  client: KafkaRestClient;
  clusterId: string;
  linkName: string;
  opts: ExecuteOptions;
  report: ExecutionReport;
  /** Mirrors whose creation or state change failed: later steps skip them. */
  failedMirrors: Set<string>;
}

type CreateMirrorAction = Extract<PlanAction, { kind: 'createMirror' }>;
/** 'stop': a link-level step failed (or the link exists after all); the remaining actions are skipped. */
type StepResult = 'stop' | undefined;

/** Record a REST failure; aborts (leadership lost, shutdown) end the pass: they are not results. */
function recordFailure(run: Run, action: PlanAction['kind'], e: unknown, topic?: string): void {
  if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
  run.report.failures.push({
    action,
    topic,
    message: e.serverMessage ?? e.message,
    status: e.status,
    errorCode: e.errorCode,
  });
}

/** The validate_only create (docs/reconciler.md#preflight); 'stop' when the server rejects the link. */
async function preflightStep(run: Run, a: Extract<PlanAction, { kind: 'createLink' }>): Promise<StepResult> {
  const { report } = run;
  report.preflight = await preflightLink(run.client, run.clusterId, run.linkName, a.request, run.opts.signal);
  if (report.preflight.ok || isExistsMessage(report.preflight)) return undefined;
  report.failures.push({
    action: a.kind,
    message: report.preflight.message,
    ...(report.preflight.status !== undefined ? { status: report.preflight.status } : {}),
    ...(report.preflight.errorCode !== undefined ? { errorCode: report.preflight.errorCode } : {}),
  });
  report.stoppedEarly = true;
  return 'stop';
}

/** A preflight that says the link exists already: let the real create report it and adopt the link. */
function isExistsMessage(r: Exclude<PreflightResult, { ok: true }>): boolean {
  return r.status === 409 || /already exists/i.test(r.message);
}

async function createLinkStep(run: Run, a: Extract<PlanAction, { kind: 'createLink' }>): Promise<StepResult> {
  const { report, opts } = run;
  // A Source-mode half is validated by its own retrying create (the destination half may not exist yet).
  if (!a.retryDestinationMissing && (await preflightStep(run, a)) === 'stop') return 'stop';
  report.writeCalls++;
  try {
    await run.client.createLink(run.clusterId, run.linkName, a.request, {
      retryDestinationMissingMs: a.retryDestinationMissing ? (opts.sourceInitiatedRetryMs ?? 30_000) : undefined,
      signal: opts.signal,
    });
    report.completed.push({ action: a.kind, detail: `created cluster link ${run.linkName}` });
    return undefined;
  } catch (e) {
    if (isLinkExists(e) || existsAs400(e)) {
      report.linkAlreadyExisted = true;
      return 'stop';
    }
    recordFailure(run, a.kind, e);
    report.stoppedEarly = true;
    return 'stop';
  }
}

async function alterConfigsStep(run: Run, a: Extract<PlanAction, { kind: 'alterConfigs' }>): Promise<StepResult> {
  run.report.writeCalls++;
  try {
    await run.client.alterLinkConfigs(run.clusterId, run.linkName, a.ops, run.opts.signal);
    run.report.completed.push({
      action: a.kind,
      detail: `updated link configs ${a.ops.map((o) => `${o.operation === 'DELETE' ? '-' : ''}${o.name}`).join(', ')}`,
    });
    return undefined;
  } catch (e) {
    recordFailure(run, a.kind, e);
    run.report.stoppedEarly = true;
    return 'stop';
  }
}

/** Consecutive creations run with bounded concurrency. */
async function createMirrorsStep(run: Run, batch: CreateMirrorAction[]): Promise<void> {
  await mapLimit(batch, run.opts.mirrorConcurrency ?? 4, async (c) => {
    const name = c.request.mirror_topic_name ?? c.request.source_topic_name;
    run.report.writeCalls++;
    try {
      await run.client.createMirror(run.clusterId, run.linkName, c.request, run.opts.signal);
      run.report.completed.push({ action: 'createMirror', detail: `created mirror topic ${name}` });
    } catch (e) {
      run.failedMirrors.add(name);
      recordFailure(run, 'createMirror', e, name);
    }
  });
}

async function mirrorActionStep(run: Run, a: Extract<PlanAction, { kind: 'mirrorAction' }>): Promise<void> {
  const names = a.names.filter((n) => !run.failedMirrors.has(n));
  if (names.length === 0) return;
  run.report.writeCalls++;
  try {
    const out = await run.client.alterMirrors(run.clusterId, run.linkName, a.action, names, run.opts.signal);
    if (a.action === 'promote' || a.action === 'failover') {
      Object.assign(run.report.actionLags, out.lags ?? {});
      for (const n of out.accepted) run.report.requestedStops[n] = a.action === 'promote' ? 'PROMOTE' : 'FAILOVER';
    }
    if (out.accepted.length > 0)
      run.report.completed.push({ action: a.kind, detail: `${a.action}: ${out.accepted.join(', ')}` });
    for (const f of out.failed) {
      run.failedMirrors.add(f.mirrorTopicName);
      run.report.itemErrors.push({ ...f, action: a.action });
    }
  } catch (e) {
    for (const n of names) run.failedMirrors.add(n);
    recordFailure(run, a.kind, e);
  }
}

async function deleteTopicStep(run: Run, a: Extract<PlanAction, { kind: 'deleteTopic' }>): Promise<void> {
  run.report.writeCalls++;
  try {
    await run.client.deleteTopic(run.clusterId, a.name, run.opts.signal);
    run.report.completed.push({ action: a.kind, detail: `deleted mirror topic ${a.name} (removed from the spec)` });
  } catch (e) {
    recordFailure(run, a.kind, e, a.name);
  }
}

async function deleteLinkStep(run: Run): Promise<StepResult> {
  run.report.writeCalls++;
  try {
    await run.client.deleteLink(run.clusterId, run.linkName, run.opts.signal);
    run.report.linkDeleted = true;
    run.report.completed.push({ action: 'deleteLink', detail: `deleted cluster link ${run.linkName}` });
    return undefined;
  } catch (e) {
    recordFailure(run, 'deleteLink', e);
    run.report.stoppedEarly = true;
    return 'stop';
  }
}

async function step(run: Run, a: Exclude<PlanAction, CreateMirrorAction>): Promise<StepResult> {
  switch (a.kind) {
    case 'createLink':
      return createLinkStep(run, a);
    case 'alterConfigs':
      return alterConfigsStep(run, a);
    case 'snapshot':
      run.report.snapshots.push(...a.snapshots);
      return undefined;
    case 'mirrorAction':
      await mirrorActionStep(run, a);
      return undefined;
    case 'awaitStopped': {
      const names = a.names.filter((n) => !run.failedMirrors.has(n));
      if (names.length > 0)
        run.report.pendingStop = await awaitStopped(
          run.client,
          run.clusterId,
          run.linkName,
          names,
          run.opts,
          run.report,
        );
      return undefined;
    }
    case 'deleteTopic':
      await deleteTopicStep(run, a);
      return undefined;
    case 'deleteLink':
      return deleteLinkStep(run);
  }
}

/**
 * Confluent's answer to a create of an existing link name is not settled (docs/reconciler.md#simulator-assumptions):
 * 409/40902 per the published API descriptions, but a 400 "... already exists" is taken the same way: read the link and adopt it.
 */
function existsAs400(e: unknown): boolean {
  return e instanceof KafkaRestError && e.status === 400 && /already exists/i.test(e.serverMessage ?? '');
}

export async function executePlan(
  client: KafkaRestClient,
  clusterId: string,
  linkName: string,
  actions: PlanAction[],
  opts: ExecuteOptions = {},
): Promise<ExecutionReport> {
  const report: ExecutionReport = {
    completed: [],
    failures: [],
    itemErrors: [],
    snapshots: [],
    actionLags: {},
    requestedStops: {},
    pendingStop: [],
    linkAlreadyExisted: false,
    linkDeleted: false,
    stoppedEarly: false,
    writeCalls: 0,
  };
  const run: Run = { client, clusterId, linkName, opts, report, failedMirrors: new Set() };
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i] as PlanAction;
    if (a.kind === 'createMirror') {
      const batch: CreateMirrorAction[] = [a];
      while (actions[i + 1]?.kind === 'createMirror') batch.push(actions[++i] as CreateMirrorAction);
      await createMirrorsStep(run, batch);
    } else if ((await step(run, a)) === 'stop') return report;
  }
  return report;
}

async function awaitStopped(
  client: KafkaRestClient,
  clusterId: string,
  linkName: string,
  names: string[],
  opts: ExecuteOptions,
  report: ExecutionReport,
): Promise<string[]> {
  const budget = opts.stopPollBudgetMs ?? 5_000;
  const interval = opts.stopPollIntervalMs ?? 500;
  const start = Date.now();
  let pending = names;
  for (;;) {
    try {
      const mirrors = await client.listMirrors(clusterId, linkName, opts.signal);
      const status = new Map(mirrors.map((m) => [m.mirror_topic_name, m.mirror_status]));
      pending = pending.filter((n) => status.get(n) !== 'STOPPED' && status.has(n));
    } catch (e) {
      if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
      report.failures.push({
        action: 'awaitStopped',
        message: e.serverMessage ?? e.message,
        status: e.status,
        errorCode: e.errorCode,
      });
      return pending;
    }
    if (pending.length === 0 || Date.now() - start + interval > budget) return pending;
    await sleep(interval, opts.signal);
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
