// Admission throughput and latency: ours (/validate, /mutate) against two baselines in the same run, a bare node:https
// server and a bare Fastify 5 HTTPS server, each measured on both reviews: parsing the same body and answering with
// the bytes our server answers it with, the uid echoed (docs/performance.md#how-it-measures). Servers run in child
// processes (one core), the load clients here (the other).
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
  endpointOf,
  serverOf,
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
  return endpointOf(target) === 'mutate'
    ? { path: '/mutate', body: bodies.mutate }
    : { path: '/validate', body: bodies.validate };
}

/**
 * Our answer to each bench review (path → answer text): what the baselines answer too (admission-server.ts
 * BENCH_ANSWERS). Throws unless /validate allows the fixture cleanly and /mutate answers with a patch.
 */
export async function ourAnswers(url: string, bodies: AdmissionBodies, ca: string): Promise<Record<string, string>> {
  const validate = await postReview(url, ca, '/validate', bodies.validate);
  const v = validate.body?.response;
  if (validate.status !== 200 || v?.allowed !== true || (v.warnings?.length ?? 0) > 0) {
    throw new Error(`/validate did not allow the fixture cleanly: ${validate.status} ${validate.text.slice(0, 400)}`);
  }
  const mutate = await postReview(url, ca, '/mutate', bodies.mutate);
  if (mutate.status !== 200 || mutate.body?.response?.allowed !== true || !mutate.body.response.patch) {
    throw new Error(`/mutate did not answer with a patch: ${mutate.status} ${mutate.text.slice(0, 400)}`);
  }
  return { '/validate': validate.text, '/mutate': mutate.text };
}

