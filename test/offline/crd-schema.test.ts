// The offline CRD check (docs/cli.md#the-crd-schema): the runtime schema is the chart's CRD (no drift), every valid
// fixture passes it, and each kind of structural error and each of the CRD's CEL rules is reported in the API server's
// field-error style, positive and negative.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { checkClusterLinkSchema, crdCheck } from '../../src/offline/crd/check.js';
import { CLUSTERLINK_OPENAPI_SCHEMA } from '../../src/offline/crd/clusterlink-schema.generated.js';
import type { CrdSchema } from '../../src/offline/crd/types.js';
import { chartSchema } from './generate-crd-schema.js';
import { REPO_ROOT } from './helpers.js';

type Obj = Record<string, unknown>;

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l', namespace: 'ns', labels: { team: 'kafka' } },
  spec: {
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest-rest' } },
    sourceKafkaCluster: { bootstrapEndpoint: 'broker:9092', clusterID: 'c1' },
  },
};

/** LINK with `edit` applied to a copy. */
function linkWith(edit: (link: { metadata: Obj; spec: Obj & { sourceKafkaCluster: Obj } }) => void): Obj {
  const copy = structuredClone(LINK) as unknown as { metadata: Obj; spec: Obj & { sourceKafkaCluster: Obj } };
  edit(copy);
  return copy;
}

const lines = (object: unknown, old?: unknown) =>
  checkClusterLinkSchema(object, old).findings.map((f) => `${f.cause.field}: ${f.cause.message} [${f.rule}]`);

describe('the runtime schema', () => {
  test("is the chart's CRD schema (regenerate with node --import tsx test/offline/generate-crd-schema.ts)", () => {
    assert.deepEqual(CLUSTERLINK_OPENAPI_SCHEMA, chartSchema().schema);
  });

  test('is compiled into dist/ and the image: a module under src/, not a file read at run time', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /COPY src \.\/src/);
    assert.match(dockerfile, /COPY --from=build \/app\/dist \.\/dist/);
    const check = readFileSync(join(REPO_ROOT, 'src/offline/crd/check.ts'), 'utf8');
    assert.doesNotMatch(check, /charts\/|readFile/);
  });

  test('every valid rule-book fixture passes it', () => {
    const dir = join(REPO_ROOT, 'test/fixtures/clusterlink/valid');
    for (const file of readdirSync(dir)) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const object = doc.toJS() as unknown;
        if (object === null) continue;
        assert.deepEqual(lines(object), [], file);
      }
    }
  });
});

