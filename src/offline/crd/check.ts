// The API server's own checks of a ClusterLink against the CRD the chart ships (docs/cli.md#the-crd-schema):
// structural schema (unknown fields, types, enums, required, formats) and CEL rules, on the object the validating
// webhook sees (after the mutating webhook's patch), with ratcheting on UPDATE as in Kubernetes >= 1.30.
import { isDeepEqual, isPlainObject } from '../../lib/json.js';
import { checkCelRules } from './cel.js';
import { CLUSTERLINK_OPENAPI_SCHEMA } from './clusterlink-schema.generated.js';
import { TYPE_INVALID, type SchemaFinding } from './findings.js';
import { segmentsOf } from './field-path.js';
import { structuralCheck } from './structural.js';
import type { CrdSchema } from './types.js';

export interface CrdCheckResult {
  findings: SchemaFinding[];
  warnings: string[];
}

const CEL_BLOCKED: SchemaFinding = {
  cause: {
    reason: 'FieldValueInvalid',
    message:
      'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    field: '',
  },
  rule: 'crd-cel',
};

export type CrdCheck = (object: unknown, old?: unknown) => CrdCheckResult;

/** The value at a field path's segments, or undefined. */
function valueAt(object: unknown, segments: ReadonlyArray<string | number>): unknown {
  let node = object;
  for (const segment of segments) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment] as unknown;
    else if (isPlainObject(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

/**
 * Whether an UPDATE leaves the place of an error unchanged, so the API server ratchets the error away. Lists are
 * atomic: an error inside a list ratchets only when the whole list is unchanged.
 */
function unchanged(object: unknown, old: unknown, segments: ReadonlyArray<string | number>): boolean {
  for (let i = 0; i < segments.length; i++) {
    const here = valueAt(object, segments.slice(0, i));
    if (Array.isArray(here)) return isDeepEqual(here, valueAt(old, segments.slice(0, i)));
  }
  const value = valueAt(object, segments);
  return value !== undefined && isDeepEqual(value, valueAt(old, segments));
}

export function crdCheck(schema: CrdSchema): CrdCheck {
  const structural = structuralCheck(schema);
  const withRules = JSON.stringify(schema).includes('"x-kubernetes-validations"');
  return (object, old) => {
    let findings = structural(object);
    if (old !== undefined) {
      findings = findings.filter((f) => {
        if (f.rule === 'crd-unknown-field') return true; // unknown fields are refused whatever the old object had
        const segments = segmentsOf(f.cause.field);
        // a Required error is about its parent: unchanged when the parent is
        const place = f.cause.reason === 'FieldValueRequired' ? segments.slice(0, -1) : segments;
        return !unchanged(object, old, place);
      });
    }
    // As the API server: a type error blocks the CEL rules (they would read values of the wrong type), and says so.
    if (findings.some((f) => f.cause.reason === TYPE_INVALID))
      return { findings: withRules ? [...findings, CEL_BLOCKED] : findings, warnings: [] };
    const cel = checkCelRules(schema, object, old);
    return { findings: [...findings, ...cel.findings], warnings: cel.warnings };
  };
}

let clusterLinkCheck: CrdCheck | undefined;

/** The check for platform.confluent.io/v1beta1 ClusterLinks, against the chart's CRD (compiled on first use). */
export function checkClusterLinkSchema(object: unknown, old?: unknown): CrdCheckResult {
  clusterLinkCheck ??= crdCheck(CLUSTERLINK_OPENAPI_SCHEMA);
  return clusterLinkCheck(object, old);
}
