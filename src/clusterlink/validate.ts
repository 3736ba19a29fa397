// The rule book's entry point: shape first (ajv), then every semantic rule family on the defaulted
// object, all errors at once in document order. Never throws on any JSON.
import type { FieldError } from './field-errors.js';
import { asRecord, hasOwn, type JsonRecord } from '../lib/json.js';
import type { RuleContext } from './context.js';
import { applyDefaults, needsDefaults } from './defaults.js';
import { isBeingDeleted } from './metadata.js';
import { checkShape } from './schema.js';
import { sortByDocumentOrder } from './order.js';
import { Findings, linkTypeOf, type FieldWarning, type RuleInput } from './rules/common.js';
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
  /** The same warnings with the field and rule of each (docs/rules.md#rule-ids), in the order of `warnings`. */
  ruleWarnings?: RuleWarning[];
}

/** A formatted warning and the rule that found it. */
export interface RuleWarning {
  text: string;
  field: string;
  rule?: string;
}

/** Rule families run on every object, in this order (ties in document order keep it), into one collector. */
const SPEC_RULES: ReadonlyArray<(input: RuleInput, out: Findings) => unknown> = [
  (i, out) => validateNames(i.spec, out),
  (i, out) => validateLinkMode(i, out),
  (i, out) => validateClusterRefs(i.spec, out),
  (i, out) => validateAuthentication(i.spec, out),
  (i, out) => validateTls(i.spec, out),
  (i, out) => validateMirrorTopics(i.spec, out),
  (i, out) => validateAutoCreateTopics(i.spec, out),
  (i, out) => validateConsumerGroupFilters(i.spec, out),
  (i, out) => validateAclFilters(i.spec, out),
];

/**
 * The API server treats a null field as unset: drop them so rules see absent fields only. Returns `value` itself
 * when it holds no null (the common case: copying every object again is most of the rules' allocation).
 */
function withoutNulls(value: unknown): unknown {
  return containsNull(value) ? dropNulls(value) : value;
}

// Runs over the whole object on every review: plain loops, and the own-property check only for the members that
// could hold a null (objects and nulls), not for every string and number.
function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsNull(value[i])) return true;
    return false;
  }
  for (const key in value) {
    const child = (value as JsonRecord)[key];
    if (typeof child === 'object' && hasOwn(value as JsonRecord, key) && containsNull(child)) return true;
  }
  return false;
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  const record = asRecord(value);
  if (!record) return value;
  // fromEntries defines own properties, so even a "__proto__" key stays plain data
  const entries = Object.entries(record).filter(([, child]) => child !== null);
  return Object.fromEntries(entries.map(([key, child]): [string, unknown] => [key, dropNulls(child)]));
}

/**
 * The object exactly as the rules see it: defaulted, without nulls. The rules only read it, so an object that needs
 * no defaults and holds no null is returned itself, uncopied; otherwise it is a copy.
 */
function prepare(object: unknown, ctx: RuleContext): unknown {
  return withoutNulls(needsDefaults(object, ctx) ? applyDefaults(object, ctx) : object);
}

/**
 * True when `field` is one of `paths` or lies below one (`a.b[0].c` is below `a.b[0]`, `a.b`, `a` and ``). Looks up
 * each ancestor in the Set (linear for huge objects) and stops at the first hit.
 */
function coveredBy(paths: ReadonlySet<string>, field: string): boolean {
  if (paths.size === 0) return false;
  if (paths.has(field) || paths.has('')) return true;
  for (let i = field.length - 1; i > 0; i--) {
    if ((field[i] === '.' || field[i] === '[') && paths.has(field.slice(0, i))) return true;
  }
  return false;
}

function formatWarning(w: FieldWarning): string {
  return w.field ? `${w.field}: ${w.message}` : w.message;
}

/** What `validateAndDefault` returns: the verdict, and the defaulted object it was reached on. */
export interface ValidatedAndDefaulted {
  result: ValidationResult;
  /**
   * Deep-equal to what `applyDefaults(object, ctx)` returns (nulls the defaults do not fill are kept). Copy on write:
   * when no default applies it is `object` itself, uncopied, so callers only read it.
   */
  defaulted: unknown;
}

/**
 * `sourceInitiatedLink:` written with nothing under it (YAML null) means a source-initiated link whose linkMode is
 * missing, not a destination-initiated link: it is kept as `{}` so the rules say so (docs/rules.md#link-types).
 * The API server prunes the null before admission; this matters for manifests checked offline.
 */
export function keepEmptyLinkMode(object: unknown): unknown {
  const root = asRecord(object);
  const spec = asRecord(root?.['spec']);
  if (!root || !spec || spec['sourceInitiatedLink'] !== null) return object;
  return { ...root, spec: { ...spec, sourceInitiatedLink: {} } };
}

