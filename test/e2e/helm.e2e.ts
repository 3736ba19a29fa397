// The chart with the real Helm on a real kube-apiserver: every object Helm renders (for each certificate mode,
// reconciler on/off, namespaced RBAC, a 53-character release name and every override fixture) is accepted by
// `kubectl apply --dry-run=server`; `helm install` with webhook.url.host serves admission from a local
// process; `helm upgrade` keeps the self-signed CA (or trusts old and new while it must make a new one);
// `helm uninstall` removes what it installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { e2eSkip, startCluster, type Cluster } from './support/cluster.js';
import { installWithLocalWebhook, valuesWithUrl, type Installed } from './support/install.js';
import { CHART_DIR, minimalLink, toYaml, type Obj } from './support/objects.js';
import type { WebhookProcess } from './support/webhook.js';

const skip = e2eSkip();
const CHART_FIXTURES = join(CHART_DIR, '..', '..', 'test', 'fixtures', 'chart');
/** Kinds of operators that are not installed on the e2e cluster: their objects cannot be dry-run. */
const NOT_INSTALLED = new Set(['cert-manager.io/v1', 'monitoring.coreos.com/v1']);

/** Namespaces the chart fixtures name (watched or Secret namespaces): Roles there need them to exist. */
function fixtureNamespaces(): string[] {
  const out = new Set<string>();
  for (const f of readdirSync(CHART_FIXTURES).filter((x) => x.endsWith('.yaml'))) {
    const values = parse(readFileSync(join(CHART_FIXTURES, f), 'utf8')) as {
      reconciler?: { watchNamespaces?: string[] };
      rbac?: { secretNamespaces?: string[] };
    };
    for (const ns of [...(values.reconciler?.watchNamespaces ?? []), ...(values.rbac?.secretNamespaces ?? [])])
      out.add(ns);
  }
  return [...out];
}

type Secret = { data: Record<string, string>; metadata: { annotations?: Record<string, string> } };

