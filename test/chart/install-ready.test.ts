// Issue 18's chart points on the real `helm template` (test/chart/helm.ts): dual-stack bind, separate ports,
// 63-character names, global.imageRegistry, PodDisruptionBudgets that could never be drained, the webhook
// timeout against the server's budget, PEM caBundles, renewal settings, Secret reads and watched namespaces
// checked together, the self-signed certificate's expiry record, and the knobs admins know from cert-manager's
// and Kyverno's charts (probes, hostNetwork, objectSelector/matchConditions, commonLabels, extras, alerts,
// the Grafana dashboard). `fail` guards are asserted on helm template: Helm 4's lint only logs them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HelmFailure, helmTemplate, type Manifest, type Obj } from './helm.js';
import { args, at, container, find, kinds } from './manifests.js';
import { CHART_DIR } from './support.js';

const NS = 'kafka-admission';
const render = (values: Obj = {}, release?: string): Manifest[] =>
  helmTemplate(values, { namespace: NS, ...(release === undefined ? {} : { release }) });

/** Helm's message when a template's `fail` guard refuses the values, else undefined. */
function refusal(values: Obj): string | undefined {
  try {
    render(values);
    return undefined;
  } catch (err) {
    if (err instanceof HelmFailure && /execution error at/.test(err.stderr)) return err.stderr;
    throw err;
  }
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBkzCCATmgAwIBAgIUexample\n-----END CERTIFICATE-----\n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('the chart refuses settings that break an install (fail guards)', () => {
  const cases: Array<[string, Obj, RegExp | undefined]> = [
    ['metricsPort equal to port', { server: { port: 9443, metricsPort: 9443 } }, /metricsPort \(9443\) must differ/],
    ['distinct ports', { server: { port: 9443, metricsPort: 9444 } }, undefined],
    [
      'PDB minAvailable = replicas',
      { replicaCount: 3, podDisruptionBudget: { minAvailable: 3 } },
      /below replicaCount/,
    ],
    ['PDB minAvailable > replicas', { podDisruptionBudget: { minAvailable: 5 } }, /below replicaCount/],
    ['PDB minAvailable 2 of 3', { replicaCount: 3, podDisruptionBudget: { minAvailable: 2 } }, undefined],
    [
      'PDB 99% of 3 (rounds up to 3 of 3)',
      { replicaCount: 3, podDisruptionBudget: { minAvailable: '99%' } },
      undefined,
    ],
    ['PDB off: no check', { podDisruptionBudget: { enabled: false, minAvailable: 9 } }, undefined],
    ['one replica: no PDB, no check', { replicaCount: 1, podDisruptionBudget: { minAvailable: 1 } }, undefined],
    [
      'caBundle that is base64 but not PEM',
      { certificates: { mode: 'provided', secretName: 's', provided: { caBundle: b64('not a certificate') } } },
      /must be the base64 encoding of PEM certificates/,
    ],
    [
      'caBundle with a private key',
      {
        certificates: {
          mode: 'provided',
          secretName: 's',
          provided: { caBundle: b64('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') },
        },
      },
      /PEM certificates/,
    ],
    [
      'caBundle with two certificates (a CA rotation)',
      { certificates: { mode: 'provided', secretName: 's', provided: { caBundle: b64(PEM + PEM) } } },
      undefined,
    ],
    [
      'certManager renewBefore = duration',
      { certificates: { certManager: { duration: '720h', renewBefore: '43200m' } } },
      /renewBefore \(43200m\) must be shorter than certificates\.certManager\.duration \(720h\)/,
    ],
    [
      'certManager renewBefore just under duration',
      { certificates: { certManager: { duration: '720h', renewBefore: '719h59m59s' } } },
      undefined,
    ],
    [
      'certManager CA shorter than its certificates',
      { certificates: { certManager: { duration: '720h', caDuration: '719h' } } },
      /caDuration \(719h\) must be at least/,
    ],
    [
      'selfSigned renewBeforeDays = certValidityDays',
      { certificates: { selfSigned: { certValidityDays: 90, renewBeforeDays: 90 } } },
      /renewBeforeDays \(90\) must be smaller/,
    ],
    [
      'selfSigned CA shorter than its certificate',
      { certificates: { selfSigned: { caValidityDays: 30, certValidityDays: 90 } } },
      /caValidityDays \(30\) must be at least certValidityDays \(90\)/,
    ],
    [
      'secretNamespaces with a cluster-wide reconciler',
      { rbac: { secretNamespaces: ['east'] } },
      /reconciler\.watchNamespaces is \[\]/,
    ],
    [
      'a watched namespace without Secret reads',
      { rbac: { secretNamespaces: ['east'] }, reconciler: { watchNamespaces: ['east', 'west'] } },
      /watchNamespaces has "west", which rbac\.secretNamespaces lacks/,
    ],
    [
      'watched namespaces within the Secret namespaces',
      { rbac: { secretNamespaces: ['east', 'west'] }, reconciler: { watchNamespaces: ['east'] } },
      undefined,
    ],
    [
      'strict Secret checks with namespaced Secret reads',
      { rbac: { secretNamespaces: ['east'] }, reconciler: { enabled: false }, server: { strictSecrets: true } },
      /strictSecrets with rbac\.secretNamespaces would deny every ClusterLink outside/,
    ],
    ['strict Secret checks, cluster-wide reads', { server: { strictSecrets: true } }, undefined],
    [
      'reconciler off, namespaced Secret reads',
      { rbac: { secretNamespaces: ['east'] }, reconciler: { enabled: false } },
      undefined,
    ],
  ];
  for (const [name, values, message] of cases) {
    test(`${message ? 'refuses' : 'accepts'}: ${name}`, () => {
      const verdict = refusal(values);
      if (message === undefined) assert.equal(verdict, undefined);
      else assert.match(verdict ?? 'accepted', message);
    });
  }
});

describe('listeners: dual stack by default, one port each', () => {
  test('--host=:: by default (IPv6-only and dual-stack clusters), overridable', () => {
    assert.ok(args(render()).includes('--host=::'));
    assert.ok(args(render({ server: { host: '0.0.0.0' } })).includes('--host=0.0.0.0'));
  });
  test('hostNetwork: the pod uses the node network, the ports are the configured ones, DNS still works', () => {
    const ms = render({ hostNetwork: true, server: { port: 10443, metricsPort: 10090 } });
    const spec = at(find(ms, 'Deployment'), 'spec.template.spec') as Obj;
    assert.equal(spec['hostNetwork'], true);
    assert.equal(spec['dnsPolicy'], 'ClusterFirstWithHostNet');
    assert.deepEqual(
      (container(ms)['ports'] as Obj[]).map((p) => p['containerPort']),
      [10443, 10090],
    );
    assert.ok(args(ms).includes('--port=10443'));
    assert.equal(at(find(render(), 'Deployment'), 'spec.template.spec.hostNetwork'), undefined);
  });
});

describe('names: every generated name fits 63 characters', () => {
  const fullname = 'f'.repeat(63);
  const ms = render(
    {
      fullnameOverride: fullname,
      reconciler: { watchNamespaces: ['east'] },
      rbac: { secretNamespaces: ['east'] },
      metrics: { dashboard: { enabled: true } },
    },
    'r',
  );
  const cm = render({ fullnameOverride: fullname, certificates: { mode: 'certManager' } }, 'r');
  // the audit's own Roles (reconciler off, docs/install.md#permissions)
  const audit = render({ fullnameOverride: fullname, reconciler: { enabled: false, watchNamespaces: ['east'] } }, 'r');
  test('each object name is at most 63 characters, and names stay distinct within a kind and namespace', () => {
    assert.ok(kinds(audit).includes(`Role/${'f'.repeat(57)}-audit`));
    for (const render_ of [ms, cm, audit]) {
      const names = render_.map(
        (m) =>
          `${String(m.object['kind'])}/${String(at(m.object, 'metadata.namespace') ?? '')}/${String(at(m.object, 'metadata.name'))}`,
      );
      for (const n of names) {
        const name = n.split('/')[2] ?? '';
        assert.ok(name.length <= 63, `${n} is ${name.length} long`);
      }
      assert.equal(new Set(names).size, names.length, `names collide: ${names.join(', ')}`);
    }
    assert.equal(at(find(ms, 'Job'), 'metadata.name'), `${'f'.repeat(52)}-pre-delete`);
    assert.equal(at(find(ms, 'Role', `${'f'.repeat(47)}-leader-election`), 'metadata.namespace'), NS);
  });
});

describe('global.imageRegistry reaches every image', () => {
  const cases: Array<[Obj, string, string]> = [
    [{}, 'clusterlink-webhook:0.1.0', 'registry.k8s.io/kubectl:v1.34.2'],
    [
      { global: { imageRegistry: 'mirror.example.com' } },
      'mirror.example.com/clusterlink-webhook:0.1.0',
      'mirror.example.com/kubectl:v1.34.2',
    ],
    [
      { global: { imageRegistry: 'mirror.example.com:5000/' }, image: { repository: 'team/clw', tag: 't' } },
      'mirror.example.com:5000/team/clw:t',
      'mirror.example.com:5000/kubectl:v1.34.2',
    ],
  ];
  for (const [values, webhook, kubectl] of cases) {
    test(`${JSON.stringify(values)} → ${webhook}, ${kubectl}`, () => {
      const ms = render(values);
      assert.equal(container(ms)['image'], webhook);
      assert.equal(at(find(ms, 'Job'), 'spec.template.spec.containers.0.image'), kubectl);
    });
  }
});

describe('self-signed certificate: its expiry is recorded, so an upgrade renews it (webhooks.yaml)', () => {
  test('the Secret records notAfter of tls.crt (Unix seconds), matching the certificate', async () => {
    const { X509Certificate } = await import('node:crypto');
    const secret = find(
      render({ certificates: { mode: 'selfSigned', selfSigned: { certValidityDays: 90 } } }),
      'Secret',
    );
    const recorded = Number(at(secret, 'metadata.annotations')?.['clusterlink-webhook/not-after' as never]);
    const cert = new X509Certificate(
      Buffer.from(String(at(secret, 'data.tls\\.crt') ?? (secret['data'] as Obj)['tls.crt']), 'base64'),
    );
    const notAfter = Date.parse(cert.validTo) / 1000;
    assert.ok(Math.abs(recorded - notAfter) < 120, `recorded ${recorded}, certificate ${notAfter}`);
  });
});

describe("knobs admins know from cert-manager's and Kyverno's charts", () => {
  test('probes: startupProbe on by default, every timing a value, startup can be turned off', () => {
    const c = container(render({ probes: { liveness: { periodSeconds: 20 }, startup: { failureThreshold: 60 } } }));
    assert.deepEqual(at(c, 'startupProbe'), {
      httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' },
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 60,
    });
    assert.equal(at(c, 'livenessProbe.periodSeconds'), 20);
    assert.equal(at(c, 'readinessProbe.failureThreshold'), 2);
    assert.equal(at(container(render({ probes: { startup: { enabled: false } } })), 'startupProbe'), undefined);
  });
  test('objectSelector and matchConditions reach both webhooks; absent by default', () => {
    const matchConditions = [{ name: 'not-ci', expression: "request.userInfo.username != 'ci'" }];
    const objectSelector = { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] };
    const ms = render({ webhook: { objectSelector, matchConditions } });
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      assert.deepEqual(at(find(ms, kind), 'webhooks.0.objectSelector'), objectSelector);
      assert.deepEqual(at(find(ms, kind), 'webhooks.0.matchConditions'), matchConditions);
      assert.equal(at(find(render(), kind), 'webhooks.0.matchConditions'), undefined);
    }
  });
  test('commonLabels are on the pods too, never in the selector', () => {
    const d = find(render({ commonLabels: { team: 'kafka' } }), 'Deployment');
    assert.equal(at(d, 'spec.template.metadata.labels.team'), 'kafka');
    assert.equal(at(d, 'spec.selector.matchLabels.team'), undefined);
  });
  test('extra volumes and mounts; extraObjects as maps and as templates', () => {
    const ms = render({
      extraVolumes: [{ name: 'ca', configMap: { name: 'kafka-ca' } }],
      extraVolumeMounts: [{ name: 'ca', mountPath: '/etc/kafka-ca', readOnly: true }],
      extraObjects: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-b\n',
      ],
    });
    assert.deepEqual((at(find(ms, 'Deployment'), 'spec.template.spec.volumes') as Obj[]).at(-1), {
      name: 'ca',
      configMap: { name: 'kafka-ca' },
    });
    assert.deepEqual((container(ms)['volumeMounts'] as Obj[]).at(-1), {
      name: 'ca',
      mountPath: '/etc/kafka-ca',
      readOnly: true,
    });
    assert.ok(kinds(ms).includes('ConfigMap/a'));
    assert.ok(kinds(ms).includes('ConfigMap/clusterlink-webhook-b'));
  });
  test('PrometheusRule: latency, errors, certificate expiry, no pod, no leader, reconcile errors', () => {
    const rule = find(
      render({ metrics: { prometheusRule: { enabled: true, certificateExpiryDays: 7 } } }),
      'PrometheusRule',
    );
    const rules = at(rule, 'spec.groups.0.rules') as Obj[];
    assert.deepEqual(
      rules.map((r) => r['alert']),
      [
        'ClusterLinkWebhookSlow',
        'ClusterLinkWebhookErrors',
        'ClusterLinkWebhookCertificateExpiry',
        'ClusterLinkWebhookDown',
        'ClusterLinkReconcilerNoLeader',
        'ClusterLinkReconcileErrors',
      ],
    );
    const expiry = rules.find((r) => r['alert'] === 'ClusterLinkWebhookCertificateExpiry');
    assert.match(
      String(expiry?.['expr']),
      /tls_certificate_expiry_timestamp_seconds\{namespace="kafka-admission", service="clusterlink-webhook"\}\) - time\(\) < 604800/,
    );
    // every metric an alert names exists in the server's registry or the reconciler's
    const metricsSource = readFileSync(join(CHART_DIR, '..', '..', 'src', 'observability', 'metrics.ts'), 'utf8');
    for (const r of rules)
      for (const [, name] of String(r['expr']).matchAll(/clusterlink_webhook_([a-z_]+?)(?:_bucket)?\{/g))
        assert.ok(
          metricsSource.includes(`\${prefix}${name ?? ''}\``),
          `${String(r['alert'])}: no metric ${name ?? ''}`,
        );
    const noReconciler = find(
      render({ reconciler: { enabled: false }, metrics: { prometheusRule: { enabled: true } } }),
      'PrometheusRule',
    );
    assert.equal((at(noReconciler, 'spec.groups.0.rules') as Obj[]).length, 4);
  });
  test('Grafana dashboard: a ConfigMap for the sidecar with the JSON of files/dashboard.json', () => {
    const cm = find(
      render({ metrics: { dashboard: { enabled: true } } }),
      'ConfigMap',
      'clusterlink-webhook-dashboard',
    );
    assert.equal(at(cm, 'metadata.labels.grafana_dashboard'), '1');
    const dashboard = JSON.parse(String((cm['data'] as Obj)['clusterlink-webhook.json'])) as {
      panels: Obj[];
      uid: string;
    };
    assert.equal(dashboard.uid, 'clusterlink-webhook');
    assert.deepEqual(dashboard, JSON.parse(readFileSync(join(CHART_DIR, 'files', 'dashboard.json'), 'utf8')));
    assert.ok(dashboard.panels.length >= 6);
  });
});
