import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApi } from '../../src/kube/kube-api.js';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { waitFor } from '../reconciler/controller/harness.js';

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'ns', name: 'leader' };

describe('LeaderElector', () => {
  let api: FakeKubeApi;
  let electors: LeaderElector[];
  beforeEach(async () => {
    api = await startFakeKubeApi();
    electors = [];
  });
  afterEach(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    await api.close();
  });

  function elector(
    identity: string,
    log: string[],
    // Generous for a loaded machine: a renewal counts from when it was sent, so slow answers eat the deadline.
    timing = { leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 40 },
  ): LeaderElector {
    const e = new LeaderElector({
      store: new KubeApi(api.kubeConfig()),
      namespace: 'ns',
      name: 'leader',
      identity,
      ...timing,
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: () => log.push(`${identity} stopped`),
    });
    electors.push(e);
    e.start();
    return e;
  }

  test('creates the Lease and renews it', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    await waitFor(() => a.isLeader, 'leader');
    const first = api.getObject(LEASE)!;
    assert.equal((first.spec as { holderIdentity: string }).holderIdentity, 'a');
    assert.equal((first.spec as { leaseTransitions: number }).leaseTransitions, 0);
    await waitFor(
      () => api.getObject(LEASE)?.metadata?.resourceVersion !== first.metadata?.resourceVersion,
      'a renewal',
    );
    assert.deepEqual(log, ['a started']);
  });

  test('a holder that cannot renew steps down after the renew deadline', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    await waitFor(() => a.isLeader, 'leader');
    const remove = api.intercept((req) =>
      req.path.includes('/leases/')
        ? { status: 500, body: { kind: 'Status', code: 500, message: 'etcd down' } }
        : undefined,
    );
    await waitFor(() => !a.isLeader, 'stepped down');
    assert.deepEqual(log, ['a started', 'a stopped']);
    remove();
    await waitFor(() => a.isLeader, 'leads again once the API answers (its own lease)');
  });

  test('a takeover increments leaseTransitions; the old holder sees it and steps down at once', async () => {
    const log: string[] = [];
    const a = elector('a', log, { leaseDurationMs: 60_000, renewDeadlineMs: 30_000, retryPeriodMs: 40 });
    await waitFor(() => a.isLeader, 'leader');
    const lease = api.getObject(LEASE)!;
    api.seed({ ...lease, spec: { ...(lease.spec as object), holderIdentity: 'intruder', leaseTransitions: 1 } });
    await waitFor(() => !a.isLeader, 'a steps down without waiting for the renew deadline');
    assert.deepEqual(log, ['a started', 'a stopped']);
  });

  test('a follower waits for the lease to expire by its own clock, then takes over', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    await waitFor(() => a.isLeader, 'a leads');
    const b = elector('b', log);
    await a.stop({ release: false });
    await waitFor(() => b.isLeader, 'b takes over after expiry');
    const lease = api.getObject(LEASE)!;
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'b');
    assert.equal((lease.spec as { leaseTransitions: number }).leaseTransitions, 1);
    assert.deepEqual(log, ['a started', 'a stopped', 'b started']);
  });
});

describe('LeaderElector timing rules and bounded calls', () => {
  const store = {
    getLease: () => Promise.resolve(undefined),
    createLease: () => Promise.reject(new Error('unused')),
    replaceLease: () => Promise.reject(new Error('unused')),
  };
  const base = {
    store,
    namespace: 'ns',
    name: 'l',
    identity: 'x',
    onStartedLeading: () => {},
    onStoppedLeading: () => {},
  };
  const cases: [
    string,
    { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number },
    RegExp | undefined,
  ][] = [
    ['client-go defaults', { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, undefined],
    [
      'lease duration equal to the renew deadline',
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      /greater than the renew deadline/,
    ],
    [
      'renew deadline not above the retry period',
      { leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 },
      /greater than the retry period/,
    ],
  ];
  for (const [name, timing, error] of cases)
    test(name, () => {
      if (error) assert.throws(() => new LeaderElector({ ...base, ...timing }), error);
      else assert.doesNotThrow(() => new LeaderElector({ ...base, ...timing }));
    });

  test('a Lease call that never answers ends at the renew deadline and the holder steps down', async () => {
    const api = await startFakeKubeApi();
    const log: string[] = [];
    const e = new LeaderElector({
      ...base,
      store: new KubeApi(api.kubeConfig()),
      leaseDurationMs: 2_000,
      renewDeadlineMs: 1_000,
      retryPeriodMs: 40,
      onStartedLeading: () => log.push('started'),
      onStoppedLeading: () => log.push('stopped'),
    });
    try {
      e.start();
      await waitFor(() => e.isLeader, 'leader');
      api.intercept((req) => (req.path.includes('/leases') ? 'hang' : undefined));
      await waitFor(() => !e.isLeader && log.includes('stopped'), 'stepped down while its renewal hangs');
      assert.deepEqual(log, ['started', 'stopped']);
    } finally {
      await e.stop({ release: false });
      await api.close();
    }
  });

  test('every KubeApi call has a timeout: a hung request fails instead of waiting forever', async () => {
    const api = await startFakeKubeApi();
    try {
      api.intercept(() => 'hang');
      const kube = new KubeApi(api.kubeConfig(), { timeoutMs: 100 });
      await assert.rejects(kube.getClusterLink('ns', 'x'));
      await assert.rejects(kube.getLease('ns', 'l'));
    } finally {
      await api.close();
    }
  });
});
