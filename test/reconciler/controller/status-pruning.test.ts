// Status the API server keeps (docs/reconciler.md, "Status"): the fake Kubernetes API prunes status by the chart's
// CRD schema, as the API server does. Every field the reconciler writes must survive that (else each resync
// would rewrite the status), and with a CRD that prunes some of them (CFK's own, without our additions) a quiet
// resync must still make no status write.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import { silentLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../../support/rest-simulator/index.js';
import { chartSchemas, prune, type Schema } from '../../support/structural-prune.js';
import { getLink, linkObject, seedRestClass, waitFor } from './harness.js';

const NS = 'st';
const KIND = 'platform.confluent.io/v1beta1 ClusterLink';

/** The chart's ClusterLink schema without the status fields CFK's schema lacks (what a CFK cluster prunes). */
function cfkLikeSchemas(): Map<string, Schema> {
  const schemas = chartSchemas();
  const status = structuredClone(schemas.get(KIND)!.properties!['status']!);
  delete status.properties!['mirrorTopicSnapshots'];
  delete status.properties!['conditions']!.items!.properties!['observedGeneration'];
  delete (status.properties!['mirrorTopics']!.additionalProperties as Schema).properties!['lastSourceFetchOffset'];
  const root = structuredClone(schemas.get(KIND)!);
  root.properties!['status'] = status;
  schemas.set(KIND, root);
  return schemas;
}

const spec = (orders: 'ACTIVE' | 'FAILOVER'): ClusterLinkSpec => ({
  name: 'st-link',
  sourceKafkaCluster: { clusterID: 'src-1', bootstrapEndpoint: 'src.example:9092' },
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
  mirrorTopics: [
    { name: 'orders', state: orders },
    { name: 'audit', state: 'ACTIVE' },
  ],
});

describe('status pruned by the CRD schema', () => {
  const reconciler = createLinkReconciler({ stopPollBudgetMs: 200, stopPollIntervalMs: 10, pendingRequeueMs: 30 });
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    reconciler.close();
  });

  async function settled(
    schemas?: Map<string, Schema>,
  ): Promise<{ kube: FakeKubeApi; controller: ClusterLinkController }> {
    const world = new SimWorld({ pendingStoppedReads: 1 });
    world.addCluster('src-1', { bootstrap: 'src.example:9092' });
    world.addTopic('src-1', 'orders', { partitions: 2, endOffset: 50 });
    world.addTopic('src-1', 'audit', { partitions: 1, endOffset: 5 });
    const dest: RestSimulator = await startRestSimulator({ world, clusterId: 'dst-1' });
    const kube = await startFakeKubeApi(schemas ? { schemas } : {});
    seedRestClass(kube, NS, 'dst-rest', dest.url);
    const controller = new ClusterLinkController({
      kubeConfig: kube.kubeConfig(),
      linkReconciler: reconciler,
      logger: silentLogger(),
      lease: false,
      resyncMs: 40,
      backoff: { baseMs: 20, capMs: 100 },
    });
    cleanups.push(async () => {
      await controller.stop();
      await Promise.all([kube.close(), dest.close()]);
    });
    controller.start();
    kube.seed(linkObject(NS, 'st-link', spec('ACTIVE'), { uid: '0badcafe-0000-0000-0000-000000000000' }));
    await waitFor(() => getLink(kube, NS, 'st-link')?.status?.mirrorTopics?.['orders']?.status === 'ACTIVE', 'ACTIVE');
    // FAILOVER of a live mirror: its offsets are snapshotted first
    kube.seed({ ...(getLink(kube, NS, 'st-link') as KubeObject), spec: spec('FAILOVER') });
    await waitFor(() => {
      const s = getLink(kube, NS, 'st-link')?.status;
      return (
        s?.mirrorTopics?.['orders']?.status === 'STOPPED' &&
        s.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
      );
    }, 'orders failed over and Ready');
    return { kube, controller };
  }

  async function quietResyncs(kube: FakeKubeApi, controller: ClusterLinkController): Promise<string[]> {
    // Two more passes first: the one that wrote the settled status may still be finishing, and where the CRD
    // prunes the offset snapshots the pass after the failover writes the status once more without them.
    const start = controller.passes;
    await waitFor(() => controller.passes >= start + 2, 'two more passes');
    kube.clearRequests();
    const before = controller.passes;
    await waitFor(() => controller.passes >= before + 4, 'four resync passes');
    return kube.requests.filter((r) => r.method !== 'GET' && !r.watch).map((r) => `${r.method} ${r.path}`);
  }

  test("the chart's schema keeps every status field written; a quiet resync writes nothing", async () => {
    const { kube, controller } = await settled();
    const status = getLink(kube, NS, 'st-link')!.status!;
    const schema = chartSchemas().get(KIND)!.properties!['status'];
    assert.deepEqual(prune(status, schema), status);
    assert.equal(typeof status.conditions?.[0]?.observedGeneration, 'number', 'conditions[].observedGeneration kept');
    assert.ok(status['mirrorTopicSnapshots'], 'offset snapshots kept');
    assert.deepEqual(await quietResyncs(kube, controller), []);
  });

  test("a CRD that prunes our additions (CFK's schema): still no status write on a quiet resync", async () => {
    const { kube, controller } = await settled(cfkLikeSchemas());
    const status = getLink(kube, NS, 'st-link')!.status!;
    assert.equal(status['mirrorTopicSnapshots'], undefined, 'pruned by this schema');
    assert.deepEqual(await quietResyncs(kube, controller), []);
  });
});
