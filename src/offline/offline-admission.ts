// The webhook's answer for a manifest, computed offline. The manifest goes through the admission layer's
// own pieces in the order the API server and the HTTPS server use them: scope check, the mutating Admitter,
// its patch applied, then the validating Admitter, each turned into the AdmissionReview response the server
// would send. No rule and no response shaping lives here; only the HTTP, logging and metrics are left out.
import type { Operation } from 'fast-json-patch';
import fastJsonPatch from 'fast-json-patch';
import { outcomeResponse, type WebhookName } from '../admission/respond.js';
import { runAdmitter } from '../admission/run-admitter.js';
import { admissionScope } from '../admission/scope.js';
import type {
  AdmissionDecision,
  AdmissionRequest,
  AdmissionResponse,
  Admitter,
  StatusCause,
} from '../admission/types.js';
import { sanitizeWarning } from '../admission/warnings.js';
import { asRecord, deepCopy } from '../lib/json.js';
import { CLUSTERLINK_GROUP, CLUSTERLINK_KIND, CLUSTERLINK_RESOURCE } from '../clusterlink/types.js';
import { identify } from './manifests.js';

const CLUSTERLINK_VERSION = 'v1beta1';
export const CLUSTERLINK_API_VERSION = `${CLUSTERLINK_GROUP}/${CLUSTERLINK_VERSION}`;

/** Local files answer at once; the budget only guarantees that a bug can never hang the command. */
const OFFLINE_BUDGET = { deadlineMs: 20_000, budgetMs: 25_000 };

export interface AdmissionPipeline {
  mutate: Admitter;
  validate: Admitter;
}

export type WriteOperation = 'CREATE' | 'UPDATE';

export type OfflineDecision =
  | { checked: false; operation: WriteOperation; reason: string }
  | {
      checked: true;
      operation: WriteOperation;
      allowed: boolean;
      /** `status.details.causes` of the denial: what kubectl prints, one `* field: message` line each. */
      causes: StatusCause[];
      /** The rule ID of each cause, by position (docs/rules.md#rule-ids); not part of what the API server sends. */
      causeRules: Array<string | undefined>;
      /** The rule ID of each warning that has one, by its text as sent. */
      warningRules: Record<string, string>;
      /** `status.message` of a denial (the only text of a denial without causes, e.g. an internal error). */
      message?: string;
      /** Warnings of both webhooks as the API server passes them on, without repeats. */
      warnings: string[];
      /** The object after the mutating webhook: what the validating webhook saw. */
      admitted: unknown;
      /** The old object as stored (after the mutating webhook), on UPDATE. */
      stored?: unknown;
    };

/** The kind and version the webhooks are registered for; the API server never sends them anything else. */
export function isClusterLink(object: unknown): boolean {
  const record = asRecord(object);
  return record?.apiVersion === CLUSTERLINK_API_VERSION && record.kind === CLUSTERLINK_KIND;
}

/** What the API server does before calling webhooks: the object carries the namespace it is created in. */
export function withNamespace(object: unknown, namespace: string): unknown {
  const record = asRecord(object);
  if (!record) return object;
  const metadata = asRecord(record.metadata);
  if (metadata && typeof metadata.namespace === 'string' && metadata.namespace !== '') return object;
  return { ...record, metadata: { ...(metadata ?? {}), namespace } };
}

/** The AdmissionReview request the API server would send for this object. */
function admissionRequestFor(
  object: unknown,
  oldObject: unknown,
  namespace: string,
  operation: WriteOperation,
): AdmissionRequest {
  const name = identify(object, namespace).name;
  const gvk = { group: CLUSTERLINK_GROUP, version: CLUSTERLINK_VERSION, kind: CLUSTERLINK_KIND };
  const gvr = { group: CLUSTERLINK_GROUP, version: CLUSTERLINK_VERSION, resource: CLUSTERLINK_RESOURCE };
  const request: AdmissionRequest = {
    uid: `offline-${operation.toLowerCase()}`,
    kind: gvk,
    resource: gvr,
    requestKind: gvk,
    requestResource: gvr,
    namespace,
    operation,
    object,
    userInfo: { username: 'clusterlink-webhook-cli' },
    dryRun: true,
  };
  if (name !== undefined) request.name = name;
  if (operation === 'UPDATE') request.oldObject = oldObject;
  return request;
}

