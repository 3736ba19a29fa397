// The compatibility rule: the webhook never rejects an object only because it uses a field or enum
// value that CFK's own ClusterLink schema allows. This walks CFK's schema, builds schema-valid
// values for every node (each enum value, booleans both ways, shortest and longest strings, blocks
// with all and with only required fields, empty lists), drops each into a valid link of every mode,
// and checks that (a) the shape check accepts it, (b) no CFK enum value is called unsupported,
// (c) every error that does fire is one of the semantic rules of docs/rules.md#rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkShape } from '../../src/clusterlink/schema.js';
import type { FieldError, FieldErrorKind } from '../../src/clusterlink/field-errors.js';
import { bidirectional, check, destinationInitiated, destinationMode, sourceMode, type Json } from './support.js';

const SCHEMA_FILE = fileURLToPath(
  new URL('../../../shared/specs/cfk-crd-schemas/clusterlink_v1beta1.json', import.meta.url),
);
const skip = existsSync(SCHEMA_FILE)
  ? false
  : `CFK schema not found at ${SCHEMA_FILE} (../shared is absent): compatibility walk skipped`;

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: Schema | boolean;
}

type Segment = string | number;
interface Site {
  path: Segment[];
  value: unknown;
}

/** Schema-valid strings: the shortest sensible one and, when there is a maximum, one of exactly that length. */
function strings(schema: Schema, name: string): string[] {
  const max = schema.maxLength;
  switch (schema.pattern) {
    case '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$':
      return ['sample-secret', ...(max ? ['s'.repeat(max)] : [])];
    case '^[a-zA-Z0-9\\._\\-]*$':
      return ['sample.topic_1', ...(max ? ['t'.repeat(max)] : [])];
    case '.+:[0-9]+':
      return ['kafka.example.com:9092', 'https://kafka.example.com:9092', 'a:1,b:65535', 'kafka:99999'];
    case undefined:
      break;
    default:
      throw new Error(`no sample for pattern ${schema.pattern} at ${name}`);
  }
  // free-text fields whose meaning the rule book pins down get a meaningful sample first
  const meaningful: Record<string, string> = {
    operation: 'describe',
    principal: 'User:sample',
    tokenEndpointUri: 'https://idp.example.com/token',
  };
  return [meaningful[name] ?? 'sample', ...(max ? ['x'.repeat(max)] : [])];
}

/** A few schema-valid instances of `schema`; the first is the "typical" one. */
function instances(schema: Schema, name: string): unknown[] {
  if (schema.enum) return [...schema.enum];
  switch (schema.type) {
    case 'string':
      return strings(schema, name);
    case 'integer':
      return [3, 2147483647];
    case 'boolean':
      return [true, false];
    case 'array':
      return [[instances(schema.items ?? {}, name)[0]], []];
    case 'object': {
      if (!schema.properties) {
        return typeof schema.additionalProperties === 'object'
          ? [{ 'sample.key': instances(schema.additionalProperties, name)[0] }, {}]
          : [{}];
      }
      const full: Json = {};
      const minimal: Json = {};
      for (const [key, child] of Object.entries(schema.properties)) {
        const value = instances(child, key)[0];
        full[key] = value;
        if (schema.required?.includes(key)) minimal[key] = value;
      }
      return [full, minimal];
    }
    default:
      return ['sample'];
  }
}

/** Every node of the schema, each with each of its instances. */
function* sites(schema: Schema, path: Segment[]): Generator<Site> {
  for (const value of instances(schema, String(path.at(-1)))) yield { path, value };
  if (schema.properties)
    for (const [key, child] of Object.entries(schema.properties)) yield* sites(child, [...path, key]);
  if (schema.items) yield* sites(schema.items, [...path, 0]);
}

/** The smallest schema-valid instance (required fields only) of an object or array schema. */
function minimalOf(schema: Schema | undefined, name: string): unknown {
  if (schema?.type === 'array') return [minimalOf(schema.items, name)];
  const all = instances(schema ?? {}, name);
  return all[schema?.properties ? 1 : 0];
}

