// One reconcile pass with stand-ins for Kubernetes and the Kafka side: what it asks the work queue to do next
// (docs/reconciler.md, "Resync and retries") and what a deletion without its KafkaRestClass says.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import { FINALIZER } from '../../../src/kube/resources.js';
import { silentLogger } from '../../../src/observability/log.js';
import { reconcilePass, type PassApi, type PassResult } from '../../../src/reconciler/controller/reconcile-pass.js';
import type { LinkReconciler, ReconcileOutcome } from '../../../src/reconciler/types.js';

const link = (deleting: boolean): ClusterLink => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: {
    name: 'lk',
    namespace: 'ns',
    uid: 'u-1',
    generation: 1,
    resourceVersion: '1',
    finalizers: [FINALIZER],
    ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: {
    name: 'lk',
    sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
  },
});

function fakeApi(opts: { restClass: boolean }): PassApi & { statuses: ClusterLinkStatus[]; finalizerWrites: number } {
  const api = {
    statuses: [] as ClusterLinkStatus[],
    finalizerWrites: 0,
    getSecretData: () => Promise.resolve(undefined),
    getKafkaRestClass: () =>
      Promise.resolve(opts.restClass ? { spec: { kafkaRest: { endpoint: 'http://dst:8090' } } } : undefined),
    setFinalizers: (_ns: string, _n: string, finalizers: string[]) => {
      api.finalizerWrites++;
      return Promise.resolve({ ...link(true), metadata: { ...link(true).metadata, finalizers } });
    },
    writeStatus: (_ns: string, _n: string, status: ClusterLinkStatus) => {
      api.statuses.push(status);
      return Promise.resolve({ ...link(true), status });
    },
    createKafkaTopicOnce: () => Promise.resolve({ created: true }),
    setAnnotations: () => Promise.resolve(link(true)),
  };
  return api;
}

const outcome = (extra: Partial<ReconcileOutcome>): ReconcileOutcome => ({
  status: { state: 'DELETING' },
  conditions: [{ type: 'Ready', status: 'False', reason: 'RestError', message: 'deleteLink: HTTP 500: boom' }],
  stoppedMirrors: [],
  events: [],
  writeCalls: 1,
  ...extra,
});

async function run(deleting: boolean, result: ReconcileOutcome, restClass = true): Promise<PassResult> {
  const api = fakeApi({ restClass });
  const linkReconciler: LinkReconciler = () => Promise.resolve(result);
  return reconcilePass(
    link(deleting),
    {
      api,
      recorder: { record: () => Promise.resolve() },
      linkReconciler,
      logger: silentLogger(),
      deletionRequeueMs: 2000,
    },
    new AbortController().signal,
  );
}

describe('reconcilePass: what the work queue does next', () => {
  const failure = { message: 'deleteLink: HTTP 500: boom', retryable: true };
  const cases: { name: string; deleting: boolean; outcome: ReconcileOutcome; expect: (r: PassResult) => void }[] = [
    {
      name: 'a failing deletion backs off (failure), not a fixed requeue',
      deleting: true,
      outcome: outcome({ finalized: false, failure, requeueAfterMs: 5_000 }),
      expect: (r) => {
        assert.equal(r.requeueAfterMs, undefined);
        assert.equal(r.failure?.reason, 'RestError');
      },
    },
    {
      name: 'a deletion in progress without failure comes back after the requeue delay',
      deleting: true,
      outcome: outcome({ finalized: false, requeueAfterMs: 50, conditions: [] }),
      expect: (r) => assert.deepEqual(r, { requeueAfterMs: 50 }),
    },
    {
      name: 'a finished deletion releases the finalizer',
      deleting: true,
      outcome: outcome({ finalized: true, conditions: [] }),
      expect: (r) => assert.deepEqual(r, {}),
    },
    {
      name: 'a failing pass with mirrors still stopping backs off too',
      deleting: false,
      outcome: outcome({ failure, requeueAfterMs: 5_000 }),
      expect: (r) => assert.equal(r.failure?.message, failure.message),
    },
  ];
  for (const c of cases) test(c.name, async () => c.expect(await run(c.deleting, c.outcome)));
});

describe('reconcilePass: the local KafkaRestClass is gone', () => {
  for (const deleting of [true, false]) {
    test(`${deleting ? 'while deleting' : 'while applying'}: Ready=False says what to do`, async () => {
      const api = fakeApi({ restClass: false });
      const result = await reconcilePass(
        link(deleting),
        {
          api,
          recorder: { record: () => Promise.resolve() },
          linkReconciler: () => Promise.reject(new Error('not reached')),
          logger: silentLogger(),
        },
        new AbortController().signal,
      );
      assert.equal(result.failure?.reason, 'KafkaRestClassNotFound');
      const ready = api.statuses.at(-1)?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.reason, 'KafkaRestClassNotFound');
      if (deleting) {
        assert.match(ready?.message ?? '', /re-create the KafkaRestClass/);
        assert.match(ready?.message ?? '', /skip-kafka-cleanup=true/);
      } else
        assert.match(ready?.message ?? '', /create it, or correct spec\.destinationKafkaCluster\.kafkaRestClassRef/);
      assert.equal(api.finalizerWrites, 0, 'the finalizer stays');
    });
  }
});
