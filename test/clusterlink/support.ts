// Builders and helpers shared by the ClusterLink rule-book tests.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { validateClusterLink, type RuleContext, type ValidationResult } from '../../src/clusterlink/index.js';

export type Json = Record<string, unknown>;

export const FIXTURES = fileURLToPath(new URL('../fixtures/clusterlink/', import.meta.url));

export function loadFixture(relativePath: string): Json {
  return parse(readFileSync(`${FIXTURES}${relativePath}`, 'utf8')) as Json;
}

export function fixtureNames(folder: 'valid' | 'invalid'): string[] {
  return readdirSync(`${FIXTURES}${folder}`)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

export const CREATE: RuleContext = { namespace: 'ns1', operation: 'CREATE' };
export const UPDATE: RuleContext = { namespace: 'ns1', operation: 'UPDATE' };

const meta = (name = 'link-a'): Json => ({ name, namespace: 'ns1' });
const head = { apiVersion: 'platform.confluent.io/v1beta1', kind: 'ClusterLink' };

/** Smallest valid destination-initiated link. */
export function destinationInitiated(): Json {
  return {
    ...head,
    metadata: meta(),
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
      sourceKafkaCluster: { bootstrapEndpoint: 'src-kafka:9092', clusterID: 'src-id' },
    },
  };
}

/** Smallest valid Source-mode link. */
export function sourceMode(): Json {
  return {
    ...head,
    metadata: meta(),
    spec: {
      sourceInitiatedLink: { linkMode: 'Source' },
      destinationKafkaCluster: { bootstrapEndpoint: 'dst-kafka:9092', clusterID: 'dst-id' },
      sourceKafkaCluster: { kafkaRestClassRef: { name: 'src-rest' } },
    },
  };
}

/** Smallest valid Destination-mode link. */
export function destinationMode(): Json {
  return {
    ...head,
    metadata: meta(),
    spec: {
      sourceInitiatedLink: { linkMode: 'Destination' },
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
      sourceKafkaCluster: { clusterID: 'src-id' },
    },
  };
}

/** Smallest valid Bidirectional (Outbound) link. */
export function bidirectional(): Json {
  return {
    ...head,
    metadata: meta(),
    spec: {
      sourceInitiatedLink: { linkMode: 'Bidirectional' },
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'local-rest' } },
      sourceKafkaCluster: { bootstrapEndpoint: 'remote-kafka:9092', clusterID: 'remote-id' },
    },
  };
}

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Returns a copy of `object` with the dotted path (`spec.mirrorTopics[0].name`) set; `undefined` deletes. */
export function withField(object: Json, path: string, value: unknown): Json {
  const copy = structuredClone(object);
  const keys = [...path.matchAll(SEGMENT)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  let current: Record<string | number, unknown> = copy;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      if (value === undefined) {
        if (Array.isArray(current)) current.splice(Number(key), 1);
        else delete current[key];
      } else current[key] = structuredClone(value);
      return;
    }
    if (typeof current[key] !== 'object' || current[key] === null)
      current[key] = typeof keys[i + 1] === 'number' ? [] : {};
    current = current[key] as Record<string | number, unknown>;
  });
  return copy;
}

/** Applies several `withField` edits in order. */
export function edit(object: Json, edits: Record<string, unknown>): Json {
  let out = object;
  for (const [path, value] of Object.entries(edits)) out = withField(out, path, value);
  return out;
}

export function check(
  object: unknown,
  oldObject?: unknown,
  ctx: RuleContext = oldObject === undefined ? CREATE : UPDATE,
): ValidationResult {
  return validateClusterLink(object, oldObject, ctx);
}

/** `field kind` pairs, the compact form the tables assert on. */
export function errorKeys(result: ValidationResult): string[] {
  return result.errors.map((e) => `${e.field} ${e.kind}`);
}
