// The reconciler's Kafka side against the Admin REST v3 simulator with injected latency on every answer:
//   1. create a link with N mirror topics (one POST per missing mirror, bounded concurrency);
//   2. promote all N (batched: one mirrors:promote call, then polling PENDING_STOPPED → STOPPED);
//   3. a no-op resync of L links × T topics, as the controller's default two workers would run it
//      (must make zero writing calls).
// Set-up that is not being measured (the L links of step 3) goes through a second simulator on the same
// world without latency. The OpenAPI contract check of the simulator is off: it would measure the simulator.
import { performance } from 'node:perf_hooks';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../src/clusterlink/types.js';
import { sleep } from '../src/lib/async.js';
import { createLinkReconciler } from '../src/reconciler/kafka/reconcile-link.js';
import type { ReconcileInput, ReconcileOutcome } from '../src/reconciler/types.js';
import { clusterLinkResource } from '../test/support/builders.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../test/support/rest-simulator/index.js';
import type { BenchConfig } from './config.js';
import { fmt, type SectionResult, type Table, type TargetCheck } from './report.js';

export interface ScenarioFigures {
  name: string;
  /** Reconcile passes until the outcome settled (no requeue). */
  passes: number;
  calls: number;
  writeCalls: number;
  /** Calls by `METHOD route`. */
  byRoute: Record<string, number>;
  wallMs: number;
  settled: boolean;
}

export interface ReconcilerFigures {
  latencyMs: number;
  mirrorTopics: number;
  links: number;
  topicsPerLink: number;
  workers: number;
  create: ScenarioFigures;
  promote: ScenarioFigures;
  resync: ScenarioFigures;
}

export interface ReconcilerOptions {
  config: BenchConfig;
  log: (line: string) => void;
}

const SOURCE = 'src-bench';
const DEST = 'dst-bench';
const BOOTSTRAP = 'src.bench.example:9092';
const MAX_PASSES = 50;

function topicNames(count: number, link = ''): string[] {
  return Array.from({ length: count }, (_, i) => `${link}orders-${String(i).padStart(5, '0')}`);
}

function linkObject(name: string, spec: ClusterLinkSpec, generation: number): ClusterLink {
  return clusterLinkResource(spec, { name, namespace: 'bench', uid: `0bench00-${name}`, generation });
}

/** Mirror names are cluster-wide, so each link gets its own prefix (`<link>.`). */
function linkSpec(name: string, topics: string[], state: 'ACTIVE' | 'PROMOTE'): ClusterLinkSpec {
  const prefix = `${name}.`;
  return {
    name,
    sourceKafkaCluster: { clusterID: SOURCE, bootstrapEndpoint: BOOTSTRAP },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest-rest' } },
    mirrorTopicOptions: { prefix },
    consumerGroupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }],
    mirrorTopics: topics.map((t) => ({ name: prefix + t, sourceTopicName: t, state })),
  };
}

type Reconcile = ReturnType<typeof createLinkReconciler>;

/** Passes the way the controller runs them (status feeds the next pass) until nothing is requeued. */
async function settle(
  reconcile: Reconcile,
  input: Omit<ReconcileInput, 'previousStatus'>,
  prev: { status?: ClusterLinkStatus },
): Promise<{ passes: number; last: ReconcileOutcome; settled: boolean }> {
  let passes = 0;
  let last: ReconcileOutcome | undefined;
  while (passes < MAX_PASSES) {
    passes++;
    last = await reconcile({ ...input, previousStatus: prev.status });
    prev.status = last.status;
    if (last.failure) throw new Error(`reconcile failed: ${last.failure.message}`);
    if (last.requeueAfterMs === undefined) return { passes, last, settled: true };
    await sleep(last.requeueAfterMs);
  }
  return { passes, last: last as ReconcileOutcome, settled: false };
}

