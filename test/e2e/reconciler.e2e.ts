// The reconciler against a real kube-apiserver and the Admin REST v3 simulator: two `serve` replicas with
// the chart's ServiceAccount and RBAC share one Lease; the leader's informer sees a ClusterLink applied
// with kubectl, creates the link, adds its finalizer, writes status through the status sub-resource (which
// the real CRD schema prunes), records Events, hands promoted topics over as KafkaTopic CRs, makes no
// write at all on a quiet resync, and cleans up on delete; the other replica takes over on SIGTERM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld, startRestSimulator, type RestSimulator } from '../support/rest-simulator/index.js';
import { flushAudit, isWrite, readAudit, resourceOf } from './support/audit.js';
import { e2eSkip, startCluster, type Cluster } from './support/cluster.js';
import { installWithLocalWebhook, type Installed } from './support/install.js';
import { toYaml, type Obj } from './support/objects.js';
import { waitFor } from './support/wait.js';
import { freePort, type WebhookProcess } from './support/webhook.js';

const skip = e2eSkip();
const NS = 'kafka-dst';
/** serve's resync period (src/reconciler/controller/controller.ts): the quiet-resync test waits for one. */
const RESYNC_MS = 60_000;

type Link = {
  metadata: { finalizers?: string[]; generation?: number; uid?: string };
  status?: Obj & {
    mirrorTopics?: Record<string, { status?: string }>;
    conditions?: Array<{ type: string; status: string; reason?: string }>;
  };
};

function clusterLink(name: string, mirrorTopics: Obj[]): Obj {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name, namespace: NS },
    spec: {
      sourceKafkaCluster: {
        clusterID: 'src-1',
        bootstrapEndpoint: 'src.example:9092',
        authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
      },
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
      mirrorTopics,
    },
  };
}

/** Paths present in what was sent and absent from what the API server stored (null means "remove"). */
function prunedPaths(sent: unknown, stored: unknown, path: string): string[] {
  if (Array.isArray(sent))
    return sent.flatMap((item, i) => prunedPaths(item, Array.isArray(stored) ? stored[i] : undefined, `${path}[${i}]`));
  if (typeof sent !== 'object' || sent === null) return [];
  const kept = typeof stored === 'object' && stored !== null ? (stored as Obj) : {};
  return Object.entries(sent as Obj).flatMap(([k, v]) =>
    v === null ? [] : k in kept ? prunedPaths(v, kept[k], `${path}.${k}`) : [`${path}.${k}`],
  );
}

/** The status a write sent: a merge patch / object ({status}) or a JSON patch replacing /status. */
function sentStatus(request: unknown): Obj | undefined {
  if (Array.isArray(request)) {
    const op = (request as Array<{ op: string; path: string; value?: unknown }>).find(
      (o) => o.path === '/status' && (o.op === 'add' || o.op === 'replace'),
    );
    return op?.value as Obj | undefined;
  }
  return (request as { status?: Obj } | undefined)?.status;
}

function secret(name: string, key: string, text: string): Obj {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, stringData: { [key]: text } };
}

