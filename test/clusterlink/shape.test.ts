// Shape errors (wrong JSON types) read like every other field error, are reported once, and never
// crash the semantic rules. Also: near-miss suggestions and document order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateMessage, formatFieldError } from '../../src/clusterlink/field-errors.js';
import { nearMiss } from '../../src/clusterlink/suggest.js';
import { pointerToPath } from '../../src/clusterlink/schema.js';
import { check, destinationInitiated, edit, errorKeys, type Json } from './support.js';

const D = destinationInitiated;

describe('shape errors', () => {
  const cases: Array<[string, Json, string[]]> = [
    ['spec not an object', edit(D(), { spec: 'x' }), ['spec Invalid']],
    [
      'cluster block is a string',
      edit(D(), { 'spec.sourceKafkaCluster': 'kafka:9092' }),
      ['spec.sourceKafkaCluster Invalid'],
    ],
    [
      'bootstrapEndpoint is a number',
      edit(D(), { 'spec.sourceKafkaCluster.bootstrapEndpoint': 9092 }),
      ['spec.sourceKafkaCluster.bootstrapEndpoint Invalid'],
    ],
    ['mirrorTopics is an object', edit(D(), { 'spec.mirrorTopics': { name: 'a' } }), ['spec.mirrorTopics Invalid']],
    [
      'a mirror topic is a string',
      edit(D(), { 'spec.mirrorTopics': ['a', { name: 'b' }] }),
      ['spec.mirrorTopics[0] Invalid'],
    ],
    [
      'replicationFactor is a string',
      edit(D(), { 'spec.mirrorTopics': [{ name: 'a' }, { name: 'b' }, { name: 'c', replicationFactor: '3' }] }),
      ['spec.mirrorTopics[2].replicationFactor Invalid'],
    ],
    [
      'mirror name is a number',
      edit(D(), { 'spec.mirrorTopics': [{ name: 7 }] }),
      ['spec.mirrorTopics[0].name Invalid'],
    ],
    [
      'tls.enabled is a string',
      edit(D(), { 'spec.sourceKafkaCluster.tls': { enabled: 'true', secretRef: 'ca' } }),
      ['spec.sourceKafkaCluster.tls.enabled Invalid'],
    ],
    [
      'authentication.type is a list',
      edit(D(), { 'spec.sourceKafkaCluster.authentication': { type: ['plain'] } }),
      ['spec.sourceKafkaCluster.authentication.type Invalid'],
    ],
    [
      'linkMode is a number',
      edit(D(), { 'spec.sourceInitiatedLink': { linkMode: 1 } }),
      ['spec.sourceInitiatedLink.linkMode Invalid'],
    ],
    [
      'consumer group filter list of strings',
      edit(D(), { 'spec.consumerGroupFilters': ['*'] }),
      ['spec.consumerGroupFilters[0] Invalid'],
    ],
    ['config value is a boolean', edit(D(), { 'spec.configs': { 'a.b/c': true } }), ['spec.configs[a.b/c] Invalid']],
    [
      'integer beyond int32',
      edit(D(), { 'spec.mirrorTopics': [{ name: 'a', replicationFactor: 2 ** 40 }] }),
      ['spec.mirrorTopics[0].replicationFactor Invalid'],
    ],
  ];
  for (const [name, object, expected] of cases) {
    test(name, () => assert.deepEqual(errorKeys(check(object)), expected));
  }

  test('a wrong type reads like the API server', () => {
    const object = edit(D(), {
      'spec.mirrorTopics': [{ name: 'a' }, { name: 'b' }, { name: 'c', replicationFactor: '3' }],
    });
    assert.equal(
      aggregateMessage(check(object).errors),
      'spec.mirrorTopics[2].replicationFactor: Invalid value: "3": must be an integer',
    );
  });

  test('not an object at all', () => {
    for (const value of [null, 3, 'x', [], true]) assert.equal(check(value).errors.length, 1);
  });

  test('null fields count as unset', () => {
    assert.deepEqual(check(edit(D(), { 'spec.mirrorTopics': null, 'spec.sourceKafkaCluster.tls': null })).errors, []);
  });

  test('JSON pointers become field paths', () => {
    assert.equal(pointerToPath('/spec/mirrorTopics/2/configs/a~1b'), 'spec.mirrorTopics[2].configs[a/b]');
    assert.equal(pointerToPath(''), '');
  });
});

describe('near-miss suggestions', () => {
  const cases: Array<[string, readonly string[], string | undefined]> = [
    ['source', ['Source', 'Destination', 'Bidirectional'], 'Source'],
    ['ACTVE', ['ACTIVE', 'PAUSE', 'PROMOTE', 'FAILOVER'], 'ACTIVE'],
    ['ACTVIE', ['ACTIVE', 'PAUSE', 'PROMOTE', 'FAILOVER'], 'ACTIVE'],
    ['RESUME', ['ACTIVE', 'PAUSE', 'PROMOTE', 'FAILOVER'], undefined],
    ['Bidirectonal', ['Source', 'Destination', 'Bidirectional'], 'Bidirectional'],
    ['transactionalId', ['any', 'cluster', 'group', 'topic', 'transcationId', 'delegationToken'], 'transcationId'],
    ['frobnicate', ['read', 'write'], undefined],
  ];
  for (const [value, supported, expected] of cases) {
    test(`${value} → ${String(expected)}`, () => assert.equal(nearMiss(value, supported), expected));
  }

  test('the message lists the supported values and the guess', () => {
    const [error] = check(edit(D(), { 'spec.sourceInitiatedLink': { linkMode: 'source' } })).errors;
    assert.equal(
      formatFieldError(error!),
      'spec.sourceInitiatedLink.linkMode: Unsupported value: "source": supported values: "Source", "Destination", "Bidirectional" (did you mean "Source"? values are case-sensitive)',
    );
  });
});

describe('all errors at once, in document order', () => {
  test('errors follow the order of the YAML, whatever rule found them', () => {
    const object: Json = {
      apiVersion: 'platform.confluent.io/v1beta1',
      kind: 'ClusterLink',
      metadata: { name: 'x', namespace: 'ns1' },
      spec: {
        mirrorTopics: [{ name: 'a', state: 'active' }, { name: 'bad name' }],
        sourceKafkaCluster: { bootstrapEndpoint: 'nope' },
        destinationKafkaCluster: {},
        consumerGroupFilters: [],
      },
    };
    assert.deepEqual(errorKeys(check(object)), [
      'spec.mirrorTopics[0].state NotSupported',
      'spec.mirrorTopics[1].name Invalid',
      'spec.sourceKafkaCluster Required',
      'spec.sourceKafkaCluster.bootstrapEndpoint Invalid',
      'spec.destinationKafkaCluster.kafkaRestClassRef Required',
      'spec.consumerGroupFilters Invalid',
    ]);
  });

  test('the same object gives the same answer every time', () => {
    const object = edit(D(), {
      'spec.mirrorTopics': [{ name: 'a', state: 'x' }, { name: 'a' }],
      'spec.aclFilters': [],
    });
    assert.deepEqual(check(object), check(structuredClone(object)));
  });
});
