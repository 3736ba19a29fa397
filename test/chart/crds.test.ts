// The chart's CRDs (charts/clusterlink-webhook/crds/): generated from crd-model.ts, valid structural
// schemas, accepting every valid ClusterLink of the rule-book fixtures and the objects built below (ajv over
// openAPIV3Schema, CEL rules evaluated with a CEL interpreter), compatible with CFK's own schemas (cross-check
// against ../shared, skipped when absent), and with printer columns that point at real status fields.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { evaluate, parse } from '@marcbachmann/cel-js';
import { renderAll } from './generate-crds.js';
import {
  CLUSTERLINK_FIXTURES,
  CRDS_DIR,
  SHARED_CFK_SCHEMAS,
  describeErrors,
  isObject,
  kubernetesAjv,
  loadYamlDocuments,
  loadYamlObject,
  readText,
  yamlFiles,
  type Json,
  type JsonObject,
} from './support.js';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: string[];
  default?: Json;
  format?: string;
  pattern?: string;
  maxLength?: number;
  minLength?: number;
  minItems?: number;
  'x-kubernetes-validations'?: Array<{ rule: string; message?: string; fieldPath?: string; reason?: string }>;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

const FILES = {
  ClusterLink: 'platform.confluent.io_clusterlinks.yaml',
  KafkaRestClass: 'platform.confluent.io_kafkarestclasses.yaml',
  KafkaTopic: 'platform.confluent.io_kafkatopics.yaml',
} as const;
type Kind = keyof typeof FILES;

function crdOf(kind: Kind): JsonObject {
  return loadYamlObject(join(CRDS_DIR, FILES[kind]));
}
function versionOf(kind: Kind): JsonObject {
  const spec = crdOf(kind)['spec'];
  assert.ok(isObject(spec));
  const versions = spec['versions'];
  assert.ok(Array.isArray(versions) && isObject(versions[0]));
  return versions[0];
}
function schemaOf(kind: Kind): Schema {
  const schema = versionOf(kind)['schema'];
  assert.ok(isObject(schema) && isObject(schema['openAPIV3Schema']));
  return schema['openAPIV3Schema'];
}

const ajv = kubernetesAjv();
const validators = {
  ClusterLink: ajv.compile(schemaOf('ClusterLink')),
  KafkaRestClass: ajv.compile(schemaOf('KafkaRestClass')),
  KafkaTopic: ajv.compile(schemaOf('KafkaTopic')),
};