async function measure(
  name: string,
  sim: RestSimulator,
  body: () => Promise<{ passes: number; settled: boolean }>,
): Promise<ScenarioFigures> {
  sim.resetCalls();
  const start = performance.now();
  const { passes, settled } = await body();
  const wallMs = performance.now() - start;
  return {
    name,
    passes,
    calls: sim.calls.length,
    writeCalls: sim.writeCalls(),
    byRoute: sim.counts(),
    wallMs,
    settled,
  };
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function runReconciler({ config, log }: ReconcilerOptions): Promise<SectionResult<ReconcilerFigures>> {
  const mirrorTopics = Math.max(10, Math.round(1000 * config.scale));
  const links = Math.max(2, Math.round(100 * config.scale));
  const topicsPerLink = 100;
  const workers = 2;
  const latencyMs = config.restLatencyMs;

  // pendingStoppedReads: a promoted mirror reads PENDING_STOPPED once before STOPPED, as on a real cluster.
  const world = new SimWorld({ pendingStoppedReads: 1 });
  world.addCluster(SOURCE, { bootstrap: BOOTSTRAP });
  for (const t of topicNames(Math.max(mirrorTopics, topicsPerLink)))
    world.addTopic(SOURCE, t, { partitions: 1, endOffset: 1000 });
  const slow = await startRestSimulator({ world, clusterId: DEST, latencyMs, contract: false });
  const fast = await startRestSimulator({ world, clusterId: DEST, contract: false });
  const reconcile = createLinkReconciler({ stopPollBudgetMs: 2_000, stopPollIntervalMs: 50, pendingRequeueMs: 100 });
  try {
    const base = { credentials: {}, deleting: false } as const;

    // 1 + 2: one link, N mirror topics created, then all promoted.
    const prev: { status?: ClusterLinkStatus } = {};
    const topics = topicNames(mirrorTopics);
    const single = { ...base, linkName: 'bench-create', local: { endpoint: slow.url } };
    const create = await measure('create', slow, () =>
      settle(
        reconcile,
        { ...single, link: linkObject('bench-create', linkSpec('bench-create', topics, 'ACTIVE'), 1) },
        prev,
      ),
    );
    log(
      `  create ${mirrorTopics} mirrors: ${create.calls} calls (${create.writeCalls} writing), ${fmt(create.wallMs)} ms`,
    );
    const promote = await measure('promote', slow, () =>
      settle(
        reconcile,
        { ...single, link: linkObject('bench-create', linkSpec('bench-create', topics, 'PROMOTE'), 2) },
        prev,
      ),
    );
    log(
      `  promote ${mirrorTopics} mirrors: ${promote.calls} calls (${promote.writeCalls} writing), ${fmt(promote.wallMs)} ms`,
    );

    // 3: L links × T topics, set up without latency, then resynced with it.
    const linkNames = Array.from({ length: links }, (_, i) => `bench-link-${String(i).padStart(3, '0')}`);
    const statuses = new Map<string, { status?: ClusterLinkStatus }>();
    const resyncTopics = topicNames(topicsPerLink);
    const input = (name: string, endpoint: string) => ({
      ...base,
      linkName: name,
      local: { endpoint },
      link: linkObject(name, linkSpec(name, resyncTopics, 'ACTIVE'), 1),
    });
    await mapLimit(linkNames, 4, async (name) => {
      const state: { status?: ClusterLinkStatus } = {};
      statuses.set(name, state);
      await settle(reconcile, input(name, fast.url), state);
    });
    const resync = await measure('resync', slow, async () => {
      let passes = 0;
      let settled = true;
      await mapLimit(linkNames, workers, async (name) => {
        const state = statuses.get(name) ?? {};
        const out = await reconcile({ ...input(name, slow.url), previousStatus: state.status });
        passes++;
        if (out.failure) throw new Error(`resync of ${name} failed: ${out.failure.message}`);
        if (out.requeueAfterMs !== undefined) settled = false;
      });
      return { passes, settled };
    });
    log(
      `  no-op resync ${links} links × ${topicsPerLink} topics: ${resync.calls} calls (${resync.writeCalls} writing), ${fmt(resync.wallMs)} ms`,
    );

    const figures: ReconcilerFigures = {
      latencyMs,
      mirrorTopics,
      links,
      topicsPerLink,
      workers,
      create,
      promote,
      resync,
    };
    return { figures, tables: [reconcilerTable(figures)], targets: reconcilerTargets(figures) };
  } finally {
    reconcile.close();
    await Promise.all([slow.close(), fast.close()]);
  }
}

function reconcilerTable(f: ReconcilerFigures): Table {
  const row = (label: string, s: ScenarioFigures): string[] => [
    label,
    String(s.passes),
    s.calls.toLocaleString('en-US'),
    s.writeCalls.toLocaleString('en-US'),
    `${fmt(s.wallMs / 1000)} s`,
  ];
  return {
    title: `Reconciler against the Admin REST v3 simulator (${f.latencyMs} ms injected latency per call)`,
    headers: ['scenario', 'passes', 'REST calls', 'writing calls', 'wall time'],
    rows: [
      row(`create ${f.mirrorTopics.toLocaleString('en-US')} mirror topics (new link)`, f.create),
      row(`promote ${f.mirrorTopics.toLocaleString('en-US')} mirror topics`, f.promote),
      row(`no-op resync, ${f.links} links × ${f.topicsPerLink} topics (${f.workers} workers)`, f.resync),
    ],
    notes: [
      `Promote calls by route: ${Object.entries(f.promote.byRoute)
        .map(([k, v]) => `${k.replace('/kafka/v3/clusters/{cluster_id}', '')} ×${v}`)
        .join(', ')}.`,
    ],
  };
}

function reconcilerTargets(f: ReconcilerFigures): TargetCheck[] {
  const promoteWrites =
    f.promote.byRoute['POST /kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:promote'] ?? 0;
  return [
    {
      name: `reconciler: promote ${f.mirrorTopics.toLocaleString('en-US')} topics`,
      target: '≤ 10 calls',
      actual: `${f.promote.calls} calls (${promoteWrites} mirrors:promote, ${f.promote.writeCalls} writing)${f.promote.settled ? '' : ', NOT settled'}`,
      met: f.promote.calls <= 10 && f.promote.settled,
    },
    {
      name: `reconciler: no-op resync ${f.links} × ${f.topicsPerLink}`,
      target: '0 writing calls',
      actual: `${f.resync.writeCalls} writing of ${f.resync.calls.toLocaleString('en-US')} calls`,
      met: f.resync.writeCalls === 0,
    },
  ];
}
