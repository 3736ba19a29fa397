// The rule book's entry point: shape first (ajv), then every semantic rule family on the defaulted
// object, all errors at once in document order. Never throws on any JSON.
import type { FieldError } from './field-errors.js';
import { asRecord, type JsonRecord } from './json.js';
import type { RuleContext } from './context.js';
import { applyDefaults, isBeingDeleted } from './defaults.js';
import { checkShape } from './schema.js';
import { sortByDocumentOrder } from './order.js';
import { linkTypeOf, type FieldWarning, type RuleInput, type RuleResult } from './rules/common.js';
import { validateNames, validateSpecPresent } from './rules/names.js';
import { validateClusterRefs } from './rules/cluster-refs.js';
import { validateLinkMode } from './rules/link-mode.js';
import { validateAuthentication } from './rules/authentication.js';
import { validateTls } from './rules/tls.js';
import { validateAutoCreateTopics, validateConsumerGroupFilters } from './rules/filters.js';
import { validateAclFilters } from './rules/acl-filters.js';
import { validateMirrorTopics } from './rules/mirror-topics.js';
import { validateUpdate } from './rules/updates.js';

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

/** Rule families run on every object, in this order (ties in document order keep it). */
const SPEC_RULES: ReadonlyArray<(input: RuleInput) => RuleResult> = [
  (i) => validateNames(i.spec),
  (i) => validateLinkMode(i),
  (i) => validateClusterRefs(i.spec),
  (i) => validateAuthentication(i.spec),
  (i) => validateTls(i.spec),
  (i) => validateMirrorTopics(i.spec),
  (i) => validateAutoCreateTopics(i.spec),
  (i) => validateConsumerGroupFilters(i.spec),
  (i) => validateAclFilters(i.spec),
];

/**
 * The API server treats a null field as unset: drop them so rules see absent fields only. Returns `value` itself
 * when it holds no null (the common case: copying every object again is most of the rules' allocation).
 */
export function withoutNulls(value: unknown): unknown {
  return containsNull(value) ? dropNulls(value) : value;
}

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsNull);
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && containsNull((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  const record = asRecord(value);
  if (!record) return value;
  // fromEntries defines own properties, so even a "__proto__" key stays plain data
  const entries = Object.entries(record).filter(([, child]) => child !== null);
  return Object.fromEntries(entries.map(([key, child]) => [key, dropNulls(child)])) as JsonRecord;
}

/** The object exactly as the rules see it: defaulted, without nulls. */
export function prepare(object: unknown, ctx: RuleContext): unknown {
  return withoutNulls(applyDefaults(object, ctx));
}

/** The field itself and every ancestor path: `a.b[0].c` → `a.b[0].c`, `a.b[0]`, `a.b`, `a`, ``. */
function selfAndAncestors(field: string): string[] {
  const out = [field];
  for (let i = field.length - 1; i > 0; i--) if (field[i] === '.' || field[i] === '[') out.push(field.slice(0, i));
  out.push('');
  return out;
}

/** True when `field` is one of `paths` or lies below one (a Set keeps this linear for huge objects). */
function coveredBy(paths: ReadonlySet<string>, field: string): boolean {
  return paths.size > 0 && selfAndAncestors(field).some((p) => paths.has(p));
}

export function formatWarning(w: FieldWarning): string {
  return w.field ? `${w.field}: ${w.message}` : w.message;
}

export function validate(object: unknown, oldObject: unknown, ctx: RuleContext): ValidationResult {
  if (isBeingDeleted(object)) return { errors: [], warnings: [] };
  const prepared = prepare(object, ctx);
  const shapeErrors = checkShape(prepared);
  const root = asRecord(prepared);
  if (!root) return { errors: shapeErrors, warnings: [] };

  const results: RuleResult[] = [validateSpecPresent(root)];
  const spec = asRecord(root['spec']);
  if (spec) {
    const input: RuleInput = { object: root, spec, linkType: linkTypeOf(spec), ctx };
    for (const rule of SPEC_RULES) results.push(rule(input));
    const oldSpec = asRecord(asRecord(prepare(oldObject, ctx))?.['spec']);
    if (oldObject !== undefined && oldObject !== null && oldSpec) results.push(validateUpdate(spec, oldSpec));
  }

  // Semantic errors at or below a path the shape check already reported would say the same thing twice,
  // and a Forbidden block needs no further detail about its content.
  const shapePaths = new Set(shapeErrors.map((e) => e.field));
  const all = results.flatMap((r) => r.errors);
  const forbiddenPaths = new Set(all.filter((e) => e.kind === 'Forbidden').map((e) => e.field));
  const semantic = all.filter(
    (e) => !coveredBy(shapePaths, e.field) && (e.kind === 'Forbidden' || !coveredBy(forbiddenPaths, e.field)),
  );
  const errors = sortByDocumentOrder(prepared, [...shapeErrors, ...semantic]);
  const warnings = sortByDocumentOrder(prepared, results.flatMap((r) => r.warnings).filter((w) => !coveredBy(shapePaths, w.field) && !coveredBy(forbiddenPaths, w.field)));
  return { errors, warnings: [...new Set(warnings.map(formatWarning))] };
}
