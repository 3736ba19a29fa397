// Public surface of the pure core. Nothing here imports HTTP, Kubernetes clients or Kafka REST.
import type { RuleContext } from './context.js';
import { applyDefaults } from './defaults.js';

export { defaultsPatch, type DefaultOperation } from './defaults.js';
import {
  validate,
  validateAndDefault as validateAndDefaultOnce,
  type ValidatedAndDefaulted,
  type ValidationResult,
} from './validate.js';

export { rulesView, validateTransition } from './validate.js';
export { ratchet, ratchetedWarning, valueAtPath } from './ratchet.js';
export {
  applyRulePolicy,
  parseRuleActions,
  ruleWarning,
  EMPTY_POLICY,
  RULE_ACTIONS,
  type RuleAction,
  type RulePolicy,
} from './rule-policy.js';
export { checkPair, type PairResult } from './pair.js';
export { requestedExceptions, SKIP_RULES_ANNOTATION, type RequestedExceptions } from './exceptions.js';

export type { RuleContext } from './context.js';
export type { ValidationResult, ValidatedAndDefaulted, RuleWarning } from './validate.js';
export { RULES, ruleInfo, isRuleId, isTransitionRule, type RuleId, type RuleInfo } from './rule-ids.js';
export { isBeingDeleted } from './metadata.js';
export { linkTypeOf, type LinkType, type FieldWarning } from './rules/common.js';
export { checkShape, warmUpShapeCheck } from './schema.js';
export { nearMiss } from './suggest.js';

/** Returns a defaulted deep copy of `object` (docs/rules.md#defaults); never mutates its input, keeps unknown fields. */
export function defaultClusterLink(object: unknown, ctx: RuleContext): unknown {
  return applyDefaults(object, ctx);
}

/** Validates the defaulted form of `object` (and the update rules when `oldObject` is given). Never throws. */
export function validateClusterLink(
  object: unknown,
  oldObject: unknown | undefined,
  ctx: RuleContext,
): ValidationResult {
  return validate(object, oldObject, ctx);
}

/**
 * `validateClusterLink` and `defaultClusterLink` in one defaulting pass: `result` is what validateClusterLink gives for
 * `object` (raw or defaulted) and `oldObject`, `defaulted` what defaultClusterLink gives for `object` (deep-equal; `object`
 * itself when no default applies, so it is read, never written).
 */
export function validateAndDefault(
  object: unknown,
  oldObject: unknown | undefined,
  ctx: RuleContext,
): ValidatedAndDefaulted {
  return validateAndDefaultOnce(object, oldObject, ctx);
}
