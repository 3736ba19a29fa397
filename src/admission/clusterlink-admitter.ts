// The two Admitters the server runs for ClusterLinks, built from the pure core (src/clusterlink) and an
// optional SecretChecker (the one bounded lookup of docs/rules.md#secret-checks). The HTTP layer has already scoped the
// request (ClusterLink, CREATE/UPDATE, main resource, not being deleted) before these run.
import { defaultClusterLink, validateAndDefault, type RuleContext } from '../clusterlink/index.js';
import type { ClusterLink } from '../clusterlink/types.js';
import type { SecretChecker } from '../secrets/types.js';
import { computeDefaultsPatch } from './patch.js';
import type { AdmissionDecision, AdmissionRequest, Admitter } from './types.js';

export interface ClusterLinkAdmitterOptions {
  /** Checks referenced Secrets after the pure rules (validate only); strict mode is the checker's business. */
  secretChecker?: SecretChecker;
}

function ruleContext(request: AdmissionRequest): RuleContext {
  const operation = request.operation === 'UPDATE' ? 'UPDATE' : 'CREATE';
  return request.namespace ? { namespace: request.namespace, operation } : { operation };
}

/** Defaults → JSON Patch against the object exactly as the API server sent it. */
function createMutateAdmitter(): Admitter {
  return async (request) => {
    const defaulted = defaultClusterLink(request.object, ruleContext(request));
    const patch = computeDefaultsPatch(request.object, defaulted);
    return { allowed: true, errors: [], warnings: [], patch };
  };
}

function createValidateAdmitter(options: ClusterLinkAdmitterOptions = {}): Admitter {
  const { secretChecker } = options;
  return async (request, { signal, provisional }) => {
    const ctx = ruleContext(request);
    const oldObject = ctx.operation === 'UPDATE' && request.oldObject != null ? request.oldObject : undefined;
    // The rules judge the defaulted form, so the answer does not depend on whether /mutate ran first.
    const { result, defaulted: object } = validateAndDefault(request.object, oldObject, ctx);
    const errors = [...result.errors];
    const warnings = [...result.warnings];
    const decide = (): AdmissionDecision => ({ allowed: errors.length === 0, errors, warnings });
    if (!secretChecker || !request.namespace) return decide();

    // If the Secret checks overrun the budget, the server answers with the rules' verdict.
    provisional?.({ allowed: errors.length === 0, errors: [...errors], warnings: [...warnings] });
    const secrets = await secretChecker.check(object as ClusterLink, request.namespace, signal);
    errors.push(...secrets.errors);
    warnings.push(...secrets.warnings);
    return decide();
  };
}

export function createClusterLinkAdmitters(options: ClusterLinkAdmitterOptions = {}): {
  mutate: Admitter;
  validate: Admitter;
} {
  return { mutate: createMutateAdmitter(), validate: createValidateAdmitter(options) };
}
