// From the rules' findings to the validating webhook's decision: ratcheting (docs/rules.md#ratcheting), the Secret
// checks' findings tagged with their rule, the per-rule actions (docs/rules.md#rule-actions) and exceptions
// (docs/rules.md#exceptions). Pure, except for the one SubjectAccessReview behind the ExceptionAuthorizer port.
import {
  applyRulePolicy,
  ratchet,
  ratchetedWarning,
  requestedExceptions,
  ruleWarning,
  rulesView,
  validateClusterLink,
  type RuleContext,
  type RulePolicy,
  type RuleWarning,
} from '../clusterlink/index.js';
import { formatFieldError, type FieldError } from '../clusterlink/field-errors.js';
import type { SecretCheckResult } from '../secrets/types.js';
import type {
  AdmissionDecision,
  AdmissionRequest,
  AdmitOptions,
  ExceptionAuthorizer,
  ExceptionOutcome,
} from './types.js';

export interface Findings {
  errors: FieldError[];
  warnings: RuleWarning[];
}

/** The rule every Secret-check finding carries (docs/rules.md#rule-ids). */
export const SECRET_RULE = 'secret-check';

/** Errors the stored object already had, at unchanged fields, become warnings. */
export function ratchetUpdate(findings: Findings, object: unknown, oldObject: unknown, ctx: RuleContext): Findings {
  if (findings.errors.length === 0) return findings;
  const oldErrors = validateClusterLink(oldObject, undefined, { ...ctx, operation: 'CREATE' }).errors;
  const { errors, ratcheted } = ratchet(findings.errors, oldErrors, rulesView(object, ctx), rulesView(oldObject, ctx));
  if (ratcheted.length === 0) return findings;
  return { errors, warnings: [...findings.warnings, ...ratcheted.map((e) => ruleWarning(ratchetedWarning(e), e))] };
}

/** The Secret checks' findings appended, each with the Secret-check rule. */
export function secretFindings(findings: Findings, secrets: SecretCheckResult): Findings {
  if (secrets.errors.length === 0 && secrets.warnings.length === 0) return findings;
  return {
    errors: [...findings.errors, ...secrets.errors.map((e) => (e.rule ? e : { ...e, rule: SECRET_RULE }))],
    warnings: [...findings.warnings, ...secrets.warnings.map((text) => ({ text, field: '', rule: SECRET_RULE }))],
  };
}

export interface PendingException {
  rules: string[];
  refused: string[];
  verdict?: { allowed: boolean; reason: string };
  user: string;
}

/**
 * Reads the annotation and, when it names rules, asks the authorizer whether the user may skip them. `options.signal`
 * is read only then: the AbortController behind it is made on first use (run-admitter.ts).
 */
export async function withExceptions(
  request: AdmissionRequest,
  authorizer: ExceptionAuthorizer | undefined,
  options: Pick<AdmitOptions, 'signal'>,
): Promise<PendingException | undefined> {
  const requested = requestedExceptions(request.object);
  if (requested.rules.length === 0 && requested.refused.length === 0) return undefined;
  const user = request.userInfo?.username ?? '';
  const pending: PendingException = { ...requested, user };
  if (requested.rules.length === 0) return pending;
  pending.verdict = authorizer
    ? await authorizer.mayGrant(request.userInfo ?? {}, request.namespace, options.signal)
    : { allowed: false, reason: 'no Kubernetes API is configured to check the permission' };
  return pending;
}

function applyException(
  findings: Findings,
  pending: PendingException,
): { findings: Findings; outcome: ExceptionOutcome } {
  const notes: RuleWarning[] = pending.refused.map((id) => ({
    text: `metadata.annotations[clusterlink-webhook.io/skip-rules]: "${id}" is not a rule an exception can skip (unknown ID, or an update rule)`,
    field: 'metadata.annotations',
  }));
  const verdict = pending.verdict ?? { allowed: false, reason: 'no rules named' };
  const outcome: ExceptionOutcome = {
    rules: pending.rules,
    granted: verdict.allowed,
    reason: verdict.reason,
    skipped: 0,
  };
  if (pending.rules.length === 0)
    return { findings: { ...findings, warnings: [...findings.warnings, ...notes] }, outcome };
  if (!verdict.allowed) {
    notes.push({
      text: `metadata.annotations[clusterlink-webhook.io/skip-rules]: exception for ${pending.rules.join(', ')} refused: ${verdict.reason}`,
      field: 'metadata.annotations',
    });
    return { findings: { ...findings, warnings: [...findings.warnings, ...notes] }, outcome };
  }
  const skip = new Set(pending.rules);
  const errors: FieldError[] = [];
  const warnings: RuleWarning[] = [];
  for (const error of findings.errors) {
    if (error.rule !== undefined && skip.has(error.rule)) {
      outcome.skipped++;
      warnings.push(ruleWarning(`${formatFieldError(error)} (skipped: exception for ${error.rule})`, error));
    } else errors.push(error);
  }
  for (const warning of findings.warnings) {
    if (warning.rule !== undefined && skip.has(warning.rule)) outcome.skipped++;
    else warnings.push(warning);
  }
  return { findings: { errors, warnings: [...warnings, ...notes] }, outcome };
}

/** The decision: actions applied, then the exception; `warnings` are the texts of `ruleWarnings`. */
export function finishDecision(
  findings: Findings,
  policy: RulePolicy,
  pending: PendingException | undefined,
): AdmissionDecision {
  let { errors, warnings } = applyRulePolicy(findings.errors, findings.warnings, policy);
  let exception: ExceptionOutcome | undefined;
  if (pending) {
    const applied = applyException({ errors, warnings }, pending);
    ({ errors, warnings } = applied.findings);
    exception = applied.outcome;
  }
  const decision: AdmissionDecision = { allowed: errors.length === 0, errors, warnings: warnings.map((w) => w.text) };
  if (warnings.some((w) => w.rule !== undefined)) decision.ruleWarnings = warnings;
  if (exception) decision.exception = exception;
  return decision;
}