/** Walks schema and object together; calls back at every schema node with the value found there. */
function walkValue(
  schema: Schema,
  value: Json | undefined,
  old: Json | undefined,
  path: string,
  underList: boolean,
  visit: (s: Schema, v: Json, o: Json | undefined, path: string, underList: boolean) => void,
): void {
  if (value === undefined) return;
  visit(schema, value, old, path, underList);
  if (isObject(value)) {
    const oldObject = isObject(old) ? old : undefined;
    for (const [key, child] of Object.entries(schema.properties ?? {}))
      walkValue(child, value[key], oldObject?.[key], `${path}.${key}`, underList, visit);
    if (isObject(schema.additionalProperties)) {
      for (const [key, child] of Object.entries(value))
        walkValue(schema.additionalProperties, child, oldObject?.[key], `${path}[${key}]`, underList, visit);
    }
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((item, i) => walkValue(schema.items as Schema, item, undefined, `${path}[${i}]`, true, visit));
}

/** Evaluates every CEL rule as the API server would (transition rules only with an old value). */
function celViolations(kind: Kind, object: Json, oldObject?: Json): string[] {
  const out: string[] = [];
  walkValue(schemaOf(kind), object, oldObject, '', false, (s, v, o) => {
    for (const rule of s['x-kubernetes-validations'] ?? []) {
      const transition = /\boldSelf\b/.test(rule.rule);
      if (transition && o === undefined) continue;
      const result: unknown = evaluate(rule.rule, transition ? { self: v, oldSelf: o } : { self: v });
      if (result !== true) out.push(rule.message ?? rule.rule);
    }
  });
  return out;
}

function accepts(kind: Kind, object: Json): void {
  const validate = validators[kind];
  assert.equal(validate(object), true, describeErrors(validate));
  assert.deepEqual(celViolations(kind, object), []);
}

// --- objects built here ------------------------------------------------------------------------------

const meta = (name: string): JsonObject => ({ name, namespace: 'destination' });
/** Every ClusterLink field CFK 3.x knows, at once (semantically odd, structurally complete). */
const kitchenSinkClusterLink: JsonObject = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: meta('everything'),
  spec: {
    name: 'everything-link',
    sourceInitiatedLink: { linkMode: 'Bidirectional', connectionMode: 'Inbound' },
    sourceKafkaCluster: {
      clusterID: 'lkc-source',
      bootstrapEndpoint: 'kafka-0.source:9092,kafka-1.source:9092',
      kafkaRestClassRef: { name: 'source-rest', namespace: 'source' },
      authentication: {
        type: 'oauth',
        sslClientAuthentication: true,
        oauthSettings: {
          tokenEndpointUri: 'https://idp.example/token',
          jwksEndpointUri: 'https://idp.example/jwks',
          expectedIssuer: 'https://idp.example',
          audience: 'kafka',
          scope: 'cluster',
          subClaimName: 'sub',
          groupsClaimName: 'groups',
          loginConnectTimeoutMs: 1000,
          loginReadTimeoutMs: 1000,
          loginRetryBackoffMs: 100,
          loginRetryBackoffMaxMs: 10000,
          clientAssertion: {
            clientId: 'link-client',
            jwtTokenFile: { secretRef: 'jwt-token', directoryPathInContainer: '/mnt/jwt' },
            localClientAssertion: {
              issuer: 'link',
              subject: 'link',
              audience: 'idp',
              tokenLifetime: 300,
              includeJtiClaim: true,
              includeNbfClaim: false,
              privateKeyFile: {
                secretRef: 'assertion-key',
                directoryPathInContainer: '/mnt/key',
                encryptedPrivateKey: false,
                includeAssertionTemplate: false,
              },
            },
          },
        },
      },
      tls: { enabled: true, secretRef: 'a'.repeat(63), keyPassword: { secretRef: 'key-password' } },
    },
    destinationKafkaCluster: {
      clusterID: 'lkc-destination',
      bootstrapEndpoint: 'https://pkc-1.example.cloud:9092',
      kafkaRestClassRef: { name: 'destination-rest' },
      authentication: { type: 'plain', jaasConfigPassThrough: { secretRef: 'ccloud-jaas' } },
      tls: { enabled: true, directoryPathInContainer: '/mnt/tls' },
    },
    mirrorTopics: [
      {
        name: 'orders',
        sourceTopicName: 'orders',
        replicationFactor: 3,
        state: 'ACTIVE',
        configs: { 'retention.ms': '86400000' },
        direction: 'toDestination',
      },
      { name: 'payments', state: 'PAUSE', direction: 'toSource' },
      { name: 'legacy', state: 'PROMOTE' },
      { name: 'old', state: 'FAILOVER' },
    ],
    mirrorTopicOptions: {
      prefix: 'dc1.',
      autoCreateTopics: {
        enabled: true,
        topicFilters: [
          { name: 'orders', patternType: 'PREFIXED', filterType: 'INCLUDE' },
          { name: 'orders.tmp', patternType: 'LITERAL', filterType: 'EXCLUDE' },
        ],
      },
      deleteRemovedMirrorTopics: false,
    },
    consumerGroupFilters: [
      { name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' },
      { filterType: 'EXCLUDE', name: 'test-', patternType: 'PREFIXED' },
    ],
    aclFilters: [
      {
        resourceFilter: { resourceType: 'transcationId', patternType: 'match', name: '*' },
        accessFilter: { operation: 'any', permissionType: 'any', principal: '*', host: '*' },
        clusterLinkIds: ['abc'],
      },
      ...['any', 'cluster', 'group', 'topic', 'transactionId', 'delegationToken'].map((resourceType) => ({
        resourceFilter: { resourceType, patternType: 'literal' },
        accessFilter: { operation: 'describe', permissionType: 'allow' },
      })),
    ],
    configs: { 'link.fetcher.max.bytes': '1048576' },
  },
  status: {
    appState: 'Created',
    state: 'CREATED',
    clusterLinkID: 'yBf2S0XoRj6HxJ6h0k9HFw',
    clusterLinkName: 'everything-link',
    sourceKafkaClusterID: 'lkc-source',
    destinationKafkaClusterID: 'lkc-destination',
    kafkaCluster: 'destination/kafka',
    numMirrorTopics: 2,
    mirrorTopics: {
      'dc1.orders': {
        sourceTopicName: 'orders',
        replicationFactor: 3,
        status: 'ACTIVE',
        observedGeneration: 4,
        lastSourceFetchOffset: 1200,
      },
    },
    numReverseMirrorTopics: 1,
    reverseMirrorTopics: { payments: { sourceTopicName: 'payments', status: 'STOPPED' } },
    bidirectionalState: {
      sourceToDestinationActive: true,
      destinationToSourceActive: true,
      consumerOffsetSyncEnabled: false,
    },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Reconciled',
        message: 'link is active',
        lastTransitionTime: '2026-11-24T03:00:00Z',
        lastProbeTime: '2026-11-24T03:00:00Z',
      },
    ],
    observedGeneration: 4,
  },
};

