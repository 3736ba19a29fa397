// The two Admitters the server runs for ClusterLinks, built from the pure core (src/clusterlink) and an
// optional SecretChecker (the one bounded lookup of docs/rules.md#secret-checks). The HTTP layer has already scoped the
// request (ClusterLink, CREATE/UPDATE, main resource; a terminating object only reaches /validate on UPDATE) before
// these run. What the validating one adds to the rules' verdict, in this order: ratcheting on UPDATE
// (docs/rules.md#ratcheting), the Secret checks, the per-rule actions (docs/rules.md#rule-actions) and exceptions
// (docs/rules.md#exceptions); see judge.ts.
import {
  EMPTY_POLICY,
  isBeingDeleted,
  validateAndDefault,
  validateTransition,
  type RuleContext,
  type RulePolicy,
} from '../clusterlink/index.js';
import type { ClusterLink } from '../clusterlink/types.js';
import type { SecretChecker } from '../secrets/types.js';
import { finishDecision, ratchetUpdate, secretFindings, withExceptions, type Findings } from './judge.js';
import { mutatePatch } from './patch.js';
import { withSizeLimit } from './size-limit.js';
import type { AdmissionDecision, AdmissionRequest, Admitter, ExceptionAuthorizer, ExceptionOutcome } from './types.js';

export interface ClusterLinkAdmitterOptions {
  /** Checks referenced Secrets after the pure rules (validate only); strict mode is the checker's business. */
  secretChecker?: SecretChecker;
  /** The per-rule actions in force, read at every review (a ConfigMap file may change them). Default: all deny. */
  rulePolicy?: () => RulePolicy;
  /** Asks whether the requesting user may skip rules; without one, every exception is refused with a warning. */
  exceptionAuthorizer?: ExceptionAuthorizer;
  /** Told about every exception asked for (granted or not): serve logs and counts it. */
  onException?: (outcome: ExceptionOutcome, request: AdmissionRequest) => void;
}

function ruleContext(request: AdmissionRequest): RuleContext {
  const operation = request.operation === 'UPDATE' ? 'UPDATE' : 'CREATE';
  return request.namespace ? { namespace: request.namespace, operation } : { operation };
}

/** The defaults as a JSON Patch against the object exactly as the API server sent it (recorded, not diffed). */
function createMutateAdmitter(): Admitter {
  return async (request) => {
    const patch = mutatePatch(request.object, ruleContext(request));
    return { allowed: true, errors: [], warnings: [], patch };
  };
}

export function createValidateAdmitter(options: ClusterLinkAdmitterOptions = {}): Admitter {
  const { secretChecker, exceptionAuthorizer } = options;
  const policyOf = options.rulePolicy ?? (() => EMPTY_POLICY);
  const admit = validateWith(secretChecker, exceptionAuthorizer, policyOf);
  return async (request, admitOptions) => {
    const decision = await admit(request, admitOptions);
    if (decision.exception) options.onException?.(decision.exception, request);
    return decision;
  };
}

function validateWith(
  secretChecker: SecretChecker | undefined,
  exceptionAuthorizer: ExceptionAuthorizer | undefined,
  policyOf: () => RulePolicy,
): Admitter {
  // `admitOptions.signal` is read only where a lookup needs it: its AbortController is made on first use.
  return async (request, admitOptions) => {
    const ctx = ruleContext(request);
    const oldObject = ctx.operation === 'UPDATE' && request.oldObject != null ? request.oldObject : undefined;
    const policy = policyOf();
    // Asked at once, so the SubjectAccessReview runs while the Secrets are read.
    const exception = withExceptions(request, exceptionAuthorizer, admitOptions);

    // A terminating object: metadata and finalizers may change; the update rules still hold (docs/rules.md#ratcheting).
    if (isBeingDeleted(request.object)) {
      const found = oldObject === undefined ? undefined : validateTransition(request.object, oldObject, ctx);
      const findings: Findings = { errors: found?.errors ?? [], warnings: found?.ruleWarnings ?? [] };
      return finishDecision(findings, policy, await exception);
    }

    // The rules judge the defaulted form, so the answer does not depend on whether /mutate ran first.
    const { result, defaulted: object } = validateAndDefault(request.object, oldObject, ctx);
    let findings: Findings = {
      errors: result.errors,
      warnings: result.ruleWarnings ?? result.warnings.map((text) => ({ text, field: '' })),
    };
    if (oldObject !== undefined) findings = ratchetUpdate(findings, request.object, oldObject, ctx);
    if (!secretChecker || !request.namespace) return finishDecision(findings, policy, await exception);

    // If the Secret checks overrun the budget, the server answers with the rules' verdict (made only then).
    const rulesOnly = findings;
    admitOptions.provisional?.(() => finishDecision(rulesOnly, policy, undefined));
    const secrets = await secretChecker.check(object as ClusterLink, request.namespace, admitOptions);
    const all = secretFindings(findings, secrets);
    return finishDecision(all, policy, await exception);
  };
}

export function createClusterLinkAdmitters(options: ClusterLinkAdmitterOptions = {}): {
  mutate: Admitter;
  validate: Admitter;
} {
  return { mutate: withSizeLimit(createMutateAdmitter()), validate: withSizeLimit(createValidateAdmitter(options)) };
}

export type { AdmissionDecision };
