// Admission throughput and latency: ours (/validate, /mutate) against two baselines in the same run, a bare node:https
// server and a bare Fastify 5 HTTPS server, both parsing the same review and answering the same fixed allowed one
// (docs/performance.md#how-it-measures). Servers run in child processes (one core), the load clients here (the other).
//   1. Closed loop, two clients (autocannon, node:https keep-alive), `rounds` rounds; each round runs every server
//      with both clients, in an order rotated by one place per round, so slow phases of a shared machine spread over
//      all servers instead of hitting one. Medians reported; ratios refused when a baseline's rounds scatter.
//   2. Open loop at one fixed rate every server sustains (bench/compare.ts chooseRate), the same rotation.
// The statistics, tables and target lines are in admission-report.ts.
import { cpuUsage } from 'node:process';
import { postReview } from '../test/support/webhook-server.js';
import type { BenchConfig } from './config.js';
import { chooseRate, rotation } from './compare.js';
import {
  admissionTables,
  admissionTargets,
  summarise,
  CLIENTS,
  TARGETS,
  type AdmissionFigures,
  type Client,
  type ClosedRun,
  type OpenRun,
  type Target,
} from './admission-report.js';
import { admissionBodies, type AdmissionBodies } from './fixtures.js';
import { runLoad, type LoadRequest, type LoadResult } from './load.js';
import { runNodeLoad } from './node-load.js';
import { runOpenLoop } from './open-loop.js';
import { fmt, median, type SectionResult } from './report.js';
import { benchTls, canPin, startServer, type ServerProcess } from './server-process.js';

export interface AdmissionOptions {
  config: BenchConfig;
  log: (line: string) => void;
}

const MIRROR_TOPICS = 20;

function requestFor(target: Target, bodies: AdmissionBodies): LoadRequest {
  // The baselines parse the larger of the two bodies (the defaulted object /validate receives).
  return target === 'mutate' ? { path: '/mutate', body: bodies.mutate } : { path: '/validate', body: bodies.validate };
}

/** One request to each endpoint first: the benchmark must measure the real paths, not an error page. */
async function checkAnswers(servers: Record<Target, ServerProcess>, bodies: AdmissionBodies, ca: string) {
  const validate = await postReview(servers.validate.url, ca, '/validate', bodies.validate);
  const v = validate.body?.response;
  if (validate.status !== 200 || v?.allowed !== true || (v.warnings?.length ?? 0) > 0) {
    throw new Error(`/validate did not allow the fixture cleanly: ${validate.status} ${validate.text.slice(0, 400)}`);
  }
  const mutate = await postReview(servers.mutate.url, ca, '/mutate', bodies.mutate);
  if (mutate.status !== 200 || mutate.body?.response?.allowed !== true || !mutate.body.response.patch) {
    throw new Error(`/mutate did not answer with a patch: ${mutate.status} ${mutate.text.slice(0, 400)}`);
  }
  // Both floors must give the same answer, byte for byte: the difference between them is the framework alone.
  const node = await postReview(servers.node.url, ca, '/validate', bodies.validate);
  const fastify = await postReview(servers.fastify.url, ca, '/validate', bodies.validate);
  for (const [name, r] of [
    ['bare node https', node],
    ['bare Fastify', fastify],
  ] as const) {
    if (r.status !== 200 || r.body?.response?.allowed !== true || r.body.response.uid !== v.uid)
      throw new Error(`${name} baseline failed: ${r.status} ${r.text}`);
  }
  if (node.text !== fastify.text) throw new Error(`the baselines answer differently: ${node.text} vs ${fastify.text}`);
}

type ClientRunner = (url: string, request: LoadRequest, connections: number, durationS: number) => Promise<LoadResult>;

const RUNNERS: Record<Client, ClientRunner> = {
  autocannon: (url, request, connections, durationS) => runLoad({ url, requests: [request], connections, durationS }),
  'node-https': (url, request, connections, durationS) =>
    runNodeLoad({ url, requests: [request], connections, durationS }),
};

/** One closed-loop run: the client's result, the server's CPU per review, the client's own CPU share. */
async function closedRun(
  server: ServerProcess,
  client: Client,
  request: LoadRequest,
  config: BenchConfig,
  round: number,
): Promise<ClosedRun> {
  const serverBefore = (await server.memory()).cpuUs;
  const clientBefore = cpuUsage();
  const r = await RUNNERS[client](server.url, request, config.connections, config.durationS);
  const clientCpu = cpuUsage(clientBefore);
  const serverCpuUs = (await server.memory()).cpuUs - serverBefore;
  return {
    round,
    rps: r.rps,
    responses: r.responses,
    p99Ms: r.latencyMs.p99,
    cpuUsPerReview: serverCpuUs / Math.max(1, r.responses),
    clientCpuShare: (clientCpu.user + clientCpu.system) / 1e6 / Math.max(1e-9, r.durationS),
    failures: r.non2xx + r.errors + r.timeouts,
  };
}

/** The phases share these: the servers, the two bodies, the knobs and the progress log. */
interface Bench {
  servers: Record<Target, ServerProcess>;
  bodies: AdmissionBodies;
  config: BenchConfig;
  log: (line: string) => void;
}

