// Structural pruning as the API server applies it to custom resources (apiextensions.k8s.io/v1): fields a
// structural schema does not specify are dropped, unless x-kubernetes-preserve-unknown-fields says keep them.
// `properties` names the known fields, `additionalProperties` (a schema) makes a map whose values are pruned by
// it, `items` prunes array elements. An object schema with neither keeps no field at all (`status: {type: object}`
// stores `{}`). The fake Kubernetes API uses this on the status of the chart's CRDs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [key: string]: unknown;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A pruned copy of `value` (values whose type does not match are left to validation, as the API server does). */
export function prune(value: unknown, schema: Schema | undefined): unknown {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] === true) return structuredClone(value);
  if (Array.isArray(value)) return value.map((v) => prune(v, schema.items));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [key, v] of Object.entries(value)) {
    const known = schema.properties?.[key];
    if (known) out[key] = prune(v, known);
    else if (additional) out[key] = prune(v, additional);
    else if (schema.additionalProperties === true) out[key] = structuredClone(v);
  }
  return out;
}

const CHART_CRDS = fileURLToPath(new URL('../../charts/clusterlink-webhook/crds/', import.meta.url));

/** `group/version Kind` → the openAPIV3Schema of that version, from the chart's CRD files. */
export function chartSchemas(dir: string = CHART_CRDS): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, file), 'utf8')) as {
      spec: {
        group: string;
        names: { kind: string };
        versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
      };
    };
    for (const v of crd.spec.versions)
      out.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
  return out;
}

/** The paths of `value` that `prune` would drop (empty: the API server keeps all of it). */
export function prunedPaths(value: unknown, schema: Schema | undefined, path = ''): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => prunedPaths(v, schema.items, `${path}[${i}]`));
  if (!isObject(value)) return [];
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue; // not serialised
    const sub = schema.properties?.[key] ?? additional;
    if (sub) out.push(...prunedPaths(v, sub, `${path}.${key}`));
    else if (schema.additionalProperties !== true) out.push(`${path}.${key}`);
  }
  return out;
}

/** What the API server would drop from a ClusterLink status written with the chart's CRD (`status.…` paths). */
export function prunedStatusPaths(status: unknown): string[] {
  const schema = chartSchemas().get('platform.confluent.io/v1beta1 ClusterLink')?.properties?.['status'];
  if (!schema) throw new Error('the chart has no ClusterLink v1beta1 CRD');
  return prunedPaths(status, schema, 'status');
}
