// Turning a decision into the `response` of an AdmissionReview, in the exact shape kube-apiserver and
// kubectl expect: a denial is apimachinery's NewInvalid (422 "Invalid" with details.causes) so kubectl
// prints every field error; a patch only ever comes from the mutating webhook.
import { CAUSE_REASON, aggregateMessage, errorBody, type FieldError } from '../clusterlink/field-errors.js';
import { CLUSTERLINK_GROUP, CLUSTERLINK_KIND } from '../clusterlink/types.js';
import { encodePatch } from './patch.js';
import type { AdmitOutcome } from './run-admitter.js';
import {
  ADMISSION_API_VERSION,
  ADMISSION_REVIEW_KIND,
  type AdmissionDecision,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReviewResponse,
  type AdmissionStatus,
} from './types.js';
import { sanitizeWarnings } from './warnings.js';

export type { WebhookName } from '../observability/metrics.js';
import type { WebhookName } from '../observability/metrics.js';

const QUALIFIED_KIND = `${CLUSTERLINK_KIND}.${CLUSTERLINK_GROUP}`;

function metadataName(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const metadata = (object as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const name = (metadata as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The object's name for messages; empty when only generateName is known (as the API server does). */
export function objectName(request: AdmissionRequest): string {
  return metadataName(request.object) ?? (request.name || undefined) ?? metadataName(request.oldObject) ?? '';
}

/**
 * Causes reported in one denial. A huge object can break a rule thousands of times; the API server and
 * kubectl would carry a multi-megabyte message, so the first ones are listed and the rest counted.
 */
export const MAX_REPORTED_CAUSES = 100;

/** apimachinery's errors.NewInvalid for a ClusterLink. */
export function invalidStatus(name: string, errors: readonly FieldError[]): AdmissionStatus {
  const shown = errors.slice(0, MAX_REPORTED_CAUSES);
  const hidden = errors.length - shown.length;
  const causes = shown.map((e) => ({ reason: CAUSE_REASON[e.kind], message: errorBody(e), field: e.field }));
  let message = `${QUALIFIED_KIND} "${name}" is invalid: ${aggregateMessage(shown)}`;
  if (hidden > 0) {
    const more = `${hidden} more field errors not shown; fix the ones above first`;
    message += ` (and ${more})`;
    causes.push({ reason: CAUSE_REASON.Invalid, message: more, field: 'spec' });
  }
  return {
    status: 'Failure',
    code: 422,
    reason: 'Invalid',
    message,
    details: { group: CLUSTERLINK_GROUP, kind: CLUSTERLINK_KIND, name, causes },
  };
}

function withWarnings(response: AdmissionResponse, warnings: readonly unknown[]): AdmissionResponse {
  const clean = sanitizeWarnings(warnings);
  if (clean.length > 0) response.warnings = clean;
  return response;
}

export function allowedResponse(uid: string, warnings: readonly unknown[] = []): AdmissionResponse {
  return withWarnings({ uid, allowed: true }, warnings);
}

function decisionResponse(
  webhook: WebhookName,
  request: AdmissionRequest,
  decision: AdmissionDecision,
): AdmissionResponse {
  const { uid } = request;
  if (!decision.allowed) {
    const name = objectName(request);
    const status: AdmissionStatus =
      decision.errors.length > 0
        ? invalidStatus(name, decision.errors)
        : { status: 'Failure', code: 403, reason: 'Forbidden', message: `${QUALIFIED_KIND} "${name}" is forbidden` };
    return withWarnings({ uid, allowed: false, status }, decision.warnings);
  }
  const response: AdmissionResponse = { uid, allowed: true };
  // Only the mutating webhook may patch (the API server rejects a validating response that carries one),
  // and never without an object to patch.
  if (webhook === 'mutate' && decision.patch && decision.patch.length > 0 && request.object) {
    response.patchType = 'JSONPatch';
    response.patch = encodePatch(decision.patch);
  }
  return withWarnings(response, decision.warnings);
}

/** A bug in our rules: validate denies (500 inside a 200), mutate lets the object through unchanged. */
export function internalErrorResponse(webhook: WebhookName, request: AdmissionRequest): AdmissionResponse {
  const { uid } = request;
  if (webhook === 'validate') {
    return {
      uid,
      allowed: false,
      status: {
        status: 'Failure',
        code: 500,
        reason: 'InternalError',
        message: `internal error in the ClusterLink validating webhook while checking "${objectName(request)}" (request ${uid}); the webhook logs have the details`,
      },
    };
  }
  return allowedResponse(uid, [
    `internal error in the ClusterLink defaulting webhook: no defaults were applied (request ${uid})`,
  ]);
}

/**
 * The rules did not answer within the hard budget. Validate: the admitter's provisional decision when it
 * recorded one (e.g. the pure rules' denial), else allowed with a warning; mutate: allowed without a patch.
 */
function timeoutResponse(
  webhook: WebhookName,
  request: AdmissionRequest,
  provisional?: AdmissionDecision,
): AdmissionResponse {
  const note =
    webhook === 'validate'
      ? 'ClusterLink checks could not complete in time; the object was admitted without them'
      : 'ClusterLink defaulting could not complete in time: no defaults were applied';
  if (webhook === 'validate' && provisional) {
    return decisionResponse(webhook, request, {
      ...provisional,
      warnings: [...provisional.warnings, 'some ClusterLink checks could not complete in time'],
    });
  }
  return allowedResponse(request.uid, [note]);
}

/** The response for what running the admitter gave: its decision, the timeout answer or the internal-error one. */
export function outcomeResponse(
  webhook: WebhookName,
  request: AdmissionRequest,
  outcome: AdmitOutcome,
): AdmissionResponse {
  switch (outcome.kind) {
    case 'decided':
      return decisionResponse(webhook, request, outcome.decision);
    case 'timeout':
      return timeoutResponse(webhook, request, outcome.provisional);
    case 'internal-error':
      return internalErrorResponse(webhook, request);
  }
}

const EMPTY_PATCH = '"patch":""';

/**
 * The AdmissionReview that carries `response`, as JSON text: exactly `JSON.stringify` of it. A patch is base64
 * (encodePatch), which JSON writes as it is, yet JSON.stringify scans and copies each of its characters (1.3 ms for
 * the 1.3 MB patch of 10,000 topics, docs/performance.md#mutate). So the review is written with an empty patch and
 * the patch is put between its quotes. The first `"patch":""` in that text is the key's own: one that began inside
 * the uid would need an unescaped `"` in it.
 */
export function admissionReviewJson(response: AdmissionResponse): string {
  const { patch } = response;
  if (patch === undefined) return JSON.stringify(admissionReview(response));
  const text = JSON.stringify(admissionReview({ ...response, patch: '' }));
  const at = text.indexOf(EMPTY_PATCH) + EMPTY_PATCH.length - 1;
  return text.slice(0, at) + patch + text.slice(at);
}

function admissionReview(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_REVIEW_KIND, response };
}
