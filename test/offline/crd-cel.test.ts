// The CRD's CEL rules offline (docs/cli.md#the-crd-schema): each of the chart's x-kubernetes-validations rules, true
// and false, transition rules only on UPDATE, ratcheting of unchanged values, and a rule the interpreter cannot run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCelRules, isTransitionRule } from '../../src/offline/crd/cel.js';
import { checkClusterLinkSchema } from '../../src/offline/crd/check.js';
import { CLUSTERLINK_OPENAPI_SCHEMA } from '../../src/offline/crd/clusterlink-schema.generated.js';
import type { CelRule, CrdSchema } from '../../src/offline/crd/types.js';

type Spec = Record<string, unknown>;

const link = (spec: Spec) => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l', namespace: 'ns' },
  spec: {
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest-rest' } },
    sourceKafkaCluster: { bootstrapEndpoint: 'broker:9092', clusterID: 'c1' },
    ...spec,
  },
});
const cluster = (extra: Spec) => ({ bootstrapEndpoint: 'broker:9092', clusterID: 'c1', ...extra });
const rest = (extra: Spec) => ({ kafkaRestClassRef: { name: 'dest-rest' }, ...extra });

/** Every rule of the schema with the field path of the node it is on. */
function rulesOf(schema: CrdSchema, path = ''): Array<{ at: string; rule: CelRule }> {
  const out = (schema['x-kubernetes-validations'] ?? []).map((rule) => ({ at: path, rule }));
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    out.push(...rulesOf(child, path === '' ? key : `${path}.${key}`));
  if (schema.items) out.push(...rulesOf(schema.items, `${path}[]`));
  return out;
}

const ALL_RULES = rulesOf(CLUSTERLINK_OPENAPI_SCHEMA);
const celMessages = (object: unknown, old?: unknown) =>
  checkClusterLinkSchema(object, old)
    .findings.filter((f) => f.rule === 'crd-cel')
    .map((f) => `${f.cause.field}: ${f.cause.message}`);

interface RuleCase {
  /** The node the rule is on, and a word on which rule. */
  at: string;
  valid: { object: unknown; old?: unknown };
  invalid: { object: unknown; old?: unknown };
  error: string;
}

const mtls = { authentication: { type: 'mtls' } };
const CASES: RuleCase[] = [
  {
    at: 'spec',
    valid: { object: link({}), old: link({}) },
    invalid: { object: link({ sourceInitiatedLink: { linkMode: 'Destination' } }), old: link({}) },
    error:
      'spec.sourceInitiatedLink: Invalid value: "object": sourceInitiatedLink cannot be added or removed: the link type is fixed when the link is created',
  },
  {
    at: 'spec.name',
    valid: { object: link({ name: 'a' }), old: link({ name: 'a' }) },
    invalid: { object: link({ name: 'b' }), old: link({ name: 'a' }) },
    error: 'spec.name: Invalid value: "string": the link name cannot be changed: create a new link',
  },
  {
    at: 'spec.sourceInitiatedLink',
    valid: { object: link({ sourceInitiatedLink: { linkMode: 'Bidirectional', connectionMode: 'Inbound' } }) },
    invalid: { object: link({ sourceInitiatedLink: { linkMode: 'Source', connectionMode: 'Inbound' } }) },
    error:
      'spec.sourceInitiatedLink.connectionMode: Invalid value: "object": connectionMode is only allowed with linkMode Bidirectional',
  },
  {
    at: 'spec.sourceInitiatedLink.linkMode',
    valid: {
      object: link({ sourceInitiatedLink: { linkMode: 'Source' } }),
      old: link({ sourceInitiatedLink: { linkMode: 'Source' } }),
    },
    invalid: {
      object: link({ sourceInitiatedLink: { linkMode: 'Destination' } }),
      old: link({ sourceInitiatedLink: { linkMode: 'Source' } }),
    },
    error: 'spec.sourceInitiatedLink.linkMode: Invalid value: "string": linkMode cannot be changed',
  },
  {
    at: 'spec.sourceKafkaCluster',
    valid: { object: link({ sourceKafkaCluster: cluster({ ...mtls, tls: { enabled: true, secretRef: 'tls' } }) }) },
    invalid: { object: link({ sourceKafkaCluster: cluster(mtls) }) },
    error:
      'spec.sourceKafkaCluster.authentication.type: Invalid value: "object": authentication.type mtls needs tls.enabled: true (the client certificate comes from tls)',
  },
  {
    at: 'spec.sourceKafkaCluster.clusterID',
    valid: { object: link({}), old: link({}) },
    invalid: { object: link({ sourceKafkaCluster: cluster({ clusterID: 'c2' }) }), old: link({}) },
    error: 'spec.sourceKafkaCluster.clusterID: Invalid value: "string": clusterID cannot be changed once set',
  },
  {
    at: 'spec.sourceKafkaCluster.tls',
    valid: {
      object: link({ sourceKafkaCluster: cluster({ tls: { enabled: true, directoryPathInContainer: '/t' } }) }),
    },
    invalid: { object: link({ sourceKafkaCluster: cluster({ tls: { enabled: true } }) }) },
    error:
      'spec.sourceKafkaCluster.tls: Invalid value: "object": enabled: true needs exactly one of secretRef or directoryPathInContainer',
  },
  {
    at: 'spec.destinationKafkaCluster',
    valid: { object: link({ destinationKafkaCluster: rest({ ...mtls, tls: { enabled: true, secretRef: 'tls' } }) }) },
    invalid: { object: link({ destinationKafkaCluster: rest(mtls) }) },
    error:
      'spec.destinationKafkaCluster.authentication.type: Invalid value: "object": authentication.type mtls needs tls.enabled: true (the client certificate comes from tls)',
  },
  {
    at: 'spec.destinationKafkaCluster.clusterID',
    valid: {
      object: link({ destinationKafkaCluster: rest({ clusterID: 'd1' }) }),
      old: link({ destinationKafkaCluster: rest({ clusterID: 'd1' }) }),
    },
    invalid: {
      object: link({ destinationKafkaCluster: rest({ clusterID: 'd2' }) }),
      old: link({ destinationKafkaCluster: rest({ clusterID: 'd1' }) }),
    },
    error: 'spec.destinationKafkaCluster.clusterID: Invalid value: "string": clusterID cannot be changed once set',
  },
  {
    at: 'spec.destinationKafkaCluster.tls',
    valid: { object: link({ destinationKafkaCluster: rest({ tls: { enabled: false } }) }) },
    invalid: {
      object: link({
        destinationKafkaCluster: rest({ tls: { enabled: true, secretRef: 'a', directoryPathInContainer: '/t' } }),
      }),
    },
    error:
      'spec.destinationKafkaCluster.tls: Invalid value: "object": enabled: true needs exactly one of secretRef or directoryPathInContainer',
  },
  {
    at: 'spec.mirrorTopicOptions.prefix',
    valid: {
      object: link({ mirrorTopicOptions: { prefix: 'dc1.' } }),
      old: link({ mirrorTopicOptions: { prefix: 'dc1.' } }),
    },
    invalid: {
      object: link({ mirrorTopicOptions: { prefix: 'dc2.' } }),
      old: link({ mirrorTopicOptions: { prefix: 'dc1.' } }),
    },
    error: 'spec.mirrorTopicOptions.prefix: Invalid value: "string": the prefix cannot be changed: create a new link',
  },
];

