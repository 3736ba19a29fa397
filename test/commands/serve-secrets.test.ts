// `clusterlink-webhook serve` as a process, with its Secret checks: KUBECONFIG pointing at the fake API,
// --strict-secrets, and a Secret whose lookup hangs. (No API at all: webhook-secrets.test.ts, in-process.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { makeTlsMaterial } from '../support/pem-fixtures.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { clusterLinkReview, postReview } from '../support/webhook-server.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

const NS = 'links';
const material = makeTlsMaterial();
const PLAIN = { 'plain.txt': Buffer.from('username=link-user\npassword=serve-link-password\n') };

function startServe(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  return startServeProcess({
    certDir: join(dir, 'certs'),
    args: ['--reconciler', 'false', ...args],
    env: { HOME: dir, ...env },
  });
}

const secretObject = (name: string, data: Record<string, Buffer>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: NS },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
});

const link = (tlsSecret: string) => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'orders', namespace: NS },
  spec: {
    name: 'orders',
    sourceKafkaCluster: {
      bootstrapEndpoint: 'kafka.source.svc:9092',
      clusterID: 'src-cluster-id',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'good-plain' } },
      tls: { enabled: true, secretRef: tlsSecret },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'destination-krc', namespace: NS } },
  },
});

const msgs = (s: ServeProcess) => s.lines.map((l) => String(l.msg));

describe('serve with Secret checks', () => {
  let api: FakeKubeApi;
  let dirs: string[] = [];
  let strict: ServeProcess;

  before(async () => {
    api = await startFakeKubeApi();
    api.seed(secretObject('good-tls', material.secretData));
    api.seed(secretObject('good-plain', PLAIN));
    api.intercept((req) => (req.path.includes('/secrets/hang-') ? 'hang' : undefined));
    dirs = [mkdtempSync(join(tmpdir(), 'serve-secrets-'))];
    // 1 s, not less: the first lookup of a fresh process on a loaded CI machine can take a few hundred ms.
    strict = await startServe(dirs[0]!, ['--strict-secrets', '--secret-lookup-timeout-ms', '1000'], {
      KUBECONFIG: api.kubeconfigPath,
    });
  });
  after(async () => {
    await strict?.stop('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await api.close();
  });

  test('the start-up log says Secrets are checked, strictly', () => {
    const line = strict.lines.find((l) => String(l.msg).startsWith('Secret checks on'));
    assert.ok(line, msgs(strict).join('\n'));
    assert.equal(line.strictSecrets, true);
    assert.equal(line.secretLookupTimeoutMs, 1000);
  });

  test('strict, valid Secrets read through the kubeconfig: allowed', async () => {
    const res = await postReview(strict.url, strict.ca, '/validate', clusterLinkReview(link('good-tls')));
    assert.equal(res.body.response.allowed, true, res.text);
  });

  test('strict, a Secret lookup that hangs: denied, with the field, within the response budget', async () => {
    const res = await postReview(strict.url, strict.ca, '/validate', clusterLinkReview(link('hang-tls')));
    assert.equal(res.status, 200);
    assert.equal(res.body.response.allowed, false);
    const causes = res.body.response.status?.details?.causes ?? [];
    assert.deepEqual(
      causes.map((c) => c.field),
      ['spec.sourceKafkaCluster.tls.secretRef'],
    );
    assert.match(causes[0]!.message ?? '', /unreadable \(lookup timed out\); denied by strict secret checking/);
  });

  test('no Secret value in the process log', () => {
    assertNoSecretValues(
      strict.lines.map((l) => JSON.stringify(l)),
      material.secretData,
      PLAIN,
    );
  });
});