/** One webhook call as the HTTPS server answers it (out-of-scope requests never get here). */
async function review(webhook: WebhookName, admitter: Admitter, request: AdmissionRequest): Promise<AdmissionResponse> {
  return (await reviewWithDecision(webhook, admitter, request)).response;
}

/** The response, and the decision it was made from when the admitter answered (it has the rule IDs). */
export async function reviewWithDecision(
  webhook: WebhookName,
  admitter: Admitter,
  request: AdmissionRequest,
): Promise<{ response: AdmissionResponse; decision?: AdmissionDecision }> {
  const outcome = await runAdmitter(admitter, request, OFFLINE_BUDGET);
  const response = outcomeResponse(webhook, request, outcome);
  if (outcome.kind === 'decided') return { response, decision: outcome.decision };
  if (outcome.kind !== 'internal-error') return { response };
  // The server sends the details to its log; offline, the user is the one who needs them.
  const detail = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  if (response.status)
    response.status.message = `${response.status.message.replace(/; the webhook logs have the details$/, '')}: ${detail}`;
  else response.warnings = [...(response.warnings ?? []), `internal error: ${detail}`];
  return { response };
}

/** Rule IDs beside what the API server sends: per cause (the first causes are the first errors), per warning text. */
function rulesOf(decision: AdmissionDecision | undefined): {
  causeRules: Array<string | undefined>;
  warningRules: Record<string, string>;
} {
  const warningRules: Record<string, string> = {};
  for (const w of decision?.ruleWarnings ?? [])
    if (w.rule !== undefined) warningRules[sanitizeWarning(w.text)] = w.rule;
  return { causeRules: (decision?.errors ?? []).map((e) => e.rule), warningRules };
}

function decodePatch(response: AdmissionResponse): Operation[] {
  return response.patch === undefined
    ? []
    : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[]);
}

/** `object` with `patch` applied, on a copy (the input is left as it is). */
export function applyOperations(object: unknown, patch: Operation[]): unknown {
  return patch.length === 0 ? object : fastJsonPatch.applyPatch(deepCopy(object), patch, false, true).newDocument;
}

/** The mutating webhook alone: the patch it returns, its warnings, and the object after the patch. */
export async function mutateOffline(
  pipeline: AdmissionPipeline,
  object: unknown,
  namespace: string,
  operation: WriteOperation = 'CREATE',
  oldObject?: unknown,
): Promise<{ inScope: boolean; patch: Operation[]; warnings: string[]; admitted: unknown }> {
  const sent = withNamespace(object, namespace);
  const request = admissionRequestFor(sent, oldObject, namespace, operation);
  if (!admissionScope(request).inScope) return { inScope: false, patch: [], warnings: [], admitted: sent };
  const response = await review('mutate', pipeline.mutate, request);
  const patch = decodePatch(response);
  return { inScope: true, patch, warnings: response.warnings ?? [], admitted: applyOperations(sent, patch) };
}

/**
 * Admits `object` as the cluster would: CREATE, or UPDATE of `oldObject` when given. The old object is taken
 * as stored, i.e. after the mutating webhook defaulted it when it was created.
 */
export async function admitOffline(
  pipeline: AdmissionPipeline,
  object: unknown,
  oldObject: unknown,
  namespace: string,
): Promise<OfflineDecision> {
  const operation: WriteOperation = oldObject === undefined ? 'CREATE' : 'UPDATE';
  const stored = oldObject === undefined ? undefined : (await mutateOffline(pipeline, oldObject, namespace)).admitted;
  const request = admissionRequestFor(withNamespace(object, namespace), stored, namespace, operation);
  const scope = admissionScope(request, 'validate');
  if (!scope.inScope) return { checked: false, operation, reason: `not checked by the webhook: ${scope.detail}` };

  const mutated = await mutateOffline(pipeline, object, namespace, operation, stored);
  const validated = await reviewWithDecision('validate', pipeline.validate, { ...request, object: mutated.admitted });
  const { response } = validated;
  const causes = response.status?.details?.causes ?? [];
  const rules = rulesOf(validated.decision);
  const decision: OfflineDecision = {
    checked: true,
    operation,
    allowed: response.allowed,
    causes,
    causeRules: causes.map((_, i) => rules.causeRules[i]),
    warningRules: rules.warningRules,
    warnings: [...new Set([...mutated.warnings, ...(response.warnings ?? [])])],
    admitted: mutated.admitted,
  };
  if (!response.allowed && response.status) decision.message = response.status.message;
  if (stored !== undefined) decision.stored = stored;
  return decision;
}