describe('the reconciler on a real API server', { skip }, () => {
  let cluster: Cluster;
  let installed: Installed;
  let world: SimWorld;
  let dest: RestSimulator;
  const replicas: WebhookProcess[] = [];
  let webhook: WebhookProcess;
  let serviceAccount: string;

  const getLink = async (name: string): Promise<Link | undefined> => {
    const run = await cluster.kubectl(['get', 'clusterlink', name, '-n', NS, '-o', 'json']);
    return run.status === 0 ? (JSON.parse(run.stdout) as Link) : undefined;
  };
  const holder = async (): Promise<string> =>
    (
      await cluster.kubectl([
        'get',
        'lease',
        installed.fullname,
        '-n',
        installed.namespace,
        '-o',
        'jsonpath={.spec.holderIdentity}',
      ])
    ).stdout;
  const leaderOf = (identity: string): WebhookProcess | undefined =>
    replicas.find(
      (r) => r.running() && r.lines.some((l) => l['msg'] === 'acquired the leader lease' && l['identity'] === identity),
    );
  const mirrorsActive = (names: string[]) => async () => {
    const link = await getLink('lk');
    return names.every((n) => link?.status?.mirrorTopics?.[n]?.status === 'ACTIVE') ? link : undefined;
  };

  before(async () => {
    cluster = await startCluster();
    world = new SimWorld();
    world.addCluster('src-1', { bootstrap: 'src.example:9092' });
    world.addTopic('src-1', 'orders', { partitions: 2, endOffset: 500 });
    world.addTopic('src-1', 'payments', { partitions: 1, endOffset: 7 });
    dest = await startRestSimulator({
      world,
      clusterId: 'dst-1',
      bootstrap: 'dst.example:9092',
      auth: { basic: { username: 'rest', password: 'rest-pw' } },
    });
    installed = await installWithLocalWebhook(cluster);
    serviceAccount = `system:serviceaccount:${installed.namespace}:${installed.fullname}`;
    await cluster.kubectlOk(['create', 'namespace', NS]);
    await cluster.kubectlOk(['apply', '-f', '-'], {
      input: toYaml(
        secret('dst-rest-cred', 'basic.txt', 'username=rest\npassword=rest-pw\n'),
        secret('src-plain', 'plain.txt', 'username=mirror-user\npassword=mirror-pw\n'),
        {
          apiVersion: 'platform.confluent.io/v1beta1',
          kind: 'KafkaRestClass',
          metadata: { name: 'dst-rest', namespace: NS },
          spec: {
            kafkaRest: { endpoint: dest.url, authentication: { type: 'basic', basic: { secretRef: 'dst-rest-cred' } } },
          },
        },
      ),
    });
    // Admission on the chart's URL port from its own process, so stopping a reconciler replica never
    // takes the webhooks down; the two replicas serve webhooks on ports nobody calls.
    webhook = await installed.startWebhook();
    const args = ['--reconciler', 'true', '--lease-name', installed.fullname, '--lease-namespace', installed.namespace];
    replicas.push(await installed.startWebhook(args, {}, await freePort()));
    replicas.push(await installed.startWebhook(args, {}, await freePort()));
  });
  after(async () => {
    await Promise.all([...replicas, webhook].filter(Boolean).map((r) => r.stop()));
    await dest?.close();
    await cluster?.stop();
  });

  test('two replicas, one Lease: exactly one leads', async () => {
    const identity = await waitFor('a Lease holder', async () => (await holder()) || undefined);
    await waitFor('the leader to log its lease', () => leaderOf(identity));
    const leaders = replicas.filter((r) => r.lines.some((l) => l['msg'] === 'acquired the leader lease'));
    assert.equal(leaders.length, 1, 'one replica holds the lease, the other waits');
  });

  test('kubectl apply: the link and its mirrors on Kafka, finalizer, status, Ready, Events', async () => {
    const run = await cluster.kubectlOk(['apply', '-f', '-'], {
      input: toYaml(
        clusterLink('lk', [
          { name: 'orders', state: 'ACTIVE' },
          { name: 'payments', state: 'ACTIVE' },
        ]),
      ),
    });
    assert.equal(run.stderr, '', 'no warnings: the Secrets and the KafkaRestClass exist');
    const link = await waitFor('two ACTIVE mirrors in status', mirrorsActive(['orders', 'payments']));
    const onKafka = world.clusters.get('dst-1')?.links.get('lk');
    assert.equal(onKafka?.remoteClusterId, 'src-1');
    assert.match(onKafka?.configs.get('sasl.jaas.config') ?? '', /username="mirror-user"/);
    assert.equal(link.metadata.finalizers?.length, 1, `one finalizer: ${link.metadata.finalizers?.join(', ')}`);
    assert.equal(link.status?.['observedGeneration'], link.metadata.generation);
    assert.equal(link.status?.['clusterLinkID'], onKafka?.id);
    const ready = link.status?.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason], ['True', 'Reconciled']);
    const events = await waitFor('MirrorTopicCreated events', async () => {
      const list = JSON.parse((await cluster.kubectlOk(['get', 'events', '-n', NS, '-o', 'json'])).stdout) as {
        items: Array<{ reason: string; involvedObject: { name: string; kind: string } }>;
      };
      const mine = list.items.filter((e) => e.involvedObject.name === 'lk' && e.involvedObject.kind === 'ClusterLink');
      return mine.filter((e) => e.reason === 'MirrorTopicCreated').length === 2 ? mine : undefined;
    });
    assert.equal(events.filter((e) => e.reason === 'LinkCreated').length, 1);
  });

  // Found by this suite: the reconciler wrote status fields the schema pruned (conditions[].observedGeneration),
  // so every resync patched status again. The chart's CRD now has every field it writes (docs/reconciler.md#status).
  test('status goes through the status sub-resource and the real schema keeps every field the reconciler wrote', async () => {
    await flushAudit(cluster);
    const writes = readAudit(cluster).filter(
      (e) => e.user.username === serviceAccount && isWrite(e) && e.objectRef?.resource === 'clusterlinks',
    );
    const statusWrites = writes.filter((e) => e.objectRef?.subresource === 'status');
    assert.ok(statusWrites.length >= 1, 'status was written');
    for (const w of writes.filter((e) => e.objectRef?.subresource === undefined)) {
      assert.equal(w.verb, 'patch', 'the main resource is only patched (finalizer)');
    }
    const sent = sentStatus(statusWrites.at(-1)?.requestObject);
    assert.ok(sent, 'the status write carries a status');
    const stored = (await getLink('lk'))?.status ?? {};
    assert.deepEqual(prunedPaths(sent, stored, 'status'), [], 'fields the reconciler sends that the CRD schema drops');
  });

  test('a quiet resync makes zero writes to Kubernetes and to Kafka', { timeout: RESYNC_MS * 3 }, async () => {
    const start = await flushAudit(cluster);
    dest.resetCalls();
    // Wait past one resync period, until the resync has read the link from Kafka.
    const resyncStart = Date.now();
    await waitFor(
      'a resync that reads the link',
      () => Date.now() - resyncStart > RESYNC_MS && dest.calls.length > 0,
      RESYNC_MS * 2,
      500,
    );
    const end = await flushAudit(cluster);
    const writes = readAudit(cluster)
      .slice(start, end)
      .filter((e) => e.user.username === serviceAccount && isWrite(e) && e.objectRef?.resource !== 'leases');
    const bodies = writes.map((e) => JSON.stringify(e.requestObject ?? null)).join('\n');
    assert.deepEqual(
      writes.map((e) => `${e.verb} ${resourceOf(e)} ${e.objectRef?.name ?? ''}`),
      [],
      `Kubernetes writes (Lease renewals aside):\n${bodies}\nstored: ${JSON.stringify((await getLink('lk'))?.status)}`,
    );
    assert.equal(dest.writeCalls(), 0, 'Kafka writes');
  });

  test('PROMOTE: the topic is handed over as a KafkaTopic CR', async () => {
    await cluster.kubectlOk(['apply', '-f', '-'], {
      input: toYaml(
        clusterLink('lk', [
          { name: 'orders', state: 'PROMOTE' },
          { name: 'payments', state: 'ACTIVE' },
        ]),
      ),
    });
    const uid = (await getLink('lk'))?.metadata.uid ?? '';
    const name = `clink-orders-${uid.split('-')[0]}`;
    const topic = await waitFor('the KafkaTopic CR', async () => {
      const run = await cluster.kubectl(['get', 'kafkatopic', name, '-n', NS, '-o', 'json']);
      return run.status === 0
        ? (JSON.parse(run.stdout) as { spec: { name: string }; metadata: { annotations: Record<string, string> } })
        : undefined;
    });
    assert.equal(topic.spec.name, 'orders');
    assert.equal(topic.metadata.annotations['clusterlink-webhook.io/mirror-action'], 'PROMOTE');
    await waitFor(
      'orders STOPPED in status',
      async () => (await getLink('lk'))?.status?.mirrorTopics?.['orders']?.status === 'STOPPED',
    );
  });

  test('SIGTERM on the leader: the other replica takes the Lease and reconciles', async () => {
    const first = await holder();
    const leader = leaderOf(first);
    assert.ok(leader, 'the leader replica');
    assert.equal(await leader.stop('SIGTERM'), 0);
    const next = await waitFor('a new Lease holder', async () => {
      const h = await holder();
      return h && h !== first ? h : undefined;
    });
    await waitFor('the other replica to log the lease', () => leaderOf(next));
    await cluster.kubectlOk(['apply', '-f', '-'], {
      input: toYaml(clusterLink('lk2', [{ name: 'payments', state: 'ACTIVE' }])),
    });
    await waitFor('lk2 on Kafka', () => world.clusters.get('dst-1')?.links.has('lk2'));
  });

  test('delete: the Kafka link goes, then the finalizer, then the ClusterLink', async () => {
    await cluster.kubectlOk(['delete', 'clusterlink', 'lk2', '-n', NS, '--wait=false']);
    await waitFor('lk2 gone', async () => (await getLink('lk2')) === undefined);
    assert.equal(world.clusters.get('dst-1')?.links.has('lk2'), false);
    assert.deepEqual(dest.violations, [], 'every REST call matched the Admin REST v3 contract');
  });
});
