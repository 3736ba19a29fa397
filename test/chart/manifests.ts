// Reading rendered manifests in the chart tests: find an object, walk a dotted path, sum up RBAC grants.
import assert from 'node:assert/strict';
import type { Manifest, Obj } from './helm.js';

export function kinds(ms: readonly Manifest[]): string[] {
  return ms.map((m) => `${String(m.object['kind'])}/${String(at(m.object, 'metadata.name'))}`);
}

export function find(ms: readonly Manifest[], kind: string, name?: string): Obj {
  const m = ms.find((x) => x.object['kind'] === kind && (name === undefined || at(x.object, 'metadata.name') === name));
  assert.ok(m, `no ${kind}${name ? `/${name}` : ''} in ${kinds(ms).join(', ')}`);
  return m.object;
}

/** The value at a dotted path; list items by index (`spec.containers.0.args`). */
export function at(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((acc, k) => {
    if (Array.isArray(acc)) return acc[Number(k)];
    if (typeof acc === 'object' && acc !== null) return (acc as Obj)[k];
    return undefined;
  }, o);
}

export function container(ms: readonly Manifest[]): Obj {
  return at(find(ms, 'Deployment'), 'spec.template.spec.containers.0') as Obj;
}

export function args(ms: readonly Manifest[]): string[] {
  return container(ms)['args'] as string[];
}

export type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

export function rulesOf(o: Obj): Rule[] {
  return (o['rules'] as Rule[] | undefined) ?? [];
}

/** resource -> sorted verbs over every (Cluster)Role matching `filter`, the pre-delete hook's left out. */
export function grants(ms: readonly Manifest[], filter: (o: Obj) => boolean = () => true): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const m of ms) {
    if (!['ClusterRole', 'Role'].includes(String(m.object['kind'])) || !filter(m.object)) continue;
    if (String(at(m.object, 'metadata.name')).endsWith('-pre-delete')) continue;
    for (const r of rulesOf(m.object))
      for (const res of r.resources) for (const v of r.verbs) (out[res] ??= new Set()).add(v);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}
