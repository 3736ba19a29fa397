// Reconciler faults (docs/reconciler.md): the Admin REST v3 simulators fail a share of all calls at random (500/50003),
// and the controller — a real child process — is SIGKILLed in the middle of reconciling, twice, and started
// again. Whatever happened in between, the end state must converge to the spec: every listed mirror in its
// state, removed topics deleted and nothing else, exactly one KafkaTopic CR per promoted topic, status caught up.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClusterLink, ClusterLinkSpec } from '../../../src/clusterlink/types.js';
import { kafkaTopicCrName } from '../../../src/reconciler/controller/kafka-topic.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from '../../support/fake-kube-api.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../../support/rest-simulator/index.js';
import { REPO_ROOT } from './child-process.js';
import { sleep, waitFor } from './load.js';

const CONTROLLER_CHILD = fileURLToPath(new URL('./controller-child.ts', import.meta.url));
const API_VERSION = 'platform.confluent.io/v1beta1';
const NS = 'kafka-dst';
const LINK = 'lk';
const UID = 'feedbeef-1111-2222-3333-444444444444';

/** Secret values the scenario uses, for the hygiene scan of the controller's logs. */
export const RECONCILER_SECRETS = {
  rest: { 'basic.txt': Buffer.from('username=rest-admin\npassword=Rest-Adm1n-Passw0rd\n') },
  sasl: { 'plain.txt': Buffer.from('username=mirror-user\npassword=Mirror-S3cret-Passw0rd\n') },
};

export interface ReconcilerFaultOptions {
  topics: number;
  failureRate: number;
  /** Controller kills (SIGKILL) at random moments while work is under way (at most 2). */
  kills: number;
  /** With one kill: during the first reconcile ('create') or during the spec edit ('edit', default). */
  killDuring?: 'create' | 'edit';
  seed: number;
  convergeTimeoutMs?: number;
}

export interface ReconcilerFaultFigures {
  topics: number;
  failureRate: number;
  kills: number;
  restCalls: number;
  injectedFailures: number;
  deleteCalls: string[];
  unexpectedDeletes: string[];
  kafkaTopicCrs: string[];
  duplicateKafkaTopicCrs: number;
  mismatches: string[];
  converged: boolean;
  seconds: number;
  /** Every log line the controller processes wrote. */
  logs: string[];
  contractViolations: string[];
}

