// The two Admitters the server runs for ClusterLinks, built from the pure core (src/clusterlink) and an
// optional SecretChecker (the one bounded lookup of SPEC §4.7). The HTTP layer has already scoped the
// request (ClusterLink, CREATE/UPDATE, main resource, not being deleted) before these run.
import { defaultClusterLink, validateAndDefault, validateClusterLink, type RuleContext } from '../clusterlink/index.js';
import type { ClusterLink } from '../clusterlink/types.js';
import type { SecretChecker } from '../secrets/types.js';
import { computeDefaultsPatch } from './patch.js';
import type { AdmissionDecision, AdmissionRequest, Admitter } from './types.js';

/** The functions of the core this file uses (injectable so tests can watch what they are given). */
export interface ClusterLinkCore {
  defaultClusterLink: typeof defaultClusterLink;
  validateClusterLink: typeof validateClusterLink;
  /**
   * Both of the above from one defaulting pass (the real core has it). A core without it is driven the long way:
   * defaultClusterLink on object and oldObject, then validateClusterLink on the defaulted forms.
   */
  validateAndDefault?: typeof validateAndDefault;
}

export interface ClusterLinkAdmitterOptions {
  /** Checks referenced Secrets after the pure rules (validate only); strict mode is the checker's business. */
  secretChecker?: SecretChecker;
  /** Default: the real core from src/clusterlink. */
  core?: ClusterLinkCore;
}

const REAL_CORE: ClusterLinkCore = { defaultClusterLink, validateClusterLink, validateAndDefault };

function ruleContext(request: AdmissionRequest): RuleContext {
  const operation = request.operation === 'UPDATE' ? 'UPDATE' : 'CREATE';
  return request.namespace ? { namespace: request.namespace, operation } : { operation };
}

/** Defaults → JSON Patch against the object exactly as the API server sent it. */
export function createMutateAdmitter(options: Pick<ClusterLinkAdmitterOptions, 'core'> = {}): Admitter {
  const core = options.core ?? REAL_CORE;
  return async (request) => {
    const defaulted = core.defaultClusterLink(request.object, ruleContext(request));
    const patch = computeDefaultsPatch(request.object, defaulted);
    return { allowed: true, errors: [], warnings: [], patch };
  };
}

export const mutateClusterLink: Admitter = createMutateAdmitter();

export function createValidateAdmitter(options: ClusterLinkAdmitterOptions = {}): Admitter {
  const { secretChecker } = options;
  const core = options.core ?? REAL_CORE;
  // The rules judge the defaulted form, so the answer does not depend on whether /mutate ran first.
  const rulesAndDefaults = (request: AdmissionRequest, ctx: RuleContext): { result: ReturnType<typeof validateClusterLink>; object: unknown } => {
    const rawOld = ctx.operation === 'UPDATE' && request.oldObject != null ? request.oldObject : undefined;
    if (core.validateAndDefault) {
      // One defaulting pass gives both the verdict and the defaulted object the Secret checks read.
      const { result, defaulted } = core.validateAndDefault(request.object, rawOld, ctx);
      return { result, object: defaulted };
    }
    const object = core.defaultClusterLink(request.object, ctx);
    const oldObject = rawOld !== undefined ? core.defaultClusterLink(rawOld, ctx) : undefined;
    return { result: core.validateClusterLink(object, oldObject, ctx), object };
  };
  return async (request, { signal, provisional }) => {
    const ctx = ruleContext(request);
    const { result, object } = rulesAndDefaults(request, ctx);
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

export function createClusterLinkAdmitters(options: ClusterLinkAdmitterOptions = {}): { mutate: Admitter; validate: Admitter } {
  return { mutate: createMutateAdmitter(options), validate: createValidateAdmitter(options) };
}
