// The simulator's own model of how Confluent Server judges link configs (docs/reconciler.md#simulator-assumptions),
// written apart from src/ so that it can catch the reconciler's mistakes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaAclFiltersError, kafkaJaasError } from './rest-simulator/kafka-config-checks.js';
import { SimWorld } from './rest-simulator/index.js';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';

describe('simulator: sasl.jaas.config as Kafka parses it', () => {
  const cases: { value: string; error?: RegExp }[] = [
    { value: `${PLAIN} required username="u" password="p";` },
    { value: `${PLAIN} required username='u' password='p';` },
    { value: `sasl.jaas.config=${PLAIN} required username="u" password="p";`, error: /control flag is not available/ },
    { value: `${PLAIN} required username="u" password="p"`, error: /not terminated by semi-colon/ },
    { value: `${PLAIN} mandatory;`, error: /Invalid login module control flag/ },
    { value: `${PLAIN} required username;`, error: /Value not specified for key 'username'/ },
    { value: `${PLAIN} required; ${PLAIN} required;`, error: /contains 2 login modules/ },
    { value: '', error: /Login module not specified/ },
  ];
  for (const c of cases) {
    test(c.value || '(empty)', () => {
      const e = kafkaJaasError(c.value);
      if (c.error) assert.match(e ?? '', c.error);
      else assert.equal(e, undefined);
    });
  }
});

describe('simulator: acl.filters as Kafka parses them', () => {
  const filter = (access: Record<string, unknown>, resource: Record<string, unknown> = {}) => [
    {
      resourceFilter: { resourceType: 'topic', patternType: 'literal', ...resource },
      accessFilter: { operation: 'read', permissionType: 'allow', ...access },
    },
  ];
  const cases: { name: string; filters: unknown[]; error?: RegExp }[] = [
    { name: 'principal omitted (any)', filters: filter({}) },
    { name: 'principal null (any)', filters: filter({ principal: null }) },
    { name: 'User:alice', filters: filter({ principal: 'User:alice' }) },
    { name: 'User:* (the wildcard principal)', filters: filter({ principal: 'User:*' }) },
    { name: 'bare *', filters: filter({ principal: '*' }), error: /principalType:principalName but got \*/ },
    { name: 'unknown field', filters: [{ ...filter({})[0], clusterLinkIds: [] }], error: /Unrecognized field/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = kafkaAclFiltersError(c.filters);
      if (c.error) assert.match(e ?? '', c.error);
      else assert.equal(e, undefined);
    });
  }
});

describe('simulator: link create and alter refuse what Kafka refuses', () => {
  test('prefixed sasl.jaas.config at create; bare * principal at alter; 409 or 400 for an existing link', () => {
    for (const existingLink of [409, 400] as const) {
      const world = new SimWorld({ existingLink });
      world.addCluster('src', { bootstrap: 'src:9092' });
      world.addCluster('dst');
      const base = [
        { name: 'link.mode', value: 'DESTINATION' },
        { name: 'bootstrap.servers', value: 'src:9092' },
      ];
      assert.throws(
        () =>
          world.createLink(
            'dst',
            'lk',
            { configs: [...base, { name: 'sasl.jaas.config', value: `sasl.jaas.config=${PLAIN} required;` }] },
            false,
          ),
        (e: { status: number; message: string }) => e.status === 400 && !e.message.includes(PLAIN),
      );
      world.createLink('dst', 'lk', { configs: base }, false);
      const acl = JSON.stringify({ aclFilters: filterWith('*') });
      assert.throws(
        () => world.alterLinkConfigs('dst', 'lk', [{ name: 'acl.filters', value: acl }], false),
        (e: { status: number }) => e.status === 400,
      );
      assert.throws(
        () => world.createLink('dst', 'lk', { configs: base }, false),
        (e: { status: number; message: string }) => e.status === existingLink && /already exists/.test(e.message),
      );
    }
  });
});

function filterWith(principal: string): unknown[] {
  return [
    {
      resourceFilter: { resourceType: 'topic', patternType: 'literal' },
      accessFilter: { principal, operation: 'read', permissionType: 'allow' },
    },
  ];
}
