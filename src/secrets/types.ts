// The port through which the validating webhook checks referenced Secrets (docs/rules.md#secret-checks).
// Implementations live in src/secrets (checks) and src/kube (the Kubernetes reads).
import type { ClusterLink } from '../clusterlink/types.js';
import type { FieldError } from '../clusterlink/field-errors.js';

export interface SecretCheckResult {
  errors: FieldError[];
  warnings: string[];
}

/**
 * The caller's AbortSignal, or an object that makes it when first read (the admitter's AdmitOptions): a check whose
 * Secrets are all cached never reads it, so no AbortController is made for it (docs/performance.md#the-hot-path).
 */
export type LookupSignal = AbortSignal | { readonly signal: AbortSignal };

export interface SecretChecker {
  /** Checks every Secret the (defaulted) ClusterLink references in `namespace`; never throws, never outlives `signal`. */
  check(link: ClusterLink, namespace: string, signal: LookupSignal): Promise<SecretCheckResult>;
}

/** Outcome of reading one Secret. Failures are values, never exceptions: admission must always answer. */
export type SecretLookup =
  | { found: true; data: Record<string, Buffer> }
  | { found: false; reason: 'NotFound' | 'Forbidden' | 'Unavailable' | 'Timeout'; message: string };

/** Where Secrets come from: the Kubernetes API in the webhook, manifest files in the offline CLI. */
export interface SecretSource {
  get(namespace: string, name: string, signal: AbortSignal): Promise<SecretLookup>;
  /**
   * What `get` would answer at once from what the source holds now, or undefined when it would have to ask. With
   * every Secret of a review cached, the checks run without a promise, a timer or a signal per lookup.
   */
  cached?(namespace: string, name: string): SecretLookup | undefined;
}
