// bootstrap.servers from a bootstrapEndpoint: the schemes the rule book tolerates (docs/rules.md#everywhere) are
// removed, listener names with "_" (SASL_SSL://) included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapServers } from '../../../../src/reconciler/kafka/plan/link-configs.js';

const cases: Array<[string, string]> = [
  ['kafka:9092', 'kafka:9092'],
  ['https://kafka:9092', 'kafka:9092'],
  ['SASL_SSL://pkc-1.confluent.cloud:9092', 'pkc-1.confluent.cloud:9092'],
  ['SASL_PLAINTEXT://a:9092, SASL_PLAINTEXT://b:9092', 'a:9092,b:9092'],
  ['[::1]:9092', '[::1]:9092'],
];

for (const [endpoint, expected] of cases) {
  test(`bootstrapServers(${JSON.stringify(endpoint)})`, () => assert.equal(bootstrapServers(endpoint), expected));
}
