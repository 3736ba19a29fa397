// Public surface of the pure core. Nothing here imports HTTP, Kubernetes clients or Kafka REST.
// TEMPORARY STUB (replaced by the rule-book work): allows everything, defaults nothing.
import type { FieldError } from './field-errors.js';

export interface RuleContext {
  /** The request's namespace (admission) or the manifest's namespace (CLI). */
  namespace?: string;
  operation: 'CREATE' | 'UPDATE';
}

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

/** Returns a defaulted deep copy of `object`; never mutates its input, keeps unknown fields. */
export function defaultClusterLink(object: unknown, _ctx: RuleContext): unknown {
  return structuredClone(object);
}

/** Validates the defaulted form of `object` (and the update rules when `oldObject` is given). */
export function validateClusterLink(_object: unknown, _oldObject: unknown | undefined, _ctx: RuleContext): ValidationResult {
  return { errors: [], warnings: [] };
}
