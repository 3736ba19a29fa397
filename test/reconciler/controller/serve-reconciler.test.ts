// `clusterlink-webhook serve` as a process: with a reachable cluster (KUBECONFIG → the fake API) it runs the
// reconciler next to the webhooks and a ClusterLink becomes a real link on the REST simulator; SIGTERM hands
// the lease back. Without a cluster it says the reconciler is off and the webhooks still serve.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeKubeApi } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';
import { startServeProcess, type LogLine, type ServeProcess } from '../../support/serve-process.js';
import { getLink, linkObject, seedRestClass, waitFor } from './harness.js';

function startServe(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  return startServeProcess({ certDir: join(dir, 'certs'), args, env: { POD_NAMESPACE: '', HOME: dir, ...env } });
}

const hasMsg =
  (msg: string | RegExp) =>
  (l: LogLine): boolean =>
    typeof l.msg === 'string' && (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg));
const logged = (s: ServeProcess, msg: string | RegExp): boolean => s.lines.some(hasMsg(msg));

describe('serve runs the reconciler', () => {
  const dirs: string[] = [];
  const serves: ServeProcess[] = [];
  after(async () => {
    await Promise.all(serves.map((s) => s.stop('SIGKILL')));
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
      const serve = await startServe(dir, ['--reconciler', 'true', '--lease-namespace', 'webhook'], {
        KUBECONFIG: kube.kubeconfigPath,
      });
      serves.push(serve);
      await waitFor(
        () => getLink(kube, 'apps', 'lk')?.status?.mirrorTopics?.orders?.status === 'ACTIVE',
        'the mirror ACTIVE in status',
        60_000,
      );
      assert.equal(world.clusters.get('dst-1')?.links.get('lk')?.remoteClusterId, 'src-1');
      assert.ok(logged(serve, /^admission webhooks listening/), 'the webhooks serve too');
      assert.ok(logged(serve, 'reconciler enabled: waiting for the leader lease'));
      const lease = () =>
        kube.getObject({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          namespace: 'webhook',
          name: 'clusterlink-webhook',
        });
      assert.ok((lease()?.spec as { holderIdentity?: string }).holderIdentity);

      assert.equal(await serve.stop('SIGTERM'), 0);
      assert.equal(
        (lease()?.spec as { holderIdentity?: string }).holderIdentity,
        '',
        'the lease is handed back on shutdown',
      );
    } finally {
      await Promise.all([kube.close(), rest.close()]);
    }
  });

  test('without a cluster: the reconciler is off and the webhooks serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-reconciler-'));
    dirs.push(dir);
    const serve = await startServe(dir, ['--reconciler', 'auto'], { KUBECONFIG: join(dir, 'missing-kubeconfig') });
    serves.push(serve);
    await serve.waitForLine(hasMsg(/^reconciler is off: no Kubernetes cluster configured/), 60_000);
    assert.ok(logged(serve, /^admission webhooks listening/));
    assert.equal(await serve.stop('SIGTERM'), 0);
  });
});
