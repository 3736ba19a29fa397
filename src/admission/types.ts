// The AdmissionReview contract (admission.k8s.io/v1) and the one small interface between the
// HTTP layer and whatever decides: an Admitter.
import type { Operation } from 'fast-json-patch';
import type { FieldError } from '../clusterlink/field-errors.js';
import type { RuleWarning } from '../clusterlink/validate.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** authentication.k8s.io/v1 UserInfo, as the API server puts it in the request. */
export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | string;
  userInfo?: UserInfo;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
  options?: unknown;
}

export interface AdmissionDecision {
  allowed: boolean;
  /** Field errors of a denial; empty when allowed. */
  errors: FieldError[];
  warnings: string[];
  /** RFC 6902 operations (mutating webhook only); absent or empty when nothing changes. */
  patch?: Operation[];
  /** `warnings` with the field and rule of each where known (docs/rules.md#rule-ids): for the CLI and the audit. */
  ruleWarnings?: RuleWarning[];
  /** The exception the object asked for (docs/rules.md#exceptions), when it named rules to skip. */
  exception?: ExceptionOutcome;
}

export interface ExceptionOutcome {
  /** Rules named by the annotation. */
  rules: string[];
  granted: boolean;
  /** Why it was granted or refused, for the log and the warning. */
  reason: string;
  /** Findings the exception skipped. */
  skipped: number;
}

/**
 * The port through which the validating webhook asks whether the requesting user may skip rules
 * (docs/rules.md#exceptions). The Kubernetes implementation is a SubjectAccessReview (src/kube).
 */
export interface ExceptionAuthorizer {
  /** Never throws; gives up when `signal` aborts (a refusal). */
  mayGrant(
    user: UserInfo,
    namespace: string | undefined,
    signal: AbortSignal,
  ): Promise<{ allowed: boolean; reason: string }>;
}

export interface AdmitOptions {
  /** Aborted when the response deadline is near; lookups must give up then. */
  signal: AbortSignal;
  /**
   * Records the answer to give if this admitter has not finished by the server's hard budget (e.g. the pure
   * rules' verdict before slow Secret lookups). Without one, a late validate is allowed with a warning. A function
   * is called only when the budget runs out: almost every review finishes in time, and building the decision it
   * will not need would cost every review (docs/performance.md#the-hot-path).
   */
  provisional?: (decision: AdmissionDecision | (() => AdmissionDecision)) => void;
}

export type Admitter = (request: AdmissionRequest, options: AdmitOptions) => Promise<AdmissionDecision>;

// ---- The response half of the contract (what the HTTP layer writes back) ----

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_REVIEW_KIND = 'AdmissionReview';

/** One entry of `status.details.causes` (metav1.StatusCause). */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** The metav1.Status of a denied request. */
export interface AdmissionStatus {
  status: 'Failure';
  code: number;
  reason: string;
  message: string;
  details?: { group: string; kind: string; name: string; causes: StatusCause[] };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of the JSON Patch document. */
  patch?: string;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_REVIEW_KIND;
  response: AdmissionResponse;
}
