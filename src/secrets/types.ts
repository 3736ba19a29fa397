// The port through which the validating webhook checks referenced Secrets (SPEC §4.7).
// Implementations live in src/secrets (checks) and src/kube (the Kubernetes reads).
import type { ClusterLink } from '../clusterlink/types.js';
import type { FieldError } from '../clusterlink/field-errors.js';

export interface SecretCheckResult {
  errors: FieldError[];
  warnings: string[];
}

export interface SecretChecker {
  /** Checks every Secret the (defaulted) ClusterLink references in `namespace`; never throws, never outlives `signal`. */
  check(link: ClusterLink, namespace: string, signal: AbortSignal): Promise<SecretCheckResult>;
}
