// `clusterlink-webhook serve` as a process, with its Secret checks: KUBECONFIG pointing at the fake API,
// --strict-secrets, and a Secret whose lookup hangs. (No API at all: webhook-secrets.test.ts, in-process.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { makeTlsMaterial } from '../support/pem-fixtures.js';
import { clusterLinkReview, postReview } from '../support/webhook-server.js';
import { assertNoSecretValues } from './leak-scan.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../admission/cli-entry.ts', import.meta.url));
const NS = 'links';
const material = makeTlsMaterial();
const PLAIN = { 'plain.txt': Buffer.from('username=link-user\npassword=serve-link-password\n') };

interface Serve {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  url: string;
  ca: string;
}

function startServe(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<Serve> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--cert-dir', join(dir, 'certs'), '--reconciler', 'false', ...args],
    { cwd: ROOT, env: { ...process.env, KUBERNETES_SERVICE_HOST: '', HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const lines: Array<Record<string, unknown>> = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${JSON.stringify(lines)}`)), 60_000);
    let buffered = '';
    let started = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          lines.push({ raw: line });
        }
        const listening = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('admission webhooks listening'));
        if (listening && !started) {
          started = true;
          clearTimeout(timer);
          const url = String(listening.url).replace('localhost', '127.0.0.1');
          resolve({ child, lines, url, ca: readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8') });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early with ${code}: ${JSON.stringify(lines)}`));
    });
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

const msgs = (s: Serve) => s.lines.map((l) => String(l.msg));

describe('serve with Secret checks', () => {
  let api: FakeKubeApi;
  let dirs: string[] = [];
  let strict: Serve;

  before(async () => {
    api = await startFakeKubeApi();
    api.seed(secretObject('good-tls', material.secretData));
    api.seed(secretObject('good-plain', PLAIN));
    api.intercept((req) => (req.path.includes('/secrets/hang-') ? 'hang' : undefined));
    dirs = [mkdtempSync(join(tmpdir(), 'serve-secrets-'))];
    // 1 s, not less: the first lookup of a fresh process on a loaded CI machine can take a few hundred ms.
    strict = await startServe(dirs[0]!, ['--strict-secrets', '--secret-lookup-timeout-ms', '1000'], { KUBECONFIG: api.kubeconfigPath });
  });
  after(async () => {
    if (strict?.child.exitCode === null) strict.child.kill('SIGKILL');
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
    assert.deepEqual(causes.map((c) => c.field), ['spec.sourceKafkaCluster.tls.secretRef']);
    assert.match(causes[0]!.message ?? '', /unreadable \(lookup timed out\); denied by strict secret checking/);
  });

  test('no Secret value in the process log', () => {
    assertNoSecretValues(strict.lines.map((l) => JSON.stringify(l)), material.secretData, PLAIN);
  });
});
