// docs/rules.md#defaults: every default as the RFC 6902 patch the admission layer sends (recorded while defaulting,
// and the same as the diff of original vs defaulted computed with fast-json-patch) and the object after applying it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { defaultClusterLink, defaultsPatch } from '../../src/clusterlink/index.js';
import { bidirectional, CREATE, destinationInitiated, edit, sourceMode, type Json } from './support.js';

interface DefaultCase {
  name: string;
  object: Json;
  patch: Operation[];
  namespace?: string;
}

const D = (): Json =>
  edit(destinationInitiated(), { 'spec.destinationKafkaCluster.kafkaRestClassRef.namespace': 'ns1' });
const add = (path: string, value: unknown): Operation => ({ op: 'add', path, value });

const cases: DefaultCase[] = [
  { name: 'spec.name ← metadata.name', object: D(), patch: [add('/spec/name', 'link-a')] },
  { name: 'spec.name set by the user is kept', object: edit(D(), { 'spec.name': 'custom' }), patch: [] },
  {
    name: 'generateName only: spec.name left alone',
    object: edit(D(), { 'metadata.name': undefined, 'metadata.generateName': 'link-' }),
    patch: [],
  },
  {
    name: 'every kafkaRestClassRef.namespace ← the request namespace',
    object: edit(D(), {
      'spec.name': 'x',
      'spec.destinationKafkaCluster.kafkaRestClassRef.namespace': undefined,
      'spec.sourceKafkaCluster.kafkaRestClassRef': { name: 'src-rest' },
    }),
    patch: [
      add('/spec/destinationKafkaCluster/kafkaRestClassRef/namespace', 'ns1'),
      add('/spec/sourceKafkaCluster/kafkaRestClassRef/namespace', 'ns1'),
    ],
  },
  {
    name: 'the request namespace wins over metadata.namespace',
    namespace: 'request-ns',
    object: edit(D(), { 'spec.name': 'x', 'spec.destinationKafkaCluster.kafkaRestClassRef.namespace': undefined }),
    patch: [add('/spec/destinationKafkaCluster/kafkaRestClassRef/namespace', 'request-ns')],
  },
  {
    name: 'a namespace set by the user is kept',
    object: edit(D(), { 'spec.name': 'x', 'spec.destinationKafkaCluster.kafkaRestClassRef.namespace': 'other' }),
    patch: [],
  },
  {
    name: 'consumerGroupFilters[].name ← "*", .patternType ← LITERAL',
    object: edit(D(), {
      'spec.name': 'x',
      'spec.consumerGroupFilters': [
        { filterType: 'INCLUDE' },
        { name: 'a', patternType: 'PREFIXED', filterType: 'EXCLUDE' },
      ],
    }),
    patch: [add('/spec/consumerGroupFilters/0/name', '*'), add('/spec/consumerGroupFilters/0/patternType', 'LITERAL')],
  },
  {
    name: 'aclFilters host, principal and resource name ← "*"',
    object: edit(D(), {
      'spec.name': 'x',
      'spec.aclFilters': [
        {
          resourceFilter: { resourceType: 'any', patternType: 'any' },
          accessFilter: { operation: 'any', permissionType: 'any' },
        },
      ],
    }),
    patch: [
      add('/spec/aclFilters/0/resourceFilter/name', '*'),
      add('/spec/aclFilters/0/accessFilter/host', '*'),
      add('/spec/aclFilters/0/accessFilter/principal', '*'),
    ],
  },
  {
    name: 'aclFilters without an accessFilter: no parent is created',
    object: edit(D(), {
      'spec.name': 'x',
      'spec.aclFilters': [{ resourceFilter: { resourceType: 'any', patternType: 'any', name: 'a' } }],
    }),
    patch: [],
  },
  {
    name: 'mirrorTopics[].state ← ACTIVE',
    object: edit(D(), { 'spec.name': 'x', 'spec.mirrorTopics': [{ name: 'a' }, { name: 'b', state: 'PAUSE' }] }),
    patch: [add('/spec/mirrorTopics/0/state', 'ACTIVE')],
  },
  {
    name: 'with a prefix: sourceTopicName ← name minus the prefix',
    object: edit(D(), {
      'spec.name': 'x',
      'spec.mirrorTopicOptions.prefix': 'dc1.',
      'spec.mirrorTopics': [{ name: 'dc1.orders', state: 'ACTIVE' }],
    }),
    patch: [add('/spec/mirrorTopics/0/sourceTopicName', 'orders')],
  },
  {
    name: 'with a prefix the name does not start with: nothing',
    object: edit(D(), {
      'spec.name': 'x',
      'spec.mirrorTopicOptions.prefix': 'dc1.',
      'spec.mirrorTopics': [
        { name: 'orders', state: 'ACTIVE' },
        { name: 'dc1.', state: 'ACTIVE' },
      ],
    }),
    patch: [],
  },
  {
    name: 'Bidirectional: connectionMode ← Outbound',
    object: edit(bidirectional(), {
      'spec.name': 'x',
      'spec.destinationKafkaCluster.kafkaRestClassRef.namespace': 'n',
    }),
    patch: [add('/spec/sourceInitiatedLink/connectionMode', 'Outbound')],
  },
  {
    name: 'Source mode: no connectionMode',
    object: edit(sourceMode(), { 'spec.name': 'x', 'spec.sourceKafkaCluster.kafkaRestClassRef.namespace': 'n' }),
    patch: [],
  },
  {
    name: 'a null value is replaced in place',
    object: edit(D(), { 'spec.name': 'x', 'spec.mirrorTopics': [{ name: 'a', state: null }] }),
    patch: [{ op: 'replace', path: '/spec/mirrorTopics/0/state', value: 'ACTIVE' }],
  },
  {
    name: 'an object being deleted is left untouched',
    object: edit(D(), { 'metadata.deletionTimestamp': '2026-01-01T00:00:00Z' }),
    patch: [],
  },
  { name: 'no spec: nothing to default', object: edit(D(), { spec: undefined }), patch: [] },
];