const minimalClusterLink: JsonObject = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: meta('minimal'),
  spec: {
    sourceKafkaCluster: { bootstrapEndpoint: 'kafka.source:9071', clusterID: 'src' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest' } },
  },
};

const kafkaRest = (type: string, extra: JsonObject): JsonObject => ({
  endpoint: 'https://kafka.destination.svc.cluster.local:8090',
  kafkaClusterID: 'lkc-1',
  authentication: { type, ...extra },
  tls: { secretRef: 'rest-tls', jksPassword: { secretRef: 'jks-password' } },
});
const kafkaRestClasses: JsonObject[] = [
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaRestClass',
    metadata: meta('local'),
    spec: { kafkaClusterRef: { name: 'kafka', namespace: 'destination' } },
  },
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaRestClass',
    metadata: meta('basic'),
    spec: {
      kafkaRest: kafkaRest('basic', {
        basic: { secretRef: 'rest-credential', roles: ['a'], restrictedRoles: ['b'], debug: false, ignoreRoles: true },
      }),
    },
    status: { endpoint: 'https://x:8090', kafkaClusterID: 'lkc-1', observedGeneration: 1, conditions: [] },
  },
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaRestClass',
    metadata: meta('bearer'),
    spec: { kafkaRest: kafkaRest('bearer', { bearer: { secretRef: 'bearer' } }) },
  },
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaRestClass',
    metadata: meta('mtls'),
    spec: { kafkaRest: kafkaRest('mtls', { sslClientAuthentication: true }) },
  },
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaRestClass',
    metadata: meta('oauth'),
    spec: {
      kafkaRest: kafkaRest('oauth', {
        oauth: { secretRef: 'oauth-client', configuration: { tokenEndpointUri: 'https://idp/token' } },
      }),
      secondaryKafkaClusterRef: { name: 'kafka-2' },
      secondaryKafkaRest: { endpoint: 'http://mds:8090' },
    },
  },
];

/** The KafkaTopic the reconciler makes for a promoted topic (docs/reconciler.md), plus a full one. */
const kafkaTopics: JsonObject[] = [
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaTopic',
    metadata: {
      name: 'clink-dc1-orders-3f2a9c1e',
      namespace: 'destination',
      annotations: { 'clusterlink-webhook/last-source-fetch-offset': '1200' },
    },
    spec: { name: 'dc1.orders', kafkaRestClassRef: { name: 'destination-rest', namespace: 'destination' } },
  },
  {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'KafkaTopic',
    metadata: meta('full'),
    spec: {
      name: 'full',
      replicas: 3,
      partitionCount: 6,
      configs: { 'cleanup.policy': 'compact' },
      kafkaClusterRef: { name: 'kafka' },
      kafkaRest: kafkaRest('basic', { basic: { secretRef: 'x' } }),
    },
    status: {
      appState: 'Created',
      state: 'CREATED',
      replicas: 3,
      partitionCount: 6,
      kafkaClusterID: 'lkc',
      kafkaCluster: 'destination/kafka',
      kafkaRestEndpoint: 'https://x',
      observedGeneration: 1,
      conditions: [],
    },
  },
];

