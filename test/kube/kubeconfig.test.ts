import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadKubeConfig, probeKubeApi, describeKubeError } from '../../src/kube/kubeconfig.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';

function kubeconfigYaml(server: string, context: string, namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${context}`,
    '  user:',
    '    token: t',
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}`,
    ...(namespace ? [`    namespace: ${namespace}`] : []),
    `current-context: ${context}`,
    '',
  ].join('\n');
}

describe('loadKubeConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('no in-cluster token, no KUBECONFIG, no ~/.kube/config → undefined', () => {
    assert.equal(loadKubeConfig({ env: {}, homeDir: dir, serviceAccountDir: join(dir, 'nope') }), undefined);
  });

  test('KUBECONFIG naming only missing files → undefined', () => {
    assert.equal(
      loadKubeConfig({ env: { KUBECONFIG: join(dir, 'missing') }, homeDir: dir, serviceAccountDir: join(dir, 'nope') }),
      undefined,
    );
  });

  test('KUBECONFIG file is read, with the context namespace', () => {
    const path = join(dir, 'one');
    writeFileSync(path, kubeconfigYaml('https://one.example:6443', 'one', 'team-a'));
    const loaded = loadKubeConfig({ env: { KUBECONFIG: path }, homeDir: dir, serviceAccountDir: join(dir, 'nope') });
    assert.equal(loaded?.source, 'kubeconfig');
    assert.equal(loaded?.kubeConfig.getCurrentCluster()?.server, 'https://one.example:6443');
    assert.equal(loaded?.namespace, 'team-a');
    assert.deepEqual(loaded?.paths, [path]);
  });

  test('KUBECONFIG list: missing entries skipped, first current-context wins', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, kubeconfigYaml('https://a.example:6443', 'a'));
    writeFileSync(b, kubeconfigYaml('https://b.example:6443', 'b'));
    const loaded = loadKubeConfig({
      env: { KUBECONFIG: [join(dir, 'missing'), a, b].join(delimiter) },
      homeDir: dir,
      serviceAccountDir: join(dir, 'nope'),
    });
    assert.equal(loaded?.kubeConfig.getCurrentCluster()?.server, 'https://a.example:6443');
    assert.deepEqual(loaded?.paths, [a, b]);
    assert.equal(loaded?.kubeConfig.getContexts().length, 2);
  });

  test('~/.kube/config is the fallback', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), kubeconfigYaml('https://home.example:6443', 'home'));
    const loaded = loadKubeConfig({ env: {}, homeDir: home, serviceAccountDir: join(dir, 'nope') });
    assert.equal(loaded?.kubeConfig.getCurrentCluster()?.server, 'https://home.example:6443');
  });

  test('in-cluster when the service host and token are present (POD_NAMESPACE wins)', () => {
    const sa = mkdtempSync(join(dir, 'sa-'));
    writeFileSync(join(sa, 'token'), 'tok');
    writeFileSync(join(sa, 'namespace'), 'from-file');
    const loaded = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', POD_NAMESPACE: 'webhook-ns' },
      serviceAccountDir: sa,
      homeDir: dir,
    });
    assert.equal(loaded?.source, 'in-cluster');
    assert.equal(loaded?.kubeConfig.getCurrentCluster()?.server, 'https://10.0.0.1:443');
    assert.equal(loaded?.namespace, 'webhook-ns');
    const fromFile = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: sa,
      homeDir: dir,
    });
    assert.equal(fromFile?.namespace, 'from-file');
    assert.equal(fromFile?.kubeConfig.getCurrentCluster()?.server, 'https://[fd00::1]:443');
  });
});

describe('probeKubeApi', () => {
  let api: FakeKubeApi;
  before(async () => {
    api = await startFakeKubeApi();
  });
  after(async () => {
    await api.close();
  });

  test('reachable → ok with the server version', async () => {
    const loaded = loadKubeConfig({ kubeconfigPath: api.kubeconfigPath });
    assert.ok(loaded);
    assert.deepEqual(await probeKubeApi(loaded.kubeConfig, 2000), { ok: true, version: 'v1.30.0-fake' });
  });

  test('unauthorised → not ok with the status message', async () => {
    const remove = api.intercept((req) =>
      req.path === '/version'
        ? { status: 401, body: { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' } }
        : undefined,
    );
    try {
      const result = await probeKubeApi(api.kubeConfig(), 2000);
      assert.deepEqual(result, { ok: false, error: 'HTTP 401 Unauthorized' });
    } finally {
      remove();
    }
  });

  test('a hanging server → not ok after the timeout, no hang', async () => {
    const remove = api.intercept((req) => (req.path === '/version' ? 'hang' : undefined));
    try {
      const result = await probeKubeApi(api.kubeConfig(), 100);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.error : '', /no answer from http:\/\/127\.0\.0\.1:\d+ within 100 ms/);
    } finally {
      remove();
    }
  });

  test('nothing listening → not ok', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-probe-'));
    try {
      const path = join(dir, 'kc');
      writeFileSync(path, kubeconfigYaml('http://127.0.0.1:1', 'dead'));
      const loaded = loadKubeConfig({ kubeconfigPath: path });
      assert.ok(loaded);
      const result = await probeKubeApi(loaded.kubeConfig, 2000);
      assert.equal(result.ok, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('describeKubeError reads Status bodies and plain errors', () => {
    assert.equal(
      describeKubeError({ code: 404, body: '{"kind":"Status","message":"secrets \\"x\\" not found"}' }),
      'HTTP 404: secrets "x" not found',
    );
    assert.equal(describeKubeError({ code: 500, body: 'not json' }), 'HTTP 500 Internal Server Error');
    assert.equal(describeKubeError(new Error('boom')), 'boom');
  });
});
