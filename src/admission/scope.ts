// Which requests the ClusterLink rules look at. Everything else is allowed untouched (docs/rules.md#updates, docs/webhook.md#the-admissionreview-contract):
// another kind, a sub-resource (status), an operation other than CREATE/UPDATE, an object being deleted.
import { isBeingDeleted } from '../clusterlink/metadata.js';
import { CLUSTERLINK_GROUP, CLUSTERLINK_KIND } from '../clusterlink/types.js';
import { isPlainObject } from '../lib/json.js';
import type { AdmissionRequest } from './types.js';

export type SkipReason = 'other-kind' | 'sub-resource' | 'operation' | 'deleting';

export type Scope =
  | { inScope: true; operation: 'CREATE' | 'UPDATE' }
  | { inScope: false; reason: SkipReason; detail: string }
  /** A request for our kind that no API server would send (no object on CREATE/UPDATE). */
  | { inScope: false; reason: 'malformed'; detail: string };

/**
 * `webhook`: a terminating object (deletionTimestamp set) is out of scope for the defaults, but its UPDATE still
 * reaches /validate, where only the update rules apply (docs/rules.md#ratcheting).
 */
export function admissionScope(request: AdmissionRequest, webhook: 'mutate' | 'validate' = 'mutate'): Scope {
  const { kind } = request;
  if (kind.group !== CLUSTERLINK_GROUP || kind.kind !== CLUSTERLINK_KIND) {
    return {
      inScope: false,
      reason: 'other-kind',
      detail: `${kind.kind}.${kind.group || 'core'}/${kind.version} is not a ClusterLink`,
    };
  }
  if (request.subResource)
    return { inScope: false, reason: 'sub-resource', detail: `sub-resource "${request.subResource}"` };
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') {
    return { inScope: false, reason: 'operation', detail: `operation ${request.operation} is not checked` };
  }
  if (!isPlainObject(request.object))
    return { inScope: false, reason: 'malformed', detail: `request.object must be an object for ${request.operation}` };
  const checkedWhileTerminating =
    webhook === 'validate' && request.operation === 'UPDATE' && isPlainObject(request.oldObject);
  if (isBeingDeleted(request.object) && !checkedWhileTerminating) {
    return { inScope: false, reason: 'deleting', detail: 'the object is being deleted' };
  }
  return { inScope: true, operation: request.operation };
}