describe("the chart CRD's CEL rules", () => {
  test('there are 11, and every one has a case below', () => {
    assert.equal(ALL_RULES.length, 11);
    const covered = CASES.map((c) => c.at);
    for (const { at } of ALL_RULES) assert.ok(covered.includes(at), `no case for the rule on ${at}`);
    assert.equal(new Set(ALL_RULES.map((r) => r.at)).size, CASES.length);
  });

  for (const c of CASES) {
    test(`${c.at}: true`, () => assert.deepEqual(celMessages(c.valid.object, c.valid.old), []));
    test(`${c.at}: false`, () => assert.deepEqual(celMessages(c.invalid.object, c.invalid.old), [c.error]));
  }
});

describe('how the rules run', () => {
  test('transition rules (oldSelf) do not run on CREATE', () => {
    const transition = ALL_RULES.filter((r) => isTransitionRule(r.rule));
    assert.equal(transition.length, 6);
    for (const c of CASES.filter((k) => k.invalid.old !== undefined))
      assert.deepEqual(celMessages(c.invalid.object), []);
  });

  test('ratcheting: an UPDATE that leaves a failing value as it was is not refused for it', () => {
    const broken = link({ sourceKafkaCluster: cluster({ tls: { enabled: true } }) });
    assert.equal(celMessages(broken).length, 1);
    assert.deepEqual(celMessages(broken, broken), []);
    const touched = link({ sourceKafkaCluster: cluster({ tls: { enabled: true, directoryPathInContainer: '' } }) });
    assert.equal(celMessages(touched, broken).length, 0, 'now valid');
  });

  test('ratcheting applies to structural errors too, never to unknown fields', () => {
    const old = link({ mirrorTopics: [{ name: 'a', state: 'ACTVE' }], typo: 1 });
    const findings = checkClusterLinkSchema(old, old).findings.map((f) => f.rule);
    assert.deepEqual(findings, ['crd-unknown-field']);
  });

  test('a rule error (a missing key) is reported as the API server reports it', () => {
    const schema: CrdSchema = {
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a == 1' }] } },
    };
    const { findings } = checkCelRules(schema, { spec: {} });
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.cause.message, /^Invalid value: "object": No such key: a evaluating rule: self\.a == 1$/);
  });

  test('a rule without a message fails with "failed rule", and the reason decides the error kind', () => {
    const schema: CrdSchema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [
            { rule: 'self.a > 1' },
            { rule: 'self.a > 2', message: 'must be big', reason: 'FieldValueForbidden', fieldPath: '.a' },
          ],
        },
      },
    };
    const { findings } = checkCelRules(schema, { spec: { a: 1 } });
    assert.deepEqual(
      findings.map((f) => [f.cause.field, f.cause.reason, f.cause.message]),
      [
        ['spec', 'FieldValueInvalid', 'Invalid value: "object": failed rule: self.a > 1'],
        ['spec.a', 'FieldValueForbidden', 'Forbidden: must be big'],
      ],
    );
  });

  test('a rule the interpreter cannot parse is a warning, never a silent pass', () => {
    const schema: CrdSchema = {
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }] } },
    };
    const result = checkCelRules(schema, { spec: { a: 1 } });
    assert.deepEqual(result.findings, []);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /^spec: CRD rule not checked offline \(.+\): self\.a ==$/);
  });
});
