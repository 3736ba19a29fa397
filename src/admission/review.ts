// Decoding the AdmissionReview envelope. Anything the API server would never send is refused with a
// readable message (HTTP 400); everything we do not need is passed through untouched.
import { isPlainObject } from '../lib/json.js';
import { ADMISSION_API_VERSION, ADMISSION_REVIEW_KIND, type AdmissionRequest } from './types.js';

export type ParsedReview = { ok: true; request: AdmissionRequest } | { ok: false; message: string };

/** Echoable: the short identifiers an apiVersion or kind is made of (never a fragment of anything else). */
const IDENTIFIER = /^[A-Za-z0-9./-]{1,63}$/;

/**
 * What a wrong envelope field holds, for the 400 message: a short identifier as sent, otherwise only its type.
 * Never serialises the value: a 10k-deep value would overflow the stack (docs/webhook.md#hostile-input), and a
 * long one may carry a fragment of the request body into the answer and the log.
 */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return IDENTIFIER.test(v) ? JSON.stringify(v) : `a string of ${v.length} characters`;
  return Array.isArray(v) ? 'an array' : `a value of type ${typeof v}`;
}

/** `application/json`, with or without parameters (charset). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  // What the API server sends, without building three strings for it.
  if (header === 'application/json') return true;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}

export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isPlainObject(body)) return { ok: false, message: 'the body must be a JSON object (an AdmissionReview)' };
  if (body.apiVersion !== ADMISSION_API_VERSION) {
    return {
      ok: false,
      message: `apiVersion must be "${ADMISSION_API_VERSION}" (got ${describe(body.apiVersion)}); configure admissionReviewVersions: [v1]`,
    };
  }
  if (body.kind !== ADMISSION_REVIEW_KIND)
    return { ok: false, message: `kind must be "${ADMISSION_REVIEW_KIND}" (got ${describe(body.kind)})` };
  const request = body.request;
  if (!isPlainObject(request)) return { ok: false, message: 'request is missing or not an object' };
  if (typeof request.uid !== 'string' || request.uid === '')
    return { ok: false, message: 'request.uid is missing or empty' };
  const kind = request.kind;
  if (
    !isPlainObject(kind) ||
    typeof kind.kind !== 'string' ||
    typeof kind.version !== 'string' ||
    (kind.group !== undefined && typeof kind.group !== 'string')
  ) {
    return { ok: false, message: 'request.kind must be an object with string group, version and kind' };
  }
  if (typeof request.operation !== 'string' || request.operation === '')
    return { ok: false, message: 'request.operation is missing or empty' };
  if (request.subResource !== undefined && typeof request.subResource !== 'string')
    return { ok: false, message: 'request.subResource must be a string' };
  for (const field of ['name', 'namespace'] as const) {
    if (request[field] !== undefined && typeof request[field] !== 'string')
      return { ok: false, message: `request.${field} must be a string` };
  }
  if (request.dryRun !== undefined && typeof request.dryRun !== 'boolean')
    return { ok: false, message: 'request.dryRun must be a boolean' };
  // The shape is checked field by field above; the rest is opaque and passed on as sent.
  return { ok: true, request: { ...request, kind: { group: '', ...kind } } as unknown as AdmissionRequest };
}
