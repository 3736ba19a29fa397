// The fake Kubernetes API, exercised through the real @kubernetes/client-node 1.4 so that the controller's and
// the secret checker's tests can trust it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startFakeKubeApi, mergePatch, type FakeKubeApi, type KubeObject } from './fake-kube-api.js';

const G = 'platform.confluent.io';
const V = 'v1beta1';
const CL = { group: G, version: V, plural: 'clusterlinks' };

function link(name: string, namespace = 'ns1', spec: Record<string, unknown> = { name }): KubeObject {
  return { apiVersion: `${G}/${V}`, kind: 'ClusterLink', metadata: { name, namespace }, spec };
}

async function expectStatus(
  promise: Promise<unknown>,
  code: number,
  reason?: string,
): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
    assert.equal(err.code, code);
    const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as Record<string, unknown>;
    assert.equal(body.kind, 'Status');
    assert.equal(body.code, code);
    if (reason) assert.equal(body.reason, reason);
    return body;
  }
  assert.fail(`expected HTTP ${code}`);
}

function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('fake kube API', () => {
  let api: FakeKubeApi;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  before(async () => {
    api = await startFakeKubeApi();
    kc = api.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  after(async () => {
    await api.close();
  });

  test('kubeconfig points client-node at the plain-HTTP server', () => {
    assert.equal(kc.getCurrentCluster()?.server, api.url);
    assert.equal(kc.getCurrentCluster()?.skipTLSVerify, true);
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('secrets: seed, get, 404 Status body', async () => {
    api.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', namespace: 'ns1' },
      data: { 'plain.txt': Buffer.from('username=a').toString('base64') },
    });
    const secret = await core.readNamespacedSecret({ name: 's1', namespace: 'ns1' });
    assert.equal(secret.metadata?.name, 's1');
    assert.equal(Buffer.from(secret.data?.['plain.txt'] ?? '', 'base64').toString(), 'username=a');
    assert.ok(secret.metadata?.uid);
    const body = await expectStatus(core.readNamespacedSecret({ name: 'nope', namespace: 'ns1' }), 404, 'NotFound');
    assert.equal(body.message, 'secrets "nope" not found');
    assert.deepEqual(body.details, { name: 'nope', group: '', kind: 'secrets' });
  });

  test('create assigns uid, creationTimestamp, resourceVersion, generation and drops status', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...CL,
      namespace: 'ns1',
      body: { ...link('c1'), status: { state: 'X' } },
    })) as KubeObject;
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(created.metadata?.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.status, undefined);
    assert.ok(Number(created.metadata?.resourceVersion) > 0);
    const body = await expectStatus(
      custom.createNamespacedCustomObject({ ...CL, namespace: 'ns1', body: link('c1') }),
      409,
      'AlreadyExists',
    );
    assert.equal(body.message, 'clusterlinks.platform.confluent.io "c1" already exists');
  });

  test('create rejects a namespace that differs from the URL', async () => {
    await expectStatus(
      custom.createNamespacedCustomObject({ ...CL, namespace: 'ns1', body: link('c-x', 'other') }),
      400,
      'BadRequest',
    );
  });

  test('generateName makes a name', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...CL,
      namespace: 'ns1',
      body: { apiVersion: `${G}/${V}`, kind: 'ClusterLink', metadata: { generateName: 'gen-' }, spec: {} },
    })) as KubeObject;
    assert.match(created.metadata?.name ?? '', /^gen-[0-9a-f]{5}$/);
  });

  test('PUT: spec change bumps generation, status in body is ignored, stale resourceVersion is 409', async () => {
    const c = (await custom.createNamespacedCustomObject({ ...CL, namespace: 'ns1', body: link('c2') })) as KubeObject;
    const updated = (await custom.replaceNamespacedCustomObject({
      ...CL,
      namespace: 'ns1',
      name: 'c2',
      body: { ...c, spec: { name: 'c2', configs: { a: '1' } }, status: { state: 'ignored' } },
    })) as KubeObject;
    assert.equal(updated.metadata?.generation, 2);
    assert.equal(updated.status, undefined);
    assert.notEqual(updated.metadata?.resourceVersion, c.metadata?.resourceVersion);
    const body = await expectStatus(
      custom.replaceNamespacedCustomObject({ ...CL, namespace: 'ns1', name: 'c2', body: c }),
      409,
      'Conflict',
    );
    assert.match(String(body.message), /the object has been modified/);
    // custom resources need a resourceVersion on PUT
    const { resourceVersion: _rv, ...metaWithoutRv } = updated.metadata;
    await expectStatus(
      custom.replaceNamespacedCustomObject({
        ...CL,
        namespace: 'ns1',
        name: 'c2',
        body: { ...updated, metadata: metaWithoutRv },
      }),
      422,
      'Invalid',
    );
  });

  test('metadata-only change keeps generation; a no-op update keeps the resourceVersion', async () => {
    const c = (await custom.createNamespacedCustomObject({ ...CL, namespace: 'ns1', body: link('c3') })) as KubeObject;
    const labelled = (await custom.patchNamespacedCustomObject(
      { ...CL, namespace: 'ns1', name: 'c3', body: { metadata: { labels: { a: 'b' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubeObject;
    assert.equal(labelled.metadata?.generation, c.metadata?.generation);
    assert.deepEqual(labelled.metadata?.labels, { a: 'b' });
    const again = (await custom.patchNamespacedCustomObject(
      { ...CL, namespace: 'ns1', name: 'c3', body: { metadata: { labels: { a: 'b' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubeObject;
    assert.equal(again.metadata?.resourceVersion, labelled.metadata?.resourceVersion);
  });

  test('status sub-resource: only status changes through /status', async () => {
    await custom.createNamespacedCustomObject({ ...CL, namespace: 'ns1', body: link('c4') });
    const patched = (await custom.patchNamespacedCustomObjectStatus(
      {
        ...CL,
        namespace: 'ns1',
        name: 'c4',
        body: { spec: { name: 'hacked' }, status: { state: 'CREATED', numMirrorTopics: 0 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubeObject;
    assert.deepEqual(patched.status, { state: 'CREATED', numMirrorTopics: 0 });
    assert.deepEqual(patched.spec, { name: 'c4' });
    assert.equal(patched.metadata?.generation, 1);
    const replaced = (await custom.replaceNamespacedCustomObjectStatus({
      ...CL,
      namespace: 'ns1',
      name: 'c4',
      body: { ...patched, metadata: { ...patched.metadata, labels: { x: 'y' } }, status: { state: 'FAILED' } },
    })) as KubeObject;
    assert.deepEqual(replaced.status, { state: 'FAILED' });
    assert.equal(replaced.metadata?.labels, undefined);
    // a resource without a status sub-resource has no /status path
    const noStatus = await fetch(`${api.url}/api/v1/namespaces/ns1/secrets/x/status`);
    assert.equal(noStatus.status, 404);
  });

  test("status is pruned by the chart's CRD schema, as the API server prunes unknown fields", async () => {
    await custom.createNamespacedCustomObject({ ...CL, namespace: 'ns1', body: link('prune-a') });
    const cases: { name: string; sent: Record<string, unknown>; stored: Record<string, unknown> }[] = [
      {
        name: 'known fields stay',
        sent: { state: 'CREATED', numMirrorTopics: 1 },
        stored: { state: 'CREATED', numMirrorTopics: 1 },
      },
      { name: 'an unknown top-level field goes', sent: { state: 'X', madeUp: 1 }, stored: { state: 'X' } },
      {
        name: 'map values (additionalProperties) are pruned by their schema, keys stay',
        sent: { mirrorTopics: { t: { status: 'ACTIVE', bogus: true } } },
        stored: { mirrorTopics: { t: { status: 'ACTIVE' } } },
      },
      {
        name: 'array items are pruned by their schema',
        sent: { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 3, extra: 'x' }] },
        stored: { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 3 }] },
      },
    ];
    for (const c of cases) {
      const out = (await custom.patchNamespacedCustomObjectStatus(
        { ...CL, namespace: 'ns1', name: 'prune-a', body: [{ op: 'add', path: '/status', value: c.sent }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      )) as KubeObject;
      assert.deepEqual(out.status, c.stored, c.name);
    }
    // seeding (an outside writer) is pruned the same way
    api.seed({ ...link('prune-b'), status: { state: 'S', nope: 1 } });
    const seeded = api.getObject({ apiVersion: `${G}/${V}`, kind: 'ClusterLink', namespace: 'ns1', name: 'prune-b' });
    assert.deepEqual(seeded?.status, { state: 'S' });
  });

  test('JSON patch (with test op) and strategic merge treated as merge', async () => {
    await custom.createNamespacedCustomObject({
      ...CL,
      namespace: 'ns1',
      body: link('c5', 'ns1', { name: 'c5', mirrorTopics: [{ name: 't1' }] }),
    });
    const patched = (await custom.patchNamespacedCustomObject(
      {
        ...CL,
        namespace: 'ns1',
        name: 'c5',
        body: [
          { op: 'test', path: '/spec/name', value: 'c5' },
          { op: 'add', path: '/metadata/finalizers', value: ['x/y'] },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as KubeObject;
    assert.deepEqual(patched.metadata?.finalizers, ['x/y']);
    await expectStatus(
      custom.patchNamespacedCustomObject(
        { ...CL, namespace: 'ns1', name: 'c5', body: [{ op: 'test', path: '/spec/name', value: 'other' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
      422,
    );
    const smp = (await custom.patchNamespacedCustomObject(
      { ...CL, namespace: 'ns1', name: 'c5', body: { spec: { configs: { k: 'v' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    )) as KubeObject;
    assert.deepEqual(smp.spec, { name: 'c5', mirrorTopics: [{ name: 't1' }], configs: { k: 'v' } });
    assert.equal(smp.metadata?.generation, 2);
  });

  test('merge patch follows RFC 7386', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { c: null, e: [1] } }), {
      b: { d: 3, e: [1] },
    });
    assert.deepEqual(mergePatch({ a: [1, 2] }, { a: [3] }), { a: [3] });
    assert.equal(mergePatch({ a: 1 }, 'x'), 'x');
  });

  test('delete with finalizers sets deletionTimestamp; removing the last finalizer deletes', async () => {
    await custom.createNamespacedCustomObject({
      ...CL,
      namespace: 'ns1',
      body: { ...link('c6'), metadata: { name: 'c6', finalizers: ['f/1'] } },
    });
    await custom.deleteNamespacedCustomObject({ ...CL, namespace: 'ns1', name: 'c6' });
    const deleting = api.getObject({ apiVersion: `${G}/${V}`, kind: 'ClusterLink', namespace: 'ns1', name: 'c6' });
    assert.ok(deleting?.metadata?.deletionTimestamp);
    assert.equal(deleting?.metadata?.generation, 2);
    // no new finalizers while deleting
    await expectStatus(
      custom.patchNamespacedCustomObject(
        { ...CL, namespace: 'ns1', name: 'c6', body: { metadata: { finalizers: ['f/1', 'f/2'] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
      422,
      'Invalid',
    );
    await custom.patchNamespacedCustomObject(
      { ...CL, namespace: 'ns1', name: 'c6', body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(
      api.getObject({ apiVersion: `${G}/${V}`, kind: 'ClusterLink', namespace: 'ns1', name: 'c6' }),
      undefined,
    );
    await expectStatus(custom.deleteNamespacedCustomObject({ ...CL, namespace: 'ns1', name: 'c6' }), 404, 'NotFound');
  });

  test('delete without finalizers removes at once', async () => {
    api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gone', namespace: 'ns1' } });
    await core.deleteNamespacedSecret({ name: 'gone', namespace: 'ns1' });
    assert.equal(api.getObject({ apiVersion: 'v1', kind: 'Secret', namespace: 'ns1', name: 'gone' }), undefined);
  });

  test('cluster-wide and namespaced lists, label selectors', async () => {
    api.seed({ ...link('l1', 'nsa'), metadata: { name: 'l1', namespace: 'nsa', labels: { team: 'a' } } });
    api.seed({ ...link('l2', 'nsb'), metadata: { name: 'l2', namespace: 'nsb', labels: { team: 'b' } } });
    const all = (await custom.listClusterCustomObject({ ...CL })) as {
      items: KubeObject[];
      metadata: { resourceVersion: string };
    };
    const names = all.items.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);
    assert.ok(names.includes('nsa/l1') && names.includes('nsb/l2'));
    assert.equal(all.metadata.resourceVersion, String(api.resourceVersion()));
    const nsb = (await custom.listNamespacedCustomObject({ ...CL, namespace: 'nsb' })) as { items: KubeObject[] };
    assert.deepEqual(
      nsb.items.map((o) => o.metadata?.name),
      ['l2'],
    );
    const teamA = (await custom.listClusterCustomObject({ ...CL, labelSelector: 'team=a' })) as { items: KubeObject[] };
    assert.deepEqual(
      teamA.items.map((o) => o.metadata?.name),
      ['l1'],
    );
  });

  test('unknown resource paths are 404 like the API server', async () => {
    const body = await expectStatus(
      custom.listClusterCustomObject({ group: G, version: V, plural: 'nothings' }),
      404,
      'NotFound',
    );
    assert.equal(body.message, 'the server could not find the requested resource');
  });

  test('leases through CoordinationV1Api', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    const lease = await coord.createNamespacedLease({
      namespace: 'ns1',
      body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
    });
    assert.equal(lease.spec?.holderIdentity, 'a');
    const replaced = await coord.replaceNamespacedLease({
      name: 'leader',
      namespace: 'ns1',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } },
    });
    assert.equal(replaced.spec?.holderIdentity, 'b');
    await expectStatus(
      coord.replaceNamespacedLease({ name: 'leader', namespace: 'ns1', body: lease }),
      409,
      'Conflict',
    );
  });

  test('request log and fault injection (status and hang)', async () => {
    api.clearRequests();
    const remove = api.intercept((req) =>
      req.path.endsWith('/secrets/boom')
        ? { status: 503, body: { kind: 'Status', code: 503, reason: 'ServiceUnavailable' } }
        : undefined,
    );
    await expectStatus(core.readNamespacedSecret({ name: 'boom', namespace: 'ns1' }), 503, 'ServiceUnavailable');
    remove();
    await expectStatus(core.readNamespacedSecret({ name: 'boom', namespace: 'ns1' }), 404);
    assert.deepEqual(
      api.requests.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', '/api/v1/namespaces/ns1/secrets/boom', 503],
        ['GET', '/api/v1/namespaces/ns1/secrets/boom', 404],
      ],
    );
    const removeHang = api.intercept((req) => (req.path.endsWith('/secrets/slow') ? 'hang' : undefined));
    const outcome = await Promise.race([
      core.readNamespacedSecret({ name: 'slow', namespace: 'ns1' }).then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('still hanging'), 100)),
    ]);
    assert.equal(outcome, 'still hanging');
    removeHang();
  });

  test('GET /version answers (reachability probe)', async () => {
    const res = await fetch(`${api.url}/version`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { gitVersion: string }).gitVersion, 'v1.30.0-fake');
  });
});

describe('fake kube API watches', () => {
  test('informer sees add/update/delete; watch resumes by resourceVersion; expired history relists', async () => {
    const api = await startFakeKubeApi({ watchHistoryLimit: 50 });
    const kc = api.kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const path = `/apis/${G}/${V}/clusterlinks`;
    const informer = makeInformer<KubernetesObject>(kc, path, () => custom.listClusterCustomObject({ ...CL }) as never);
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.metadata?.resourceVersion}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', (err) => errors.push(err));
    try {
      api.seed(link('w1'));
      await informer.start();
      await waitFor(() => api.activeWatchCount() === 1, 'watch to open');
      assert.deepEqual(seen, ['add w1']);

      await custom.createNamespacedCustomObject({ ...CL, namespace: 'ns2', body: link('w2', 'ns2') });
      await waitFor(() => seen.includes('add w2'), 'ADDED w2');
      await custom.patchNamespacedCustomObjectStatus(
        { ...CL, namespace: 'ns2', name: 'w2', body: { status: { state: 'CREATED' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await waitFor(() => seen.some((s) => s.startsWith('update w2')), 'MODIFIED w2');

      // the server closes the watch: the informer resumes from its resourceVersion, no relist
      const listsBefore = api.requests.filter((r) => !r.watch && r.method === 'GET' && r.path === path).length;
      api.closeWatches();
      await waitFor(
        () => api.requests.filter((r) => r.watch).length === 2 && api.activeWatchCount() === 1,
        'watch to reopen',
      );
      const resumed = api.requests.filter((r) => r.watch)[1]!;
      assert.ok(Number(resumed.query.resourceVersion) > 0);
      await custom.deleteNamespacedCustomObject({ ...CL, namespace: 'ns2', name: 'w2' });
      await waitFor(() => seen.includes('delete w2'), 'DELETED w2');
      assert.equal(api.requests.filter((r) => !r.watch && r.method === 'GET' && r.path === path).length, listsBefore);

      // history expired while disconnected: resuming gets 410 and the informer relists
      api.closeWatches();
      api.expireWatchHistory();
      await waitFor(
        () => api.requests.filter((r) => !r.watch && r.method === 'GET' && r.path === path).length === listsBefore + 1,
        'relist after 410',
      );
      await waitFor(() => api.activeWatchCount() === 1, 'watch to reopen after relist');
      api.seed(link('w3'));
      await waitFor(() => seen.includes('add w3'), 'ADDED w3 after relist');
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
      await api.close();
    }
  });

  test('a raw watch from resourceVersion replays later events only, and 410 on an expired one', async () => {
    const api = await startFakeKubeApi({ watchHistoryLimit: 3 });
    try {
      const first = api.seed(link('r1'));
      api.seed(link('r2'));
      const res = await fetch(
        `${api.url}/apis/${G}/${V}/namespaces/ns1/clusterlinks?watch=true&resourceVersion=${first.metadata?.resourceVersion}`,
      );
      const reader = res.body!.getReader();
      const { value } = await reader.read();
      const line = JSON.parse(new TextDecoder().decode(value).trim().split('\n')[0]!) as {
        type: string;
        object: KubeObject;
      };
      assert.equal(line.type, 'ADDED');
      assert.equal(line.object.metadata?.name, 'r2');
      await reader.cancel();
      for (let i = 0; i < 5; i++) api.seed(link(`x${i}`));
      const gone = await fetch(
        `${api.url}/apis/${G}/${V}/namespaces/ns1/clusterlinks?watch=true&resourceVersion=${first.metadata?.resourceVersion}`,
      );
      const text = await gone.text();
      const event = JSON.parse(text.trim()) as { type: string; object: { code: number; reason: string } };
      assert.equal(event.type, 'ERROR');
      assert.equal(event.object.code, 410);
      assert.equal(event.object.reason, 'Expired');
    } finally {
      await api.close();
    }
  });
});
