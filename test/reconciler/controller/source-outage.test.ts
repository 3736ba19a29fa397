// The disaster-recovery path end to end (docs/reconciler.md, "Deleting a ClusterLink"): the controller against the
// fake Kubernetes API and the REST simulator; the source cluster's REST API goes down after the link exists, then
// `state: FAILOVER` and `kubectl delete` must still complete: failover, KafkaTopic CRs, link deleted, finalizer gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import { silentLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import { kafkaTopicCrName } from '../../../src/reconciler/controller/kafka-topic.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../../support/rest-simulator/index.js';
import { API_VERSION, getLink, linkObject, seedRestClass, waitFor } from './harness.js';

const NS = 'dr';
const UID = '5eed1234-1111-2222-3333-444444444444';

describe('source cluster outage: failover and deletion through the controller', () => {
  let kube: FakeKubeApi;
  let world: SimWorld;
  let dest: RestSimulator;
  let src: RestSimulator;
  let controller: ClusterLinkController;
  const reconciler = createLinkReconciler({
    requestTimeoutMs: 2_000,
    stopPollBudgetMs: 200,
    stopPollIntervalMs: 10,
    pendingRequeueMs: 50,
  });

  before(async () => {
    world = new SimWorld({ pendingStoppedReads: 1 });
    world.addCluster('src-1', { bootstrap: 'src.example:9092' });
    world.addTopic('src-1', 'orders', { partitions: 2, endOffset: 500 });
    world.addTopic('src-1', 'audit', { partitions: 1, endOffset: 9 });
    dest = await startRestSimulator({ world, clusterId: 'dst-1' });
    src = await startRestSimulator({ world, clusterId: 'src-1' });
    kube = await startFakeKubeApi();
    seedRestClass(kube, NS, 'dst-rest', dest.url);
    seedRestClass(kube, NS, 'src-rest', src.url);
    controller = new ClusterLinkController({
      kubeConfig: kube.kubeConfig(),
      linkReconciler: reconciler,
      logger: silentLogger(),
      lease: false,
      resyncMs: 100,
      backoff: { baseMs: 20, capMs: 200 },
    });
    controller.start();
  });
  after(async () => {
    await controller.stop();
    reconciler.close();
    await Promise.all([kube.close(), dest.close(), src.close()]);
  });

  const spec = (orders: 'ACTIVE' | 'FAILOVER'): ClusterLinkSpec => ({
    name: 'dr-link',
    // no clusterID: the source id is learnt through src-rest, whose API goes down below
    sourceKafkaCluster: { bootstrapEndpoint: 'src.example:9092', kafkaRestClassRef: { name: 'src-rest' } },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
    mirrorTopics: [
      { name: 'orders', state: orders },
      { name: 'audit', state: 'ACTIVE' },
    ],
  });

  test('apply, source REST down, FAILOVER, kubectl delete: all complete', async () => {
    kube.seed(linkObject(NS, 'dr-link', spec('ACTIVE'), { uid: UID }));
    await waitFor(
      () => getLink(kube, NS, 'dr-link')?.status?.mirrorTopics?.['audit']?.status === 'ACTIVE',
      'mirrors ACTIVE',
    );
    await src.close();

    const current = getLink(kube, NS, 'dr-link')!;
    kube.seed({ ...(current as KubeObject), spec: spec('FAILOVER') });
    await waitFor(
      () => getLink(kube, NS, 'dr-link')?.status?.mirrorTopics?.['orders']?.status === 'STOPPED',
      'orders failed over with the source REST down',
    );
    assert.equal(dest.counts()['POST /kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:failover'], 1);
    const ready = getLink(kube, NS, 'dr-link')?.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'Reconciled', ready?.message);

    await kube.kubeConfig().makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: 'platform.confluent.io',
      version: 'v1beta1',
      plural: 'clusterlinks',
      namespace: NS,
      name: 'dr-link',
    });
    await waitFor(() => getLink(kube, NS, 'dr-link') === undefined, 'finalizer released, ClusterLink gone', 15_000);
    assert.equal(world.clusters.get('dst-1')?.links.has('dr-link'), false, 'the cluster link was deleted');
    for (const topic of ['orders', 'audit']) {
      const name = kafkaTopicCrName(topic, UID);
      const kt = kube.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS, name });
      assert.ok(kt, `KafkaTopic ${name} for the failed-over topic ${topic}`);
    }
    assert.equal(world.clusters.get('dst-1')?.topics.get('audit')?.mirror, undefined, 'audit is a regular topic');
  });
});