/** Puts `value` at `path` in a copy of `base`; missing parents are created schema-valid (with their required fields). */
function place(root: Schema, base: Json, path: Segment[], value: unknown): Json {
  const copy = structuredClone(base);
  let current: Record<Segment, unknown> = copy;
  let node: Schema | undefined = root;
  path.forEach((segment, i) => {
    node = typeof segment === 'number' ? node?.items : node?.properties?.[segment];
    if (i === path.length - 1) {
      current[segment] = structuredClone(value);
      return;
    }
    const existing = current[segment];
    const wanted = typeof path[i + 1] === 'number' ? 'array' : 'object';
    const fits =
      wanted === 'array'
        ? Array.isArray(existing) && existing.length > 0
        : typeof existing === 'object' && existing !== null && !Array.isArray(existing);
    if (!fits) current[segment] = structuredClone(minimalOf(node, String(segment)));
    current = current[segment] as Record<Segment, unknown>;
  });
  return copy;
}

/** The semantic rules of docs/rules.md#rules that may legitimately reject a schema-valid value (with the condition that makes them fire). */
interface SpecRule {
  section: string;
  kinds: FieldErrorKind[];
  field: RegExp;
  when?: (error: FieldError, object: Json) => boolean;
}
const prefixOf = (object: Json): unknown =>
  ((object['spec'] as Json | undefined)?.['mirrorTopicOptions'] as Json | undefined)?.['prefix'];
const longerThan =
  (n: number) =>
  (error: FieldError): boolean =>
    error.kind !== 'TooLong' || String(error.value).length > n;
const portOutOfRange = (error: FieldError): boolean =>
  String(error.value)
    .split(',')
    .some((e) => !(Number(e.split(':').at(-1)) >= 1 && Number(e.split(':').at(-1)) <= 65535));
const SPEC_RULES: SpecRule[] = [
  {
    section: 'bootstrap ports 1-65535',
    kinds: ['Invalid'],
    field: /KafkaCluster\.bootstrapEndpoint$/,
    when: portOutOfRange,
  },
  {
    section: 'required per link type',
    kinds: ['Required'],
    field: /^spec\.(source|destination)KafkaCluster(\.kafkaRestClassRef|\.bootstrapEndpoint)?$/,
  },
  {
    section: 'forbidden on a Source-mode link',
    kinds: ['Forbidden'],
    field: /^spec\.(mirrorTopics|mirrorTopicOptions|aclFilters|consumerGroupFilters)$/,
  },
  {
    section: 'connectionMode only for Bidirectional',
    kinds: ['Forbidden'],
    field: /^spec\.sourceInitiatedLink\.connectionMode$/,
  },
  {
    section: 'direction toSource only for Bidirectional',
    kinds: ['Forbidden'],
    field: /^spec\.mirrorTopics\[\d+\]\.direction$/,
  },
  {
    section: 'credentials per type',
    kinds: ['Required'],
    field:
      /authentication\.(jaasConfig|jaasConfigPassThrough\.secretRef|oauthSettings|oauthSettings\.tokenEndpointUri|oauthbearer\.secretRef)$/,
  },
  {
    section: "other types' blocks",
    kinds: ['Forbidden'],
    field:
      /authentication\.(jaasConfig|jaasConfigPassThrough|jaasConfigPassThrough\.directoryPathInContainer|oauthSettings|oauthbearer)$/,
  },
  {
    section: 'token endpoint is an http(s) URL',
    kinds: ['Invalid'],
    field: /oauthSettings\.tokenEndpointUri$/,
    when: (e) => !/^https?:\/\/[^/]/.test(String(e.value)),
  },
  { section: 'mtls needs tls', kinds: ['Required'], field: /KafkaCluster\.tls$/ },
  {
    section: 'mtls needs tls enabled',
    kinds: ['Invalid'],
    field: /KafkaCluster\.tls\.enabled$/,
    when: (e) => e.value === false,
  },
  { section: 'enabled tls needs one source', kinds: ['Required'], field: /KafkaCluster\.tls\.secretRef$/ },
  {
    section: 'not both secret and directory',
    kinds: ['Forbidden'],
    field: /KafkaCluster\.tls\.directoryPathInContainer$/,
  },
  {
    section: 'lists need an INCLUDE / a filter',
    kinds: ['Invalid', 'Required'],
    field: /^spec\.(consumerGroupFilters|aclFilters|mirrorTopicOptions\.autoCreateTopics\.topicFilters)$/,
  },
  {
    section: 'ACL principal is * or Type:name',
    kinds: ['Invalid'],
    field: /^spec\.aclFilters\[\d+\]\.accessFilter\.principal$/,
    when: (e) => !String(e.value).includes(':'),
  },
  {
    section: 'Kafka topic names (at most 249 characters)',
    kinds: ['TooLong'],
    field: /^spec\.mirrorTopics\[\d+\]\.(name|sourceTopicName)$|^spec\.mirrorTopicOptions\.prefix$/,
    when: longerThan(249),
  },
  {
    section: 'name = prefix + sourceTopicName',
    kinds: ['Invalid'],
    field: /^spec\.mirrorTopics\[\d+\]\.name$/,
    when: (_e, o) => prefixOf(o) !== undefined,
  },
  {
    section: 'sourceTopicName needs a prefix',
    kinds: ['Forbidden'],
    field: /^spec\.mirrorTopics\[\d+\]\.sourceTopicName$/,
    when: (_e, o) => prefixOf(o) === undefined,
  },
  {
    section: 'replication factor 1-32767',
    kinds: ['Invalid'],
    field: /^spec\.mirrorTopics\[\d+\]\.replicationFactor$/,
    when: (e) => Number(e.value) > 32767,
  },
];