describe('the chart on a real API server', { skip }, () => {
  let cluster: Cluster;
  let installed: Installed;
  let webhook: WebhookProcess | undefined;
  const secretOf = async (): Promise<Secret> =>
    JSON.parse(
      (await cluster.kubectlOk(['get', 'secret', `${installed.fullname}-tls`, '-n', installed.namespace, '-o', 'json']))
        .stdout,
    ) as Secret;
  const caBundles = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration']) {
      out.push(
        (
          await cluster.kubectlOk([
            'get',
            kind,
            installed.fullname,
            '-o',
            'jsonpath={.webhooks[0].clientConfig.caBundle}',
          ])
        ).stdout,
      );
    }
    return out;
  };
  const upgrade = (values: Obj = {}) =>
    cluster.helmOk(['upgrade', installed.release, CHART_DIR, '--namespace', installed.namespace, '-f', '-'], {
      input: valuesWithUrl(values, installed.port),
    });
  const createLink = (name: string) => cluster.kubectl(['create', '-f', '-'], { input: toYaml(minimalLink(name)) });

  before(async () => {
    cluster = await startCluster();
    for (const ns of ['apps', 'dry-run', 'east', 'west', 'team-a', 'team-b', ...fixtureNamespaces()])
      await cluster.kubectlOk(['create', 'namespace', ns]);
  });
  after(async () => {
    await webhook?.stop();
    await cluster?.stop();
  });

  test('helm install with webhook.url.host: CRDs, configurations calling the local URL, admission served', async () => {
    installed = await installWithLocalWebhook(cluster);
    const crds = (await cluster.kubectlOk(['get', 'crd', '-o', 'name'])).stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(crds, [
      'customresourcedefinition.apiextensions.k8s.io/clusterlinks.platform.confluent.io',
      'customresourcedefinition.apiextensions.k8s.io/kafkarestclasses.platform.confluent.io',
      'customresourcedefinition.apiextensions.k8s.io/kafkatopics.platform.confluent.io',
    ]);
    const url = (
      await cluster.kubectlOk([
        'get',
        'validatingwebhookconfiguration',
        installed.fullname,
        '-o',
        'jsonpath={.webhooks[0].clientConfig.url}',
      ])
    ).stdout;
    assert.equal(url, `https://127.0.0.1:${installed.port}/validate`);
    const secret = await secretOf();
    assert.deepEqual(await caBundles(), [secret.data['ca.crt'], secret.data['ca.crt']]);
    webhook = await installed.startWebhook();
    const run = await createLink('after-install');
    assert.deepEqual(
      [run.status, run.stderr],
      [0, ''],
      'the API server trusts the chart CA and reaches the local webhook',
    );
  });

  test('helm upgrade keeps the self-signed CA and certificate: the running webhook stays trusted', async () => {
    const before = await secretOf();
    await upgrade({ webhook: { timeoutSeconds: 3 } });
    const after = await secretOf();
    assert.deepEqual(after.data, before.data);
    assert.deepEqual(await caBundles(), [before.data['ca.crt'], before.data['ca.crt']]);
    assert.equal((await createLink('after-upgrade')).status, 0);
  });

  test('helm upgrade with a Secret made for other names: a new certificate, old and new CA trusted meanwhile', async () => {
    const old = await secretOf();
    // As if Helm had written it for other DNS names (Helm 4 applies server-side as field manager "helm").
    const made = structuredClone(old) as Secret & { metadata: Obj };
    for (const key of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp']) delete made.metadata[key];
    made.metadata.annotations = {
      ...made.metadata.annotations,
      'clusterlink-webhook/dns-names': 'old-name,old-name.x',
    };
    await cluster.kubectlOk(['apply', '--server-side', '--field-manager=helm', '-f', '-'], {
      input: JSON.stringify(made),
    });
    await upgrade({ webhook: { timeoutSeconds: 3 } });
    const fresh = await secretOf();
    assert.notEqual(fresh.data['tls.crt'], old.data['tls.crt']);
    assert.notEqual(fresh.data['ca.crt'], old.data['ca.crt']);
    for (const bundle of await caBundles()) {
      const pem = Buffer.from(bundle, 'base64').toString();
      assert.equal((pem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
      assert.ok(pem.startsWith(Buffer.from(fresh.data['ca.crt'] ?? '', 'base64').toString()), 'the new CA first');
      assert.ok(
        pem.includes(
          Buffer.from(old.data['ca.crt'] ?? '', 'base64')
            .toString()
            .trim(),
        ),
        'the old CA still trusted',
      );
    }
    assert.equal(
      (await createLink('old-cert-still-trusted')).status,
      0,
      'the webhook still serves the old certificate and is trusted',
    );
  });

  const valueSets: Array<[string, Obj, string?]> = [
    ['defaults', {}],
    ['reconciler off', { reconciler: { enabled: false } }],
    [
      'namespaced RBAC (watched and Secret namespaces)',
      // The chart refuses watched namespaces outside the Secret namespaces (docs/install.md#permissions).
      { reconciler: { watchNamespaces: ['east', 'west'] }, rbac: { secretNamespaces: ['east', 'west', 'team-a'] } },
    ],
    ['a 53-character release name', {}, 'r'.repeat(53)],
    [
      'certificates provided',
      {
        certificates: {
          mode: 'provided',
          secretName: 'my-tls',
          // PEM-shaped (the chart refuses anything else); the kube-apiserver does not parse it on create.
          provided: {
            caBundle: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'),
          },
        },
      },
    ],
    ['certManager (cert-manager objects left out: not installed here)', { certificates: { mode: 'certManager' } }],
    ['webhook.url.host', { webhook: { url: { host: 'webhook.example.com:8443' } } }],
    ...readdirSync(CHART_FIXTURES)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f): [string, Obj] => [
        `fixture ${basename(f)}`,
        parse(readFileSync(join(CHART_FIXTURES, f), 'utf8')) as Obj,
      ]),
  ];
  for (const [name, values, release = 'dry'] of valueSets) {
    test(`every rendered object is accepted by kubectl apply --dry-run=server: ${name}`, async () => {
      const rendered = (
        await cluster.helmOk(['template', release, CHART_DIR, '--namespace', 'dry-run', '-f', '-'], {
          input: JSON.stringify(values),
        })
      ).stdout;
      const objects = parseAllDocuments(rendered)
        .map((d) => d.toJS() as Obj | null)
        .filter((o): o is Obj => o !== null && !NOT_INSTALLED.has(String(o['apiVersion'])));
      assert.ok(objects.length >= 8, `${objects.length} objects`);
      const run = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: toYaml(...objects) });
      assert.equal(run.status, 0, run.stderr);
      const lines = run.stdout.split('\n').filter(Boolean);
      assert.equal(lines.length, objects.length);
      for (const line of lines) assert.match(line, / created \(server dry run\)$/);
      assert.equal(run.stderr, '', 'no warnings (deprecated APIs, unknown fields)');
    });
  }

  test('helm uninstall (--no-hooks: no kubelet runs the pre-delete Job here) removes the configurations and the Secret', async () => {
    await cluster.helmOk(['uninstall', installed.release, '--namespace', installed.namespace, '--no-hooks']);
    for (const kind of [
      'mutatingwebhookconfiguration',
      'validatingwebhookconfiguration',
      'deployment',
      'secret',
      'service',
    ]) {
      const run = await cluster.kubectl([
        'get',
        kind,
        installed.fullname + (kind === 'secret' ? '-tls' : ''),
        '-n',
        installed.namespace,
      ]);
      assert.equal(run.status, 1, `${kind} is gone`);
    }
    assert.equal(
      (await cluster.kubectl(['get', 'crd', 'clusterlinks.platform.confluent.io'])).status,
      0,
      'Helm never deletes CRDs',
    );
    await webhook?.stop();
    webhook = undefined;
    assert.equal((await createLink('after-uninstall')).status, 0, 'no webhook left to fail ClusterLink writes');
  });
});
