import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/observability/log.js';
import { loadKubeConfig } from '../../../src/kube/kubeconfig.js';
import { startReconcilerIfEnabled, type ReconcilerConfig } from '../../../src/reconciler/controller/start.js';
import type { LinkReconciler } from '../../../src/reconciler/types.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { waitFor } from './harness.js';

function capture(): { logger: ReturnType<typeof createLogger>; lines: () => { msg: string; [k: string]: unknown }[] } {
  const out: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void out.push(s) } });
  return { logger, lines: () => out.map((l) => JSON.parse(l) as { msg: string }) };
}

const base: ReconcilerConfig = { reconciler: 'auto', watchNamespaces: [], leaseName: 'leader' };
const never: LinkReconciler = async () => {
  throw new Error('not expected');
};

describe('startReconcilerIfEnabled', () => {
  let api: FakeKubeApi;
  let dir: string;
  before(async () => {
    api = await startFakeKubeApi();
    dir = mkdtempSync(join(tmpdir(), 'start-'));
  });
  after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--reconciler=false: off, says so', async () => {
    const { logger, lines } = capture();
    assert.equal(
      await startReconcilerIfEnabled({ ...base, reconciler: 'false' }, logger, {
        load: () => loadKubeConfig({ kubeconfigPath: api.kubeconfigPath }),
      }),
      undefined,
    );
    assert.match(lines().at(-1)?.msg ?? '', /reconciler is off \(--reconciler=false\)/);
  });

  test('no cluster configured: off, the webhooks still serve', async () => {
    for (const mode of ['auto', 'true'] as const) {
      const { logger, lines } = capture();
      assert.equal(
        await startReconcilerIfEnabled({ ...base, reconciler: mode }, logger, { load: () => undefined }),
        undefined,
      );
      assert.match(lines().at(-1)?.msg ?? '', /reconciler is off: no Kubernetes cluster configured/);
    }
  });

  test('auto with an unreachable API: off', async () => {
    const path = join(dir, 'dead');
    writeFileSync(
      path,
      JSON.stringify({
        clusters: [{ name: 'd', cluster: { server: 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'd', user: {} }],
        contexts: [{ name: 'd', context: { cluster: 'd', user: 'd' } }],
        'current-context': 'd',
      }),
    );
    const { logger, lines } = capture();
    assert.equal(
      await startReconcilerIfEnabled(base, logger, {
        load: () => loadKubeConfig({ kubeconfigPath: path }),
        probeTimeoutMs: 1000,
      }),
      undefined,
    );
    assert.match(lines().at(-1)?.msg ?? '', /the Kubernetes API is not reachable/);
  });

  test('auto with a reachable API: starts, takes the lease in the configured namespace, stops cleanly', async () => {
    const { logger, lines } = capture();
    const running = await startReconcilerIfEnabled({ ...base, leaseNamespace: 'webhook-ns' }, logger, {
      load: () => loadKubeConfig({ kubeconfigPath: api.kubeconfigPath }),
      linkReconciler: never,
      controller: { lease: { leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 50 } },
    });
    assert.ok(running);
    try {
      await waitFor(() => running.controller.isActive, 'leader');
      const lease = api.getObject({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: 'webhook-ns',
        name: 'leader',
      });
      assert.equal((lease?.spec as { holderIdentity: string }).holderIdentity, running.controller.identity);
      assert.ok(lines().some((l) => l.msg === 'reconciler enabled: waiting for the leader lease'));
    } finally {
      await running.stop();
    }
    assert.equal(running.controller.isActive, false);
    const released = api.getObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: 'webhook-ns',
      name: 'leader',
    });
    assert.equal((released?.spec as { holderIdentity: string }).holderIdentity, '', 'released on stop');
  });

  test('no secret value in any log line', async () => {
    const { logger, lines } = capture();
    const running = await startReconcilerIfEnabled(base, logger, {
      load: () => loadKubeConfig({ kubeconfigPath: api.kubeconfigPath }),
      linkReconciler: never,
      controller: { lease: { retryPeriodMs: 50 } },
    });
    await running?.stop();
    assert.ok(lines().every((l) => !JSON.stringify(l).includes('fake-kube-api-token')));
  });
});
