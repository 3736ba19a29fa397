// The stable rule IDs of docs/rules.md#rule-ids: every field error and warning of the rule book names the rule that
// found it, so a rule can be switched to warn or off (docs/rules.md#rule-actions), skipped by an exception
// (docs/rules.md#exceptions) and counted by the audit. IDs never change meaning; a retired rule's ID is not reused.

/** What a rule reports: errors (deny by default), warnings, or both kinds of finding. */
export type RuleSeverity = 'error' | 'warning' | 'both';

export interface RuleInfo {
  id: string;
  severity: RuleSeverity;
  /** Section of docs/rules.md that describes it. */
  section: string;
  /** Set for the update rules: what may not change on UPDATE. Ratcheting never softens them. */
  transition?: true;
}

const rule = (id: string, severity: RuleSeverity, section: string, transition?: true): RuleInfo =>
  transition ? { id, severity, section, transition } : { id, severity, section };

export const RULES = [
  rule('shape-type', 'error', 'field-errors'),
  rule('enum-value', 'error', 'everywhere'),
  rule('spec-required', 'error', 'everywhere'),
  rule('link-name', 'error', 'everywhere'),
  rule('rest-class-ref', 'error', 'everywhere'),
  rule('bootstrap-endpoint', 'error', 'everywhere'),
  rule('bootstrap-url-scheme', 'warning', 'everywhere'),
  rule('cluster-id-empty', 'error', 'everywhere'),
  rule('cluster-id-and-rest-class', 'warning', 'everywhere'),
  rule('secret-name', 'error', 'everywhere'),
  rule('link-mode-required', 'error', 'per-link-type'),
  rule('link-type-required', 'error', 'per-link-type'),
  rule('link-type-cluster-id', 'error', 'per-link-type'),
  rule('link-type-ignored-field', 'warning', 'per-link-type'),
  rule('connection-mode-bidirectional-only', 'error', 'per-link-type'),
  rule('source-mode-destination-fields', 'error', 'per-link-type'),
  rule('mirror-direction-to-source', 'error', 'per-link-type'),
  rule('auth-type-required', 'error', 'authentication'),
  rule('auth-credential-block-type', 'error', 'authentication'),
  rule('auth-plain-credentials', 'error', 'authentication'),
  rule('auth-plain-passthrough-secret-only', 'error', 'authentication'),
  rule('auth-oauth-token-endpoint', 'error', 'authentication'),
  rule('auth-oauth-credentials', 'error', 'authentication'),
  rule('auth-oauth-plain-http', 'warning', 'authentication'),
  rule('auth-oauthbearer-credentials', 'error', 'authentication'),
  rule('auth-mtls-requires-tls', 'error', 'authentication'),
  rule('tls-enabled-required', 'error', 'tls'),
  rule('tls-material', 'error', 'tls'),
  rule('tls-disabled-ignored', 'warning', 'tls'),
  rule('tls-key-password', 'error', 'tls'),
  rule('filter-required-fields', 'error', 'filters'),
  rule('consumer-group-filter-name', 'error', 'filters'),
  rule('consumer-group-filter-duplicate', 'error', 'filters'),
  rule('consumer-group-filter-include', 'error', 'filters'),
  rule('auto-create-filter-name', 'error', 'filters'),
  rule('auto-create-filter-include', 'error', 'filters'),
  rule('auto-create-filters-ignored', 'warning', 'filters'),
  rule('acl-filters-empty', 'error', 'filters'),
  rule('acl-filter-required-fields', 'error', 'filters'),
  rule('acl-resource-type-spelling', 'warning', 'filters'),
  rule('acl-operation', 'error', 'filters'),
  rule('acl-principal', 'error', 'filters'),
  rule('mirror-prefix-name', 'error', 'mirror-topics'),
  rule('mirror-topic-name', 'error', 'mirror-topics'),
  rule('mirror-topic-duplicate', 'error', 'mirror-topics'),
  rule('mirror-topic-metric-collision', 'warning', 'mirror-topics'),
  rule('mirror-replication-factor', 'error', 'mirror-topics'),
  rule('mirror-prefix-match', 'error', 'mirror-topics'),
  rule('mirror-source-topic-needs-prefix', 'error', 'mirror-topics'),
  rule('mirror-source-topic-redundant', 'warning', 'mirror-topics'),
  rule('immutable-link-name', 'error', 'updates', true),
  rule('immutable-link-type', 'error', 'updates', true),
  rule('immutable-cluster-id', 'error', 'updates', true),
  rule('immutable-prefix', 'error', 'updates', true),
  rule('immutable-mirror-source', 'error', 'updates', true),
  rule('immutable-replication-factor', 'error', 'updates', true),
  rule('mirror-state-final', 'error', 'updates', true),
  rule('mirror-topic-removed', 'warning', 'updates', true),
  rule('secret-check', 'both', 'secret-checks'),
  rule('pair-link-name', 'error', 'pairs'),
  rule('pair-link-modes', 'error', 'pairs'),
  rule('pair-cluster-id', 'error', 'pairs'),
  rule('pair-connection-modes', 'error', 'pairs'),
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

const BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}

export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}

/** The update rules: immutability and state transitions, which deny whatever the old object looked like. */
export function isTransitionRule(id: string | undefined): boolean {
  return id !== undefined && BY_ID.get(id)?.transition === true;
}
