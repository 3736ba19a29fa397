// docs/rules.md#updates: update rules, table-driven (old object → new object → exact errors and warnings).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bidirectional, check, destinationInitiated, destinationMode, edit, errorKeys, type Json } from './support.js';

interface UpdateCase {
  name: string;
  old: Json;
  object: Json;
  errors: string[];
  warnings?: string[];
}

const D = destinationInitiated;
const withTopics = (topics: unknown[], extra: Record<string, unknown> = {}): Json =>
  edit(D(), { 'spec.mirrorTopics': topics, ...extra });
const state = (s: string): Json => withTopics([{ name: 'orders', state: s }]);
const prefixed = (topics: unknown[]): Json => withTopics(topics, { 'spec.mirrorTopicOptions.prefix': 'dc1.' });

const cases: UpdateCase[] = [
  { name: 'no change passes', old: D(), object: D(), errors: [] },
  { name: 'spec.name changes', old: D(), object: edit(D(), { 'spec.name': 'other' }), errors: ['spec.name Invalid'] },
  {
    name: 'spec.name written out as its default passes',
    old: D(),
    object: edit(D(), { 'spec.name': 'link-a' }),
    errors: [],
  },
  {
    name: 'sourceInitiatedLink added',
    old: D(),
    object: edit(destinationMode(), {}),
    errors: ['spec.sourceInitiatedLink Forbidden'],
  },
  {
    name: 'sourceInitiatedLink removed',
    old: destinationMode(),
    object: edit(destinationMode(), {
      'spec.sourceInitiatedLink': undefined,
      'spec.sourceKafkaCluster.bootstrapEndpoint': 's:1',
    }),
    errors: ['spec.sourceInitiatedLink Forbidden'],
  },
  {
    name: 'linkMode changes',
    old: destinationMode(),
    object: edit(bidirectional(), { 'spec.sourceKafkaCluster.clusterID': 'src-id' }),
    errors: ['spec.sourceInitiatedLink.linkMode Invalid'],
  },
  {
    name: 'connectionMode may change',
    old: bidirectional(),
    object: edit(bidirectional(), { 'spec.sourceInitiatedLink.connectionMode': 'Inbound' }),
    errors: [],
  },
  {
    name: 'clusterID changes',
    old: D(),
    object: edit(D(), { 'spec.sourceKafkaCluster.clusterID': 'other-id' }),
    errors: ['spec.sourceKafkaCluster.clusterID Invalid'],
  },
  {
    name: 'clusterID removed',
    old: D(),
    object: edit(D(), {
      'spec.sourceKafkaCluster.clusterID': undefined,
      'spec.sourceKafkaCluster.kafkaRestClassRef': { name: 'src-rest' },
    }),
    errors: ['spec.sourceKafkaCluster.clusterID Invalid'],
  },
  {
    name: 'clusterID set for the first time passes',
    old: D(),
    object: edit(D(), { 'spec.destinationKafkaCluster.clusterID': 'dst-id' }),
    errors: [],
    warnings: ['spec.destinationKafkaCluster: both clusterID'],
  },
  {
    name: 'prefix added',
    old: D(),
    object: edit(D(), { 'spec.mirrorTopicOptions.prefix': 'dc1.' }),
    errors: ['spec.mirrorTopicOptions.prefix Invalid'],
  },
  {
    name: 'prefix changed',
    old: prefixed([]),
    object: edit(D(), { 'spec.mirrorTopics': [], 'spec.mirrorTopicOptions.prefix': 'dc2.' }),
    errors: ['spec.mirrorTopicOptions.prefix Invalid'],
  },
  {
    name: 'prefix removed',
    old: prefixed([]),
    object: edit(D(), { 'spec.mirrorTopics': [], 'spec.mirrorTopicOptions': {} }),
    errors: ['spec.mirrorTopicOptions.prefix Invalid'],
  },
  {
    name: 'sourceTopicName of a listed topic changes',
    old: prefixed([{ name: 'dc1.orders', sourceTopicName: 'orders' }]),
    object: prefixed([{ name: 'dc1.orders', sourceTopicName: 'orders2' }]),
    errors: ['spec.mirrorTopics[0].name Invalid', 'spec.mirrorTopics[0].sourceTopicName Invalid'],
  },
  {
    name: 'sourceTopicName written out as the default passes',
    old: prefixed([{ name: 'dc1.orders' }]),
    object: prefixed([{ name: 'dc1.orders', sourceTopicName: 'orders' }]),
    errors: [],
  },
  {
    name: 'replicationFactor changes',
    old: withTopics([{ name: 'a', replicationFactor: 3 }]),
    object: withTopics([{ name: 'a', replicationFactor: 2 }]),
    errors: ['spec.mirrorTopics[0].replicationFactor Invalid'],
  },
  {
    name: 'replicationFactor added later',
    old: withTopics([{ name: 'a' }]),
    object: withTopics([{ name: 'a', replicationFactor: 3 }]),
    errors: ['spec.mirrorTopics[0].replicationFactor Invalid'],
  },
  {
    name: 'replicationFactor of a new topic passes',
    old: withTopics([{ name: 'a' }]),
    object: withTopics([{ name: 'a' }, { name: 'b', replicationFactor: 3 }]),
    errors: [],
  },
  { name: 'ACTIVE → PAUSE', old: state('ACTIVE'), object: state('PAUSE'), errors: [] },
  { name: 'PAUSE → ACTIVE', old: state('PAUSE'), object: state('ACTIVE'), errors: [] },
  { name: 'ACTIVE → PROMOTE', old: state('ACTIVE'), object: state('PROMOTE'), errors: [] },
  { name: 'PAUSE → FAILOVER', old: state('PAUSE'), object: state('FAILOVER'), errors: [] },
  {
    name: 'PROMOTE → ACTIVE',
    old: state('PROMOTE'),
    object: state('ACTIVE'),
    errors: ['spec.mirrorTopics[0].state Forbidden'],
  },
  {
    name: 'FAILOVER → PROMOTE',
    old: state('FAILOVER'),
    object: state('PROMOTE'),
    errors: ['spec.mirrorTopics[0].state Forbidden'],
  },
  {
    name: 'PROMOTE → state removed (defaults to ACTIVE)',
    old: state('PROMOTE'),
    object: withTopics([{ name: 'orders' }]),
    errors: ['spec.mirrorTopics[0].state Forbidden'],
  },
  { name: 'PROMOTE stays PROMOTE', old: state('PROMOTE'), object: state('PROMOTE'), errors: [] },
  // A promote stuck in PENDING_STOPPED (source down) is escalated to a failover (docs/rules.md#updates).
  { name: 'PROMOTE → FAILOVER (escalation)', old: state('PROMOTE'), object: state('FAILOVER'), errors: [] },
  {
    name: 'FAILOVER → PAUSE',
    old: state('FAILOVER'),
    object: state('PAUSE'),
    errors: ['spec.mirrorTopics[0].state Forbidden'],
  },
  {
    name: 'removing a mirror topic warns that it will be deleted',
    old: withTopics([{ name: 'orders' }, { name: 'payments' }]),
    object: withTopics([{ name: 'orders' }]),
    errors: [],
    warnings: ['spec.mirrorTopics: "payments" removed: it will be deleted on the destination'],
  },
  {
    name: 'removing a mirror topic with deleteRemovedMirrorTopics false',
    old: withTopics([{ name: 'orders' }, { name: 'payments' }]),
    object: withTopics([{ name: 'orders' }], { 'spec.mirrorTopicOptions.deleteRemovedMirrorTopics': false }),
    errors: [],
    warnings: ['spec.mirrorTopics: "payments" removed: it stays on the destination'],
  },
  {
    name: 'an object being deleted is always allowed',
    old: D(),
    object: edit(D(), {
      'metadata.deletionTimestamp': '2026-01-01T00:00:00Z',
      'spec.name': 'changed!',
      'spec.sourceKafkaCluster': undefined,
    }),
    errors: [],
  },
];

describe('updates', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = check(c.object, c.old);
      assert.deepEqual(errorKeys(result), c.errors);
      const expected = c.warnings ?? [];
      assert.equal(result.warnings.length, expected.length, `warnings: ${JSON.stringify(result.warnings)}`);
      expected.forEach((prefix, i) =>
        assert.ok(result.warnings[i]!.startsWith(prefix), `${result.warnings[i]} should start with ${prefix}`),
      );
    });
  }

  test('update rules do not run on CREATE (no old object)', () => {
    assert.deepEqual(check(state('ACTIVE')).errors, []);
  });

  test('the error message says how to fix an immutable field', () => {
    const [error] = check(edit(D(), { 'spec.name': 'other' }), D()).errors;
    assert.match(error!.detail, /delete and recreate/);
  });
});
