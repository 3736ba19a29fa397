import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildKafkaTopic,
  kafkaTopicCrName,
  kafkaTopicCrNameWithHash,
  KAFKA_TOPIC_ANNOTATIONS,
} from '../../../src/reconciler/controller/kafka-topic.js';

const UID = '3f2a9c1e-7b6d-4e2f-9a1b-0c2d3e4f5a6b';

describe('kafkaTopicCrName (docs/reconciler.md naming rule)', () => {
  const cases: [string, string, string][] = [
    ['simple', 'orders', 'clink-orders-3f2a9c1e'],
    ['lower-cased (CFK example)', 'myMirrorTopic', 'clink-mymirrortopic-3f2a9c1e'],
    ['dots are kept', 'orders.eu', 'clink-orders.eu-3f2a9c1e'],
    ['only what names forbid is mapped: _ becomes -', 'dc1.orders_v2', 'clink-dc1.orders-v2-3f2a9c1e'],
    ['prefix of the topic', 'dc1.Payments', 'clink-dc1.payments-3f2a9c1e'],
    ['a label never starts or ends with - next to a dot', 'a._b_.c', 'clink-a.b.c-3f2a9c1e'],
  ];
  for (const [title, topic, expected] of cases) {
    test(title, () => assert.equal(kafkaTopicCrName(topic, UID), expected));
  }

  test('cut to 63 characters: the topic part loses its end, the uid section stays', () => {
    const name = kafkaTopicCrName(`${'a'.repeat(47)}.b`, UID);
    assert.equal(name, `clink-${'a'.repeat(47)}-3f2a9c1e`);
    assert.ok(name.length <= 63);
    assert.equal(kafkaTopicCrName('x'.repeat(249), UID).length, 63);
    assert.match(kafkaTopicCrName('x'.repeat(249), UID), /-3f2a9c1e$/);
  });

  const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  test('always a valid DNS-1123 subdomain of at most 63 characters, hashed or not', () => {
    for (const topic of [
      '_a',
      'a_',
      '..x..',
      'A.B.C',
      '-lead',
      'trail-',
      '___',
      'x'.repeat(300),
      `${'y'.repeat(40)}._z`,
    ]) {
      for (const name of [kafkaTopicCrName(topic, UID), kafkaTopicCrNameWithHash(topic, UID)]) {
        assert.match(name, DNS_SUBDOMAIN, name);
        assert.ok(name.length <= 63, name);
      }
    }
  });

  test('topics that share a CFK name get distinct hashed names', () => {
    const groups = [
      ['Orders', 'orders', 'ORDERS'],
      ['a_b', 'a-b', 'A_B'],
      ['x'.repeat(60), `${'x'.repeat(60)}y`],
    ];
    for (const group of groups) {
      assert.equal(new Set(group.map((t) => kafkaTopicCrName(t, UID))).size, 1, `${group[0]}: one CFK name`);
      const hashed = group.map((t) => kafkaTopicCrNameWithHash(t, UID));
      assert.equal(new Set(hashed).size, group.length, hashed.join(' '));
      for (const h of hashed) assert.match(h, /-[0-9a-f]{6}-3f2a9c1e$/);
    }
    assert.equal(kafkaTopicCrNameWithHash('Orders', UID), kafkaTopicCrNameWithHash('Orders', UID), 'deterministic');
  });
});

describe('buildKafkaTopic', () => {
  test('names, spec, annotations with the snapshotted offsets and state time; no owner', () => {
    const topic = buildKafkaTopic(
      {
        topicName: 'dc1.orders',
        sourceTopicName: 'orders',
        action: 'FAILOVER',
        lastSourceFetchOffsets: [
          { partition: 1, offset: 7 },
          { partition: 0, offset: 42 },
        ],
        stateTimeMs: 1_700_000_000_000,
        partitions: 2,
        replicationFactor: 3,
      },
      {
        namespace: 'ns1',
        clusterLinkName: 'link-a',
        clusterLinkUid: UID,
        linkName: 'link-a',
        kafkaRestClassRef: { name: 'dest', namespace: 'ns1' },
      },
    );
    assert.equal(topic.metadata.name, 'clink-dc1.orders-3f2a9c1e');
    assert.equal(topic.metadata.namespace, 'ns1');
    assert.equal((topic.metadata as Record<string, unknown>).ownerReferences, undefined);
    assert.deepEqual(topic.spec, {
      name: 'dc1.orders',
      partitionCount: 2,
      replicas: 3,
      kafkaRestClassRef: { name: 'dest', namespace: 'ns1' },
    });
    const a = topic.metadata.annotations;
    assert.equal(
      a[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets],
      '[{"partition":0,"offset":42},{"partition":1,"offset":7}]',
    );
    assert.equal(a[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTimeMs], '1700000000000');
    assert.equal(a[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTime], '2023-11-14T22:13:20.000Z');
    assert.equal(a[KAFKA_TOPIC_ANNOTATIONS.action], 'FAILOVER');
    assert.equal(a[KAFKA_TOPIC_ANNOTATIONS.sourceTopicName], 'orders');
    assert.equal(a[KAFKA_TOPIC_ANNOTATIONS.clusterLink], 'ns1/link-a');
  });

  test('without snapshots there are no offset/time annotations', () => {
    const topic = buildKafkaTopic(
      { topicName: 't', sourceTopicName: 't', action: 'PROMOTE' },
      { namespace: 'n', clusterLinkName: 'l', clusterLinkUid: UID, linkName: 'l' },
    );
    assert.equal(topic.metadata.annotations[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets], undefined);
    assert.equal(topic.metadata.annotations[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTime], undefined);
    assert.deepEqual(topic.spec, { name: 't' });
  });
});
