// The default certificate mode, managed (docs/install.md#managed-certificates), on a real kube-apiserver: the chart
// installed with webhook.url.host pointing at local `serve` processes that run with the chart's own flags and the
// chart's ServiceAccount token (so the chart's RBAC is what they get). Checked: the server creates both Secrets
// (owned by the ValidatingWebhookConfiguration), patches caBundle into both configurations, and a ClusterLink
// create THROUGH the API server succeeds (it trusts the patched caBundle); one cert-writer for two replicas; with
// short durations the serving certificate renews and the CA rotates (both CAs trusted meanwhile) without a
// restart; `helm upgrade` (server-side apply and client-side 3-way merge) keeps the patched caBundle.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { e2eSkip, startCluster, type Cluster } from './support/cluster.js';
import { serviceAccountToken, valuesWithUrl } from './support/install.js';
import { CHART_DIR, minimalLink, toYaml, type Obj } from './support/objects.js';
import { freePort, startWebhook, type WebhookProcess } from './support/webhook.js';

const skip = e2eSkip();
const RELEASE = 'clw';
const NS = 'kafka-admission';
const FULL = `${RELEASE}-clusterlink-webhook`;
const CA_SECRET = `${FULL}-managed-ca`;
const TLS_SECRET = `${FULL}-managed-tls`;
/** Short lifetimes (the chart's validations hold): serving renewed every 10 s, the CA rotated 50 s after it is made. */
const VALUES: Obj = {
  certificates: {
    mode: 'managed',
    managed: { duration: '25s', renewBefore: '15s', caDuration: '80s', caRenewBefore: '30s', caSwitchDelay: '3s' },
  },
  reconciler: { enabled: false },
};

