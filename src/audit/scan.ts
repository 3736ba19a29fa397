// The audit of docs/audit.md: every stored ClusterLink goes through the validating Admitter the webhook runs (Secret
// checks included), as Kubewarden's audit scanner does it: one AdmissionRequest per object, built as the API server
// would build a CREATE of it. Pure apart from the Admitter (whose Secret lookups are its own edge).
import { runAdmitter } from '../admission/run-admitter.js';
import type { AdmissionRequest, Admitter, ExceptionAuthorizer } from '../admission/types.js';
import type { FieldError } from '../clusterlink/field-errors.js';
import { formatFieldError } from '../clusterlink/field-errors.js';
import { CLUSTERLINK_GROUP, CLUSTERLINK_KIND, CLUSTERLINK_RESOURCE, type ClusterLink } from '../clusterlink/types.js';

export interface AuditFinding {
  namespace: string;
  name: string;
  generation?: number;
  valid: boolean;
  /** Errors as the webhook would deny the object today, each with its rule. */
  errors: FieldError[];
  warnings: Array<{ text: string; rule?: string }>;
  /** Rules the object's skip-rules annotation skipped (docs/rules.md#exceptions). */
  exceptions: string[];
  /** Set when the checks could not finish (a bug, or the budget ran out): the verdict is unknown. */
  unknown?: string;
}

/** Local Admitter calls answer fast; the budget only keeps a hung lookup from stalling the scan. */
const AUDIT_BUDGET = { deadlineMs: 5_000, budgetMs: 6_000 };

/**
 * The annotation was judged when the object was admitted (the SubjectAccessReview then named the user who applied
 * it); the audit has no user to ask, so it honours it and reports it.
 */
export const AS_ADMITTED: ExceptionAuthorizer = {
  mayGrant: async () => ({ allowed: true, reason: 'honoured by the audit as admitted' }),
};

export function auditRequest(link: ClusterLink): AdmissionRequest {
  const gvk = { group: CLUSTERLINK_GROUP, version: 'v1beta1', kind: CLUSTERLINK_KIND };
  const gvr = { group: CLUSTERLINK_GROUP, version: 'v1beta1', resource: CLUSTERLINK_RESOURCE };
  const namespace = link.metadata?.namespace ?? 'default';
  const request: AdmissionRequest = {
    uid: `audit-${link.metadata?.uid ?? `${namespace}-${link.metadata?.name ?? ''}`}`,
    kind: gvk,
    resource: gvr,
    requestKind: gvk,
    requestResource: gvr,
    namespace,
    operation: 'CREATE',
    object: link,
    userInfo: { username: 'system:clusterlink-webhook:audit' },
    dryRun: true,
  };
  if (link.metadata?.name !== undefined) request.name = link.metadata.name;
  return request;
}

export async function auditLink(link: ClusterLink, validate: Admitter): Promise<AuditFinding> {
  const base = {
    namespace: link.metadata?.namespace ?? 'default',
    name: link.metadata?.name ?? '',
    ...(link.metadata?.generation !== undefined ? { generation: link.metadata.generation } : {}),
  };
  const outcome = await runAdmitter(validate, auditRequest(link), AUDIT_BUDGET);
  if (outcome.kind !== 'decided') {
    const why = outcome.kind === 'timeout' ? 'the checks did not finish in time' : 'internal error in the checks';
    return { ...base, valid: true, errors: [], warnings: [], exceptions: [], unknown: why };
  }
  const { decision } = outcome;
  const warnings: Array<{ text: string; rule?: string }> =
    decision.ruleWarnings ?? decision.warnings.map((text) => ({ text }));
  return {
    ...base,
    valid: decision.allowed,
    errors: decision.errors,
    warnings: warnings.map((w) => (w.rule === undefined ? { text: w.text } : { text: w.text, rule: w.rule })),
    exceptions: decision.exception?.granted ? decision.exception.rules : [],
  };
}

/** One after the other: the audit is background work and must not compete with admission for the CPU. */
export async function auditLinks(links: readonly ClusterLink[], validate: Admitter): Promise<AuditFinding[]> {
  const out: AuditFinding[] = [];
  for (const link of links) if (!link.metadata?.deletionTimestamp) out.push(await auditLink(link, validate));
  return out;
}

/** Violations by namespace and rule, for the metric. */
export function violationsByRule(findings: readonly AuditFinding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings)
    for (const e of f.errors) {
      const key = JSON.stringify([f.namespace, e.rule ?? 'unknown']);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

export const firstErrors = (finding: AuditFinding, n = 3): string[] => finding.errors.slice(0, n).map(formatFieldError);
