// The controller against the fake Kubernetes API through the real client-node, with a scripted
// LinkReconciler standing in for the Kafka side: finalizer, inputs, status, events, KafkaTopic CRs,
// deletion (normal and skip-cleanup), failures with backoff, namespaces and leader election.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/observability/log.js';
import { ClusterLinkController, type ControllerOptions } from '../../../src/reconciler/controller/controller.js';
import type { LinkReconciler, ReconcileInput, ReconcileOutcome } from '../../../src/reconciler/types.js';
import { FINALIZER, SKIP_KAFKA_CLEANUP_ANNOTATION } from '../../../src/kube/resources.js';
import { KAFKA_TOPIC_ANNOTATIONS } from '../../../src/reconciler/controller/kafka-topic.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { API_VERSION, eventsFor, getLink, linkObject, seedPlainSecret, seedRestClass, waitFor } from './harness.js';

const NS = 'ns1';
const UID = '11111111-2222-3333-4444-555555555555';

function okOutcome(input: ReconcileInput, extra: Partial<ReconcileOutcome> = {}): ReconcileOutcome {
  return {
    status: {
      appState: 'Created',
      state: 'CREATED',
      clusterLinkName: input.linkName,
      clusterLinkID: 'link-id-1',
      numMirrorTopics: 0,
      mirrorTopics: {},
    },
    conditions: [{ type: 'Ready', status: 'True', reason: 'Created', message: 'link is active' }],
    stoppedMirrors: [],
    events: [],
    writeCalls: 0,
    ...(input.deleting ? { finalized: true } : {}),
    ...extra,
  };
}

const destinationSpec = {
  name: 'link-a',
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest-rest', namespace: NS } },
  sourceKafkaCluster: {
    bootstrapEndpoint: 'src:9092',
    clusterID: 'src-id',
    authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
  },
};

