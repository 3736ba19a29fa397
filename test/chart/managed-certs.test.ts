// Mode managed, the chart's default (docs/install.md#managed-certificates), rendered by the real Helm: no Secret and
// no caBundle rendered, the Deployment passes the managed flags and mounts no certificate, least-privilege RBAC by
// name, the pre-delete hook removes the two Secrets, and the lifetimes that cannot renew in time are refused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HelmFailure, helmTemplate, type Obj } from './helm.js';
import { args, at, container, find, kinds, rulesOf } from './manifests.js';

const NS = 'kafka-admission';
const render = (values: Obj = {}) => helmTemplate(values, { namespace: NS });

describe('mode managed (the default)', () => {
  const ms = render();
  test('no Secret and no caBundle rendered; both configurations keep the Service clientConfig', () => {
    assert.ok(!kinds(ms).some((k) => k.startsWith('Secret/')));
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const cc = at(find(ms, kind), 'webhooks.0.clientConfig') as Obj;
      assert.equal(cc['caBundle'], undefined, kind);
      assert.equal((cc['service'] as Obj)['name'], 'clusterlink-webhook');
    }
  });
  test('the Deployment passes the managed flags and mounts no certificate volume', () => {
    const a = args(ms);
    for (const flag of [
      '--managed-certs',
      '--managed-ca-secret=clusterlink-webhook-managed-ca',
      '--managed-tls-secret=clusterlink-webhook-managed-tls',
      `--managed-namespace=${NS}`,
      '--mutating-webhook-configuration=clusterlink-webhook',
      '--validating-webhook-configuration=clusterlink-webhook',
      '--cert-lease-name=clusterlink-webhook-cert-writer',
      '--cert-duration=2160h',
      '--cert-renew-before=360h',
      '--ca-duration=8760h',
      '--ca-renew-before=720h',
      '--ca-switch-delay=10m',
      '--dns-name=clusterlink-webhook',
      `--dns-name=clusterlink-webhook.${NS}.svc`,
      `--dns-name=clusterlink-webhook.${NS}.svc.cluster.local`,
    ])
      assert.ok(a.includes(flag), `${flag} in ${a.join(' ')}`);
    assert.ok(!a.some((x) => x.startsWith('--tls-cert-file')));
    const mounts = (container(ms)['volumeMounts'] as Obj[]).map((m) => m['name']);
    assert.ok(!mounts.includes('tls'));
    const volumes = (at(find(ms, 'Deployment'), 'spec.template.spec.volumes') as Obj[]).map((v) => v['name']);
    assert.ok(!volumes.includes('tls'));
  });
  test('RBAC: create Secrets; get/update the two by name; get/patch the two configurations by name; its own Lease', () => {
    assert.deepEqual(rulesOf(find(ms, 'Role', 'clusterlink-webhook-certificates')), [
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['clusterlink-webhook-managed-ca', 'clusterlink-webhook-managed-tls'],
        verbs: ['get', 'update'],
      },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['clusterlink-webhook-cert-writer'],
        verbs: ['get', 'update'],
      },
    ]);
    assert.deepEqual(rulesOf(find(ms, 'ClusterRole', 'clusterlink-webhook-certificates')), [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
        resourceNames: ['clusterlink-webhook'],
        verbs: ['get', 'patch'],
      },
    ]);
    assert.equal(
      at(find(ms, 'RoleBinding', 'clusterlink-webhook-certificates'), 'subjects.0.name'),
      'clusterlink-webhook',
    );
  });
  test('works with the reconciler off: the cert-writer Lease grant stays', () => {
    const off = render({ reconciler: { enabled: false } });
    assert.ok(kinds(off).includes('Role/clusterlink-webhook-certificates'));
    assert.ok(!kinds(off).some((k) => k.includes('leader-election')));
  });
  test('the pre-delete Job also deletes both managed Secrets', () => {
    const job = find(ms, 'Job');
    assert.deepEqual(at(job, 'spec.template.spec.containers.0.args'), [
      'delete',
      'mutatingwebhookconfiguration/clusterlink-webhook',
      'validatingwebhookconfiguration/clusterlink-webhook',
      'secret/clusterlink-webhook-managed-ca',
      'secret/clusterlink-webhook-managed-tls',
      `--namespace=${NS}`,
      '--ignore-not-found',
      '--wait=false',
    ]);
  });
  test('custom Secret names and webhook.url.host (an IP) reach the flags and the grants', () => {
    const custom = render({
      certificates: { managed: { caSecretName: 'my-ca', secretName: 'my-tls' } },
      webhook: { url: { host: '10.0.0.5:8443' } },
    });
    const a = args(custom);
    assert.ok(a.includes('--managed-ca-secret=my-ca') && a.includes('--managed-tls-secret=my-tls'));
    assert.ok(a.includes('--dns-name=10.0.0.5'));
    const named = rulesOf(find(custom, 'Role', 'clusterlink-webhook-certificates'))[1];
    assert.deepEqual(named?.resourceNames, ['my-ca', 'my-tls']);
  });
});

describe('mode managed: lifetimes that cannot renew in time are refused', () => {
  const cases: Array<[string, Obj, RegExp]> = [
    ['renewBefore ≥ duration', { renewBefore: '2160h' }, /renewBefore \(2160h\) must be shorter than .*duration/],
    ['caDuration ≤ duration', { caDuration: '2000h', caRenewBefore: '700h' }, /caDuration \(2000h\) must be longer/],
    ['caRenewBefore ≥ caDuration', { caRenewBefore: '9000h' }, /caRenewBefore \(9000h\) must be shorter/],
    [
      'caRenewBefore ≤ renewBefore',
      { caRenewBefore: '300h' },
      /caRenewBefore \(300h\) must be longer than .*renewBefore/,
    ],
    ['caSwitchDelay ≥ caRenewBefore', { caSwitchDelay: '720h' }, /caSwitchDelay \(720h\) must be shorter/],
    ['the same Secret twice', { caSecretName: 'x', secretName: 'x' }, /must differ/],
  ];
  for (const [name, managed, want] of cases)
    test(name, () =>
      assert.throws(
        () => render({ certificates: { managed } }),
        (e: unknown) => e instanceof HelmFailure && want.test(e.stderr),
      ),
    );
  test('a duration the server cannot read (Go-style 1h30m) is refused by the schema', () =>
    assert.throws(
      () => render({ certificates: { managed: { duration: '1h30m' } } }),
      (e: unknown) => e instanceof HelmFailure && /duration/.test(e.stderr),
    ));
});
