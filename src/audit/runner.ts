// The audit in `serve` (docs/audit.md): at start and every --audit-interval, every ClusterLink in the watched
// namespaces is re-validated; its `Validated` condition is written only when it changes (one JSON patch of the status
// sub-resource touching that condition alone), an Event is recorded when the verdict changes, and a gauge holds the
// violations by namespace and rule. Kubernetes is reached through the small ports below.
import type { Admitter } from '../admission/types.js';
import type { ClusterLink } from '../clusterlink/types.js';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { conditionPatch, validatedCondition, verdictEvent, type JsonPatchOp } from './condition.js';
import { auditLinks, violationsByRule, type AuditFinding } from './scan.js';

export interface AuditKube {
  listClusterLinks(namespace: string | undefined, signal?: AbortSignal): Promise<{ items: ClusterLink[] }>;
  patchClusterLinkStatus(namespace: string, name: string, ops: JsonPatchOp[], signal?: AbortSignal): Promise<unknown>;
}

export interface AuditEvents {
  record(
    link: ClusterLink,
    event: { type: 'Normal' | 'Warning'; reason: string; message: string },
    signal?: AbortSignal,
  ): Promise<void>;
}

export interface AuditDeps {
  kube: AuditKube;
  events: AuditEvents;
  validate: Admitter;
  /** Namespaces to audit; empty = all. */
  namespaces: readonly string[];
  logger: Logger;
  metrics: Pick<Metrics, 'auditViolations' | 'auditRuns'>;
  now?: () => Date;
}

export interface AuditPassResult {
  findings: AuditFinding[];
  /** Conditions written (changed verdicts or messages). */
  written: number;
}

async function listAll(deps: AuditDeps, signal?: AbortSignal): Promise<ClusterLink[]> {
  const scopes = deps.namespaces.length === 0 ? [undefined] : deps.namespaces;
  const links: ClusterLink[] = [];
  for (const ns of scopes) links.push(...(await deps.kube.listClusterLinks(ns, signal)).items);
  return links;
}

export async function runAuditPass(deps: AuditDeps, signal?: AbortSignal): Promise<AuditPassResult> {
  const now = deps.now ?? (() => new Date());
  const links = await listAll(deps, signal);
  const findings = await auditLinks(links, deps.validate);
  const byKey = new Map(links.map((l) => [`${l.metadata?.namespace}/${l.metadata?.name}`, l]));
  let written = 0;
  for (const finding of findings) {
    const link = byKey.get(`${finding.namespace}/${finding.name}`);
    if (!link) continue;
    const wanted = validatedCondition(finding);
    const ops = conditionPatch(link, wanted, now());
    if (!ops) continue;
    // judged on the object as listed, before the write
    const event = verdictEvent(link, wanted);
    try {
      await deps.kube.patchClusterLinkStatus(finding.namespace, finding.name, ops, signal);
      written++;
    } catch (err) {
      // a conflict or a deleted object: the next pass tries again
      deps.logger.warn(
        { clusterLink: `${finding.namespace}/${finding.name}`, err: { message: (err as Error).message } },
        'audit: could not write the Validated condition',
      );
      continue;
    }
    if (event) await deps.events.record(link, event, signal);
  }
  deps.metrics.auditViolations.reset();
  for (const [key, count] of violationsByRule(findings)) {
    const [namespace = '', rule = ''] = JSON.parse(key) as string[];
    deps.metrics.auditViolations.set({ namespace, rule }, count);
  }
  const invalid = findings.filter((f) => !f.valid).length;
  deps.logger.info({ clusterLinks: findings.length, invalid, written }, 'audit pass done');
  return { findings, written };
}

/** Runs a pass now and then every `intervalMs`; `stop()` ends the loop and aborts a pass in flight. */
export function startAudit(deps: AuditDeps, intervalMs: number): { stop(): Promise<void> } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const pass = (): void => {
    running = runAuditPass(deps, controller.signal).then(
      () => deps.metrics.auditRuns.inc({ result: 'success' }),
      (err: unknown) => {
        deps.metrics.auditRuns.inc({ result: 'error' });
        if (!controller.signal.aborted)
          deps.logger.warn({ err: { message: (err as Error).message } }, 'audit pass failed; next one at the interval');
      },
    );
    void running.then(() => {
      if (!controller.signal.aborted) {
        timer = setTimeout(pass, intervalMs);
        timer.unref();
      }
    });
  };
  pass();
  return {
    stop: async () => {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
