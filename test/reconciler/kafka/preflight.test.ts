// Preflight (docs/reconciler.md#preflight): a validate_only=true create before the real one; a rejection is a
// Preflight=False condition and Ready=False (PreflightFailed) with the server's message and the fix, and nothing
// is created.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import { describePreflight, preflightCondition } from '../../../src/reconciler/kafka/preflight.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { SimWorld, startRestSimulator } from '../../support/rest-simulator/index.js';

test('preflight text: server answer, then the fix of a known code', () => {
  const cases: [Parameters<typeof describePreflight>[0], string][] = [
    [
      {
        ok: false,
        status: 400,
        errorCode: 40002,
        message: 'failed: UNRESOLVABLE_BOOTSTRAP_ERROR x',
        fix: 'UNRESOLVABLE_BOOTSTRAP_ERROR: fix DNS',
        transient: false,
      },
      'the server rejected the link (validate_only): HTTP 400 (error_code 40002): failed: UNRESOLVABLE_BOOTSTRAP_ERROR x — fix: UNRESOLVABLE_BOOTSTRAP_ERROR: fix DNS',
    ],
    [
      { ok: false, message: 'connect ECONNREFUSED', transient: true },
      'the server rejected the link (validate_only): no answer: connect ECONNREFUSED',
    ],
  ];
  for (const [r, want] of cases) assert.equal(describePreflight(r), want);
  assert.equal(preflightCondition({ ok: true }).status, 'True');
});

describe('against the simulator', async () => {
  const world = new SimWorld({ unresolvableBootstraps: ['nowhere.example:9092'] });
  world.addCluster('src', { bootstrap: 'src:9092' });
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  const reconcile = createLinkReconciler();
  after(async () => {
    reconcile.close();
    await sim.close();
  });
  const spec = (name: string, bootstrap: string): ClusterLinkSpec => ({
    name,
    sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: bootstrap },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
  });
  const run = (s: ClusterLinkSpec) =>
    reconcile({
      link: { metadata: { name: s.name!, namespace: 'ns', generation: 1 }, spec: s },
      linkName: s.name!,
      local: { endpoint: sim.url, clusterId: 'dst' },
      credentials: {},
      deleting: false,
    });
  const posts = () => sim.calls.filter((c) => c.method === 'POST' && c.route.endsWith('/links'));

  await test('rejected: Preflight=False and Ready=False with the fix; no link, no real create', async () => {
    sim.resetCalls();
    const out = await run(spec('bad', 'nowhere.example:9092'));
    const ready = out.conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'PreflightFailed');
    assert.match(
      ready?.message ?? '',
      /HTTP 400 \(error_code 40002\): .*UNRESOLVABLE_BOOTSTRAP_ERROR.* — fix: UNRESOLVABLE_BOOTSTRAP_ERROR: .*fix DNS/,
    );
    assert.equal(out.conditions.find((c) => c.type === 'Preflight')?.status, 'False');
    assert.equal(posts().length, 1, 'only the validate_only call');
    assert.equal(out.writeCalls, 0);
    assert.equal(world.clusters.get('dst')?.links.has('bad'), false);
    assert.equal(out.failure?.retryable, false);
  });

  await test('accepted: Preflight=True, then the real create', async () => {
    sim.resetCalls();
    const out = await run(spec('good', 'src:9092'));
    assert.equal(out.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(out.conditions.find((c) => c.type === 'Preflight')?.status, 'True');
    assert.equal(posts().length, 2);
    assert.ok(world.clusters.get('dst')?.links.has('good'));
    assert.deepEqual(sim.violations, []);
  });
});