/** A deep copy of `base` with `patch` applied at a dotted path (`undefined` deletes). */
function withValue(base: JsonObject, path: string, value: Json | undefined): JsonObject {
  const copy = structuredClone(base);
  const parts = path.split('.');
  let node: Json = copy;
  for (const part of parts.slice(0, -1)) {
    assert.ok(isObject(node) || Array.isArray(node), `no parent at ${path}`);
    const next: Json | undefined = Array.isArray(node) ? node[Number(part)] : node[part];
    assert.ok(next !== undefined, `no ${part} in ${path}`);
    node = next;
  }
  const last = parts[parts.length - 1] ?? '';
  if (Array.isArray(node)) {
    if (value === undefined) node.splice(Number(last), 1);
    else node[Number(last)] = value;
  } else if (isObject(node)) {
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy;
}

// --- tests ---------------------------------------------------------------------------------------------

describe('CRD files', () => {
  test('crds/ holds exactly the generated files, unchanged (regenerate with test/chart/generate-crds.ts)', () => {
    const rendered = renderAll();
    assert.deepEqual(readdirSync(CRDS_DIR).sort(), Object.keys(rendered).sort());
    for (const [file, textContent] of Object.entries(rendered))
      assert.equal(readText(join(CRDS_DIR, file)), textContent, `${file} differs from the model`);
  });

  for (const [kind, file] of Object.entries(FILES) as Array<[Kind, string]>) {
    test(`${file}: one CustomResourceDefinition for ${kind}, v1beta1 served and stored, status sub-resource, short names`, () => {
      const docs = loadYamlDocuments(join(CRDS_DIR, file));
      assert.equal(docs.length, 1);
      const crd = crdOf(kind);
      assert.equal(crd['apiVersion'], 'apiextensions.k8s.io/v1');
      assert.equal(crd['kind'], 'CustomResourceDefinition');
      const spec = crd['spec'];
      assert.ok(isObject(spec) && isObject(spec['names']));
      const names = spec['names'];
      assert.equal(spec['group'], 'platform.confluent.io');
      assert.equal(spec['scope'], 'Namespaced');
      assert.equal(names['kind'], kind);
      assert.equal((crd['metadata'] as JsonObject)['name'], `${String(names['plural'])}.platform.confluent.io`);
      assert.ok(Array.isArray(names['shortNames']) && names['shortNames'].length > 0);
      const version = versionOf(kind);
      assert.equal(version['name'], 'v1beta1');
      assert.equal(version['served'], true);
      assert.equal(version['storage'], true);
      assert.deepEqual(version['subresources'], { status: {} });
    });
  }
  test('ClusterLink short names and printer columns: link ID, mode, state, mirror count', () => {
    const spec = crdOf('ClusterLink')['spec'] as JsonObject;
    assert.deepEqual((spec['names'] as JsonObject)['shortNames'], ['cl', 'clink']);
    const columns = (versionOf('ClusterLink')['additionalPrinterColumns'] as JsonObject[]).map((c) => c['jsonPath']);
    for (const path of [
      '.status.clusterLinkID',
      '.spec.sourceInitiatedLink.linkMode',
      '.status.state',
      '.status.numMirrorTopics',
    ])
      assert.ok(columns.includes(path), path);
  });
});

describe('structural schemas', () => {
  for (const kind of Object.keys(FILES) as Kind[]) {
    test(`${kind}: every node is typed, no additionalProperties: false, no properties next to additionalProperties`, () => {
      const problems: string[] = [];
      const walk = (s: Schema, path: string): void => {
        if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields'])
          problems.push(`${path}: no type`);
        if (s.additionalProperties === false)
          problems.push(`${path}: additionalProperties: false is not allowed in a CRD`);
        if (s.properties && s.additionalProperties !== undefined)
          problems.push(`${path}: properties and additionalProperties together`);
        if (
          s.type === 'object' &&
          !s.properties &&
          s.additionalProperties === undefined &&
          path !== '.metadata' &&
          !s['x-kubernetes-preserve-unknown-fields']
        )
          problems.push(`${path}: object without fields (would be pruned empty)`);
        if (s.type === 'array' && !s.items) problems.push(`${path}: array without items`);
        for (const r of s.required ?? [])
          if (!s.properties?.[r]) problems.push(`${path}: required ${r} is not a property`);
        for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, `${path}.${k}`);
        if (s.items) walk(s.items, `${path}[]`);
        if (isObject(s.additionalProperties)) walk(s.additionalProperties, `${path}{}`);
      };
      const root = schemaOf(kind);
      walk(root, '');
      assert.deepEqual(root.properties?.['metadata'], { type: 'object' }, 'metadata may only be typed');
      assert.deepEqual(problems, []);
    });

    test(`${kind}: every default is valid for its own node`, () => {
      const problems: string[] = [];
      const walk = (s: Schema, path: string): void => {
        if (s.default !== undefined) {
          const v = kubernetesAjv().compile({ ...s, default: undefined });
          if (!v(s.default)) problems.push(`${path}: ${describeErrors(v)}`);
        }
        for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, `${path}.${k}`);
        if (s.items) walk(s.items, `${path}[]`);
        if (isObject(s.additionalProperties)) walk(s.additionalProperties, `${path}{}`);
      };
      walk(schemaOf(kind), '');
      assert.deepEqual(problems, []);
    });

    test(`${kind}: every CEL rule parses; transition rules (oldSelf) are never under a list`, () => {
      const problems: string[] = [];
      let count = 0;
      const walk = (s: Schema, path: string, underList: boolean): void => {
        for (const r of s['x-kubernetes-validations'] ?? []) {
          count++;
          try {
            parse(r.rule);
          } catch (err) {
            problems.push(`${path}: ${r.rule}: ${String(err)}`);
          }
          if (/\boldSelf\b/.test(r.rule) && underList)
            problems.push(`${path}: transition rule under a list cannot be correlated`);
          if (!r.message) problems.push(`${path}: rule without a message`);
        }
        for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, `${path}.${k}`, underList);
        if (s.items) walk(s.items, `${path}[]`, true);
        if (isObject(s.additionalProperties)) walk(s.additionalProperties, `${path}{}`, true);
      };
      walk(schemaOf(kind), '', false);
      assert.deepEqual(problems, []);
      if (kind === 'ClusterLink') assert.ok(count >= 8, `expected the ClusterLink CEL rules, found ${count}`);
    });
  }

  test('printer columns point at fields of the schema with a matching type', () => {
    for (const kind of Object.keys(FILES) as Kind[]) {
      const columns = versionOf(kind)['additionalPrinterColumns'] as JsonObject[];
      assert.ok(columns.length >= 2, kind);
      for (const c of columns) {
        const path = String(c['jsonPath']);
        if (path === '.metadata.creationTimestamp') {
          assert.equal(c['type'], 'date');
          continue;
        }
        let node: Schema | undefined = schemaOf(kind);
        for (const part of path.slice(1).split('.')) node = node?.properties?.[part];
        assert.ok(node, `${kind}: ${path} is not in the schema`);
        assert.equal(node.type, c['type'], `${kind}: ${path} is ${node.type}, column says ${String(c['type'])}`);
      }
    }
  });
});

