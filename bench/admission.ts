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

export async function runAdmission({ config, log }: AdmissionOptions): Promise<SectionResult<AdmissionFigures>> {
  const bodies = admissionBodies(MIRROR_TOPICS);
  const tls = benchTls();
  const pinned = config.pin && canPin();
  const common = {
    tls,
    ...(pinned ? { cpu: 1 } : {}),
    logLevel: config.logLevel,
    ...(config.cpuProfDir ? { cpuProfDir: config.cpuProfDir } : {}),
  };
  const startedAt = Date.now();
  const since = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
  const [node, fastify, ours] = await Promise.all([
    startServer({ kind: 'node', ...common }),
    startServer({ kind: 'fastify', ...common }),
    startServer({ kind: 'ours', ...common }),
  ]);
  const servers: Record<Target, ServerProcess> = { node, fastify, validate: ours, mutate: ours };
  try {
    log(`  servers ready after ${since()}`);
    await checkAnswers(servers, bodies, tls.caPem);
    for (const t of TARGETS)
      for (const c of CLIENTS)
        await RUNNERS[c](servers[t].url, requestFor(t, bodies), config.connections, config.warmupS);

    log(`  warmed up after ${since()}`);
    const closed: Record<Client, Record<Target, ClosedRun[]>> = {
      autocannon: { node: [], fastify: [], validate: [], mutate: [] },
      'node-https': { node: [], fastify: [], validate: [], mutate: [] },
    };
    for (let round = 0; round < config.rounds; round++) {
      const order = rotation(TARGETS, round);
      log(`  round ${round + 1}/${config.rounds}: ${order.join(' → ')}`);
      for (const t of order) {
        // The two clients swap places every round as well.
        for (const c of rotation(CLIENTS, round)) {
          const run = await closedRun(servers[t], c, requestFor(t, bodies), config, round + 1);
          closed[c][t].push(run);
          log(
            `    ${t.padEnd(8)} ${c.padEnd(10)} ${fmt(run.rps).padStart(6)} req/s  p99 ${fmt(run.p99Ms)} ms  ` +
              `server CPU ${fmt(run.cpuUsPerReview)} µs/review  client CPU ${Math.round(run.clientCpuShare * 100)} %`,
          );
        }
      }
    }

    // The rate every server sustains: judged on the slower client's figures, the conservative choice.
    const throughputs = TARGETS.flatMap((t) => CLIENTS.map((c) => median(closed[c][t].map((r) => r.rps))));
    const choice = chooseRate({
      throughputs,
      ...(config.fixedRate !== undefined ? { override: config.fixedRate } : {}),
    });
    log(`  closed loop done after ${since()}; fixed rate: ${choice.reason}`);
    const open: Record<Target, OpenRun[]> = { node: [], fastify: [], validate: [], mutate: [] };
    for (let round = 0; round < config.rounds; round++) {
      for (const t of rotation(TARGETS, round)) {
        const r = await runOpenLoop({
          url: servers[t].url,
          requests: [requestFor(t, bodies)],
          connections: config.connections,
          durationS: config.fixedS,
          rate: choice.rate,
          warmupS: config.quick ? 0.2 : 1,
        });
        open[t].push({
          round: round + 1,
          answeredRps: r.rps,
          responses: r.responses,
          p50Ms: r.latencyMs.p50,
          p99Ms: r.latencyMs.p99,
          failures: r.non2xx + r.errors + r.timeouts,
        });
        log(
          `    open loop r${round + 1} ${t.padEnd(8)} ${choice.rate} req/s due, ${fmt(r.rps)} answered/s  ` +
            `p50 ${fmt(r.latencyMs.p50)} ms  p99 ${fmt(r.latencyMs.p99)} ms`,
        );
      }
    }

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
    await Promise.all([node.stop(), fastify.stop(), ours.stop()]);
  }
}