const byPath = (ops: Operation[]): Operation[] => [...ops].sort((a, b) => a.path.localeCompare(b.path));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('defaults', () => {
  for (const c of cases) {
    test(c.name, () => {
      const original = deepFreeze(structuredClone(c.object));
      const ctx = c.namespace ? { ...CREATE, namespace: c.namespace } : CREATE;
      const defaulted = defaultClusterLink(original, ctx) as Json;
      const patch = jsonPatch.compare(original, defaulted);
      // the diff's operation order is the library's business; the set of operations is ours
      assert.deepEqual(byPath(patch), byPath(c.patch));
      // the recorded patch (frozen input: it is never written) is the diff, in the diff's order
      assert.deepEqual(defaultsPatch(original, ctx), patch);
      const after = jsonPatch.applyPatch(structuredClone(c.object), patch, true, false).newDocument;
      assert.deepEqual(after, defaulted);
      // idempotent: defaulting the result changes nothing
      assert.deepEqual(jsonPatch.compare(defaulted, defaultClusterLink(defaulted, ctx) as object), []);
    });
  }

  test('unknown fields survive defaulting', () => {
    const object = edit(D(), { 'spec.futureField': { a: 1 }, 'metadata.annotations': { 'a/b~c': 'x' }, extra: true });
    const defaulted = defaultClusterLink(object, CREATE) as Json;
    assert.deepEqual(jsonPatch.compare(object, defaulted), [add('/spec/name', 'link-a')]);
  });

  test('non-objects come back unchanged', () => {
    for (const value of [
      null,
      42,
      'x',
      [1, 2],
      { spec: 'not an object' },
      { spec: { mirrorTopics: 'x', consumerGroupFilters: [null, 1] } },
    ]) {
      assert.deepEqual(defaultClusterLink(value, CREATE), value);
    }
  });
});