describe('the CRDs accept valid objects', () => {
  const fixtureDir = join(CLUSTERLINK_FIXTURES, 'valid');
  const fixtures = yamlFiles(fixtureDir);
  test(
    'rule-book fixtures are present',
    { skip: fixtures.length === 0 ? `no fixtures in ${fixtureDir} yet` : false },
    () => {
      assert.ok(fixtures.length > 0);
    },
  );
  for (const file of fixtures) {
    test(`valid fixture ${basename(file)}`, () => {
      const docs = loadYamlDocuments(file).filter((d) => isObject(d) && d['kind'] === 'ClusterLink');
      assert.ok(docs.length > 0, 'no ClusterLink in the file');
      for (const doc of docs) accepts('ClusterLink', doc);
    });
  }
  test('a ClusterLink with every CFK 3.x field and a full status', () =>
    accepts('ClusterLink', kitchenSinkClusterLink));
  test('a minimal destination-initiated ClusterLink', () => accepts('ClusterLink', minimalClusterLink));
  test('a consumer group filter without name and patternType (the webhook defaults them; so does the CRD)', () => {
    accepts('ClusterLink', withValue(minimalClusterLink, 'spec.consumerGroupFilters', [{ filterType: 'INCLUDE' }]));
  });
  for (const krc of kafkaRestClasses)
    test(`KafkaRestClass ${String((krc['metadata'] as JsonObject)['name'])}`, () => accepts('KafkaRestClass', krc));
  for (const topic of kafkaTopics)
    test(`KafkaTopic ${String((topic['metadata'] as JsonObject)['name'])}`, () => accepts('KafkaTopic', topic));
});

