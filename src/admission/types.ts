// The AdmissionReview contract (admission.k8s.io/v1) and the one small interface between the
// HTTP layer and whatever decides: an Admitter.
import type { Operation } from 'fast-json-patch';
import type { FieldError } from '../clusterlink/field-errors.js';

export interface GroupVersionKind { group: string; version: string; kind: string }
export interface GroupVersionResource { group: string; version: string; resource: string }

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
  userInfo?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
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
  /** Set when the decision comes from a bug in our own code, not from the object. */
  internalError?: string;
}

export interface AdmitOptions {
  /** Aborted when the response deadline is near; lookups must give up then. */
  signal: AbortSignal;
}

export type Admitter = (request: AdmissionRequest, options: AdmitOptions) => Promise<AdmissionDecision>;
