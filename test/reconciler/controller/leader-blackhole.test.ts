// One leader, even with a black-holed API server (docs/reconciler.md, "One leader at a time"): two controllers;
// after the leader acquired the Lease and started a long pass that keeps writing to Kafka, every request of its
// own to the API server hangs. It must stop writing when its renew deadline passes, before the other replica can
// take the Lease over: at no moment do both write to Kafka.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../../../src/lib/async.js';
import { silentLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import type { LinkReconciler } from '../../../src/reconciler/types.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { linkObject, seedRestClass, waitFor } from './harness.js';

const NS = 'bh';
const LEASE = {
  namespace: 'kube-system',
  name: 'bh-leader',
  leaseDurationMs: 1600,
  renewDeadlineMs: 800,
  retryPeriodMs: 50,
};

/** The fake API's kubeconfig with this replica's own token, so its requests can be told apart. */
function kubeConfigFor(api: FakeKubeApi, token: string): KubeConfig {
  const base = api.kubeConfig();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters,
    contexts: base.contexts,
    currentContext: base.getCurrentContext(),
    users: base.users.map((u) => ({ ...u, token })),
  });
  return kc;
}

describe('leader election with a black-holed API server', () => {
  let api: FakeKubeApi;
  let controllers: ClusterLinkController[];
  beforeEach(async () => {
    api = await startFakeKubeApi();
    controllers = [];
    seedRestClass(api, NS, 'dst-rest', 'http://127.0.0.1:9/unused');
  });
  afterEach(async () => {
    await Promise.all(controllers.map((c) => c.stop({ release: false })));
    await api.close();
  });

  test('the old leader stops writing to Kafka before the new one starts', async () => {
    /** Every "write to Kafka": who, and its place in the sequence. */
    const writes: string[] = [];
    // A long pass: it writes to Kafka every few ms until its signal fires (lost lease, shutdown).
    const kafkaSide =
      (identity: string): LinkReconciler =>
      async (_input, signal) => {
        while (!signal?.aborted) {
          writes.push(identity);
          await sleep(5, signal).catch(() => undefined);
        }
        throw new Error('aborted');
      };
    const start = (identity: string): ClusterLinkController => {
      const c = new ClusterLinkController({
        kubeConfig: kubeConfigFor(api, `token-${identity}`),
        linkReconciler: kafkaSide(identity),
        logger: silentLogger(),
        lease: { ...LEASE, identity },
        resyncMs: 0,
        backoff: { baseMs: 20, capMs: 100 },
      });
      controllers.push(c);
      c.start();
      return c;
    };

    const a = start('a');
    await waitFor(() => a.isActive, 'a leads');
    const b = start('b');
    api.seed(
      linkObject(NS, 'lk', { name: 'lk', destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } } }),
    );
    await waitFor(() => writes.includes('a'), 'a writes to Kafka');

    // From now on every request of a's hangs: no answer, no error (a black hole).
    api.intercept((req) => (req.headers.authorization === 'Bearer token-a' ? 'hang' : undefined));
    await waitFor(() => !a.isActive, 'a steps down at its renew deadline', 5_000);
    await waitFor(() => b.isActive, 'b takes the lease over after it expired', 5_000);
    await waitFor(() => writes.includes('b'), 'b writes to Kafka', 5_000);

    const firstB = writes.indexOf('b');
    const lastA = writes.lastIndexOf('a');
    assert.ok(lastA < firstB, `a wrote after b had started (a's last write #${lastA}, b's first #${firstB})`);
    assert.equal(b.isActive && a.isActive, false);
  });
});
