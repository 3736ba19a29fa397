// Credential rotation end to end (docs/reconciler.md#applied-configs): the controller re-reads the referenced
// Secrets every pass, the Kafka side SETs a changed secret config once, and the digests it applied are kept in the
// ClusterLink's applied-configs annotation (metadata merge patch), never the values.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import { APPLIED_CONFIGS_ANNOTATION } from '../../../src/kube/resources.js';
import { createLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../../support/rest-simulator/index.js';
import { getLink, linkObject, seedPlainSecret, seedRestClass, waitFor } from './harness.js';

const NS = 'rot';

describe('Secret rotation through the controller', () => {
  let kube: FakeKubeApi;
  let world: SimWorld;
  let dest: RestSimulator;
  let controller: ClusterLinkController;
  const reconciler = createLinkReconciler({ stopPollBudgetMs: 100, stopPollIntervalMs: 10 });
  const stored = (key: string): string | undefined => world.clusters.get('dst')?.links.get('lk')?.configs.get(key);
  const linkReads = (): number => dest.calls.filter((c) => c.method === 'GET' && /\/links\/lk$/.test(c.path)).length;

  before(async () => {
    world = new SimWorld();
    world.addCluster('src', { bootstrap: 'src:9092' });
    dest = await startRestSimulator({ world, clusterId: 'dst' });
    kube = await startFakeKubeApi();
    seedRestClass(kube, NS, 'krc', dest.url);
    seedPlainSecret(kube, NS, 'creds', 'mirror', 'first-password');
    controller = new ClusterLinkController({
      kubeConfig: kube.kubeConfig(),
      linkReconciler: reconciler,
      logger: createLogger({ level: 'silent' }),
      lease: false,
      resyncMs: 100,
      backoff: { baseMs: 30, capMs: 300 },
    });
    controller.start();
  });
  after(async () => {
    await controller.stop();
    reconciler.close();
    await Promise.all([kube.close(), dest.close()]);
  });

  const spec: ClusterLinkSpec = {
    name: 'lk',
    sourceKafkaCluster: {
      clusterID: 'src',
      bootstrapEndpoint: 'src:9092',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'creds' } },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' } },
  };

  test('password change → one SET within a resync, annotation holds digests only, then no writes', async () => {
    kube.seed(linkObject(NS, 'lk', spec, { uid: 'u-1' }));
    await waitFor(() => (stored('sasl.jaas.config') ?? '').includes('first-password'), 'link created');
    await waitFor(
      () => getLink(kube, NS, 'lk')?.metadata?.annotations?.[APPLIED_CONFIGS_ANNOTATION] !== undefined,
      'annotation',
    );
    const annotation = getLink(kube, NS, 'lk')!.metadata!.annotations![APPLIED_CONFIGS_ANNOTATION]!;
    const record = JSON.parse(annotation) as Record<string, string>;
    assert.match(record['sasl.jaas.config'] ?? '', /^[0-9a-f]{16}$/);
    assert.ok(!annotation.includes('first-password') && !annotation.includes('mirror'), 'no values in the annotation');

    seedPlainSecret(kube, NS, 'creds', 'mirror', 'second-password');
    await waitFor(() => (stored('sasl.jaas.config') ?? '').includes('second-password'), 'rotated password sent');
    await waitFor(
      () => getLink(kube, NS, 'lk')?.metadata?.annotations?.[APPLIED_CONFIGS_ANNOTATION] !== annotation,
      'annotation updated',
    );
    // Settled: three more resync passes make no writing call.
    const writes = dest.writeCalls();
    const reads = linkReads();
    await waitFor(() => linkReads() >= reads + 3, 'three more passes');
    assert.equal(dest.writeCalls(), writes);
  });
});