export function validate(object: unknown, oldObject: unknown, ctx: RuleContext): ValidationResult {
  if (isBeingDeleted(object)) return { errors: [], warnings: [] };
  return validatePrepared(prepare(keepEmptyLinkMode(object), ctx), oldObject, ctx);
}

/**
 * `validate` and `applyDefaults` from one defaulting pass: callers that need both (the validate admitter) would
 * otherwise copy and default the object twice. `oldObject` may be raw or already defaulted (defaulting is idempotent).
 * The object /validate receives has already been defaulted by /mutate, so it is copied only when a default applies
 * (copying it anyway cost more than the rules, docs/performance.md#the-hot-path).
 */
export function validateAndDefault(object: unknown, oldObject: unknown, ctx: RuleContext): ValidatedAndDefaulted {
  const defaulted = needsDefaults(object, ctx) ? applyDefaults(object, ctx) : object;
  if (isBeingDeleted(object)) return { result: { errors: [], warnings: [] }, defaulted };
  return { result: validatePrepared(withoutNulls(keepEmptyLinkMode(defaulted)), oldObject, ctx), defaulted };
}

/** The object as the rules see it (defaulted, without nulls, an empty sourceInitiatedLink kept): what ratcheting compares. */
export function rulesView(object: unknown, ctx: RuleContext): unknown {
  return prepare(keepEmptyLinkMode(object), ctx);
}

/**
 * Only the update rules (docs/rules.md#updates): what a terminating object still has to meet. Its metadata and
 * finalizers may change freely; an immutable spec field may not.
 */
export function validateTransition(object: unknown, oldObject: unknown, ctx: RuleContext): ValidationResult {
  const spec = asRecord(asRecord(rulesView(object, ctx))?.['spec']);
  const oldSpec = asRecord(asRecord(rulesView(oldObject, ctx))?.['spec']);
  if (!spec || !oldSpec) return { errors: [], warnings: [], ruleWarnings: [] };
  const found = validateUpdate(spec, oldSpec);
  const ruleWarnings = found.warnings.map((w): RuleWarning => {
    const text = formatWarning(w);
    return w.rule === undefined ? { text, field: w.field } : { text, field: w.field, rule: w.rule };
  });
  return { errors: found.errors, warnings: ruleWarnings.map((w) => w.text), ruleWarnings };
}

/** The rules on an already prepared (defaulted, null-free) object, which they only read. */
function validatePrepared(prepared: unknown, oldObject: unknown, ctx: RuleContext): ValidationResult {
  const shapeErrors = checkShape(prepared);
  const root = asRecord(prepared);
  if (!root) return { errors: shapeErrors, warnings: [] };

  // every family's findings in one collector, in family order (what concatenating their results gave)
  const found = new Findings();
  validateSpecPresent(root, found);
  const spec = asRecord(root['spec']);
  if (spec) {
    const input: RuleInput = { object: root, spec, linkType: linkTypeOf(spec), ctx };
    for (const rule of SPEC_RULES) rule(input, found);
    if (oldObject !== undefined && oldObject !== null) {
      const oldSpec = asRecord(asRecord(prepare(keepEmptyLinkMode(oldObject), ctx))?.['spec']);
      if (oldSpec) validateUpdate(spec, oldSpec, found);
    }
  }

  const all = found.errors;
  const allWarnings = found.warnings;
  // The common case (nothing found) needs none of the filtering, sorting and path building below.
  if (shapeErrors.length === 0 && all.length === 0 && allWarnings.length === 0) return { errors: [], warnings: [] };
  // Semantic errors at or below a path the shape check already reported would say the same thing twice,
  // and a Forbidden block needs no further detail about its content.
  const shapePaths = new Set(shapeErrors.map((e) => e.field));
  const forbiddenPaths = new Set(all.filter((e) => e.kind === 'Forbidden').map((e) => e.field));
  const semantic = all.filter(
    (e) => !coveredBy(shapePaths, e.field) && (e.kind === 'Forbidden' || !coveredBy(forbiddenPaths, e.field)),
  );
  const errors = sortByDocumentOrder(prepared, [...shapeErrors, ...semantic]);
  const warnings = sortByDocumentOrder(
    prepared,
    allWarnings.filter((w) => !coveredBy(shapePaths, w.field) && !coveredBy(forbiddenPaths, w.field)),
  );
  const ruleWarnings: RuleWarning[] = [];
  const seen = new Set<string>();
  for (const w of warnings) {
    const text = formatWarning(w);
    if (seen.has(text)) continue;
    seen.add(text);
    ruleWarnings.push(w.rule === undefined ? { text, field: w.field } : { text, field: w.field, rule: w.rule });
  }
  return { errors, warnings: ruleWarnings.map((w) => w.text), ruleWarnings };
}
