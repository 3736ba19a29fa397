// The Admitters the offline commands run: the webhook's own, built by the admission layer's factory, so
// the CLI and the HTTPS server cannot disagree on a rule.
import { createClusterLinkAdmitters } from '../admission/clusterlink-admitter.js';
import type { SecretChecker } from '../secrets/types.js';
import type { AdmissionPipeline } from './offline-admission.js';

export interface PipelineOptions {
  /** Checks referenced Secrets (docs/rules.md#secret-checks); without one, Secrets are not checked. */
  secretChecker?: SecretChecker;
}

export function createOfflinePipeline(options: PipelineOptions): AdmissionPipeline {
  return createClusterLinkAdmitters(options.secretChecker ? { secretChecker: options.secretChecker } : {});
}
