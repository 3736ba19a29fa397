// The chart's templates through the real Helm (test/chart/helm.ts): `helm lint` passes for the defaults and
// every override fixture, each template file makes exactly the promised kinds and apiVersions, every
// `.Values` reference exists (Helm renders a typo as empty), and the fixed parts of the manifests keep the
// install's promises: safe rollouts, restricted pods, least-privilege RBAC, the uninstall hook, cert-manager
// objects and NOTES.txt. Helm 4's lint only logs a template's `fail`, so the chart's guards are asserted on
// `helm template` (render.test.ts); the lint behaviour itself is pinned here.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { helmLint, helmNotes, helmTemplate, type Manifest } from './helm.js';
import { at, container, find, rulesOf } from './manifests.js';
import {
  CHART_DIR,
  CHART_FIXTURES,
  TEMPLATES_DIR,
  isObject,
  loadYamlObject,
  readText,
  yamlFiles,
  type Json,
} from './support.js';

const files = readdirSync(TEMPLATES_DIR)
  .filter((f) => f.endsWith('.yaml') || f.endsWith('.tpl') || f.endsWith('.txt'))
  .sort();

/** Everything the chart can render at once: the managed mode with every optional object, then the other modes. */
const allOn = helmTemplate({
  metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true }, dashboard: { enabled: true } },
  extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } }],
  reconciler: { watchNamespaces: ['east'] },
  rbac: { secretNamespaces: ['a', 'east'] },
  networkPolicy: { enabled: true, apiServerPeers: [{ ipBlock: { cidr: '10.0.0.0/24' } }] },
});
const certManager = helmTemplate({ certificates: { mode: 'certManager' } });
const selfSigned = helmTemplate({ certificates: { mode: 'selfSigned' } });

function byTemplate(ms: readonly Manifest[], file: string): Manifest[] {
  return ms.filter((m) => m.template === file);
}
const kindsOf = (ms: readonly Manifest[]): Array<[string, string]> =>
  ms
    .map((m) => [String(m.object['apiVersion']), String(m.object['kind'])] as [string, string])
    .sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : 1));

describe('helm lint', () => {
  test('the chart has the expected template files', () => {
    for (const f of [
      '_helpers.tpl',
      'NOTES.txt',
      'deployment.yaml',
      'service.yaml',
      'serviceaccount.yaml',
      'poddisruptionbudget.yaml',
      'rbac.yaml',
      'rbac-exceptions.yaml',
      'rule-actions.yaml',
      'webhooks.yaml',
      'certmanager.yaml',
      'servicemonitor.yaml',
      'pre-delete-hook.yaml',
      'prometheusrule.yaml',
      'dashboard.yaml',
      'extra-objects.yaml',
      'networkpolicy.yaml',
    ]) {
      assert.ok(files.includes(f), `${f} is missing`);
    }
  });
  const cases: Array<[string, Record<string, unknown>]> = [
    ['defaults', {}],
    ...yamlFiles(CHART_FIXTURES).map((f): [string, Record<string, unknown>] => [basename(f), loadYamlObject(f)]),
  ];
  for (const [name, values] of cases) {
    test(`passes --strict: ${name}`, () => {
      const run = helmLint(values, ['--strict']);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      assert.doesNotMatch(run.stdout + run.stderr, /\[(WARNING|ERROR)\]/);
    });
  }
  test("Helm 4's lint only logs a `fail` guard (so the guards are asserted on helm template)", () => {
    const run = helmLint({ shutdown: { delaySeconds: 10, graceSeconds: 10 } });
    assert.equal(run.status, 0);
    assert.match(run.stderr, /funcMap fail.*graceSeconds \(10\) must exceed shutdown\.delaySeconds \(10\)/);
  });
  test('lint refuses values the schema refuses', () => {
    const run = helmLint({ webhook: { timeoutSeconds: 0 } });
    assert.notEqual(run.status, 0);
    assert.match(run.stdout + run.stderr, /timeoutSeconds.*minimum/);
  });
});

describe('every .Values reference exists in values.yaml (Helm would render a typo as empty)', () => {
  test('no unknown reference', () => {
    const defaults = loadYamlObject(join(CHART_DIR, 'values.yaml'));
    const resolve = (path: string): boolean => {
      let node: Json = defaults;
      for (const part of path.split('.')) {
        if (!isObject(node) || !(part in node)) return false;
        node = node[part] ?? null;
      }
      return true;
    };
    const unknown = files.flatMap((f) =>
      [...readText(join(TEMPLATES_DIR, f)).matchAll(/\.Values\.([A-Za-z0-9_.]+[A-Za-z0-9_])/g)]
        .map((m) => m[1] ?? '')
        .filter((r) => !resolve(r))
        .map((r) => `${f}: .Values.${r}`),
    );
    assert.deepEqual(unknown, []);
  });
});

