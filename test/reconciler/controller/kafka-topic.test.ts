import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildKafkaTopic,
  kafkaTopicCrName,
  KAFKA_TOPIC_ANNOTATIONS,
} from '../../../src/reconciler/controller/kafka-topic.js';

const UID = '3f2a9c1e-7b6d-4e2f-9a1b-0c2d3e4f5a6b';

describe('kafkaTopicCrName (docs/reconciler.md naming rule)', () => {
  const cases: [string, string, string][] = [
    ['simple', 'orders', 'clink-orders-3f2a9c1e'],
    ['lower-cased', 'Orders', 'clink-orders-3f2a9c1e'],
    ['dots and underscores become dashes', 'dc1.orders_v2', 'clink-dc1-orders-v2-3f2a9c1e'],
    ['prefix of the topic', 'dc1.Payments', 'clink-dc1-payments-3f2a9c1e'],
  ];
  for (const [title, topic, expected] of cases) {
    test(title, () => assert.equal(kafkaTopicCrName(topic, UID), expected));
  }

  test('cut to 63 characters, no trailing dash after the cut', () => {
    const name = kafkaTopicCrName(`${'a'.repeat(56)}.b`, UID);
    assert.ok(name.length <= 63);
    assert.equal(name, `clink-${'a'.repeat(56)}`);
    assert.doesNotMatch(name, /-$/);
    assert.equal(kafkaTopicCrName('x'.repeat(249), UID).length, 63);
  });

  test('always a valid DNS-1123 name', () => {
    for (const topic of ['_a', 'a_', '..x..', 'A.B.C', '-lead', 'trail-', 'x'.repeat(300)]) {
      const name = kafkaTopicCrName(topic, UID);
      assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, name);
      assert.ok(name.length <= 63);
    }
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
    assert.equal(topic.metadata.name, 'clink-dc1-orders-3f2a9c1e');
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