async function startServers(config: BenchConfig, pinned: boolean): Promise<Record<Target, ServerProcess>> {
  const common = {
    tls: benchTls(),
    ...(pinned ? { cpu: 1 } : {}),
    logLevel: config.logLevel,
    ...(config.cpuProfDir ? { cpuProfDir: config.cpuProfDir } : {}),
  };
  const started = await Promise.allSettled([
    startServer({ kind: 'node', ...common }),
    startServer({ kind: 'fastify', ...common }),
    startServer({ kind: 'ours', ...common }),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    const up = started.filter((s): s is PromiseFulfilledResult<ServerProcess> => s.status === 'fulfilled');
    await Promise.all(up.map((s) => s.value.stop()));
    throw failed.reason;
  }
  const [node, fastify, ours] = started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value) as [
    ServerProcess,
    ServerProcess,
    ServerProcess,
  ];
  return { node, fastify, validate: ours, mutate: ours };
}

/** Every server, both clients: connections, TLS sessions and the JIT settle before anything is recorded. */
async function warmUp({ servers, bodies, config }: Bench): Promise<void> {
  for (const t of TARGETS)
    for (const c of CLIENTS)
      await RUNNERS[c](servers[t].url, requestFor(t, bodies), config.connections, config.warmupS);
}

async function closedLoop(b: Bench): Promise<Record<Client, Record<Target, ClosedRun[]>>> {
  const closed: Record<Client, Record<Target, ClosedRun[]>> = {
    autocannon: { node: [], fastify: [], validate: [], mutate: [] },
    'node-https': { node: [], fastify: [], validate: [], mutate: [] },
  };
  for (let round = 0; round < b.config.rounds; round++) {
    const order = rotation(TARGETS, round);
    b.log(`  round ${round + 1}/${b.config.rounds}: ${order.join(' → ')}`);
    for (const t of order) {
      // The two clients swap places every round as well.
      for (const c of rotation(CLIENTS, round)) {
        const run = await closedRun(b.servers[t], c, requestFor(t, b.bodies), b.config, round + 1);
        closed[c][t].push(run);
        b.log(
          `    ${t.padEnd(8)} ${c.padEnd(10)} ${fmt(run.rps).padStart(6)} req/s  p99 ${fmt(run.p99Ms)} ms  ` +
            `server CPU ${fmt(run.cpuUsPerReview)} µs/review  client CPU ${Math.round(run.clientCpuShare * 100)} %`,
        );
      }
    }
  }
  return closed;
}

async function openLoop(b: Bench, rate: number): Promise<Record<Target, OpenRun[]>> {
  const open: Record<Target, OpenRun[]> = { node: [], fastify: [], validate: [], mutate: [] };
  for (let round = 0; round < b.config.rounds; round++) {
    for (const t of rotation(TARGETS, round)) {
      const r = await runOpenLoop({
        url: b.servers[t].url,
        requests: [requestFor(t, b.bodies)],
        connections: b.config.connections,
        durationS: b.config.fixedS,
        rate,
        warmupS: b.config.quick ? 0.1 : 1,
      });
      open[t].push({
        round: round + 1,
        answeredRps: r.rps,
        responses: r.responses,
        p50Ms: r.latencyMs.p50,
        p99Ms: r.latencyMs.p99,
        failures: r.non2xx + r.errors + r.timeouts,
      });
      b.log(
        `    open loop r${round + 1} ${t.padEnd(8)} ${rate} req/s due, ${fmt(r.rps)} answered/s  ` +
          `p50 ${fmt(r.latencyMs.p50)} ms  p99 ${fmt(r.latencyMs.p99)} ms`,
      );
    }
  }
  return open;
}

export async function runAdmission({ config, log }: AdmissionOptions): Promise<SectionResult<AdmissionFigures>> {
  const bodies = admissionBodies(MIRROR_TOPICS);
  const pinned = config.pin && canPin();
  const startedAt = Date.now();
  const since = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
  const servers = await startServers(config, pinned);
  const bench: Bench = { servers, bodies, config, log };
  try {
    log(`  servers ready after ${since()}`);
    await checkAnswers(servers, bodies, benchTls().caPem);
    await warmUp(bench);
    log(`  warmed up after ${since()}`);
    const closed = await closedLoop(bench);
    // The rate every server sustains: judged on the slower client's figures, the conservative choice.
    const throughputs = TARGETS.flatMap((t) => CLIENTS.map((c) => median(closed[c][t].map((r) => r.rps))));
    const choice = chooseRate({
      throughputs,
      ...(config.fixedRate !== undefined ? { override: config.fixedRate } : {}),
    });
    log(`  closed loop done after ${since()}; fixed rate: ${choice.reason}`);
    const open = await openLoop(bench, choice.rate);
    log(`  open loop done after ${since()}`);
    const figures = summarise({
      closed,
      open,
      choice,
      settings: {
        connections: config.connections,
        runDurationS: config.durationS,
        fixedS: config.fixedS,
        rounds: config.rounds,
        maxScatter: config.maxScatter,
        pinned,
        mirrorTopics: MIRROR_TOPICS,
        bodyBytes: { mutate: Buffer.byteLength(bodies.mutate), validate: Buffer.byteLength(bodies.validate) },
      },
    });
    for (const refusal of figures.refusals) log(`  REFUSED: ${refusal}`);
    return { figures, tables: admissionTables(figures), targets: admissionTargets(figures) };
  } finally {
    await Promise.all([servers.node.stop(), servers.fastify.stop(), servers.validate.stop()]);
  }
}
