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
    timing = { leaseDurationMs: 1000, renewDeadlineMs: 300, retryPeriodMs: 40 },
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