/** Deterministic PRNG (mulberry32) so a failing run can be repeated with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const topicName = (i: number): string => `t${String(i).padStart(2, '0')}`;

interface Controller {
  child: ChildProcess;
  exited: Promise<number | null>;
}

export async function runReconcilerFaultScenario(options: ReconcilerFaultOptions): Promise<ReconcilerFaultFigures> {
  const started = Date.now();
  const random = prng(options.seed);
  const world = new SimWorld({ pendingStoppedReads: 2 });
  world.addCluster('src-1', { bootstrap: 'src.example:9092' });
  for (let i = 0; i < options.topics; i++) world.addTopic('src-1', topicName(i), { partitions: 1, endOffset: 100 + i });
  const restAuth = { username: 'rest-admin', password: 'Rest-Adm1n-Passw0rd' };
  const dest: RestSimulator = await startRestSimulator({
    world,
    clusterId: 'dst-1',
    bootstrap: 'dst.example:9092',
    auth: { basic: restAuth },
    failureRate: options.failureRate,
    random,
  });
  // A topic of the destination that no ClusterLink mentions: it must survive everything.
  world.addTopic('dst-1', 'dst-local', { partitions: 1 });
  const kube: FakeKubeApi = await startFakeKubeApi();
  kube.seed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'dst-rest-cred', namespace: NS },
    data: { 'basic.txt': RECONCILER_SECRETS.rest['basic.txt'].toString('base64') },
  });
  kube.seed({
    apiVersion: API_VERSION,
    kind: 'KafkaRestClass',
    metadata: { name: 'dst-rest', namespace: NS },
    spec: {
      kafkaRest: { endpoint: dest.url, authentication: { type: 'basic', basic: { secretRef: 'dst-rest-cred' } } },
    },
  });
  kube.seed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'src-plain', namespace: NS },
    data: { 'plain.txt': RECONCILER_SECRETS.sasl['plain.txt'].toString('base64') },
  });

  const logs: string[] = [];
  let controller: Controller | undefined;
  const startController = (): Controller => {
    const child = spawn(process.execPath, ['--import', 'tsx', CONTROLLER_CHILD], {
      cwd: REPO_ROOT,
      env: { ...process.env, HARDENING_KUBECONFIG: kube.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      logs.push(...parts.filter(Boolean));
    });
    child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  };
  const kill = async (): Promise<void> => {
    if (!controller) return;
    controller.child.kill('SIGKILL');
    await controller.exited;
    controller = undefined;
  };

  const destTopics = () => world.clusters.get('dst-1')!.topics;
  const mirrorsCreated = (): number => [...destTopics().values()].filter((t) => t.mirror !== undefined).length;
  const getLink = (): ClusterLink | undefined =>
    kube.getObject({ apiVersion: API_VERSION, kind: 'ClusterLink', namespace: NS, name: LINK });

  const spec: ClusterLinkSpec = {
    name: LINK,
    sourceKafkaCluster: {
      clusterID: 'src-1',
      bootstrapEndpoint: 'src.example:9092',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: NS } },
    mirrorTopicOptions: { prefix: 'dc1.' },
    mirrorTopics: Array.from({ length: options.topics }, (_, i) => ({
      name: `dc1.${topicName(i)}`,
      sourceTopicName: topicName(i),
      state: 'ACTIVE' as const,
    })),
  };
  // The second edit: promote two, pause one, remove the last two.
  const promoted = [0, 1].map((i) => `dc1.${topicName(i)}`);
  const paused = `dc1.${topicName(2)}`;
  const removed = [options.topics - 2, options.topics - 1].map((i) => `dc1.${topicName(i)}`);
  const finalSpec: ClusterLinkSpec = {
    ...spec,
    mirrorTopics: spec
      .mirrorTopics!.filter((m) => !removed.includes(m.name ?? ''))
      .map((m) =>
        promoted.includes(m.name ?? '')
          ? { ...m, state: 'PROMOTE' as const }
          : m.name === paused
            ? { ...m, state: 'PAUSE' as const }
            : m,
      ),
  };

  let killsDone = 0;
  const maybeKillMidway = async (progress: () => boolean): Promise<void> => {
    if (killsDone >= options.kills) return;
    await waitFor(progress, 30_000, 'progress before a kill');
    await sleep(Math.floor(random() * 150));
    await kill();
    killsDone++;
    controller = startController();
  };

  let converged = false;
  let mismatches: string[] = [];
  /** `kafkaOnly`: the Kafka side and the KafkaTopic CRs, not Ready (a resync that meets a transient 500
   *  honestly reports Ready=False until the next one). */
  const check = (kafkaOnly = false): string[] => {
    const out: string[] = [];
    const topics = destTopics();
    for (const m of finalSpec.mirrorTopics ?? []) {
      const t = topics.get(m.name ?? '');
      const want = m.state === 'PROMOTE' ? 'STOPPED' : m.state === 'PAUSE' ? 'PAUSED' : 'ACTIVE';
      if (!t?.mirror) out.push(`${m.name}: no mirror`);
      else if (t.mirror.status !== want) out.push(`${m.name}: ${t.mirror.status}, want ${want}`);
    }
    for (const r of removed) if (topics.has(r)) out.push(`${r}: still present although removed from the spec`);
    if (!topics.has('dst-local')) out.push('dst-local was deleted');
    const link = getLink();
    if (kafkaOnly) return out;
    if (link?.status?.observedGeneration !== link?.metadata?.generation)
      out.push(
        `status.observedGeneration ${link?.status?.observedGeneration} ≠ generation ${link?.metadata?.generation}`,
      );
    const readyCondition = link?.status?.conditions?.find((c) => c.type === 'Ready');
    if (readyCondition?.status !== 'True')
      out.push(`Ready ${readyCondition?.status} ${readyCondition?.reason}: ${readyCondition?.message}`);
    for (const p of promoted) {
      const name = kafkaTopicCrName(p, UID);
      if (!kube.getObject({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS, name }))
        out.push(`no KafkaTopic ${name}`);
    }
    return out;
  };

  try {
    controller = startController();
    kube.seed({
      apiVersion: API_VERSION,
      kind: 'ClusterLink',
      metadata: { name: LINK, namespace: NS, uid: UID },
      spec: spec,
    });
    // Kill #1: while the mirrors are being created (skipped when the only kill is meant for the edit).
    if (options.kills >= 2 || options.killDuring === 'create')
      await maybeKillMidway(() => mirrorsCreated() >= Math.min(3, options.topics));
    await waitFor(
      () => mirrorsCreated() >= options.topics && getLink()?.status?.observedGeneration === 1,
      90_000,
      'all mirrors created',
    );
    const current = getLink()!;
    // Whatever the dice say, the first delete of a removed topic fails once: the intent must survive it.
    dest.failNext({
      method: 'DELETE',
      pathIncludes: '/topics/',
      status: 500,
      errorCode: 50003,
      message: 'injected: first topic delete fails',
    });
    kube.seed({ ...(current as KubeObject), spec: structuredClone(finalSpec) });
    // Kill #2: while promoting/pausing/deleting.
    await maybeKillMidway(
      () =>
        [...destTopics().values()].some((t) => promoted.includes(t.name) && t.mirror?.status !== 'ACTIVE') ||
        removed.some((r) => !destTopics().has(r)),
    );
    try {
      await waitFor(
        () => {
          mismatches = check();
          return mismatches.length === 0;
        },
        options.convergeTimeoutMs ?? 90_000,
        'convergence',
      );
      converged = true;
      // More resyncs after convergence must not undo anything on the Kafka side.
      await sleep(800);
      mismatches = check(true);
      converged = mismatches.length === 0;
    } catch {
      converged = false;
    }
  } finally {
    if (controller) {
      controller.child.kill('SIGTERM');
      const timer = setTimeout(() => controller?.child.kill('SIGKILL'), 10_000);
      await controller.exited;
      clearTimeout(timer);
    }
    await kube.close();
    await dest.close();
  }

  const deleteCalls = dest.calls.filter((c) => c.method === 'DELETE').map((c) => c.path);
  const allowedDeletes = removed.map((r) => `/topics/${r}`);
  const crs = kube.listObjects({ apiVersion: API_VERSION, kind: 'KafkaTopic', namespace: NS });
  const crTopics = crs.map((c) => String((c.spec as { name?: string } | undefined)?.name ?? c.metadata?.name));
  return {
    topics: options.topics,
    failureRate: options.failureRate,
    kills: killsDone,
    restCalls: dest.calls.length,
    injectedFailures: dest.calls.filter((c) => c.status === 500).length,
    deleteCalls,
    unexpectedDeletes: deleteCalls.filter((p) => !allowedDeletes.some((a) => p.endsWith(a))),
    kafkaTopicCrs: crs.map((c) => c.metadata?.name ?? ''),
    duplicateKafkaTopicCrs: crTopics.length - new Set(crTopics).size,
    mismatches,
    converged,
    seconds: Math.round((Date.now() - started) / 1000),
    logs,
    contractViolations: dest.violations,
  };
}
