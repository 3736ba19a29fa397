// The /mutate patch (src/admission/patch.ts): the defaults' recorded operations for an object as the API server sent
// it, never a write into that object, a PatchError for what is not an object, and base64 of the JSON document.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTES_FROM_OPS, PatchError, encodePatch, mutatePatch } from '../../src/admission/patch.js';
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

  // encodePatch builds the text of plain operations itself: every answer must stay JSON.stringify's bytes.
  const encodings: Array<{ name: string; ops: unknown[] }> = [
    { name: 'no operation', ops: [] },
    {
      name: 'plain adds and replaces',
      ops: [
        { op: 'add', path: '/spec/mirrorTopics/1/state', value: 'ACTIVE' },
        { op: 'replace', path: '/spec/name', value: 'orders-link' },
      ],
    },
    { name: 'a quote in a value', ops: [{ op: 'add', path: '/spec/name', value: 'a"b' }] },
    { name: 'a value that imitates the next operation', ops: [{ op: 'add', path: '/a', value: 'x"},{"op":"add' }] },
    { name: 'a backslash in a path', ops: [{ op: 'add', path: '/a\\b', value: 'x' }] },
    { name: 'control characters', ops: [{ op: 'add', path: '/a', value: 'tab\there\nand \u0001' }] },
    { name: 'DEL', ops: [{ op: 'add', path: '/a', value: 'x\u007f' }] },
    { name: 'non-ASCII', ops: [{ op: 'add', path: '/caf\u00e9', value: 'Stra\u00dfe \u65e5\u672c' }] },
    { name: 'a surrogate pair and a lone surrogate', ops: [{ op: 'add', path: '/a', value: '\ud83d\ude00 \ud800' }] },
    { name: 'keys in another order', ops: [{ path: '/a', op: 'add', value: 'x' }] },
    { name: 'an extra key', ops: [{ op: 'add', path: '/a', value: 'x', from: '/b' }] },
    { name: 'a value that is not a string', ops: [{ op: 'add', path: '/a', value: { n: 1, list: [true, null] } }] },
    {
      name: 'other operations',
      ops: [
        { op: 'remove', path: '/a' },
        { op: 'test', path: '/b', value: 'x' },
      ],
    },
    {
      name: 'a plain operation after one that is not',
      ops: [
        { op: 'add', path: '/a', value: 'é' },
        { op: 'add', path: '/b', value: 'x' },
      ],
    },
  ];
  // Each case again behind enough plain operations that the text is written as bytes (BYTES_FROM_OPS).
  const plainOps = Array.from({ length: BYTES_FROM_OPS }, (_, i) => ({
    op: 'add',
    path: `/spec/mirrorTopics/${i}/state`,
    value: 'ACTIVE',
  }));
  for (const c of encodings) {
    for (const [how, ops] of [
      ['as text', c.ops],
      ['as bytes', [...plainOps, ...c.ops]],
    ] as const) {
      test(`encodePatch gives the bytes of JSON.stringify, ${how}: ${c.name}`, () => {
        const list = ops as Parameters<typeof encodePatch>[0];
        assert.equal(encodePatch(list), Buffer.from(JSON.stringify(list), 'utf8').toString('base64'));
      });
    }
  }
});
