// The /mutate patch (src/admission/patch.ts): the defaults' recorded operations for an object as the API server sent
// it, never a write into that object, a PatchError for what is not an object, and base64 of the JSON document.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchError, encodePatch, mutatePatch } from '../../src/admission/patch.js';
import type { RuleContext } from '../../src/clusterlink/index.js';

const CTX: RuleContext = { namespace: 'ns', operation: 'CREATE' };
const link = (spec: unknown, metadata: unknown = { name: 'l' }): Record<string, unknown> => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata,
  spec,
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('mutatePatch', () => {
  const cases: Array<{ name: string; object: unknown; ctx?: RuleContext; ops: unknown[] }> = [
    { name: 'nothing to default', object: link({ name: 'l' }), ops: [] },
    { name: 'no spec', object: { metadata: { name: 'l' } }, ops: [] },
    { name: 'an absent field is an add', object: link({}), ops: [{ op: 'add', path: '/spec/name', value: 'l' }] },
    {
      name: 'a null field is a replace, in place',
      object: link({ name: null }),
      ops: [{ op: 'replace', path: '/spec/name', value: 'l' }],
    },
    {
      name: 'array items from the last to the first, each with its own defaults in order',
      object: link({ name: 'l', mirrorTopicOptions: { prefix: 'p.' }, mirrorTopics: [{ name: 'p.a' }, { name: 'b' }] }),
      ops: [
        { op: 'add', path: '/spec/mirrorTopics/1/state', value: 'ACTIVE' },
        { op: 'add', path: '/spec/mirrorTopics/0/state', value: 'ACTIVE' },
        { op: 'add', path: '/spec/mirrorTopics/0/sourceTopicName', value: 'a' },
      ],
    },
    {
      name: 'the request namespace, else metadata.namespace',
      object: link(
        { name: 'l', sourceKafkaCluster: { kafkaRestClassRef: { name: 'r' } } },
        { name: 'l', namespace: 'm' },
      ),
      ctx: { operation: 'UPDATE' },
      ops: [{ op: 'add', path: '/spec/sourceKafkaCluster/kafkaRestClassRef/namespace', value: 'm' }],
    },
    {
      name: 'no parent is created',
      object: link({ name: 'l', aclFilters: [{}], sourceKafkaCluster: {} }),
      ops: [],
    },
    {
      name: 'a terminating object gets nothing',
      object: link({}, { name: 'l', deletionTimestamp: '2026-01-01T00:00:00Z' }),
      ops: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(mutatePatch(deepFreeze(c.object), c.ctx ?? CTX), c.ops);
    });
  }

  for (const object of [null, 'x', 7, [link({})], undefined]) {
    test(`refuses a request object that is not an object: ${JSON.stringify(object)}`, () => {
      assert.throws(() => mutatePatch(object, CTX), PatchError);
    });
  }

  test('encodePatch is base64 of the JSON document', () => {
    const ops = [{ op: 'add' as const, path: '/a', value: 'é' }];
    assert.deepEqual(JSON.parse(Buffer.from(encodePatch(ops), 'base64').toString('utf8')), ops);
  });
});