describe("the CRD schemas refuse what CFK's schema refuses", () => {
  const cases: Array<[string, string, Json | undefined]> = [
    ['spec is required', 'spec', undefined],
    ['sourceKafkaCluster is required', 'spec.sourceKafkaCluster', undefined],
    ['linkMode is case-sensitive', 'spec.sourceInitiatedLink', { linkMode: 'source' }],
    ['linkMode is required in sourceInitiatedLink', 'spec.sourceInitiatedLink', { connectionMode: 'Outbound' }],
    ['authentication type must be known', 'spec.destinationKafkaCluster.authentication', { type: 'scram' }],
    [
      'jaasConfig secretRef at most 30 characters',
      'spec.destinationKafkaCluster.authentication',
      { type: 'plain', jaasConfig: { secretRef: 'a'.repeat(31) } },
    ],
    [
      'tls secretRef at most 63 characters',
      'spec.destinationKafkaCluster.tls',
      { enabled: true, secretRef: 'a'.repeat(64) },
    ],
    ['secretRef is a DNS label', 'spec.destinationKafkaCluster.tls', { enabled: true, secretRef: 'Upper_Case' }],
    ['tls.enabled is required', 'spec.destinationKafkaCluster.tls', { secretRef: 'x' }],
    ['bootstrapEndpoint needs a port', 'spec.sourceKafkaCluster.bootstrapEndpoint', 'kafka.source'],
    ['mirror topic state must be known', 'spec.mirrorTopics.0.state', 'ACTVE'],
    ['mirror topic name charset', 'spec.mirrorTopics.0.name', 'orders/2026'],
    ['replicationFactor is an integer', 'spec.mirrorTopics.0.replicationFactor', '3'],
    [
      'topic filter needs all three fields',
      'spec.mirrorTopicOptions.autoCreateTopics.topicFilters',
      [{ name: 'x', patternType: 'LITERAL' }],
    ],
    ['ACL permissionType must be known', 'spec.aclFilters.0.accessFilter.permissionType', 'permit'],
    ['configs values are strings', 'spec.configs', { 'retention.ms': 1000 }],
    ['consumer group filter needs filterType', 'spec.consumerGroupFilters', [{ name: '*', patternType: 'LITERAL' }]],
  ];
  for (const [name, path, value] of cases) {
    test(name, () => {
      const validate = validators.ClusterLink;
      assert.equal(
        validate(withValue(kitchenSinkClusterLink, path, value)),
        false,
        `accepted with ${path} = ${JSON.stringify(value)}`,
      );
    });
  }
  test('KafkaRestClass endpoint must be an http(s) URL', () => {
    const krc = kafkaRestClasses[1];
    assert.ok(krc);
    assert.equal(validators.KafkaRestClass(withValue(krc, 'spec.kafkaRest.endpoint', 'kafka:8090')), false);
  });
  test('KafkaTopic name charset', () => {
    const topic = kafkaTopics[1];
    assert.ok(topic);
    assert.equal(validators.KafkaTopic(withValue(topic, 'spec.name', 'a b')), false);
  });
});

describe('CEL rules (defence in depth when the webhook is bypassed)', () => {
  const base = kitchenSinkClusterLink;
  const cases: Array<{ name: string; object: JsonObject; old?: JsonObject; violation?: string }> = [
    {
      name: 'mtls without tls is refused',
      object: withValue(
        withValue(minimalClusterLink, 'spec.sourceKafkaCluster.authentication', { type: 'mtls' }),
        'spec.sourceKafkaCluster.tls',
        undefined,
      ),
      violation: 'mtls needs tls.enabled',
    },
    {
      name: 'mtls with tls disabled is refused',
      object: withValue(
        withValue(minimalClusterLink, 'spec.sourceKafkaCluster.authentication', { type: 'mtls' }),
        'spec.sourceKafkaCluster.tls',
        { enabled: false },
      ),
      violation: 'mtls needs tls.enabled',
    },
    {
      name: 'mtls with tls enabled and a secret is accepted',
      object: withValue(
        withValue(minimalClusterLink, 'spec.sourceKafkaCluster.authentication', { type: 'mtls' }),
        'spec.sourceKafkaCluster.tls',
        { enabled: true, secretRef: 'client-tls' },
      ),
    },
    {
      name: 'tls enabled without a location is refused',
      object: withValue(base, 'spec.destinationKafkaCluster.tls', { enabled: true }),
      violation: 'exactly one of secretRef',
    },
    {
      name: 'tls enabled with both secretRef and directory is refused',
      object: withValue(base, 'spec.destinationKafkaCluster.tls', {
        enabled: true,
        secretRef: 'x',
        directoryPathInContainer: '/mnt',
      }),
      violation: 'exactly one of secretRef',
    },
    {
      name: 'tls disabled with a secretRef is accepted (the webhook only warns)',
      object: withValue(base, 'spec.destinationKafkaCluster.tls', { enabled: false, secretRef: 'x' }),
    },
    {
      name: 'connectionMode on a Source link is refused',
      object: withValue(base, 'spec.sourceInitiatedLink', { linkMode: 'Source', connectionMode: 'Outbound' }),
      violation: 'connectionMode is only allowed',
    },
    {
      name: 'connectionMode on a Bidirectional link is accepted',
      object: withValue(base, 'spec.sourceInitiatedLink', { linkMode: 'Bidirectional', connectionMode: 'Outbound' }),
    },
    {
      name: 'changing spec.name is refused',
      object: withValue(base, 'spec.name', 'renamed'),
      old: base,
      violation: 'link name cannot be changed',
    },
    {
      name: 'changing linkMode is refused',
      object: withValue(base, 'spec.sourceInitiatedLink', { linkMode: 'Source' }),
      old: base,
      violation: 'linkMode cannot be changed',
    },
    {
      name: 'removing sourceInitiatedLink is refused',
      object: withValue(base, 'spec.sourceInitiatedLink', undefined),
      old: base,
      violation: 'cannot be added or removed',
    },
    {
      name: 'changing a clusterID is refused',
      object: withValue(base, 'spec.sourceKafkaCluster.clusterID', 'lkc-other'),
      old: base,
      violation: 'clusterID cannot be changed',
    },
    {
      name: 'changing the prefix is refused',
      object: withValue(base, 'spec.mirrorTopicOptions.prefix', 'dc2.'),
      old: base,
      violation: 'prefix cannot be changed',
    },
    {
      name: 'setting spec.name the first time is accepted (the webhook defaults it)',
      object: base,
      old: withValue(base, 'spec.name', undefined),
    },
    { name: 'an unchanged update is accepted', object: base, old: base },
    { name: 'a status-only change is accepted', object: withValue(base, 'status.state', 'FAILED'), old: base },
    {
      name: 'pausing a mirror topic is accepted',
      object: withValue(base, 'spec.mirrorTopics.0.state', 'PAUSE'),
      old: base,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const violations = celViolations('ClusterLink', c.object, c.old);
      if (c.violation) {
        assert.equal(violations.length, 1, `expected one violation, got ${JSON.stringify(violations)}`);
        assert.ok(violations[0]?.includes(c.violation), violations[0]);
      } else {
        assert.deepEqual(violations, []);
      }
    });
  }
});

