// values.yaml and values.schema.json: the defaults and every override in test/fixtures/chart/ validate the
// way `helm install` validates them (defaults merged with the override, then the JSON schema); the bad
// overrides in test/fixtures/chart/invalid/ are refused; every value is documented and known to the schema.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { Ajv } from 'ajv';
import { parseDocument, isMap, isPair, isScalar, type Pair } from 'yaml';
import {
  CHART_DIR,
  CHART_FIXTURES,
  describeErrors,
  isObject,
  loadYamlObject,
  mergeValues,
  readText,
  yamlFiles,
  type Json,
  type JsonObject,
} from './support.js';

const schema = JSON.parse(readText(join(CHART_DIR, 'values.schema.json'))) as JsonObject;
const defaults = loadYamlObject(join(CHART_DIR, 'values.yaml'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

describe('values.yaml against values.schema.json', () => {
  test('the defaults validate', () => {
    assert.equal(validate(defaults), true, describeErrors(validate));
  });

  const overrides = yamlFiles(CHART_FIXTURES);
  test('there are override fixtures to check', () => {
    assert.ok(overrides.length >= 4, `expected several overrides in ${CHART_FIXTURES}, found ${overrides.length}`);
  });
  for (const file of overrides) {
    test(`override ${basename(file)} validates`, () => {
      const merged = mergeValues(defaults, loadYamlObject(file));
      assert.equal(validate(merged), true, describeErrors(validate));
    });
  }

  const invalid = yamlFiles(join(CHART_FIXTURES, 'invalid'));
  test('there are bad overrides to check', () => {
    assert.ok(invalid.length >= 5, `expected bad overrides in ${join(CHART_FIXTURES, 'invalid')}`);
  });
  for (const file of invalid) {
    test(`bad override ${basename(file)} is refused`, () => {
      const merged = mergeValues(defaults, loadYamlObject(file));
      assert.equal(validate(merged), false, 'the schema accepted a value it must refuse');
    });
  }

  // Inline cases for the rules most likely to regress.
  const cases: Array<{ name: string; override: JsonObject; ok: boolean }> = [
    { name: 'failurePolicy Ignore', override: { webhook: { failurePolicy: 'Ignore' } }, ok: true },
    { name: 'mutating webhook fails open alone', override: { webhook: { mutatingFailurePolicy: 'Ignore' } }, ok: true },
    { name: 'timeoutSeconds 0', override: { webhook: { timeoutSeconds: 0 } }, ok: false },
    { name: 'image digest that is not sha256', override: { image: { digest: 'latest' } }, ok: false },
    {
      name: 'unknown key under certificates.certManager',
      override: { certificates: { certManager: { issuer: 'x' } } },
      ok: false,
    },
    {
      name: 'issuerRef kind ClusterIssuer',
      override: { certificates: { certManager: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' } } } },
      ok: true,
    },
    {
      name: 'issuerRef kind Secret',
      override: { certificates: { certManager: { issuerRef: { name: 'ca', kind: 'Secret' } } } },
      ok: false,
    },
    { name: 'duration without unit', override: { certificates: { certManager: { duration: '2160' } } }, ok: false },
    {
      name: 'caBundle that is not base64',
      override: { certificates: { provided: { caBundle: '-----BEGIN' } } },
      ok: false,
    },
    { name: 'negative preStop sleep', override: { shutdown: { preStopSleepSeconds: -1 } }, ok: false },
    { name: 'log level verbose', override: { server: { logLevel: 'verbose' } }, ok: false },
    { name: 'secret namespaces as a string', override: { rbac: { secretNamespaces: 'default' } }, ok: false },
    { name: 'pull secret without name', override: { imagePullSecrets: [{}] }, ok: false },
    { name: 'Helm global values from a parent chart', override: { global: { foo: 'bar' } }, ok: true },
    { name: 'maxSurge as percentage', override: { updateStrategy: { maxSurge: '50%' } }, ok: true },
    {
      name: 'maxSurge 0 (rollouts could not progress with maxUnavailable 0)',
      override: { updateStrategy: { maxSurge: 0 } },
      ok: false,
    },
  ];
  for (const c of cases) {
    test(`${c.ok ? 'accepts' : 'refuses'}: ${c.name}`, () => {
      assert.equal(validate(mergeValues(defaults, c.override)), c.ok, describeErrors(validate));
    });
  }
});

describe('values.yaml and the schema describe the same values', () => {
  type Schema = { properties?: Record<string, Schema>; additionalProperties?: unknown; type?: string };

  /** Paths of every key of values.yaml (maps walked; lists and free-form Kubernetes blocks are leaves). */
  function valuePaths(value: Json, schemaNode: Schema | undefined, prefix: string, out: string[]): string[] {
    if (!isObject(value) || !schemaNode?.properties) return out;
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      valuePaths(child, schemaNode.properties[key], path, out);
    }
    return out;
  }

  function schemaPaths(node: Schema, prefix: string, out: string[]): string[] {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      schemaPaths(child, path, out);
    }
    return out;
  }

  test('every object in the schema closes itself with additionalProperties: false, except free-form Kubernetes blocks', () => {
    const open: string[] = [];
    const walk = (node: Schema, path: string): void => {
      if (node.properties && node.additionalProperties !== false) open.push(path || '(root)');
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, path ? `${path}.${key}` : key);
    };
    walk(schema, '');
    assert.deepEqual(open, []);
  });

  test('every default value has a schema entry and every schema entry a default', () => {
    const fromValues = valuePaths(defaults, schema, '', []).sort();
    const fromSchema = schemaPaths(schema as Schema, '', [])
      .filter((p) => p !== 'global') // supplied by a parent chart, never by values.yaml
      .sort();
    assert.deepEqual(fromValues, fromSchema);
  });

  test('every value in values.yaml is documented by a comment', () => {
    const doc = parseDocument(readText(join(CHART_DIR, 'values.yaml')));
    const undocumented: string[] = [];
    // A key counts as documented when a comment sits right above it or above its block.
    const walk = (node: unknown, prefix: string, parentDocumented: boolean, skipLeaves: boolean): void => {
      if (!isMap(node)) return;
      node.items.forEach((item: Pair, index: number) => {
        if (!isPair(item) || !isScalar(item.key)) return;
        const key = String(item.key.value);
        const path = prefix ? `${prefix}.${key}` : key;
        const own = Boolean(item.key.commentBefore) || (index === 0 && Boolean(node.commentBefore));
        const isBlock = isMap(item.value);
        if (!isBlock && !skipLeaves && !own && !parentDocumented) undocumented.push(path);
        if (isBlock && !isFreeForm(path)) walk(item.value, path, own, false);
      });
    };
    const isFreeForm = (path: string): boolean =>
      ['resources', 'podSecurityContext', 'securityContext', 'affinity', 'preDeleteHook.resources'].includes(path);
    walk(doc.contents, '', false, false);
    assert.deepEqual(undocumented, []);
  });
});
