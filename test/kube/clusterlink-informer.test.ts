import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterLinkInformer, type ClusterLinkChange } from '../../src/kube/clusterlink-informer.js';
import { KubeApi } from '../../src/kube/kube-api.js';
import { startFakeKubeApi } from '../support/fake-kube-api.js';
import { linkObject, waitFor } from '../reconciler/controller/harness.js';

describe('ClusterLinkInformer', () => {
  test('sees changes in all namespaces and recovers from a failing list and watch', async () => {
    const api = await startFakeKubeApi();
    const seen: string[] = [];
    const informer = new ClusterLinkInformer({
      kubeConfig: api.kubeConfig(),
      api: new KubeApi(api.kubeConfig()),
      namespaces: [],
      onChange: (change: ClusterLinkChange, link) =>
        seen.push(`${change} ${link.metadata?.namespace}/${link.metadata?.name}`),
      restartBackoff: { baseMs: 20, capMs: 100 },
    });
    let failures = 3;
    const remove = api.intercept((req) =>
      req.path.endsWith('/clusterlinks') && failures-- > 0
        ? { status: 503, body: { kind: 'Status', code: 503, message: 'apiserver starting' } }
        : undefined,
    );
    try {
      api.seed(linkObject('a', 'one', {}));
      await informer.start();
      await waitFor(() => seen.includes('add a/one'), 'initial add after the list recovered');
      assert.ok(api.requests.filter((r) => r.status === 503).length === 3);
      api.seed(linkObject('b', 'two', {}));
      await waitFor(() => seen.includes('add b/two'), 'watch add');
      // a watch that ends is resumed; a later change still arrives
      api.closeWatches();
      api.seed(linkObject('a', 'one', { name: 'changed' }));
      await waitFor(() => seen.includes('update a/one'), 'update after the watch was resumed');
      assert.equal(informer.get('a', 'one')?.spec?.name, 'changed');
      assert.equal(informer.list().length, 2);
    } finally {
      remove();
      await informer.stop();
      await api.close();
    }
  });

  test('per-namespace informers only watch their namespaces', async () => {
    const api = await startFakeKubeApi();
    const seen: string[] = [];
    const informer = new ClusterLinkInformer({
      kubeConfig: api.kubeConfig(),
      api: new KubeApi(api.kubeConfig()),
      namespaces: ['a', 'c'],
      onChange: (change, link) => seen.push(`${change} ${link.metadata?.namespace}/${link.metadata?.name}`),
    });
    try {
      await informer.start();
      api.seed(linkObject('b', 'x', {}));
      api.seed(linkObject('c', 'y', {}));
      api.seed(linkObject('a', 'z', {}));
      await waitFor(() => seen.includes('add a/z') && seen.includes('add c/y'), 'adds in a and c');
      assert.ok(!seen.some((s) => s.includes('b/x')));
      assert.equal(informer.get('b', 'x'), undefined);
    } finally {
      await informer.stop();
      await api.close();
    }
  });

  test('re-opens its watch periodically without relisting and without missing changes', async () => {
    const api = await startFakeKubeApi();
    const seen: string[] = [];
    const informer = new ClusterLinkInformer({
      kubeConfig: api.kubeConfig(),
      api: new KubeApi(api.kubeConfig()),
      namespaces: [],
      onChange: (change, link) => seen.push(`${change} ${link.metadata?.name}`),
      rewatchMs: 30,
    });
    try {
      await informer.start();
      await waitFor(() => api.requests.filter((r) => r.watch).length >= 4, 'several watches');
      api.seed(linkObject('a', 'late', {}));
      await waitFor(() => seen.includes('add late'), 'a change after re-watching');
      assert.equal(api.requests.filter((r) => !r.watch && r.method === 'GET').length, 1, 'listed once');
      assert.ok(
        api.requests
          .filter((r) => r.watch)
          .slice(1)
          .every((r) => Number(r.query.resourceVersion) > 0),
        'resumed by resourceVersion',
      );
    } finally {
      await informer.stop();
      await api.close();
    }
  });
});