describe('ClusterLink controller (scripted Kafka side)', () => {
  let api: FakeKubeApi;
  let controllers: ClusterLinkController[];
  let calls: { input: ReconcileInput; by: string }[];
  let script: (input: ReconcileInput, n: number, signal?: AbortSignal) => Promise<ReconcileOutcome> | ReconcileOutcome;

  beforeEach(async () => {
    api = await startFakeKubeApi();
    controllers = [];
    calls = [];
    script = (input) => okOutcome(input);
    seedRestClass(api, NS, 'dest-rest', 'https://dest.example:8090', { username: 'rest-user', password: 'rest-pass' });
    seedPlainSecret(api, NS, 'src-plain', 'alice', 'alice-pw');
  });
  afterEach(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await api.close();
  });

  function start(overrides: Partial<ControllerOptions> = {}): ClusterLinkController {
    let controller: ClusterLinkController | undefined;
    const linkReconciler: LinkReconciler = async (input, signal) => {
      calls.push({ input, by: controller?.identity ?? '?' });
      return script(input, calls.length, signal);
    };
    controller = new ClusterLinkController({
      kubeConfig: api.kubeConfig(),
      linkReconciler,
      logger: silentLogger(),
      lease: false,
      resyncMs: 0,
      backoff: { baseMs: 20, capMs: 200 },
      deletionRequeueMs: 20,
      ...overrides,
    });
    controllers.push(controller);
    controller.start();
    return controller;
  }

  test('apply: finalizer, resolved inputs, status through /status, events', async () => {
    script = (input) =>
      okOutcome(input, { events: [{ type: 'Normal', reason: 'LinkCreated', message: 'cluster link link-a created' }] });
    start();
    api.seed(linkObject(NS, 'link-a', destinationSpec, { uid: UID }));
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.state === 'CREATED', 'status CREATED');

    const link = getLink(api, NS, 'link-a')!;
    assert.deepEqual(link.metadata?.finalizers, [FINALIZER]);
    assert.equal(link.status?.observedGeneration, 1);
    assert.equal(link.status?.clusterLinkID, 'link-id-1');
    const ready = link.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.match(ready?.lastTransitionTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const input = calls[0]!.input;
    assert.equal(input.linkName, 'link-a');
    assert.equal(input.deleting, false);
    assert.deepEqual(input.local, {
      endpoint: 'https://dest.example:8090',
      auth: { type: 'basic', username: 'rest-user', password: 'rest-pass' },
    });
    assert.equal(input.remote, undefined, 'the source clusterID is given: no remote REST class needed');
    assert.deepEqual(input.credentials, { source: { plain: { username: 'alice', password: 'alice-pw' } } });

    await waitFor(() => eventsFor(api, NS, 'link-a').some((e) => e.reason === 'LinkCreated'), 'LinkCreated event');
    // status goes only through the status sub-resource; the main resource is only patched for the finalizer
    const writes = api.requests.filter((r) => r.method !== 'GET' && r.path.includes('/clusterlinks/'));
    assert.ok(writes.some((r) => r.path.endsWith('/link-a/status')));
    for (const w of writes.filter((r) => !r.path.endsWith('/status'))) {
      assert.deepEqual(Object.keys((w.body as { metadata: object }).metadata).sort(), [
        'finalizers',
        'resourceVersion',
      ]);
    }
  });

  test('a resync with nothing new writes nothing to Kubernetes; a spec edit runs a pass with the new generation', async () => {
    start({ resyncMs: 40 });
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.state === 'CREATED', 'status CREATED');
    api.clearRequests();
    const before = calls.length;
    await waitFor(() => calls.length >= before + 3, 'three resync passes');
    const writes = api.requests.filter((r) => r.method !== 'GET' && !r.watch);
    assert.deepEqual(writes, [], 'no Kubernetes write on a quiet resync');

    const edited = getLink(api, NS, 'link-a')!;
    api.seed({
      ...(edited as Record<string, unknown>),
      spec: { ...destinationSpec, configs: { 'a.b': 'c' } },
    });
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.observedGeneration === 2, 'observedGeneration 2');
    assert.ok(calls.some((c) => c.input.link.spec?.configs?.['a.b'] === 'c'));
  });

  test('status-only changes do not trigger passes (no loop on our own writes)', async () => {
    start();
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.state === 'CREATED', 'status CREATED');
    // one pass for the add; our own finalizer and status writes do not trigger more
    const settled = calls.length;
    assert.equal(settled, 1);
    // an outside status edit (e.g. another tool) is not a spec change: no pass
    const link = getLink(api, NS, 'link-a')!;
    api.seed({ ...(link as Record<string, unknown>), status: { ...link.status, state: 'TOUCHED' } });
    // a later spec edit proves the watch is alive, and is the only extra pass
    api.seed({
      ...(getLink(api, NS, 'link-a') as Record<string, unknown>),
      spec: { ...destinationSpec, configs: { x: 'y' } },
    });
    await waitFor(() => calls.some((c) => c.input.link.spec?.configs?.x === 'y'), 'pass for the spec edit');
    assert.equal(calls.length, settled + 1);
  });

  test('stopped mirrors get one KafkaTopic each, never overwritten, owned by nobody', async () => {
    script = (input) =>
      okOutcome(input, {
        stoppedMirrors: [
          {
            topicName: 'dc1.Orders',
            sourceTopicName: 'Orders',
            action: 'PROMOTE',
            lastSourceFetchOffsets: [{ partition: 0, offset: 42 }],
            stateTimeMs: 1_700_000_000_000,
            partitions: 1,
            replicationFactor: 3,
          },
        ],
      });
    start({ resyncMs: 40 });
    api.seed(linkObject(NS, 'link-a', destinationSpec, { uid: UID }));
    const topicName = 'clink-dc1.orders-11111111';
    await waitFor(
      () =>
        api.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS, name: topicName }) !== undefined,
      'KafkaTopic',
    );
    const topic = api.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS, name: topicName })!;
    assert.equal((topic.spec as { name: string }).name, 'dc1.Orders');
    assert.equal(topic.metadata?.ownerReferences, undefined);
    assert.equal(
      topic.metadata?.annotations?.[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets],
      '[{"partition":0,"offset":42}]',
    );
    assert.deepEqual((topic.spec as { kafkaRestClassRef: unknown }).kafkaRestClassRef, {
      name: 'dest-rest',
      namespace: NS,
    });

    // a user edits the KafkaTopic; later passes report the mirror again: the CR is left alone
    api.seed({ ...topic, spec: { ...(topic.spec as object), configs: { 'retention.ms': '1' } } });
    const rv = api.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS, name: topicName })!.metadata
      ?.resourceVersion;
    const before = calls.length;
    await waitFor(() => calls.length >= before + 2, 'two more passes');
    assert.equal(
      api.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS, name: topicName })!.metadata
        ?.resourceVersion,
      rv,
    );
    assert.equal(eventsFor(api, NS, 'link-a').filter((e) => e.reason === 'KafkaTopicCreated').length, 1);
    assert.equal(
      api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/kafkatopics')).length,
      1,
      'no create attempt on later passes',
    );
  });

  test('topics that share a CFK name each get a KafkaTopic (a short hash tells them apart), never one missing', async () => {
    const stopped = (topicName: string) => ({ topicName, sourceTopicName: topicName, action: 'FAILOVER' as const });
    script = (input) => okOutcome(input, { stoppedMirrors: [stopped('Orders'), stopped('orders'), stopped('a_b')] });
    // a KafkaTopic the user made for another topic already holds a_b's CFK name
    api.seed({
      apiVersion: API_VERSION,
      kind: 'KafkaTopic',
      metadata: { name: 'clink-a-b-11111111', namespace: NS },
      spec: { name: 'a-b' },
    });
    start({ resyncMs: 40 });
    api.seed(linkObject(NS, 'link-a', destinationSpec, { uid: UID }));
    const byTopic = () =>
      new Map(
        api
          .listObjects({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS })
          .map((t) => [(t.spec as { name: string }).name, t.metadata?.name]),
      );
    await waitFor(() => byTopic().size === 4, 'a KafkaTopic for every stopped topic');
    const names = byTopic();
    assert.equal(names.get('a-b'), 'clink-a-b-11111111', "the user's KafkaTopic is left alone");
    const hashed = /^clink-(orders|a-b)-[0-9a-f]{6}-11111111$/;
    const cfk = [names.get('Orders'), names.get('orders')].filter((n) => n === 'clink-orders-11111111');
    assert.equal(cfk.length, 1, 'one of Orders/orders keeps the CFK name');
    for (const t of ['Orders', 'orders', 'a_b'])
      if (names.get(t) !== 'clink-orders-11111111') assert.match(names.get(t) ?? '', hashed, t);
    // later passes find them again (by topic, not by name) and create nothing
    const posts = () => api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/kafkatopics')).length;
    const before = posts();
    const passes = calls.length;
    await waitFor(() => calls.length >= passes + 2, 'two more passes');
    assert.equal(posts(), before);
    assert.equal(eventsFor(api, NS, 'link-a').filter((e) => e.reason === 'KafkaTopicNameCollision').length, 0);
  });

  test('delete: deleting passes until finalized, then the finalizer goes and so does the object', async () => {
    script = (input) =>
      input.deleting
        ? okOutcome(input, {
            finalized: calls.filter((c) => c.input.deleting).length >= 3 ? true : false,
            requeueAfterMs: 10,
          })
        : okOutcome(input);
    start();
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(() => (getLink(api, NS, 'link-a')?.metadata?.finalizers ?? []).includes(FINALIZER), 'finalizer');
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.state === 'CREATED', 'created');
    const custom = api.kubeConfig();
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    await custom.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: 'platform.confluent.io',
      version: 'v1beta1',
      plural: 'clusterlinks',
      namespace: NS,
      name: 'link-a',
    });
    await waitFor(() => getLink(api, NS, 'link-a') === undefined, 'object gone');
    assert.equal(calls.filter((c) => c.input.deleting).length, 3);
  });

  test('skip-cleanup annotation: deletion with an unreachable Kafka side completes, warned in status and events', async () => {
    script = () => {
      throw new Error('connect ECONNREFUSED dest.example:8090');
    };
    start();
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(
      () =>
        getLink(api, NS, 'link-a')?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ===
        true,
      'Ready=False',
    );
    const link = getLink(api, NS, 'link-a')!;
    api.seed({
      ...(link as Record<string, unknown>),
      metadata: { ...link.metadata, annotations: { [SKIP_KAFKA_CLEANUP_ANNOTATION]: 'true' } },
    });
    await waitFor(
      () =>
        getLink(api, NS, 'link-a')?.status?.conditions?.some(
          (c) => c.type === 'KafkaCleanup' && c.reason === 'SkipRequested',
        ) === true,
      'KafkaCleanup condition',
    );

    const current = getLink(api, NS, 'link-a')!;
    api.seed({
      ...(current as Record<string, unknown>),
      metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString() },
    });
    await waitFor(() => getLink(api, NS, 'link-a') === undefined, 'finalizer released and the object gone');
    assert.ok(eventsFor(api, NS, 'link-a').some((e) => e.type === 'Warning' && e.reason === 'KafkaCleanupSkipped'));
    assert.equal(calls.filter((c) => c.input.deleting).length, 0, 'the Kafka side is not called');
  });

  test('a deletion that keeps failing says how to skip the Kafka cleanup', async () => {
    script = (input) => {
      if (input.deleting) throw new Error('connect ECONNREFUSED dest.example:8090');
      return okOutcome(input);
    };
    start();
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.state === 'CREATED', 'created');
    const current = getLink(api, NS, 'link-a')!;
    api.seed({
      ...(current as Record<string, unknown>),
      metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString() },
    });
    await waitFor(
      () =>
        /ECONNREFUSED.*skip-kafka-cleanup=true/.test(
          getLink(api, NS, 'link-a')?.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '',
        ),
      'hint in Ready',
    );
    assert.deepEqual(getLink(api, NS, 'link-a')?.metadata?.finalizers, [FINALIZER], 'the finalizer stays');
    // following the hint on the pending deletion is enough
    const stuck = getLink(api, NS, 'link-a')!;
    api.seed({
      ...(stuck as Record<string, unknown>),
      metadata: { ...stuck.metadata, annotations: { [SKIP_KAFKA_CLEANUP_ANNOTATION]: 'true' } },
    });
    await waitFor(() => getLink(api, NS, 'link-a') === undefined, 'deleted after the annotation');
    assert.ok(eventsFor(api, NS, 'link-a').some((e) => e.reason === 'KafkaCleanupSkipped'));
  });

  test('failures: Ready=False with the message, one Warning event per distinct error, backoff, then recovery', async () => {
    let failuresLeft = 4;
    script = (input) => {
      if (failuresLeft-- > 0)
        throw Object.assign(new Error('POST /kafka/v3/clusters/x/links: 503 Service Unavailable'), {
          name: 'KafkaRestError',
        });
      return okOutcome(input);
    };
    start({ backoff: { baseMs: 30, capMs: 120 } });
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(
      () =>
        getLink(api, NS, 'link-a')?.status?.conditions?.some(
          (c) => c.type === 'Ready' && c.reason === 'KafkaRestError',
        ) === true,
      'Ready=False KafkaRestError',
    );
    const failed = getLink(api, NS, 'link-a')!.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.equal(failed.status, 'False');
    assert.match(failed.message ?? '', /503 Service Unavailable/);
    await waitFor(
      () =>
        getLink(api, NS, 'link-a')?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
      'recovered',
    );
    assert.equal(calls.length, 5);
    assert.equal(
      eventsFor(api, NS, 'link-a').filter((e) => e.type === 'Warning' && e.reason === 'KafkaRestError').length,
      1,
    );
    // the status patches during the outage: one for the first failure, then unchanged text → no write
    const statusWrites = api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/link-a/status'));
    assert.equal(statusWrites.length, 2);
  });

  test('missing KafkaRestClass: Ready=False KafkaRestClassNotFound until it appears', async () => {
    start({ backoff: { baseMs: 20, capMs: 60 } });
    api.seed(
      linkObject(NS, 'link-b', {
        ...destinationSpec,
        destinationKafkaCluster: { kafkaRestClassRef: { name: 'later' } },
      }),
    );
    await waitFor(
      () => getLink(api, NS, 'link-b')?.status?.conditions?.some((c) => c.reason === 'KafkaRestClassNotFound') === true,
      'KafkaRestClassNotFound',
    );
    assert.equal(calls.length, 0);
    assert.match(getLink(api, NS, 'link-b')!.status!.conditions![0]!.message!, /KafkaRestClass ns1\/later not found/);
    seedRestClass(api, NS, 'later', 'http://later:8090');
    await waitFor(() => getLink(api, NS, 'link-b')?.status?.state === 'CREATED', 'created after the class appeared');
    assert.deepEqual(calls.at(-1)?.input.local, { endpoint: 'http://later:8090' });
  });

  test('--watch-namespace: only the listed namespaces are reconciled', async () => {
    start({ namespaces: ['ns1'] });
    seedRestClass(api, 'ns2', 'dest-rest', 'http://x:8090');
    seedPlainSecret(api, 'ns2', 'src-plain', 'a', 'b');
    api.seed(
      linkObject('ns2', 'other', {
        ...destinationSpec,
        destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest-rest' } },
      }),
    );
    api.seed(linkObject(NS, 'mine', destinationSpec));
    await waitFor(() => getLink(api, NS, 'mine')?.status?.state === 'CREATED', 'ns1 link reconciled');
    assert.equal(getLink(api, 'ns2', 'other')?.status, undefined);
    assert.ok(calls.every((c) => c.input.link.metadata?.namespace === NS));
    assert.ok(api.requests.filter((r) => r.watch).every((r) => r.path.includes('/namespaces/ns1/')));
  });

  test('leader election: exactly one of two reconciles; killing it hands over to the other', async () => {
    const lease = {
      namespace: 'kube-system',
      name: 'clusterlink-webhook-leader',
      leaseDurationMs: 1500,
      renewDeadlineMs: 1000,
      retryPeriodMs: 100,
    };
    const a = start({ lease: { ...lease, identity: 'replica-a' } });
    const b = start({ lease: { ...lease, identity: 'replica-b' } });
    await waitFor(() => a.isActive || b.isActive, 'a leader');
    const [leader, follower] = a.isActive ? [a, b] : [b, a];
    api.seed(linkObject(NS, 'link-a', destinationSpec));
    await waitFor(() => getLink(api, NS, 'link-a')?.status?.state === 'CREATED', 'reconciled by the leader');
    assert.equal(follower.isActive, false);
    assert.ok(calls.every((c) => c.by === leader.identity));
    const leaseObj = api.getObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: 'kube-system',
      name: lease.name,
    });
    assert.equal((leaseObj?.spec as { holderIdentity: string }).holderIdentity, leader.identity);
    assert.match(
      String((leaseObj?.spec as { renewTime: string }).renewTime),
      /\.\d{6}Z$/,
      'MicroTime with six fractional digits',
    );

    await leader.stop({ release: false }); // a crash: the lease is not handed back
    await waitFor(() => follower.isActive, 'the follower takes over after the lease expires');
    api.seed(linkObject(NS, 'link-c', destinationSpec));
    await waitFor(() => getLink(api, NS, 'link-c')?.status?.state === 'CREATED', 'reconciled by the new leader');
    assert.ok(calls.filter((c) => c.input.link.metadata?.name === 'link-c').every((c) => c.by === follower.identity));
  });

  test('leader election: a graceful stop releases the lease; losing the lease stops reconciling at once', async () => {
    const lease = {
      namespace: 'kube-system',
      name: 'leader',
      leaseDurationMs: 60_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 50,
    };
    const a = start({ lease: { ...lease, identity: 'replica-a' } });
    await waitFor(() => a.isActive, 'a leads');
    const b = start({ lease: { ...lease, identity: 'replica-b' } });
    await a.stop(); // releases: b need not wait 60 s
    await waitFor(() => b.isActive, 'b leads after the release');

    // another holder takes the lease (e.g. b's renewals were blocked and the lease was taken): b steps down
    const current = api.getObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: 'kube-system',
      name: 'leader',
    })!;
    let inFlightAborted = false;
    // a pass that only ends when its signal fires
    script = (_input, _n, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          inFlightAborted = true;
          reject(new Error('aborted'));
        });
      });
    api.seed(linkObject(NS, 'slow', destinationSpec));
    await waitFor(() => calls.some((c) => c.input.link.metadata?.name === 'slow'), 'slow pass started');
    api.seed({
      ...current,
      spec: { ...(current.spec as object), holderIdentity: 'someone-else', renewTime: new Date().toISOString() },
    });
    await waitFor(() => !b.isActive, 'b steps down');
    await waitFor(() => inFlightAborted, 'the in-flight pass is aborted');
    assert.equal(inFlightAborted, true);
  });
});