/** Every baseline must answer each review byte for byte as ours does: the difference is then the work alone. */
async function checkAnswers(
  servers: Record<Target, ServerProcess>,
  answers: Record<string, string>,
  bodies: AdmissionBodies,
  ca: string,
): Promise<void> {
  for (const t of TARGETS) {
    if (serverOf(t) === 'ours') continue;
    const { path, body } = requestFor(t, bodies);
    const r = await postReview(servers[t].url, ca, path, body);
    if (r.status !== 200 || r.text !== answers[path])
      throw new Error(`${t} baseline answers differently from ours: ${r.status} ${r.text.slice(0, 400)}`);
  }
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

/** Ours first: its answers are what the baselines are started to give. */
async function startServers(
  config: BenchConfig,
  pinned: boolean,
  bodies: AdmissionBodies,
): Promise<{ servers: Record<Target, ServerProcess>; answers: Record<string, string> }> {
  const common = {
    tls: benchTls(),
    ...(pinned ? { cpu: 1 } : {}),
    logLevel: config.logLevel,
    ...(config.cpuProfDir ? { cpuProfDir: config.cpuProfDir } : {}),
  };
  const ours = await startServer({ kind: 'ours', ...common });
  let answers: Record<string, string>;
  try {
    answers = await ourAnswers(ours.url, bodies, common.tls.caPem);
  } catch (err) {
    await ours.stop();
    throw err;
  }
  const started = await Promise.allSettled([
    startServer({ kind: 'node', ...common, answers }),
    startServer({ kind: 'fastify', ...common, answers }),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    const up = started.filter((s): s is PromiseFulfilledResult<ServerProcess> => s.status === 'fulfilled');
    await Promise.all([ours.stop(), ...up.map((s) => s.value.stop())]);
    throw failed.reason;
  }
  const [node, fastify] = started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value) as [
    ServerProcess,
    ServerProcess,
  ];
  const byServer = { node, fastify, ours };
  const servers = Object.fromEntries(TARGETS.map((t) => [t, byServer[serverOf(t)]])) as Record<Target, ServerProcess>;
  return { servers, answers };
}

/** Every server, both clients: connections, TLS sessions and the JIT settle before anything is recorded. */
async function warmUp({ servers, bodies, config }: Bench): Promise<void> {
  for (const t of TARGETS)
    for (const c of CLIENTS)
      await RUNNERS[c](servers[t].url, requestFor(t, bodies), config.connections, config.warmupS);
}

async function closedLoop(b: Bench): Promise<Record<Client, Record<Target, ClosedRun[]>>> {
  const closed = Object.fromEntries(CLIENTS.map((c) => [c, emptyRuns<ClosedRun>()])) as Record<
    Client,
    Record<Target, ClosedRun[]>
  >;
  for (let round = 0; round < b.config.rounds; round++) {
    const order = rotation(TARGETS, round);
    b.log(`  round ${round + 1}/${b.config.rounds}: ${order.join(' → ')}`);
    for (const t of order) {
      // The two clients swap places every round as well.
      for (const c of rotation(CLIENTS, round)) {
        const run = await closedRun(b.servers[t], c, requestFor(t, b.bodies), b.config, round + 1);
        closed[c][t].push(run);
        b.log(
          `    ${t.padEnd(16)} ${c.padEnd(10)} ${fmt(run.rps).padStart(6)} req/s  p99 ${fmt(run.p99Ms)} ms  ` +
            `server CPU ${fmt(run.cpuUsPerReview)} µs/review  client CPU ${Math.round(run.clientCpuShare * 100)} %`,
        );
      }
    }
  }
  return closed;
}

function emptyRuns<R>(): Record<Target, R[]> {
  return Object.fromEntries(TARGETS.map((t) => [t, []])) as unknown as Record<Target, R[]>;
}

async function openLoop(b: Bench, rate: number): Promise<Record<Target, OpenRun[]>> {
  const open = emptyRuns<OpenRun>();
  const warmupS = b.config.quick ? 0.1 : 1;
  for (let round = 0; round < b.config.rounds; round++) {
    // A server's first round warms up longer: measured, a first round at a rate the server had not served yet gave
    // a p99 several times its later rounds' (docs/performance.md#how-it-compares).
    const roundWarmupS = round === 0 ? Math.max(warmupS, b.config.fixedWarmS) : warmupS;
    for (const t of rotation(TARGETS, round)) {
      // The server's CPU from the end of the warm-up: the new connections' TLS handshakes are not a review's cost.
      let cpuAtWarm: Promise<number> | undefined;
      const r = await runOpenLoop({
        onWarm: () => {
          cpuAtWarm = b.servers[t].memory().then((m) => m.cpuUs);
        },
        url: b.servers[t].url,
        requests: [requestFor(t, b.bodies)],
        connections: b.config.connections,
        durationS: b.config.fixedS,
        rate,
        warmupS: roundWarmupS,
      });
      const cpuUs = (await b.servers[t].memory()).cpuUs - ((await cpuAtWarm) ?? 0);
      open[t].push({
        round: round + 1,
        answeredRps: r.rps,
        responses: r.responses,
        cpuUsPerReview: cpuUs / Math.max(1, r.responses),
        p50Ms: r.latencyMs.p50,
        p99Ms: r.latencyMs.p99,
        failures: r.non2xx + r.errors + r.timeouts,
      });
      b.log(
        `    open loop r${round + 1} ${t.padEnd(16)} ${rate} req/s due, ${fmt(r.rps)} answered/s  ` +
          `p50 ${fmt(r.latencyMs.p50)} ms  p99 ${fmt(r.latencyMs.p99)} ms  server CPU ${fmt(open[t].at(-1)!.cpuUsPerReview)} µs/review`,
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
  const { servers, answers } = await startServers(config, pinned, bodies);
  const bench: Bench = { servers, bodies, config, log };
  try {
    log(`  servers ready after ${since()}`);
    await checkAnswers(servers, answers, bodies, benchTls().caPem);
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
    await Promise.all([...new Set(Object.values(servers))].map((server) => server.stop()));
  }
}