describe('structural errors, as the API server words them', () => {
  const cases: Array<{ name: string; edit: Parameters<typeof linkWith>[0]; expected: string[] }> = [
    { name: 'a valid link', edit: () => {}, expected: [] },
    {
      name: 'a misspelt field, with the nearest declared one',
      edit: (l) => (l.spec.sourceKafkaCluster.authentcation = { type: 'plain' }),
      expected: [
        'spec.sourceKafkaCluster.authentcation: unknown field "spec.sourceKafkaCluster.authentcation" (did you mean "authentication"?) [crd-unknown-field]',
      ],
    },
    {
      name: 'an unknown field in metadata (ObjectMeta)',
      edit: (l) => (l.metadata.lables = { a: 'b' }),
      expected: ['metadata.lables: unknown field "metadata.lables" (did you mean "labels"?) [crd-unknown-field]'],
    },
    {
      name: 'an unknown top-level field without a near miss',
      edit: (l) => ((l as unknown as Obj).extra = 1),
      expected: ['extra: unknown field "extra" [crd-unknown-field]'],
    },
    {
      name: 'a wrong type',
      edit: (l) => (l.spec.mirrorTopics = [{ name: 'a', replicationFactor: 'three' }]),
      expected: [
        'spec.mirrorTopics[0].replicationFactor: Invalid value: "string": spec.mirrorTopics[0].replicationFactor in body must be of type integer: "string" [crd-schema]',
        // as the API server: a type error stops the CEL rules, and says so
        ': some validation rules were not checked because the object was invalid; correct the existing errors to complete validation [crd-cel]',
      ],
    },
    {
      name: 'an enum value, with a near miss',
      edit: (l) => (l.spec.mirrorTopics = [{ name: 'a', state: 'ACTVE' }]),
      expected: [
        'spec.mirrorTopics[0].state: Unsupported value: "ACTVE": supported values: "PAUSE", "PROMOTE", "FAILOVER", "ACTIVE" (did you mean "ACTIVE"?) [crd-schema]',
      ],
    },
    {
      name: 'a missing required field',
      edit: (l) => delete l.spec.destinationKafkaCluster,
      expected: ['spec.destinationKafkaCluster: Required value [crd-schema]'],
    },
    {
      name: 'a pattern',
      edit: (l) => (l.spec.name = 'no spaces'),
      expected: [
        'spec.name: Invalid value: "no spaces": spec.name in body should match \'^[a-zA-Z0-9\\._\\-]*$\' [crd-schema]',
      ],
    },
    {
      name: 'a minimum length',
      edit: (l) => (l.spec.sourceKafkaCluster.clusterID = ''),
      expected: [
        'spec.sourceKafkaCluster.clusterID: Invalid value: "": spec.sourceKafkaCluster.clusterID in body should be at least 1 chars long [crd-schema]',
      ],
    },
    {
      name: 'a maximum length',
      edit: (l) => (l.spec.name = 'x'.repeat(256)),
      expected: [`spec.name: Too long: "${'x'.repeat(256)}": may not be more than 255 characters [crd-schema]`],
    },
    {
      name: 'a map value of the wrong type, the key in brackets',
      edit: (l) => (l.spec.configs = { 'cleanup.policy': 5 }),
      expected: [
        'spec.configs[cleanup.policy]: Invalid value: "integer": spec.configs[cleanup.policy] in body must be of type string: "integer" [crd-schema]',
        ': some validation rules were not checked because the object was invalid; correct the existing errors to complete validation [crd-cel]',
      ],
    },
    {
      name: 'several at once',
      edit: (l) => {
        l.spec.typo = true;
        l.spec.mirrorTopics = [{}];
      },
      expected: [
        'spec.typo: unknown field "spec.typo" [crd-unknown-field]',
        'spec.mirrorTopics[0].name: Required value [crd-schema]',
      ],
    },
    {
      name: 'status is not checked (the status subresource drops it)',
      edit: (l) => ((l as unknown as Obj).status = { anything: 1 }),
      expected: [],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(lines(linkWith(c.edit)), c.expected));
});

describe('OpenAPI features the chart does not use yet', () => {
  const schema: CrdSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true },
          note: { type: 'string', nullable: true },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          when: { type: 'string', format: 'date-time' },
          count: { type: 'integer', format: 'int32', minimum: 1, maximum: 3, exclusiveMaximum: true },
          embedded: {
            type: 'object',
            'x-kubernetes-embedded-resource': true,
            properties: { spec: { type: 'object' } },
          },
        },
      },
    },
  };
  const check = crdCheck(schema);
  const cases: Array<{ name: string; spec: Obj; expected: string[] }> = [
    { name: 'int-or-string: an integer', spec: { port: 8080 }, expected: [] },
    { name: 'int-or-string: a string', spec: { port: 'https' }, expected: [] },
    {
      name: 'int-or-string: neither',
      spec: { port: true },
      expected: ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer or string: "boolean"'],
    },
    { name: 'nullable: null', spec: { note: null }, expected: [] },
    {
      name: 'not nullable: null',
      spec: { count: null },
      expected: ['spec.count: Invalid value: "null": spec.count in body must be of type integer: "null"'],
    },
    { name: 'preserve-unknown-fields keeps anything', spec: { free: { a: { b: 1 } } }, expected: [] },
    { name: 'a date-time', spec: { when: '2026-01-01T00:00:00Z' }, expected: [] },
    {
      name: 'not a date-time',
      spec: { when: 'yesterday' },
      expected: ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"'],
    },
    {
      name: 'an exclusive maximum',
      spec: { count: 3 },
      expected: ['spec.count: Invalid value: 3: spec.count in body should be less than 3'],
    },
    {
      name: 'an embedded resource has apiVersion, kind and metadata',
      spec: { embedded: { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: {} } },
      expected: [],
    },
    {
      name: 'but nothing else undeclared',
      spec: { embedded: { other: 1 } },
      expected: ['spec.embedded.other: unknown field "spec.embedded.other"'],
    },
  ];
  for (const c of cases)
    test(c.name, () =>
      assert.deepEqual(
        check({ spec: c.spec }).findings.map((f) => `${f.cause.field}: ${f.cause.message}`),
        c.expected,
      ),
    );
});
