// Facts about Kubernetes object metadata that the webhook and the reconciler must judge alike.
import { asRecord } from '../lib/json.js';

/**
 * metadata.deletionTimestamp is set: the object is being deleted. The webhook then checks nothing
 * (docs/rules.md#updates) and the reconciler runs the deletion sequence instead (docs/reconciler.md).
 */
export function isBeingDeleted(object: unknown): boolean {
  const deletion = asRecord(asRecord(object)?.['metadata'])?.['deletionTimestamp'];
  return deletion !== undefined && deletion !== null;
}

/** apimachinery's DNS-1123 label (IsDNS1123Label), without its length limit of 63: callers check their own. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label of at most `max` characters (63 for namespaces and Services). */
export function isDns1123Label(value: string, max = 63): boolean {
  return value.length <= max && DNS1123_LABEL.test(value);
}
