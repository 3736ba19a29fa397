// The chart rendered by the real `helm template` (Helm 4.1.4, test/chart/kube-tools.ts) for the default
// values and every override fixture, then checked as Kubernetes manifests: kinds, webhook settings, RBAC per
// switch, certificate modes, the out-of-cluster webhook URL, long release names, pod security, and the
// chart's `fail` guards (Helm 4's lint only logs `fail`, so they are asserted on `helm template`). Reuse of an
// existing self-signed Secret through `lookup` needs a cluster: test/e2e/helm.e2e.ts covers it on a real one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { HelmFailure, helmNotes, helmTemplate, type Manifest, type Obj } from './helm.js';
import { args, at, container, find, grants, kinds, rulesOf } from './manifests.js';
import { CHART_FIXTURES, loadYamlObject, yamlFiles } from './support.js';

const NS = 'kafka-admission';
/** A PEM certificate block, base64-encoded: what certificates.provided.caBundle must be. */
const CA_BUNDLE = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIBkzCCATmgAwIBAgIUexample\n-----END CERTIFICATE-----\n',
).toString('base64');

/**
 * These tests were written for mode selfSigned (Helm generates the Secret): they render it unless they name a
 * mode. The default mode, managed, has its own file: managed-certs.test.ts.
 */
function render(values: Obj = {}, release?: string): Manifest[] {
  const certificates = (values['certificates'] as Obj | undefined) ?? {};
  const withMode = { ...values, certificates: { mode: 'selfSigned', ...certificates } };
  return helmTemplate(withMode, { namespace: NS, ...(release === undefined ? {} : { release }) });
}

