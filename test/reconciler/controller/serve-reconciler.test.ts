// `clusterlink-webhook serve` as a process: with a reachable cluster (KUBECONFIG → the fake API) it runs the
// reconciler next to the webhooks and a ClusterLink becomes a real link on the REST simulator; SIGTERM hands
// the lease back. Without a cluster it says the reconciler is off and the webhooks still serve.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeKubeApi } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';
import { getLink, linkObject, seedRestClass, waitFor } from './harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../../admission/cli-entry.ts', import.meta.url));

interface Serve {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function startServe(dir: string, args: string[], env: NodeJS.ProcessEnv): Serve {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--cert-dir', join(dir, 'certs'), ...args],
    { cwd: ROOT, env: { ...process.env, KUBERNETES_SERVICE_HOST: '', POD_NAMESPACE: '', HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
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
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

const logged = (s: Serve, msg: string | RegExp): boolean => s.lines.some((l) => typeof l.msg === 'string' && (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));

describe('serve runs the reconciler', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('with a reachable cluster: a ClusterLink becomes a link; SIGTERM releases the lease', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-reconciler-'));
    dirs.push(dir);
    const kube = await startFakeKubeApi();
    const world = new SimWorld();
    world.addCluster('src-1');
    world.addTopic('src-1', 'orders');
    const rest = await startRestSimulator({ world, clusterId: 'dst-1' });
    try {
      seedRestClass(kube, 'apps', 'dst-rest', rest.url);
      kube.seed(
        linkObject('apps', 'lk', {
          name: 'lk',
          sourceKafkaCluster: { clusterID: 'src-1', bootstrapEndpoint: 'src.example:9092' },
          destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: 'apps' } },
          mirrorTopics: [{ name: 'orders', state: 'ACTIVE' }],
        }),
      );
      const serve = startServe(dir, ['--reconciler', 'auto', '--lease-namespace', 'webhook'], { KUBECONFIG: kube.kubeconfigPath });
      children.push(serve.child);
      await waitFor(() => getLink(kube, 'apps', 'lk')?.status?.mirrorTopics?.orders?.status === 'ACTIVE', 'the mirror ACTIVE in status', 60_000);
      assert.equal(world.clusters.get('dst-1')?.links.get('lk')?.remoteClusterId, 'src-1');
      assert.ok(logged(serve, /^admission webhooks listening/), 'the webhooks serve too');
      assert.ok(logged(serve, 'reconciler enabled: waiting for the leader lease'));
      const lease = () => kube.getObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'webhook', name: 'clusterlink-webhook-leader' });
      assert.ok((lease()?.spec as { holderIdentity?: string }).holderIdentity);

      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);
      assert.equal((lease()?.spec as { holderIdentity?: string }).holderIdentity, '', 'the lease is handed back on shutdown');
    } finally {
      await Promise.all([kube.close(), rest.close()]);
    }
  });

  test('without a cluster: the reconciler is off and the webhooks serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-reconciler-'));
    dirs.push(dir);
    const serve = startServe(dir, ['--reconciler', 'auto'], { KUBECONFIG: join(dir, 'missing-kubeconfig') });
    children.push(serve.child);
    await waitFor(() => logged(serve, /^admission webhooks listening/) && logged(serve, /^reconciler is off: no Kubernetes cluster configured/), 'listening, reconciler off', 60_000);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
  });
});
