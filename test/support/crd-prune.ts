// What the API server would drop from a ClusterLink status: paths absent from the chart's CRD schema
// (structural pruning). Tests assert the list is empty for every status the reconciler writes.
import { projectCRDs, type JSONSchema } from '../chart/crd-model.js';

function statusSchema(): JSONSchema {
  const crd = projectCRDs()['platform.confluent.io_clusterlinks.yaml'] as JSONSchema;
  const versions = (crd.spec as JSONSchema).versions as JSONSchema[];
  const root = ((versions[0] as JSONSchema).schema as JSONSchema).openAPIV3Schema as JSONSchema;
  return (root.properties as Record<string, JSONSchema>).status as JSONSchema;
}

export function prunedPaths(value: unknown, schema: JSONSchema = statusSchema(), path = 'status'): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) {
    const items = schema.items as JSONSchema | undefined;
    return items ? value.flatMap((v, i) => prunedPaths(v, items, `${path}[${i}]`)) : [];
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  const props = schema.properties as Record<string, JSONSchema> | undefined;
  const extra = schema.additionalProperties as JSONSchema | undefined;
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const sub = props?.[k] ?? (typeof extra === 'object' ? extra : undefined);
    if (!sub) out.push(`${path}.${k}`);
    else out.push(...prunedPaths(v, sub, `${path}.${k}`));
  }
  return out;
}

/**
 * Paths issue 14 (item 9, another branch) settles: the pre-existing snapshot key and conditions[].observedGeneration.
 * Tests of newer status fields ignore them so that they check only what they add.
 */
export const ISSUE_14_PRUNED = /^status\.(mirrorTopicSnapshots$|conditions\[\d+\]\.observedGeneration$)/;

export function prunedNewPaths(value: unknown): string[] {
  return prunedPaths(value).filter((p) => !ISSUE_14_PRUNED.test(p));
}
