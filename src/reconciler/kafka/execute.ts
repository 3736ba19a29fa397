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
  const signal = opts.signal;
  const failedMirrors = new Set<string>();
  const fail = (action: PlanAction['kind'], e: unknown, topic?: string): void => {
    // Aborts (leadership lost, shutdown) end the pass; they are not results.
    if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
    report.failures.push({
      action,
      topic,
      message: e.serverMessage ?? e.message,
      status: e.status,
      errorCode: e.errorCode,
    });
  };

  for (let i = 0; i < actions.length; i++) {
    const a = actions[i] as PlanAction;
    switch (a.kind) {
      case 'createLink':
        // A Source-mode half is validated by its own retrying create (the destination half may not exist yet).
        if (!a.retryDestinationMissing) {
          report.preflight = await preflightLink(client, clusterId, linkName, a.request, signal);
          if (!report.preflight.ok && !isExistsMessage(report.preflight)) {
            report.failures.push({
              action: a.kind,
              message: report.preflight.message,
              ...(report.preflight.status !== undefined ? { status: report.preflight.status } : {}),
              ...(report.preflight.errorCode !== undefined ? { errorCode: report.preflight.errorCode } : {}),
            });
            report.stoppedEarly = true;
            return report;
          }
        }
        report.writeCalls++;
        try {
          await client.createLink(clusterId, linkName, a.request, {
            retryDestinationMissingMs: a.retryDestinationMissing ? (opts.sourceInitiatedRetryMs ?? 30_000) : undefined,
            signal,
          });
          report.completed.push({ action: a.kind, detail: `created cluster link ${linkName}` });
        } catch (e) {
          if (isLinkExists(e)) {
            report.linkAlreadyExisted = true;
            return report;
          }
          fail(a.kind, e);
          report.stoppedEarly = true;
          return report;
        }
        break;
      case 'alterConfigs':
        report.writeCalls++;
        try {
          await client.alterLinkConfigs(clusterId, linkName, a.ops, signal);
          report.completed.push({
            action: a.kind,
            detail: `updated link configs ${a.ops.map((o) => `${o.operation === 'DELETE' ? '-' : ''}${o.name}`).join(', ')}`,
          });
        } catch (e) {
          fail(a.kind, e);
          report.stoppedEarly = true;
          return report;
        }
        break;
      case 'createMirror': {
        // Consecutive creations run with bounded concurrency.
        const batch: Extract<PlanAction, { kind: 'createMirror' }>[] = [a];
        while (actions[i + 1]?.kind === 'createMirror')
          batch.push(actions[++i] as Extract<PlanAction, { kind: 'createMirror' }>);
        await mapLimit(batch, opts.mirrorConcurrency ?? 4, async (c) => {
          const name = c.request.mirror_topic_name ?? c.request.source_topic_name;
          report.writeCalls++;
          try {
            await client.createMirror(clusterId, linkName, c.request, signal);
            report.completed.push({ action: 'createMirror', detail: `created mirror topic ${name}` });
          } catch (e) {
            failedMirrors.add(name);
            fail('createMirror', e, name);
          }
        });
        break;
      }
      case 'snapshot':
        report.snapshots.push(...a.snapshots);
        break;
      case 'mirrorAction': {
        const names = a.names.filter((n) => !failedMirrors.has(n));
        if (names.length === 0) break;
        report.writeCalls++;
        try {
          const out = await client.alterMirrors(clusterId, linkName, a.action, names, signal);
          if (a.action === 'promote' || a.action === 'failover') {
            Object.assign(report.actionLags, out.lags ?? {});
            for (const n of out.accepted) report.requestedStops[n] = a.action === 'promote' ? 'PROMOTE' : 'FAILOVER';
          }
          if (out.accepted.length > 0)
            report.completed.push({ action: a.kind, detail: `${a.action}: ${out.accepted.join(', ')}` });
          for (const f of out.failed) {
            failedMirrors.add(f.mirrorTopicName);
            report.itemErrors.push({ ...f, action: a.action });
          }
        } catch (e) {
          for (const n of names) failedMirrors.add(n);
          fail(a.kind, e);
        }
        break;
      }
      case 'awaitStopped': {
        const names = a.names.filter((n) => !failedMirrors.has(n));
        if (names.length > 0) report.pendingStop = await awaitStopped(client, clusterId, linkName, names, opts, report);
        break;
      }
      case 'deleteTopic':
        report.writeCalls++;
        try {
          await client.deleteTopic(clusterId, a.name, signal);
          report.completed.push({ action: a.kind, detail: `deleted mirror topic ${a.name} (removed from the spec)` });
        } catch (e) {
          fail(a.kind, e, a.name);
        }
        break;
      case 'deleteLink':
        report.writeCalls++;
        try {
          await client.deleteLink(clusterId, linkName, signal);
          report.linkDeleted = true;
          report.completed.push({ action: a.kind, detail: `deleted cluster link ${linkName}` });
        } catch (e) {
          fail(a.kind, e);
          report.stoppedEarly = true;
          return report;
        }
        break;
    }
  }
  return report;
}

/** A preflight that says the link exists already: let the real create report 409 and adopt it. */
function isExistsMessage(r: Exclude<PreflightResult, { ok: true }>): boolean {
  return r.status === 409 || /already exists/i.test(r.message);
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
