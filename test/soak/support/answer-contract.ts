// What every answer of the webhook must look like, whatever was sent (docs/webhook.md#the-admissionreview-contract): a 200 carrying a
// well-formed AdmissionReview, or a 4xx carrying a JSON error. Returns a list of problems (empty = fine)
// plus a classification for the run's figures.
import fastJsonPatch, { type Operation } from 'fast-json-patch';

export type AnswerClass = 'allowed' | 'denied' | 'internal-error' | 'client-error';

export interface Verdict {
  problems: string[];
  kind?: AnswerClass;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The uid the server must echo, if the body was a parseable review with a string uid. */
export function sentUid(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (isObject(parsed) && isObject(parsed.request) && typeof parsed.request.uid === 'string')
      return parsed.request.uid;
  } catch {
    // not JSON: no uid to echo
  }
  return undefined;
}

/** Maximum nesting depth of a JSON text, counted without parsing (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) max = Math.max(max, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}

export function checkAnswer(status: number, text: string, sent: Buffer, path: string): Verdict {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problems: [`HTTP ${status} with a body that is not JSON: ${text.slice(0, 120)}`] };
  }
  if (status >= 400 && status < 500) {
    if (!isObject(body) || body.code !== status || typeof body.message !== 'string')
      problems.push(`HTTP ${status} without a JSON error {code, message}: ${text.slice(0, 160)}`);
    return { problems, kind: 'client-error' };
  }
  if (status !== 200) return { problems: [`HTTP ${status}: ${text.slice(0, 160)}`] };
  if (
    !isObject(body) ||
    body.apiVersion !== 'admission.k8s.io/v1' ||
    body.kind !== 'AdmissionReview' ||
    !isObject(body.response)
  ) {
    return { problems: [`200 that is not an admission.k8s.io/v1 AdmissionReview: ${text.slice(0, 160)}`] };
  }
  const response = body.response;
  const uid = sentUid(sent);
  if (response.uid !== uid)
    problems.push(`uid not echoed: sent ${JSON.stringify(uid)}, got ${JSON.stringify(response.uid)}`);
  if (typeof response.allowed !== 'boolean') problems.push('response.allowed is not a boolean');
  const warnings = response.warnings;
  if (warnings !== undefined) {
    if (!Array.isArray(warnings)) problems.push('warnings is not an array');
    else {
      let total = 0;
      for (const w of warnings) {
        if (typeof w !== 'string') problems.push('a warning is not a string');
        else {
          total += [...w].length;
          if (CONTROL.test(w)) problems.push(`a warning holds a control character: ${JSON.stringify(w.slice(0, 80))}`);
          if ([...w].length > 256) problems.push(`a warning is longer than 256 characters (${[...w].length})`);
        }
      }
      if (total > 4096) problems.push(`warnings total ${total} characters (> 4096)`);
      if (new Set(warnings).size !== warnings.length) problems.push('duplicate warnings');
    }
  }
  const statusBlock = isObject(response.status) ? response.status : undefined;
  if (
    response.allowed === false &&
    (statusBlock === undefined || typeof statusBlock.code !== 'number' || typeof statusBlock.message !== 'string')
  ) {
    problems.push('a denial without status.code and status.message');
  }
  if (response.patch !== undefined) {
    if (path !== '/mutate') problems.push('a patch from /validate');
    if (response.patchType !== 'JSONPatch') problems.push('patch without patchType JSONPatch');
    problems.push(...checkPatch(String(response.patch), sent));
  }
  const internal =
    statusBlock?.code === 500 ||
    (Array.isArray(warnings) && warnings.some((w) => typeof w === 'string' && /internal error/i.test(w)));
  return { problems, kind: internal ? 'internal-error' : response.allowed === true ? 'allowed' : 'denied' };
}

/** The patch must decode, use only add/replace, and apply cleanly to the object that was sent. */
function checkPatch(encoded: string, sent: Buffer): string[] {
  let ops: Operation[];
  try {
    ops = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Operation[];
  } catch {
    return ['patch is not base64 JSON'];
  }
  if (!Array.isArray(ops) || ops.length === 0) return ['patch is not a non-empty array'];
  if (ops.some((op) => op.op !== 'add' && op.op !== 'replace'))
    return [`patch has an op other than add/replace: ${JSON.stringify(ops).slice(0, 160)}`];
  try {
    const review = JSON.parse(sent.toString('utf8')) as { request: { object: unknown } };
    fastJsonPatch.applyPatch(structuredClone(review.request.object), ops, true, false);
  } catch (err) {
    return [`patch does not apply to the object sent: ${(err as Error).message.slice(0, 160)}`];
  }
  return [];
}