describe("compatible with CFK's own schemas", () => {
  const cfkFiles: Record<Kind, string> = {
    ClusterLink: 'clusterlink_v1beta1.json',
    KafkaRestClass: 'kafkarestclass_v1beta1.json',
    KafkaTopic: 'kafkatopic_v1beta1.json',
  };
  const skip = existsSync(SHARED_CFK_SCHEMAS)
    ? false
    : `CFK reference schemas not found at ${SHARED_CFK_SCHEMAS} (../shared is absent)`;
  /** Fields this project's status adds on purpose (the reconciler keeps offsets from before a promote). */
  // The reconciler's own status fields (docs/reconciler.md#status), on both mirror maps.
  const MIRROR_STATUS_EXTRAS = [
    'lastSourceFetchOffset',
    'lastSourceFetchOffsets',
    'stoppedAt',
    'requestedAction',
    'transitionAttempts',
    'lastTransitionAttemptTime',
    'stateTransitionErrors',
  ];
  const OUR_EXTRAS: Record<Kind, string[]> = {
    ClusterLink: [
      '.status.conditions[].observedGeneration',
      ...['mirrorTopics', 'reverseMirrorTopics'].flatMap((map) =>
        MIRROR_STATUS_EXTRAS.map((f) => `.status.${map}{}.${f}`),
      ),
      '.status.mirrorTopicSnapshots',
    ],
    // metav1.Condition's observedGeneration: the reconciler writes it, so the schema must keep it (docs/reconciler.md)
    KafkaRestClass: ['.status.conditions[].observedGeneration'],
    KafkaTopic: ['.status.conditions[].observedGeneration'],
  };
  // Deliberate loosening: the webhook defaults these, so the CRD must not require them.
  const NOT_REQUIRED_ON_PURPOSE = ['.spec.consumerGroupFilters[]: name', '.spec.consumerGroupFilters[]: patternType'];

  function compare(
    cfk: Schema,
    ours: Schema | undefined,
    path: string,
    out: { missing: string[]; enums: string[]; stricter: string[]; types: string[]; extras: string[] },
  ): void {
    if (!ours) {
      out.missing.push(path);
      return;
    }
    if (cfk.type !== ours.type) out.types.push(`${path}: CFK ${cfk.type}, ours ${ours.type}`);
    if (cfk.format !== ours.format) out.types.push(`${path}: format CFK ${cfk.format}, ours ${ours.format}`);
    for (const value of cfk.enum ?? []) if (!ours.enum?.includes(value)) out.enums.push(`${path}: ${value}`);
    if (ours.enum && !cfk.enum) out.stricter.push(`${path}: enum where CFK has none`);
    for (const r of ours.required ?? [])
      if (!(cfk.required ?? []).includes(r)) out.stricter.push(`${path}: requires ${r}`);
    for (const r of cfk.required ?? [])
      if (!(ours.required ?? []).includes(r) && !NOT_REQUIRED_ON_PURPOSE.includes(`${path}: ${r}`))
        out.stricter.push(`${path}: does not require ${r} (unexplained difference)`);
    if (ours.maxLength !== undefined && (cfk.maxLength === undefined || ours.maxLength < cfk.maxLength))
      out.stricter.push(`${path}: maxLength ${ours.maxLength}`);
    if (ours.minLength !== undefined && (cfk.minLength === undefined || ours.minLength > cfk.minLength))
      out.stricter.push(`${path}: minLength ${ours.minLength}`);
    if (ours.minItems !== undefined && (cfk.minItems === undefined || ours.minItems > cfk.minItems))
      out.stricter.push(`${path}: minItems ${ours.minItems}`);
    if (ours.pattern !== undefined && ours.pattern !== cfk.pattern)
      out.stricter.push(`${path}: pattern ${ours.pattern} (CFK ${cfk.pattern})`);
    if (cfk.maxLength !== ours.maxLength || cfk.minLength !== ours.minLength || cfk.pattern !== ours.pattern) {
      if (!out.stricter.some((s) => s.startsWith(`${path}:`)))
        out.types.push(`${path}: limits differ (CFK ${cfk.minLength}/${cfk.maxLength}/${cfk.pattern})`);
    }
    for (const [key, child] of Object.entries(cfk.properties ?? {}))
      compare(child, ours.properties?.[key], `${path}.${key}`, out);
    for (const key of Object.keys(ours.properties ?? {})) if (!cfk.properties?.[key]) out.extras.push(`${path}.${key}`);
    if (cfk.items) compare(cfk.items, ours.items, `${path}[]`, out);
    if (isObject(cfk.additionalProperties))
      compare(
        cfk.additionalProperties,
        isObject(ours.additionalProperties) ? ours.additionalProperties : undefined,
        `${path}{}`,
        out,
      );
  }

  for (const kind of Object.keys(cfkFiles) as Kind[]) {
    test(`${kind}: every CFK field, type, enum value and limit is present and never stricter`, { skip }, () => {
      const cfk = JSON.parse(readText(join(SHARED_CFK_SCHEMAS, cfkFiles[kind]))) as Schema;
      const out = {
        missing: [] as string[],
        enums: [] as string[],
        stricter: [] as string[],
        types: [] as string[],
        extras: [] as string[],
      };
      compare(cfk, schemaOf(kind), '', out);
      // One comparison so a failure lists every difference: missing fields, missing enum values, type or
      // format differences, constraints stricter than CFK's, and fields only we have.
      assert.deepEqual(out, {
        missing: [],
        enums: [],
        types: [],
        stricter: [],
        extras: OUR_EXTRAS[kind],
      });
    });
  }

  test("the complete ClusterLink (without our additions) is valid for CFK's schema and ours alike", { skip }, () => {
    const cfkSchema = JSON.parse(readText(join(SHARED_CFK_SCHEMAS, cfkFiles.ClusterLink))) as Schema;
    const cfkValidate = kubernetesAjv().compile(cfkSchema);
    // CFK's published schema forbids unknown fields (additionalProperties: false) where a CRD prunes them; the
    // kitchen sink minus our additions and minus the transactionId spelling is valid for both.
    const sink = structuredClone(kitchenSinkClusterLink);
    const mirrors = (sink['status'] as JsonObject)['mirrorTopics'] as Record<string, JsonObject>;
    for (const entry of Object.values(mirrors)) delete entry['lastSourceFetchOffset'];
    const spec = sink['spec'] as JsonObject;
    spec['aclFilters'] = (spec['aclFilters'] as JsonObject[]).filter(
      (f) => (f['resourceFilter'] as JsonObject)['resourceType'] !== 'transactionId',
    );
    assert.equal(cfkValidate(sink), true, describeErrors(cfkValidate));
    accepts('ClusterLink', sink);
    assert.equal(cfkValidate(minimalClusterLink), true, describeErrors(cfkValidate));
  });
});
