// The CRD's CEL rules (x-kubernetes-validations), evaluated as the API server does (docs/cli.md#the-crd-schema):
// each rule on every value its schema node applies to, `self` bound to the value; a transition rule (one that
// reads `oldSelf`) only on UPDATE, where the old object has a value at the same place. Failures are reported at the
// rule's path plus its fieldPath, as `Invalid value: "<type>": <message>` (or the rule's reason).
// The interpreter is @marcbachmann/cel-js; test/offline/crd-cel.test.ts runs every rule of the chart's CRD.
import { parse, type ParseResult } from '@marcbachmann/cel-js';
import { duplicate, forbidden, invalid, required, type FieldError } from '../../clusterlink/field-errors.js';
import { isDeepEqual, isPlainObject } from '../../lib/json.js';
import { findingOf, type SchemaFinding } from './findings.js';
import type { CelRule, CrdSchema } from './types.js';

export interface CelResult {
  findings: SchemaFinding[];
  /** Rules that could not be evaluated offline (an unsupported function): said, never silently passed. */
  warnings: string[];
}

const compiled = new Map<string, ParseResult | Error>();

function compiledRule(rule: string): ParseResult | Error {
  let entry = compiled.get(rule);
  if (entry === undefined) {
    try {
      entry = parse(rule);
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(rule, entry);
  }
  return entry;
}

export const isTransitionRule = (rule: CelRule): boolean => /\boldSelf\b/.test(rule.rule);

/** The schema type the API server shows as the "value" of a failed rule. */
function typeLabel(schema: CrdSchema): string {
  return schema.type ?? (schema['x-kubernetes-int-or-string'] ? 'int-or-string' : 'object');
}

/** `.connectionMode` or `['a.b']` below `path`, as a field path. */
function withFieldPath(path: string, fieldPath: string | undefined): string {
  if (!fieldPath) return path;
  const tail = fieldPath.replace(/\['([^']*)'\]/g, '[$1]');
  return tail.startsWith('[') ? `${path}${tail}` : `${path}${tail.startsWith('.') ? '' : '.'}${tail}`;
}

function errorFor(rule: CelRule, path: string, type: string, detail: string): FieldError {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return forbidden(path, detail);
    case 'FieldValueRequired':
      return required(path, detail);
    case 'FieldValueDuplicate':
      return duplicate(path, type, detail);
    default:
      return invalid(path, type, detail);
  }
}

/** The first line of an interpreter error (the rest is a source excerpt). */
const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();

interface Visit {
  schema: CrdSchema;
  value: unknown;
  /** The correlated old value: present on UPDATE where the old object has this place. */
  old: unknown;
  path: string;
  update: boolean;
  out: CelResult;
}

function checkRules(v: Visit): void {
  for (const rule of v.schema['x-kubernetes-validations'] ?? []) {
    const transition = isTransitionRule(rule);
    if (transition && v.old === undefined) continue; // the API server runs transition rules on UPDATE only
    // Ratcheting (CRDValidationRatcheting): on UPDATE an unchanged value is not re-judged by non-transition rules.
    if (!transition && v.update && v.old !== undefined && isDeepEqual(v.value, v.old)) continue;
    const program = compiledRule(rule.rule);
    const at = withFieldPath(v.path, rule.fieldPath);
    if (program instanceof Error) {
      v.out.warnings.push(`${at}: CRD rule not checked offline (${firstLine(program)}): ${rule.rule}`);
      continue;
    }
    let result: unknown;
    try {
      result = program(transition ? { self: v.value, oldSelf: v.old } : { self: v.value });
    } catch (err) {
      const detail = `${firstLine(err)} evaluating rule: ${rule.rule}`;
      v.out.findings.push(findingOf(invalid(at, typeLabel(v.schema), detail), 'crd-cel'));
      continue;
    }
    if (result === true) continue;
    const detail = rule.message ?? `failed rule: ${rule.rule}`;
    v.out.findings.push(findingOf(errorFor(rule, at, typeLabel(v.schema), detail), 'crd-cel'));
  }
}

function walk(v: Visit): void {
  if (v.value === undefined || v.value === null) return;
  checkRules(v);
  const { schema, value, old } = v;
  if (isPlainObject(value)) {
    const oldObject = isPlainObject(old) ? old : undefined;
    for (const [key, child] of Object.entries(schema.properties ?? {}))
      walk({ ...v, schema: child, value: value[key], old: oldObject?.[key], path: `${v.path}.${key}` });
    if (typeof schema.additionalProperties === 'object') {
      const itemSchema = schema.additionalProperties;
      for (const [key, child] of Object.entries(value))
        walk({ ...v, schema: itemSchema, value: child, old: oldObject?.[key], path: `${v.path}[${key}]` });
    }
  }
  // Items of atomic lists are not correlated with old items (the API server correlates map and set lists only).
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, i) => walk({ ...v, schema: items, value: item, old: undefined, path: `${v.path}[${i}]` }));
  }
}

/** Every CEL rule of `root` on `object`; `old` makes it an UPDATE (transition rules run, unchanged values ratchet). */
export function checkCelRules(root: CrdSchema, object: unknown, old?: unknown): CelResult {
  const out: CelResult = { findings: [], warnings: [] };
  const top = isPlainObject(object) ? object : {};
  const oldTop = isPlainObject(old) ? old : undefined;
  // Rules sit below the root (spec and its fields); paths start at the top-level field names, as the API server's.
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    if (key === 'status' || key === 'metadata') continue; // status is dropped on create/update (status subresource)
    walk({ schema: child, value: top[key], old: oldTop?.[key], path: key, update: oldTop !== undefined, out });
  }
  return out;
}