function explain(error: FieldError, object: Json): string | undefined {
  return SPEC_RULES.find(
    (rule) => rule.kinds.includes(error.kind) && rule.field.test(error.field) && (rule.when?.(error, object) ?? true),
  )?.section;
}

/** CFK's enum at a field path like `spec.mirrorTopics[0].state`, if any. */
function enumAt(root: Schema, field: string): string[] | undefined {
  let node: Schema | undefined = root;
  for (const part of field.split('.').flatMap((p) =>
    p
      .split(/\[\d+\]/)
      .filter(Boolean)
      .map((x, i, all) => (i < all.length - 1 || p.endsWith(']') ? [x, '[]'] : [x]))
      .flat(),
  )) {
    node = part === '[]' ? node?.items : node?.properties?.[part];
  }
  return node?.enum;
}

describe("compatibility with CFK's ClusterLink schema", { skip }, () => {
  const schema = skip ? {} : (JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema);
  const bases: Array<[string, () => Json]> = [
    ['destination-initiated', destinationInitiated],
    ['Source', sourceMode],
    ['Destination', destinationMode],
    ['Bidirectional', bidirectional],
  ];

  test('the walk covers every enum value of the schema', () => {
    const all = [...sites(schema.properties?.['spec'] ?? {}, ['spec'])];
    const enumValues = new Set(all.filter((s) => typeof s.value === 'string').map((s) => s.value));
    for (const value of ['transcationId', 'Bidirectional', 'Inbound', 'toSource', 'FAILOVER', 'oauth', 'match', 'deny'])
      assert.ok(enumValues.has(value), value);
    assert.ok(all.length > 250, `only ${all.length} sites`);
  });

  for (const [mode, base] of bases) {
    test(`every schema-valid value in a ${mode} link meets only the rule book's rules`, () => {
      const problems: string[] = [];
      let clean = 0;
      let total = 0;
      for (const site of sites(schema.properties?.['spec'] ?? {}, ['spec'])) {
        const object = place(schema, base(), site.path, site.value);
        total++;
        const where = `${site.path.join('.')} = ${JSON.stringify(site.value).slice(0, 60)}`;
        const shape = checkShape(object);
        if (shape.length > 0) problems.push(`${where}: shape error ${shape[0]!.field}`);
        const result = check(object);
        if (result.errors.length === 0) clean++;
        for (const error of result.errors) {
          const cfkEnum = enumAt(schema, error.field);
          if (error.kind === 'NotSupported' && cfkEnum?.includes(String(error.value)))
            problems.push(`${where}: CFK enum value rejected at ${error.field}`);
          else if (explain(error, object) === undefined)
            problems.push(`${where}: unexplained ${error.field} ${error.kind}: ${error.detail}`);
        }
      }
      assert.deepEqual(problems, []);
      // guard against a walk that only ever hits rules: a good part of the variants must pass outright
      // (a Source-mode link forbids topics and filters wholesale, so fewer of its variants are clean)
      assert.ok(
        clean > total / (mode === 'Source' ? 8 : 3),
        `only ${clean} of ${total} schema-valid variants pass cleanly`,
      );
    });
  }
});