type Secret = { data: Record<string, string>; metadata: { ownerReferences?: Array<{ kind: string; uid: string }> } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pems = (b64: string | undefined): string[] =>
  (
    Buffer.from(b64 ?? '', 'base64')
      .toString()
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  ).map((p) => new X509Certificate(p).fingerprint256);

/** The fingerprint of the certificate a server presents now (no trust check: we only look at it). */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.on('error', reject);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('managed certificates on a real API server', { skip }, () => {
  let cluster: Cluster;
  let port: number;
  let serveArgs: string[];
  let kubeconfig: string;
  const replicas: WebhookProcess[] = [];

  const secret = async (name: string): Promise<Secret | undefined> => {
    const run = await cluster.kubectl(['get', 'secret', name, '-n', NS, '-o', 'json']);
    return run.status === 0 ? (JSON.parse(run.stdout) as Secret) : undefined;
  };
  const caBundles = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'])
      out.push(
        (await cluster.kubectlOk(['get', kind, FULL, '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}'])).stdout,
      );
    return out;
  };
  const createLink = async (name: string) =>
    cluster.kubectl(['create', '-f', '-'], { input: toYaml(minimalLink(name)) });
  const startReplica = async (onPort: number, i: number): Promise<WebhookProcess> => {
    const certDir = join(cluster.dir, `managed-${i}`);
    mkdirSync(certDir, { recursive: true });
    const wh = await startWebhook({
      port: onPort,
      certFile: undefined,
      keyFile: undefined,
      certDir,
      kubeconfig,
      args: [...serveArgs, '--reconciler', 'false', '--tls-reload-interval', '1s'],
      env: { POD_NAMESPACE: NS, POD_NAME: `replica-${i}` },
    });
    replicas.push(wh);
    return wh;
  };

  before(async () => {
    cluster = await startCluster();
    await cluster.kubectlOk(['create', 'namespace', 'apps']);
    await cluster.kubectlOk(['create', 'namespace', NS]);
    port = await freePort();
    await cluster.helmOk(['install', RELEASE, CHART_DIR, '--namespace', NS, '-f', '-'], {
      input: valuesWithUrl(VALUES, port),
    });
    // The certificate flags exactly as the chart's Deployment passes them.
    const manifest = (await cluster.helmOk(['get', 'manifest', RELEASE, '-n', NS])).stdout;
    const deployment = parseAllDocuments(manifest)
      .map((d) => d.toJS() as Obj | null)
      .find((o) => o?.['kind'] === 'Deployment') as Obj;
    const args = (
      ((deployment['spec'] as Obj)['template'] as { spec: { containers: Array<{ args: string[] }> } }).spec
        .containers[0]?.args ?? []
    ).filter((a) => /^--(managed-|mutating-|validating-|cert-lease|cert-duration|cert-renew|ca-|dns-name)/.test(a));
    serveArgs = args;
    kubeconfig = cluster.kubeconfigFor('managed', await serviceAccountToken(cluster, NS, FULL));
  });
  after(async () => {
    for (const r of replicas) await r.stop();
    await cluster?.stop();
  });

  test('the chart renders no caBundle and no Secret in mode managed; the Deployment passes the managed flags', async () => {
    assert.deepEqual(await caBundles(), ['', '']);
    assert.equal(await secret(CA_SECRET), undefined);
    assert.ok(serveArgs.includes('--managed-certs'));
    assert.ok(serveArgs.includes(`--validating-webhook-configuration=${FULL}`));
    assert.ok(serveArgs.includes('--dns-name=127.0.0.1'), serveArgs.join(' '));
  });

  test('serve creates both Secrets (owned by the validating configuration) and patches caBundle into both configurations', async () => {
    const first = await startReplica(port, 0);
    const ca = await until('the CA Secret', () => secret(CA_SECRET));
    await until('the serving Secret', () => secret(TLS_SECRET));
    const validatingUid = (
      await cluster.kubectlOk(['get', 'validatingwebhookconfiguration', FULL, '-o', 'jsonpath={.metadata.uid}'])
    ).stdout;
    for (const name of [CA_SECRET, TLS_SECRET]) {
      const owners = (await secret(name))?.metadata.ownerReferences ?? [];
      assert.deepEqual(
        owners.map((o) => [o.kind, o.uid]),
        [['ValidatingWebhookConfiguration', validatingUid]],
        name,
      );
    }
    const bundles = await until('caBundle in both configurations', async () => {
      const b = await caBundles();
      return b.every((x) => x !== '') ? b : undefined;
    });
    for (const b of bundles) assert.deepEqual(pems(b), pems(ca.data['ca.crt']));
    await first.waitForLine((l) => /serving certificate loaded from Secret/.test(String(l['msg'])), 30_000);
    const run = await until('an admission through the API server', async () => {
      const r = await createLink(`managed-first-${Date.now()}`);
      return r.status === 0 ? r : undefined;
    });
    assert.equal(run.stderr, '', 'the API server trusts the patched caBundle and reaches the webhook');
  });

  test('a second replica serves the same certificate from the Secret; one cert-writer Lease holder', async () => {
    const second = await startReplica(await freePort(), 1);
    await second.waitForLine((l) => /serving certificate loaded from Secret/.test(String(l['msg'])), 30_000);
    const holder = (
      await cluster.kubectlOk([
        'get',
        'lease',
        `${FULL}-cert-writer`,
        '-n',
        NS,
        '-o',
        'jsonpath={.spec.holderIdentity}',
      ])
    ).stdout;
    assert.match(holder, /^replica-0_/);
    const served = await until('both replicas on the current certificate', async () => {
      const current = new X509Certificate(Buffer.from((await secret(TLS_SECRET))?.data['tls.crt'] ?? '', 'base64'));
      const [a, b] = await Promise.all(replicas.map((r) => servedFingerprint(r.port)));
      return a === current.fingerprint256 && b === a ? a : undefined;
    });
    assert.ok(served);
  });

  test('renewal and CA rotation without a restart: old and new CA trusted together, admission keeps working', async () => {
    const firstCa = pems((await secret(CA_SECRET))?.data['tls.crt'])[0];
    const firstLeaf = await servedFingerprint(port);
    const overlap = await until(
      'a CA rotation (two CAs in both caBundles)',
      async () => {
        const b = await caBundles();
        return b.every((x) => pems(x).length === 2) ? b : undefined;
      },
      90_000,
    );
    for (const b of overlap) assert.equal(pems(b)[1], firstCa, 'the old CA second, still trusted');
    assert.notEqual(await servedFingerprint(port), firstLeaf, 'a renewed certificate is served, same process');
    const run = await until('admission after the rotation', async () => {
      const r = await createLink(`managed-rotated-${Date.now()}`);
      return r.status === 0 ? r : undefined;
    });
    assert.equal(run.status, 0);
    for (const r of replicas) assert.ok(r.running(), 'no restart');
  });

  test('only the cert-writer Lease holder wrote the Secrets and caBundles (the other replica only read)', () => {
    const writes = (r: WebhookProcess) =>
      r.lines.filter((l) =>
        /^managed certificates: (new CA|serving certificate issued|caBundle set|CA bundle updated)/.test(
          String(l['msg']),
        ),
      );
    assert.ok(writes(replicas[0]!).length >= 3, 'replica 0 made the CA, the serving certificate and the caBundles');
    assert.deepEqual(writes(replicas[1]!), [], 'replica 1 never wrote');
  });

  test('with no writer running, helm upgrade (server-side apply, then client-side 3-way merge) keeps the caBundle', async () => {
    for (const r of replicas.splice(0)) await r.stop();
    const before = await caBundles();
    assert.ok(before.every((b) => pems(b).length >= 1));
    for (const [serverSide, timeout] of [
      ['true', 4],
      ['false', 3],
    ] as const) {
      await cluster.helmOk(
        ['upgrade', RELEASE, CHART_DIR, '--namespace', NS, `--server-side=${serverSide}`, '-f', '-'],
        {
          input: valuesWithUrl({ ...VALUES, webhook: { timeoutSeconds: timeout } }, port),
        },
      );
      const applied = (
        await cluster.kubectlOk([
          'get',
          'validatingwebhookconfiguration',
          FULL,
          '-o',
          'jsonpath={.webhooks[0].timeoutSeconds}',
        ])
      ).stdout;
      assert.equal(applied, String(timeout), `the --server-side=${serverSide} upgrade was applied`);
      assert.deepEqual(await caBundles(), before, `--server-side=${serverSide} left caBundle as the server set it`);
    }
    await startReplica(port, 2);
    const run = await until('admission after the upgrades', async () => {
      const r = await createLink(`managed-upgraded-${Date.now()}`);
      return r.status === 0 ? r : undefined;
    });
    assert.equal(run.status, 0);
  });
});