describe('default install (selfSigned certificates, reconciler on)', () => {
  const ms = render();
  test('renders the expected objects', () => {
    assert.deepEqual(kinds(ms).sort(), [
      'ClusterRole/clusterlink-webhook',
      'ClusterRole/clusterlink-webhook-access-review',
      'ClusterRole/clusterlink-webhook-pre-delete',
      'ClusterRole/clusterlink-webhook-skip-rules',
      'ClusterRoleBinding/clusterlink-webhook',
      'ClusterRoleBinding/clusterlink-webhook-access-review',
      'ClusterRoleBinding/clusterlink-webhook-pre-delete',
      'ConfigMap/clusterlink-webhook-rule-actions',
      'Deployment/clusterlink-webhook',
      'Job/clusterlink-webhook-pre-delete',
      'MutatingWebhookConfiguration/clusterlink-webhook',
      'PodDisruptionBudget/clusterlink-webhook',
      'Role/clusterlink-webhook-leader-election',
      'RoleBinding/clusterlink-webhook-leader-election',
      'Secret/clusterlink-webhook-tls',
      'Service/clusterlink-webhook',
      'ServiceAccount/clusterlink-webhook',
      'ServiceAccount/clusterlink-webhook-pre-delete',
      'ValidatingWebhookConfiguration/clusterlink-webhook',
    ]);
  });
  test('namespaced objects are in the release namespace; all carry the chart labels', () => {
    for (const { object } of ms) {
      const meta = object['metadata'] as Obj;
      if (
        ![
          'ClusterRole',
          'ClusterRoleBinding',
          'MutatingWebhookConfiguration',
          'ValidatingWebhookConfiguration',
        ].includes(String(object['kind']))
      )
        assert.equal(meta['namespace'], NS, String(meta['name']));
      assert.equal((meta['labels'] as Obj)['app.kubernetes.io/instance'], 'clusterlink-webhook');
    }
  });
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    test(`${kind}: scope, settings and trust`, () => {
      const config = find(ms, kind);
      const webhooks = config['webhooks'] as Obj[];
      assert.equal(webhooks.length, 1);
      const w = webhooks[0] as Obj;
      const mutating = kind.startsWith('Mutating');
      assert.equal(w['name'], `${mutating ? 'mutate' : 'validate'}.clusterlink-webhook.${NS}.svc`);
      assert.deepEqual(w['admissionReviewVersions'], ['v1']);
      assert.equal(w['sideEffects'], 'None');
      assert.equal(w['timeoutSeconds'], 5);
      assert.equal(w['failurePolicy'], 'Fail');
      assert.equal(w['matchPolicy'], 'Equivalent');
      assert.equal(w['reinvocationPolicy'], mutating ? 'IfNeeded' : undefined);
      assert.deepEqual(w['rules'], [
        {
          apiGroups: ['platform.confluent.io'],
          apiVersions: ['v1beta1'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['clusterlinks'],
          scope: 'Namespaced',
        },
      ]);
      assert.deepEqual(w['namespaceSelector'], {
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', NS] },
          { key: 'clusterlink-webhook/exempt', operator: 'DoesNotExist' },
        ],
      });
      const clientConfig = w['clientConfig'] as Obj;
      assert.deepEqual(clientConfig['service'], {
        name: 'clusterlink-webhook',
        namespace: NS,
        path: mutating ? '/mutate' : '/validate',
        port: 443,
      });
      const secret = find(ms, 'Secret');
      assert.equal(clientConfig['caBundle'], (secret['data'] as Obj)['ca.crt'], 'caBundle is the CA in the Secret');
    });
  }
  test('the self-signed Secret holds a CA and a serving certificate and records its DNS names', () => {
    const secret = find(ms, 'Secret');
    assert.equal(secret['type'], 'kubernetes.io/tls');
    const data = secret['data'] as Record<string, string>;
    for (const key of ['tls.crt', 'tls.key', 'ca.crt'])
      assert.match(Buffer.from(data[key] ?? '', 'base64').toString(), /-----BEGIN /, key);
    assert.equal(
      (secret['metadata'] as Obj)['annotations'] &&
        ((secret['metadata'] as Obj)['annotations'] as Obj)['clusterlink-webhook/dns-names'],
      `clusterlink-webhook,clusterlink-webhook.${NS},clusterlink-webhook.${NS}.svc,clusterlink-webhook.${NS}.svc.cluster.local`,
    );
  });
  test('the Deployment: 2 replicas, maxUnavailable 0, probes, flags, directory mount, restricted security', () => {
    const d = find(ms, 'Deployment');
    assert.equal(at(d, 'spec.replicas'), 2);
    assert.deepEqual(at(d, 'spec.strategy'), {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const c = container(ms);
    assert.equal(c['image'], 'clusterlink-webhook:0.1.0');
    assert.equal(at(c, 'livenessProbe.httpGet.path'), '/healthz');
    assert.equal(at(c, 'readinessProbe.httpGet.path'), '/readyz');
    assert.equal(at(c, 'readinessProbe.httpGet.scheme'), 'HTTPS');
    assert.deepEqual(args(ms), [
      'serve',
      '--host=::',
      '--port=8443',
      '--metrics-port=9090',
      '--tls-cert-file=/etc/clusterlink-webhook/tls/tls.crt',
      '--tls-private-key-file=/etc/clusterlink-webhook/tls/tls.key',
      '--cert-dir=/tmp/clusterlink-webhook',
      '--log-level=info',
      '--secret-lookup-timeout-ms=750',
      '--reconciler=true',
      '--audit-interval=10m',
      '--rule-actions-file=/etc/clusterlink-webhook/rules/actions',
      '--lease-name=clusterlink-webhook',
      `--lease-namespace=${NS}`,
      '--shutdown-delay=5s',
      '--shutdown-grace=15s',
    ]);
    assert.equal(c['lifecycle'], undefined, 'no preStop by default: the server delays the shutdown');
    assert.equal(at(d, 'spec.template.spec.terminationGracePeriodSeconds'), 30);
    assert.deepEqual(c['volumeMounts'], [
      { name: 'tls', mountPath: '/etc/clusterlink-webhook/tls', readOnly: true },
      { name: 'rule-actions', mountPath: '/etc/clusterlink-webhook/rules', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    assert.equal(at(d, 'spec.template.spec.volumes.0.secret.secretName'), 'clusterlink-webhook-tls');
    assert.equal(at(c, 'securityContext.readOnlyRootFilesystem'), true);
    assert.equal(at(c, 'securityContext.allowPrivilegeEscalation'), false);
    assert.deepEqual(at(c, 'securityContext.capabilities.drop'), ['ALL']);
    assert.equal(at(d, 'spec.template.spec.securityContext.runAsNonRoot'), true);
    assert.equal(at(d, 'spec.template.spec.securityContext.seccompProfile.type'), 'RuntimeDefault');
    assert.equal(
      at(
        d,
        'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.podAffinityTerm.topologyKey',
      ),
      'kubernetes.io/hostname',
    );
    assert.equal((at(d, 'spec.template.spec.topologySpreadConstraints') as unknown[]).length, 2);
  });
  test('the Service reaches the pods on the https port; the PDB keeps one pod', () => {
    assert.deepEqual(at(find(ms, 'Service'), 'spec.ports.0'), {
      name: 'https',
      port: 443,
      targetPort: 'https',
      protocol: 'TCP',
    });
    assert.equal(at(find(ms, 'PodDisruptionBudget'), 'spec.minAvailable'), 1);
    assert.deepEqual(
      at(find(ms, 'PodDisruptionBudget'), 'spec.selector.matchLabels'),
      at(find(ms, 'Deployment'), 'spec.selector.matchLabels'),
    );
  });
  test('RBAC: exactly what the webhook and the reconciler use', () => {
    assert.deepEqual(
      grants(ms, () => true),
      {
        secrets: ['get'],
        kafkarestclasses: ['get'],
        subjectaccessreviews: ['create'],
        clusterlinks: ['get', 'list', 'patch', 'watch'],
        'clusterlinks/status': ['patch'],
        kafkatopics: ['create', 'get'],
        events: ['create'],
        leases: ['create', 'get', 'update'],
      },
    );
    const lease = find(ms, 'Role', 'clusterlink-webhook-leader-election');
    assert.deepEqual(rulesOf(lease)[1]?.resourceNames, ['clusterlink-webhook']);
  });
  test('the pre-delete hook deletes both configurations by name, first', () => {
    const job = find(ms, 'Job');
    assert.equal(at(job, 'metadata.annotations.helm\u002esh/hook'), undefined); // dotted key: read it directly below
    assert.equal(((job['metadata'] as Obj)['annotations'] as Obj)['helm.sh/hook'], 'pre-delete');
    const c = at(job, 'spec.template.spec.containers.0') as Obj;
    assert.deepEqual(
      [c['command'], c['args']],
      [
        ['kubectl'],
        [
          'delete',
          'mutatingwebhookconfiguration/clusterlink-webhook',
          'validatingwebhookconfiguration/clusterlink-webhook',
          '--ignore-not-found',
          '--wait=false',
        ],
      ],
    );
    assert.equal(c['image'], 'registry.k8s.io/kubectl:v1.34.2');
    const role = find(ms, 'ClusterRole', 'clusterlink-webhook-pre-delete');
    assert.deepEqual(rulesOf(role)[0]?.resourceNames, ['clusterlink-webhook']);
  });
  test('NOTES.txt renders the checks for this release', () => {
    const notes = helmNotes({}, { namespace: NS });
    assert.match(notes, new RegExp(`kubectl -n ${NS} rollout status deployment/clusterlink-webhook`));
    assert.match(notes, /kubectl create --dry-run=server/);
  });
});

describe('every override fixture renders', () => {
  for (const file of yamlFiles(CHART_FIXTURES)) {
    test(basename(file), () => {
      const ms = render(loadYamlObject(file));
      find(ms, 'Deployment');
      find(ms, 'ValidatingWebhookConfiguration');
    });
  }
});

describe('switches', () => {
  test('exceptions: the webhook may create SubjectAccessReviews; the skip-rules ClusterRole is for admins to bind', () => {
    const skip = find(render(), 'ClusterRole', 'clusterlink-webhook-skip-rules');
    assert.deepEqual(rulesOf(skip), [
      { apiGroups: ['platform.confluent.io'], resources: ['clusterlinks/exceptions'], verbs: ['skip-rules'] },
    ]);
    const binding = find(render(), 'ClusterRoleBinding', 'clusterlink-webhook-access-review');
    assert.equal(at(binding, 'roleRef.name'), 'clusterlink-webhook-access-review');
    assert.ok(!kinds(render()).includes('ClusterRoleBinding/clusterlink-webhook-skip-rules'));
  });
  test('rule actions: a ConfigMap of id: action lines, mounted as a directory, named by --rule-actions-file', () => {
    const ms = render({ server: { ruleActions: { 'link-name': 'warn', 'acl-principal': 'off' } } });
    const data = at(find(ms, 'ConfigMap', 'clusterlink-webhook-rule-actions'), 'data') as Record<string, string>;
    const lines = data['actions']!.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    assert.deepEqual(lines.sort(), ['acl-principal: off', 'link-name: warn']);
    assert.ok(args(ms).includes('--rule-actions-file=/etc/clusterlink-webhook/rules/actions'));
    assert.ok(args(ms).includes('--audit-interval=10m'));
  });
  test('reconciler and audit off: --reconciler=false and only the Secret read is granted', () => {
    // The audit has grants of its own now (rbac-calls.test.ts covers every combination): off here too.
    const ms = render({ reconciler: { enabled: false }, server: { auditInterval: '0' } });
    assert.ok(args(ms).includes('--reconciler=false'));
    assert.ok(args(ms).includes('--audit-interval=0'));
    assert.ok(!args(render()).includes('--audit-interval=0'));
    assert.deepEqual(
      grants(ms, () => true),
      { secrets: ['get'], subjectaccessreviews: ['create'] },
    );
    assert.ok(!kinds(ms).some((k) => k.includes('leader-election')));
  });
  test('reconciler and audit off, Secrets limited to namespaces: no ClusterRole at all', () => {
    const ms = render({
      reconciler: { enabled: false },
      server: { auditInterval: '0' },
      rbac: { secretNamespaces: ['a', 'b'] },
    });
    assert.ok(!kinds(ms).includes('ClusterRole/clusterlink-webhook'));
    const roles = ms
      .filter((m) => m.object['kind'] === 'Role')
      .map((m) => `${String(at(m.object, 'metadata.namespace'))}/${String(at(m.object, 'metadata.name'))}`);
    assert.deepEqual(roles, ['a/clusterlink-webhook-secrets', 'b/clusterlink-webhook-secrets']);
  });
  test('watched namespaces: flags repeated, reconciler rules in Roles there, only cluster-wide reads left', () => {
    const ms = render({ reconciler: { watchNamespaces: ['east', 'west'] } });
    assert.deepEqual(
      args(ms).filter((a) => a.startsWith('--watch-namespace')),
      ['--watch-namespace=east', '--watch-namespace=west'],
    );
    assert.deepEqual(
      grants(ms, (o) => o['kind'] === 'ClusterRole'),
      { secrets: ['get'], kafkarestclasses: ['get'], subjectaccessreviews: ['create'] },
    );
    const east = find(ms, 'Role', 'clusterlink-webhook-reconciler');
    assert.equal(at(east, 'metadata.namespace'), 'east');
    assert.ok(rulesOf(east).some((r) => r.resources.includes('clusterlinks/status')));
  });
  test('one replica: no PodDisruptionBudget (it would block drains)', () => {
    assert.ok(!kinds(render({ replicaCount: 1 })).some((k) => k.startsWith('PodDisruptionBudget')));
  });
  test('failurePolicy Ignore, mutating override, extra excluded namespaces, no exemption label', () => {
    const ms = render({
      webhook: {
        failurePolicy: 'Ignore',
        mutatingFailurePolicy: 'Fail',
        excludeNamespaces: ['confluent', 'kube-system'],
        exemptNamespaceLabel: '',
      },
    });
    assert.equal(at(find(ms, 'ValidatingWebhookConfiguration'), 'webhooks.0.failurePolicy'), 'Ignore');
    assert.equal(at(find(ms, 'MutatingWebhookConfiguration'), 'webhooks.0.failurePolicy'), 'Fail');
    assert.deepEqual(at(find(ms, 'ValidatingWebhookConfiguration'), 'webhooks.0.namespaceSelector'), {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', NS, 'confluent'] },
      ],
    });
  });
  test('strict secrets, native preStop sleep, priority class, digest, extra args', () => {
    const ms = render({
      server: { strictSecrets: true, extraArgs: ['--tls-reload-interval=30s'] },
      shutdown: { preStopSleepSeconds: 10, delaySeconds: 0, graceSeconds: 15 },
      terminationGracePeriodSeconds: 40,
      priorityClassName: 'system-cluster-critical',
      image: { digest: `sha256:${'a'.repeat(64)}` },
    });
    const a = args(ms);
    assert.ok(a.includes('--strict-secrets'));
    assert.ok(a.includes('--shutdown-delay=0s'));
    assert.equal(a[a.length - 1], '--tls-reload-interval=30s');
    assert.deepEqual(container(ms)['lifecycle'], { preStop: { sleep: { seconds: 10 } } });
    assert.equal(at(find(ms, 'Deployment'), 'spec.template.spec.priorityClassName'), 'system-cluster-critical');
    assert.equal(container(ms)['image'], `clusterlink-webhook@sha256:${'a'.repeat(64)}`);
  });
  test('ServiceMonitor on request, scraping the metrics port', () => {
    const sm = find(
      render({ metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } } } }),
      'ServiceMonitor',
    );
    assert.equal(at(sm, 'spec.endpoints.0.port'), 'metrics');
    assert.equal(at(sm, 'metadata.labels.release'), 'prom');
  });
  test('pre-delete hook can be turned off', () => {
    assert.ok(!kinds(render({ preDeleteHook: { enabled: false } })).some((k) => k.includes('pre-delete')));
  });
});

