// values.yaml and values.schema.json: the defaults and every override in test/fixtures/chart/ pass the real
// Helm's schema check (`helm template`: defaults coalesced with the override, then values.schema.json), the bad
// overrides in test/fixtures/chart/invalid/ and the inline cases are refused by it with Helm's schema message;
// every value is documented and known to the schema.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { parseDocument, isMap, isPair, isScalar, type Pair } from 'yaml';
import { HelmFailure, helmTemplate } from './helm.js';
import {
  CHART_DIR,
  CHART_FIXTURES,
  isObject,
  loadYamlObject,
  readText,
  yamlFiles,
  type Json,
  type JsonObject,
} from './support.js';

const schema = JSON.parse(readText(join(CHART_DIR, 'values.schema.json'))) as JsonObject;
const defaults = loadYamlObject(join(CHART_DIR, 'values.yaml'));

/** undefined when Helm accepts the values; Helm's schema complaint when it refuses them. */
function schemaVerdict(values: JsonObject): string | undefined {
  try {
    helmTemplate(values, { flags: ['--show-only', 'templates/service.yaml'] });
    return undefined;
  } catch (err) {
    if (err instanceof HelmFailure && /values don't meet the specifications of the schema/.test(err.stderr))
      return err.stderr;
    throw err;
  }
}

describe('values against values.schema.json, judged by helm', () => {
  test('the defaults validate', () => {
    assert.equal(schemaVerdict({}), undefined);
  });

  const overrides = yamlFiles(CHART_FIXTURES);
  test('there are override fixtures to check', () => {
    assert.ok(overrides.length >= 4, `expected several overrides in ${CHART_FIXTURES}, found ${overrides.length}`);
  });
  for (const file of overrides) {
    test(`override ${basename(file)} validates`, () => {
      assert.equal(schemaVerdict(loadYamlObject(file)), undefined);
    });
  }

  const invalid = yamlFiles(join(CHART_FIXTURES, 'invalid'));
  test('there are bad overrides to check', () => {
    assert.ok(invalid.length >= 5, `expected bad overrides in ${join(CHART_FIXTURES, 'invalid')}`);
  });
  for (const file of invalid) {
    test(`bad override ${basename(file)} is refused`, () => {
      assert.ok(schemaVerdict(loadYamlObject(file)), 'helm accepted a value the schema must refuse');
    });
  }

  // Inline cases for the rules most likely to regress; `at` is the JSON pointer Helm names in its complaint.
  const cases: Array<{ name: string; override: JsonObject; at?: string }> = [
    { name: 'failurePolicy Ignore', override: { webhook: { failurePolicy: 'Ignore' } } },
    { name: 'mutating webhook fails open alone', override: { webhook: { mutatingFailurePolicy: 'Ignore' } } },
    { name: 'timeoutSeconds 0', override: { webhook: { timeoutSeconds: 0 } }, at: '/webhook/timeoutSeconds' },
    { name: 'image digest that is not sha256', override: { image: { digest: 'latest' } }, at: '/image/digest' },
    {
      name: 'unknown key under certificates.certManager',
      override: { certificates: { certManager: { issuer: 'x' } } },
      at: '/certificates/certManager',
    },
    {
      name: 'issuerRef kind ClusterIssuer',
      override: { certificates: { certManager: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' } } } },
    },
    {
      name: 'issuerRef kind Secret',
      override: { certificates: { certManager: { issuerRef: { name: 'ca', kind: 'Secret' } } } },
      at: '/certificates/certManager/issuerRef/kind',
    },
    {
      name: 'duration without unit',
      override: { certificates: { certManager: { duration: '2160' } } },
      at: '/certificates/certManager/duration',
    },
    {
      name: "timeoutSeconds 1 (below the server's 1.8 s admission budget)",
      override: { webhook: { timeoutSeconds: 1 } },
      at: '/webhook/timeoutSeconds',
    },
    { name: 'server.host ::', override: { server: { host: '::' } } },
    { name: 'server.host 0.0.0.0', override: { server: { host: '0.0.0.0' } } },
    { name: 'server.host fd00::1', override: { server: { host: 'fd00::1' } } },
    { name: 'server.host a name', override: { server: { host: 'localhost' } }, at: '/server/host' },
    {
      name: 'PDB minAvailable 100%',
      override: { podDisruptionBudget: { minAvailable: '100%' } },
      at: '/podDisruptionBudget/minAvailable',
    },
    { name: 'PDB minAvailable 50%', override: { podDisruptionBudget: { minAvailable: '50%' } } },
    {
      name: 'duration with a fraction (the template sums whole h, m, s)',
      override: { certificates: { certManager: { duration: '1.5h' } } },
      at: '/certificates/certManager/duration',
    },
    {
      name: 'matchConditions without expression',
      override: { webhook: { matchConditions: [{ name: 'x' }] } },
      at: '/webhook/matchConditions/0',
    },
    {
      name: 'objectSelector with an unknown operator',
      override: { webhook: { objectSelector: { matchExpressions: [{ key: 'a', operator: 'Is' }] } } },
      at: '/webhook/objectSelector/matchExpressions/0/operator',
    },
    {
      name: 'global.imageRegistry with a scheme',
      override: { global: { imageRegistry: 'https://r.io' } },
      at: '/global/imageRegistry',
    },
    { name: 'probes with an unknown key', override: { probes: { liveness: { path: '/x' } } }, at: '/probes/liveness' },
    {
      name: 'caBundle that is not base64',
      override: { certificates: { provided: { caBundle: '-----BEGIN' } } },
      at: '/certificates/provided/caBundle',
    },
    {
      name: 'negative preStop sleep',
      override: { shutdown: { preStopSleepSeconds: -1 } },
      at: '/shutdown/preStopSleepSeconds',
    },
    { name: 'log level verbose', override: { server: { logLevel: 'verbose' } }, at: '/server/logLevel' },
    {
      name: 'secret namespaces as a string',
      override: { rbac: { secretNamespaces: 'default' } },
      at: '/rbac/secretNamespaces',
    },
    { name: 'pull secret without name', override: { imagePullSecrets: [{}] }, at: '/imagePullSecrets/0' },
    { name: 'Helm global values from a parent chart', override: { global: { foo: 'bar' } } },
    { name: 'maxSurge as percentage', override: { updateStrategy: { maxSurge: '50%' } } },
    {
      name: 'maxSurge 0 (rollouts could not progress with maxUnavailable 0)',
      override: { updateStrategy: { maxSurge: 0 } },
      at: '/updateStrategy/maxSurge',
    },
    { name: 'webhook.url.host with a port', override: { webhook: { url: { host: 'webhook.example.com:8443' } } } },
    {
      name: 'webhook.url.host with a scheme',
      override: { webhook: { url: { host: 'https://webhook.example.com' } } },
      at: '/webhook/url/host',
    },
    {
      name: 'webhook.url.host with a path',
      override: { webhook: { url: { host: 'webhook.example.com/validate' } } },
      at: '/webhook/url/host',
    },
    { name: 'unknown key under webhook.url', override: { webhook: { url: { path: '/x' } } }, at: '/webhook/url' },
  ];
  for (const c of cases) {
    test(`${c.at === undefined ? 'accepts' : 'refuses'}: ${c.name}`, () => {
      const verdict = schemaVerdict(c.override);
      if (c.at === undefined) assert.equal(verdict, undefined);
      else assert.match(verdict ?? 'accepted', new RegExp(`at '${c.at.replace(/[/.]/g, '\\$&')}'`));
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
    // global is shared with a parent chart, which may put any key there.
    assert.deepEqual(open, ['global']);
  });

  test('every default value has a schema entry and every schema entry a default', () => {
    const fromValues = valuePaths(defaults, schema, '', []).sort();
    const fromSchema = schemaPaths(schema, '', []).sort();
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
