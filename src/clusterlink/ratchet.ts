// Ratcheting of docs/rules.md#ratcheting, as Kubernetes' CRD validation ratcheting does it: on UPDATE an error the
// old object already had, at the same path and of the same kind, is not enforced when the update leaves the value at
// that path unchanged. A new or stricter rule then never blocks a label, annotation or finalizer change on an
// existing ClusterLink. The update rules (immutability, state transitions) are never ratcheted.
import { formatFieldError, type FieldError } from './field-errors.js';
import { isTransitionRule } from './rule-ids.js';
import { asRecord, isDeepEqual } from '../lib/json.js';

const SEGMENT = /([^.[\]]+)|\[([^\]]*)\]/g;

/** The value at an apimachinery field path (`spec.mirrorTopics[2].configs[a.b]`) of a plain JSON object. */
export function valueAtPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const match of path.matchAll(SEGMENT)) {
    const segment = match[1] ?? match[2] ?? '';
    if (Array.isArray(current)) {
      current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    } else {
      const record = asRecord(current);
      if (!record || !Object.prototype.hasOwnProperty.call(record, segment)) return undefined;
      current = record[segment];
    }
    if (current === undefined) return undefined;
  }
  return current;
}

export interface Ratcheted {
  /** The errors still enforced. */
  errors: FieldError[];
  /** The errors let through because the old object had them and the field did not change. */
  ratcheted: FieldError[];
}

const keyOf = (e: FieldError): string => `${e.kind}\u0000${e.field}`;

/**
 * `newObject` and `oldObject` are the rules' views (defaulted, without nulls) of the two objects; `oldErrors` the
 * errors the old object has on its own (as a CREATE would see them).
 */
export function ratchet(
  errors: readonly FieldError[],
  oldErrors: readonly FieldError[],
  newObject: unknown,
  oldObject: unknown,
): Ratcheted {
  if (oldErrors.length === 0) return { errors: [...errors], ratcheted: [] };
  const before = new Set(oldErrors.map(keyOf));
  const out: Ratcheted = { errors: [], ratcheted: [] };
  for (const error of errors) {
    const unchanged =
      !isTransitionRule(error.rule) &&
      before.has(keyOf(error)) &&
      isDeepEqual(valueAtPath(newObject, error.field), valueAtPath(oldObject, error.field));
    (unchanged ? out.ratcheted : out.errors).push(error);
  }
  return out;
}

/** The warning a ratcheted error becomes: the API server's text, and why it did not deny. */
export function ratchetedWarning(error: FieldError): string {
  return `${formatFieldError(error)} (not enforced: the stored object already has this error and the update leaves the field unchanged)`;
}
