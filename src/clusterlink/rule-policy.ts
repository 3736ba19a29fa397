// Per-rule actions of docs/rules.md#rule-actions, as Gatekeeper's enforcementAction: `deny` (the default: an error
// denies, a warning warns), `warn` (an error is reported as a warning; a new rule can be rolled out this way) and
// `off` (the rule's findings are dropped). Pure: parsing the configuration text and applying it to findings.
import { formatFieldError, type FieldError } from './field-errors.js';
import { ruleInfo } from './rule-ids.js';
import type { RuleWarning } from './validate.js';

export type RuleAction = 'deny' | 'warn' | 'off';
export const RULE_ACTIONS: readonly RuleAction[] = ['deny', 'warn', 'off'];

/** Rule ID → action; a rule that is not listed is `deny`. */
export type RulePolicy = ReadonlyMap<string, RuleAction>;

export const EMPTY_POLICY: RulePolicy = new Map();

export interface ParsedPolicy {
  policy: Map<string, RuleAction>;
  /** One sentence per entry that was refused (an unknown rule, an unknown action). */
  problems: string[];
}

/**
 * Reads `id=action` entries separated by commas or newlines; `#` starts a comment, and `id: action` (the YAML of
 * a ConfigMap data key) is accepted as well. A later entry for the same rule wins.
 */
export function parseRuleActions(text: string, into: Map<string, RuleAction> = new Map()): ParsedPolicy {
  const problems: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const entry = raw.replace(/#.*$/, '').trim();
    if (entry === '') continue;
    const match = /^([A-Za-z0-9._-]+)\s*[=:]\s*([A-Za-z]+)$/.exec(entry);
    if (!match) {
      problems.push(`"${entry}" is not rule-id=deny|warn|off`);
      continue;
    }
    const [, id = '', actionText = ''] = match;
    const action = actionText.toLowerCase();
    if (ruleInfo(id) === undefined) {
      problems.push(`"${id}" is not a rule ID (see docs/rules.md#rule-ids)`);
    } else if (!(RULE_ACTIONS as readonly string[]).includes(action)) {
      problems.push(`"${actionText}" for ${id} is not one of deny, warn, off`);
    } else if (action === 'deny' && ruleInfo(id)?.severity === 'warning') {
      problems.push(`${id} only warns: deny has no effect on it (use warn or off)`);
    } else {
      into.set(id, action as RuleAction);
    }
  }
  return { policy: into, problems };
}

export const actionOf = (policy: RulePolicy, rule: string | undefined): RuleAction =>
  (rule === undefined ? undefined : policy.get(rule)) ?? 'deny';

export interface PolicyResult {
  errors: FieldError[];
  warnings: RuleWarning[];
}

/** The warning an error becomes under `warn`: the API server's text, and which setting let it through. */
export function demotedWarning(error: FieldError): string {
  return `${formatFieldError(error)} (not enforced: rule ${error.rule ?? 'unknown'} is set to warn)`;
}

export function applyRulePolicy(
  errors: readonly FieldError[],
  warnings: readonly RuleWarning[],
  policy: RulePolicy,
): PolicyResult {
  if (policy.size === 0) return { errors: [...errors], warnings: [...warnings] };
  const out: PolicyResult = { errors: [], warnings: [] };
  for (const error of errors) {
    const action = actionOf(policy, error.rule);
    if (action === 'deny') out.errors.push(error);
    else if (action === 'warn') out.warnings.push(ruleWarning(demotedWarning(error), error));
  }
  for (const warning of warnings) if (actionOf(policy, warning.rule) !== 'off') out.warnings.push(warning);
  return out;
}

/** A warning made from an error, keeping its field and rule. */
export function ruleWarning(text: string, error: FieldError): RuleWarning {
  return error.rule === undefined ? { text, field: error.field } : { text, field: error.field, rule: error.rule };
}