describe('certificate modes', () => {
  test('certManager without an issuer: private CA chain, serving Certificate, cainjector annotation, no caBundle', () => {
    const ms = render({ certificates: { mode: 'certManager' } });
    assert.ok(!kinds(ms).some((k) => k.startsWith('Secret/')));
    assert.deepEqual(
      // Helm orders kinds it does not know by name; cert-manager resolves the chain in any order.
      kinds(ms)
        .filter((k) => /^(Issuer|Certificate)\//.test(k))
        .sort(),
      [
        'Certificate/clusterlink-webhook',
        'Certificate/clusterlink-webhook-ca',
        'Issuer/clusterlink-webhook-ca',
        'Issuer/clusterlink-webhook-selfsigned',
      ],
    );
    const cert = find(ms, 'Certificate', 'clusterlink-webhook');
    assert.equal(at(cert, 'spec.secretName'), 'clusterlink-webhook-tls');
    assert.deepEqual(at(cert, 'spec.dnsNames'), [
      'clusterlink-webhook',
      `clusterlink-webhook.${NS}`,
      `clusterlink-webhook.${NS}.svc`,
      `clusterlink-webhook.${NS}.svc.cluster.local`,
    ]);
    assert.equal(at(cert, 'spec.issuerRef.name'), 'clusterlink-webhook-ca');
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const config = find(ms, kind);
      assert.equal(
        ((config['metadata'] as Obj)['annotations'] as Obj)['cert-manager.io/inject-ca-from'],
        `${NS}/clusterlink-webhook`,
      );
      assert.equal(at(config, 'webhooks.0.clientConfig.caBundle'), undefined);
    }
  });
  test('certManager with an issuerRef: only the serving Certificate', () => {
    const ms = render({
      certificates: { mode: 'certManager', certManager: { issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer' } } },
    });
    assert.deepEqual(
      kinds(ms).filter((k) => /^(Issuer|Certificate)\//.test(k)),
      ['Certificate/clusterlink-webhook'],
    );
    assert.deepEqual(at(find(ms, 'Certificate'), 'spec.issuerRef'), {
      name: 'internal-ca',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });
  });
  test('provided: the given Secret is mounted and the given caBundle trusted', () => {
    const ms = render({ certificates: { mode: 'provided', secretName: 'my-tls', provided: { caBundle: CA_BUNDLE } } });
    assert.ok(!kinds(ms).some((k) => k.startsWith('Secret/')));
    assert.equal(at(find(ms, 'Deployment'), 'spec.template.spec.volumes.0.secret.secretName'), 'my-tls');
    assert.equal(at(find(ms, 'ValidatingWebhookConfiguration'), 'webhooks.0.clientConfig.caBundle'), CA_BUNDLE);
  });

  test('selfSigned without a cluster (helm template): a fresh CA every render', () => {
    const a = find(render(), 'Secret')['data'] as Obj;
    const b = find(render(), 'Secret')['data'] as Obj;
    assert.notEqual(a['ca.crt'], b['ca.crt']);
  });
});

describe('the chart refuses unsafe settings', () => {
  const cases: Array<[string, Obj, RegExp]> = [
    [
      'grace period too short for preStop + grace',
      { shutdown: { preStopSleepSeconds: 20, delaySeconds: 5, graceSeconds: 15 }, terminationGracePeriodSeconds: 30 },
      /terminationGracePeriodSeconds/,
    ],
    [
      'grace not longer than the delay',
      { shutdown: { delaySeconds: 10, graceSeconds: 10 } },
      /graceSeconds .* must exceed shutdown\.delaySeconds/,
    ],
    ['provided mode without a caBundle', { certificates: { mode: 'provided', secretName: 'x' } }, /caBundle/],
    [
      'provided mode without a Secret name',
      { certificates: { mode: 'provided', provided: { caBundle: CA_BUNDLE } } },
      /secretName/,
    ],
  ];
  for (const [name, values, message] of cases) {
    test(name, () => {
      assert.throws(
        () => render(values),
        (err: unknown) =>
          err instanceof HelmFailure && /execution error at/.test(err.stderr) && message.test(err.stderr),
      );
    });
  }
});

/** The serving certificate and CA of the self-signed Secret, parsed. */
function selfSignedPair(ms: readonly Manifest[]): { cert: X509Certificate; ca: X509Certificate } {
  const data = find(ms, 'Secret')['data'] as Record<string, string>;
  const pem = (key: string): string => Buffer.from(data[key] ?? '', 'base64').toString();
  return { cert: new X509Certificate(pem('tls.crt')), ca: new X509Certificate(pem('ca.crt')) };
}

describe('the self-signed certificate Helm generates', () => {
  test('is signed by the CA in the Secret and names every Service DNS name, nothing else', () => {
    const { cert, ca } = selfSignedPair(render());
    assert.ok(cert.verify(ca.publicKey), 'tls.crt is signed by ca.crt');
    assert.equal(ca.ca, true);
    assert.equal(
      cert.subjectAltName,
      [
        `clusterlink-webhook`,
        `clusterlink-webhook.${NS}`,
        `clusterlink-webhook.${NS}.svc`,
        `clusterlink-webhook.${NS}.svc.cluster.local`,
      ]
        .map((n) => `DNS:${n}`)
        .join(', '),
    );
  });
});

describe('out-of-cluster webhook (webhook.url.host)', () => {
  const cases: Array<{ host: string; san: string; annotation: string }> = [
    { host: '127.0.0.1:8443', san: 'IP Address:127.0.0.1', annotation: '127.0.0.1' },
    { host: 'webhook.example.com', san: 'DNS:webhook.example.com', annotation: 'webhook.example.com' },
    { host: 'webhook.example.com:9443', san: 'DNS:webhook.example.com', annotation: 'webhook.example.com' },
  ];
  for (const { host, san, annotation } of cases) {
    test(`${host}: both configurations call https://${host}/… with the chart's CA, which the certificate names`, () => {
      const ms = render({ webhook: { url: { host } } });
      const secret = find(ms, 'Secret');
      for (const [kind, path] of [
        ['MutatingWebhookConfiguration', '/mutate'],
        ['ValidatingWebhookConfiguration', '/validate'],
      ] as const) {
        const clientConfig = at(find(ms, kind), 'webhooks.0.clientConfig') as Obj;
        assert.deepEqual(Object.keys(clientConfig).sort(), ['caBundle', 'url'], 'no service reference beside the URL');
        assert.equal(clientConfig['url'], `https://${host}${path}`);
        assert.equal(clientConfig['caBundle'], (secret['data'] as Obj)['ca.crt']);
      }
      const { cert } = selfSignedPair(ms);
      assert.ok(cert.subjectAltName?.split(', ').includes(san), `${cert.subjectAltName ?? ''} lacks ${san}`);
      assert.ok(
        String(at(secret, 'metadata.annotations')?.['clusterlink-webhook/dns-names' as never]).endsWith(
          `,${annotation}`,
        ),
      );
    });
  }
  test('certManager mode: the Certificate names the host (IP addresses under ipAddresses)', () => {
    const byIp = find(
      render({ certificates: { mode: 'certManager' }, webhook: { url: { host: '10.1.2.3:8443' } } }),
      'Certificate',
      'clusterlink-webhook',
    );
    assert.deepEqual(at(byIp, 'spec.ipAddresses'), ['10.1.2.3']);
    assert.equal((at(byIp, 'spec.dnsNames') as string[]).length, 4);
    const byName = find(
      render({ certificates: { mode: 'certManager' }, webhook: { url: { host: 'hook.example.com' } } }),
      'Certificate',
      'clusterlink-webhook',
    );
    assert.equal((at(byName, 'spec.dnsNames') as string[]).at(-1), 'hook.example.com');
    assert.equal(at(byName, 'spec.ipAddresses'), undefined);
  });
  test('provided mode: the URL with the given caBundle', () => {
    const ms = render({
      certificates: { mode: 'provided', secretName: 'my-tls', provided: { caBundle: CA_BUNDLE } },
      webhook: { url: { host: 'hook.example.com' } },
    });
    assert.deepEqual(at(find(ms, 'ValidatingWebhookConfiguration'), 'webhooks.0.clientConfig'), {
      url: 'https://hook.example.com/validate',
      caBundle: CA_BUNDLE,
    });
  });
  test('unset: the Service, never a URL', () => {
    for (const m of render().filter((x) => String(x.object['kind']).endsWith('WebhookConfiguration'))) {
      assert.equal(at(m.object, 'webhooks.0.clientConfig.url'), undefined);
    }
  });
});

describe('long release names (Helm allows 53 characters)', () => {
  const release = 'r'.repeat(53);
  const ms = render({}, release);
  const fullname = `${release}-clusterli`;
  test('names are truncated to 63 characters and stay consistent across objects', () => {
    assert.equal(at(find(ms, 'Deployment'), 'metadata.name'), fullname);
    assert.equal(at(find(ms, 'Service'), 'metadata.name'), fullname);
    assert.deepEqual(at(find(ms, 'ValidatingWebhookConfiguration'), 'webhooks.0.clientConfig.service'), {
      name: fullname,
      namespace: NS,
      path: '/validate',
      port: 443,
    });
    assert.equal(at(find(ms, 'ClusterRoleBinding', fullname), 'subjects.0.name'), fullname);
  });
  test('every name, label value and webhook name is within its Kubernetes limit', () => {
    // Labels and DNS labels: 63; Service, Job (its name becomes a pod label) and namespaced objects the
    // chart names from the release: 63 where Kubernetes says so, 253 for the others.
    const dns1035 = new Set(['Service', 'Job']);
    for (const { object } of ms) {
      const name = String(at(object, 'metadata.name'));
      const limit = dns1035.has(String(object['kind'])) ? 63 : 253;
      assert.ok(name.length <= limit, `${String(object['kind'])}/${name} is ${name.length} long (max ${limit})`);
      for (const [key, value] of Object.entries(
        (at(object, 'metadata.labels') as Record<string, string> | undefined) ?? {},
      )) {
        assert.ok(value.length <= 63, `label ${key} of ${name}: ${value.length} characters`);
      }
    }
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const webhookName = String(at(find(ms, kind), 'webhooks.0.name'));
      assert.ok(
        webhookName.split('.').every((label) => label.length <= 63),
        webhookName,
      );
    }
  });
  test('the generated certificate names the truncated Service', () => {
    assert.match(selfSignedPair(ms).cert.subjectAltName ?? '', new RegExp(`DNS:${fullname}\\.${NS}\\.svc(,|$)`));
  });
});
