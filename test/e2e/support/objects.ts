// ClusterLink objects for the e2e files: the rule book's fixtures (test/fixtures/clusterlink) and small
// edits of them, handed to kubectl as YAML on stdin.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/clusterlink/', import.meta.url));
export const CHART_DIR = fileURLToPath(new URL('../../../charts/clusterlink-webhook/', import.meta.url));
export const CRDS_DIR = join(CHART_DIR, 'crds');

export type Obj = Record<string, unknown>;

export function fixtureNames(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(FIXTURES, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

export function loadFixture(path: string): Obj {
  return parse(readFileSync(join(FIXTURES, path), 'utf8')) as Obj;
}

export function toYaml(...objects: Obj[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** The fixture's namespaces (metadata.namespace), for creating them first. */
export function namespaceOf(object: Obj): string {
  return String((object['metadata'] as Obj)['namespace'] ?? 'default');
}

/** A copy with `metadata.name` (and optionally namespace) replaced: one fixture, many objects. */
export function renamed(object: Obj, name: string, namespace?: string): Obj {
  const copy = structuredClone(object);
  const meta = copy['metadata'] as Obj;
  meta['name'] = name;
  if (namespace !== undefined) meta['namespace'] = namespace;
  return copy;
}

/** Every `secretRef` string under spec, with the namespace the webhook looks them up in. */
export function secretRefs(object: Obj): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'secretRef' && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(object['spec']);
  return out;
}

/** The smallest ClusterLink the rules accept: destination-initiated, no Secrets to look up. */
export function minimalLink(name: string, namespace = 'apps'): Obj {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name, namespace },
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
      sourceKafkaCluster: { bootstrapEndpoint: 'k.example:9092', clusterID: 'src-1' },
    },
  };
}