describe('each template makes the promised kinds and apiVersions', () => {
  const expected: Record<string, Array<[string, string]>> = {
    'deployment.yaml': [['apps/v1', 'Deployment']],
    'service.yaml': [['v1', 'Service']],
    'serviceaccount.yaml': [['v1', 'ServiceAccount']],
    'poddisruptionbudget.yaml': [['policy/v1', 'PodDisruptionBudget']],
    'rbac.yaml': [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ],
    'rule-actions.yaml': [['v1', 'ConfigMap']],
    // Helm installs by kind order: the ClusterRoles before the binding.
    'rbac-exceptions.yaml': [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ],
    // Mode managed: the server makes its Secrets; the chart renders no caBundle and no Secret.
    'webhooks.yaml': [
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ],
    'rbac-certificates.yaml': [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ],
    'servicemonitor.yaml': [['monitoring.coreos.com/v1', 'ServiceMonitor']],
    'prometheusrule.yaml': [['monitoring.coreos.com/v1', 'PrometheusRule']],
    'dashboard.yaml': [['v1', 'ConfigMap']],
    'extra-objects.yaml': [['v1', 'ConfigMap']],
    'networkpolicy.yaml': [['networking.k8s.io/v1', 'NetworkPolicy']],
    'pre-delete-hook.yaml': [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['batch/v1', 'Job'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['v1', 'ServiceAccount'],
    ],
  };
  for (const [file, kinds] of Object.entries(expected)) {
    test(file, () => assert.deepEqual(kindsOf(byTemplate(allOn, file)), kinds));
  }
  test('certmanager.yaml (mode certManager)', () => {
    assert.deepEqual(kindsOf(byTemplate(certManager, 'certmanager.yaml')), [
      ['cert-manager.io/v1', 'Certificate'],
      ['cert-manager.io/v1', 'Certificate'],
      ['cert-manager.io/v1', 'Issuer'],
      ['cert-manager.io/v1', 'Issuer'],
    ]);
  });
  test('webhooks.yaml (mode selfSigned): the Secret Helm generates beside both configurations', () => {
    assert.deepEqual(kindsOf(byTemplate(selfSigned, 'webhooks.yaml')), [
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      ['v1', 'Secret'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ]);
  });
  test('no other template file makes manifests', () => {
    const sources = new Set([...allOn, ...certManager].map((m) => m.template));
    assert.deepEqual(
      [...sources].filter((f) => !(f in expected) && f !== 'certmanager.yaml'),
      [],
    );
  });
});

describe('deployment: safe rollouts and restricted pods', () => {
  const c = container(allOn);
  test('probes on the https port; no command (no shell in the container), only the server flags', () => {
    assert.deepEqual(at(c, 'livenessProbe.httpGet'), { path: '/healthz', port: 'https', scheme: 'HTTPS' });
    assert.deepEqual(at(c, 'readinessProbe.httpGet'), { path: '/readyz', port: 'https', scheme: 'HTTPS' });
    assert.equal(c['command'], undefined);
  });
  test('certificate files come from a directory mount, never subPath; /tmp is a small memory emptyDir', () => {
    for (const mount of c['volumeMounts'] as Array<Record<string, unknown>>) assert.equal(mount['subPath'], undefined);
    const tmp = (at(find(allOn, 'Deployment'), 'spec.template.spec.volumes') as Array<Record<string, unknown>>).find(
      (v) => v['name'] === 'tmp',
    );
    assert.deepEqual(tmp?.['emptyDir'], { medium: 'Memory', sizeLimit: '16Mi' });
  });
  test('spread over zones and nodes', () => {
    const keys = (
      at(find(allOn, 'Deployment'), 'spec.template.spec.topologySpreadConstraints') as Array<{ topologyKey: string }>
    ).map((t) => t.topologyKey);
    assert.deepEqual(keys, ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });
});

describe('uninstall hook and cert-manager objects', () => {
  test('every pre-delete object is a hook; it may only get and delete the two configurations and the managed Secrets', () => {
    const hooks = byTemplate(allOn, 'pre-delete-hook.yaml');
    assert.equal(hooks.length, 6);
    assert.deepEqual(rulesOf(find(hooks, 'Role')), [
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['clusterlink-webhook-managed-ca', 'clusterlink-webhook-managed-tls'],
        verbs: ['get', 'delete'],
      },
    ]);
    assert.equal(byTemplate(selfSigned, 'pre-delete-hook.yaml').length, 4, 'no Secret to delete in other modes');
    for (const { object } of hooks)
      assert.equal(at(object, 'metadata.annotations')?.['helm.sh/hook' as never], 'pre-delete');
    const role = find(hooks, 'ClusterRole');
    assert.deepEqual(rulesOf(role), [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
        resourceNames: ['clusterlink-webhook'],
        verbs: ['get', 'delete'],
      },
    ]);
  });
  test('cert-manager: only the CA Certificate is a CA; the serving one names the TLS Secret', () => {
    assert.equal(at(find(certManager, 'Certificate', 'clusterlink-webhook-ca'), 'spec.isCA'), true);
    const serving = find(certManager, 'Certificate', 'clusterlink-webhook');
    assert.equal(at(serving, 'spec.isCA'), undefined);
    assert.equal(at(serving, 'spec.secretName'), 'clusterlink-webhook-tls');
    assert.deepEqual(at(serving, 'spec.privateKey'), { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
  });
  test('NOTES.txt tells how to check the install and how to break glass', () => {
    const notes = helmNotes();
    for (const needle of [
      'rollout status',
      '--dry-run=server',
      'failurePolicy',
      'Ignore',
      'kubectl delete mutatingwebhookconfiguration',
    ]) {
      assert.ok(notes.includes(needle), `NOTES.txt does not mention ${needle}`);
    }
  });
});
