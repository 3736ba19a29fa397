// Big ClusterLinks and memory headroom (issue 17 points 3 and 10, docs/performance.md#big-clusterlinks): a fresh
// server child, its idle RSS after GC, then rounds of four concurrent maximal reviews (10,000 mirror topics, the
// limit) plus one small review sent behind them; every answer must come within 2 s. Medians over the rounds.
// Before that, the growth with size (issue 20 target 3): one review at a time over a keep-alive connection at 10,
// 100, 1,000 and 10,000 mirror topics, for /validate and /mutate, as wall time per answer and as the server's CPU
// time per review (steady on a busy machine), on a warm server and for the first reviews of each size.
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { MAX_MIRROR_TOPICS } from '../src/admission/size-limit.js';
import type { BenchConfig } from './config.js';
import { admissionBodies } from './fixtures.js';
import { fmt, median, mib, type SectionResult, type Table, type TargetCheck } from './report.js';
import { GROWTH_LIMIT, MUTATE_10K_MS, VALIDATE_10K_MS, worstGrowth } from './rule-targets.js';
import { benchTls, startServer } from './server-process.js';

export interface SizeFigures {
  mirrorTopics: number;
  webhook: 'validate' | 'mutate';
  requests: number;
  /** Median wall ms per answer once warm, sent one at a time over one keep-alive connection. */
  medianMs: number;
  /** The server's CPU time per review (all threads), ms, once warm. */
  serverCpuMs: number;
  /** The same for the first reviews of this size after the start (V8 still compiling for it). */
  firstCpuMs: number;
  requestBytes: number;
  responseBytes: number;
}

export interface BigLinkFigures {
  /** One review at a time, by size (issue 20 target 3). */
  sizes: SizeFigures[];
  rounds: number;
  maximalMs: number[];
  smallMs: number[];
  medianMaximalMs: number;
  medianSmallMs: number;
  worstMs: number;
  idleRssMiB: number;
  peakRssMiB: number;
  afterRssMiB: number;
}

/** One POST over `agent` (keep-alive); the wall ms and the response size. */
function postKeepAlive(
  url: string,
  ca: string,
  agent: Agent,
  path: string,
  body: string,
): Promise<{ ms: number; bytes: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method: 'POST', ca, agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes })
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const SCALING_SIZES = [10, 100, 1000, 10_000] as const;

/**
 * How long each size is sent before it is measured, and at least how long and how many reviews are measured. The
 * first big reviews after a start cost up to four times the steady figure: V8 compiles the rules and the encoders for
 * the new sizes and shapes on its background threads, and that CPU time is the server's too. Measured on a warm
 * server, like the in-process rule cost (bench/rule-cost.ts); the first reviews are reported beside it.
 */
const SIZE_TIMING = {
  full: { warmMs: 1500, measureMs: 1000, minRequests: 30 },
  quick: { warmMs: 400, measureMs: 300, minRequests: 10 },
} as const;

/** The first reviews of each size after the start, reported as `firstCpuMs`. */
const FIRST_REVIEWS = 3;

/**
 * Each size and webhook: reviews for the warm-up time, then reviews one after the other for the measuring time (at
 * least `minRequests`); wall and server CPU per review, and the server CPU of the first reviews of the size.
 */
async function measureSizes(
  server: { url: string; memory(gc?: boolean): Promise<{ cpuUs: number }> },
  caPem: string,
  quick: boolean,
  log: (l: string) => void,
): Promise<SizeFigures[]> {
  const timing = quick ? SIZE_TIMING.quick : SIZE_TIMING.full;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (webhook: string, body: string) => postKeepAlive(server.url, caPem, agent, `/${webhook}`, body);
  const out: SizeFigures[] = [];
  try {
    for (const n of SCALING_SIZES) {
      const bodies = admissionBodies(n);
      for (const webhook of ['validate', 'mutate'] as const) {
        const body = bodies[webhook];
        const start = await server.memory(false);
        for (let i = 0; i < FIRST_REVIEWS; i++) await send(webhook, body);
        const first = await server.memory(false);
        for (const warmEnd = performance.now() + timing.warmMs; performance.now() < warmEnd;) await send(webhook, body);
        const before = await server.memory(false);
        const times: number[] = [];
        let responseBytes = 0;
        const measureEnd = performance.now() + timing.measureMs;
        while (times.length < timing.minRequests || performance.now() < measureEnd) {
          const r = await send(webhook, body);
          times.push(r.ms);
          responseBytes = r.bytes;
        }
        const after = await server.memory(false);
        const figures: SizeFigures = {
          mirrorTopics: n,
          webhook,
          requests: times.length,
          medianMs: median(times),
          serverCpuMs: (after.cpuUs - before.cpuUs) / 1000 / times.length,
          firstCpuMs: (first.cpuUs - start.cpuUs) / 1000 / FIRST_REVIEWS,
          requestBytes: Buffer.byteLength(body),
          responseBytes,
        };
        out.push(figures);
        log(
          `  ${n} topics /${webhook}: median ${fmt(figures.medianMs)} ms, server CPU ${fmt(figures.serverCpuMs)} ms per review (${figures.requests} reviews; the first ${FIRST_REVIEWS} after the start ${fmt(figures.firstCpuMs)} ms)`,
        );
      }
    }
  } finally {
    agent.destroy();
  }
  return out;
}

function post(url: string, ca: string, path: string, body: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runBigLinks({
  config,
  log,
}: {
  config: BenchConfig;
  log: (l: string) => void;
}): Promise<SectionResult<BigLinkFigures>> {
  const tls = benchTls();
  const big = admissionBodies(MAX_MIRROR_TOPICS);
  const small = admissionBodies(20);
  const server = await startServer({ kind: 'ours', tls, exposeGc: true, logLevel: config.logLevel });
  try {
    const sizes = await measureSizes(server, tls.caPem, config.quick, log);
    await post(server.url, tls.caPem, '/validate', small.validate);
    const idle = await server.memory(true);
    const rounds = config.quick ? 3 : 7;
    const maximalMs: number[] = [];
    const smallMs: number[] = [];
    let peak = idle.rss;
    for (let round = 0; round < rounds; round++) {
      const bigOnes = [0, 1, 2, 3].map((i) =>
        post(server.url, tls.caPem, i % 2 ? '/validate' : '/mutate', i % 2 ? big.validate : big.mutate),
      );
      const smallOne = post(server.url, tls.caPem, '/validate', small.validate);
      const sampling = server.memory(false).then((m) => (peak = Math.max(peak, m.rss)));
      maximalMs.push(...(await Promise.all(bigOnes)));
      smallMs.push(await smallOne);
      await sampling;
      const m = await server.memory(false);
      peak = Math.max(peak, m.rss);
    }
    const after = await server.memory(true);
    const figures: BigLinkFigures = {
      sizes,
      rounds,
      maximalMs,
      smallMs,
      medianMaximalMs: median(maximalMs),
      medianSmallMs: median(smallMs),
      worstMs: Math.max(...maximalMs, ...smallMs),
      idleRssMiB: mib(idle.rss),
      peakRssMiB: mib(peak),
      afterRssMiB: mib(after.rss),
    };
    log(
      `  4 × ${MAX_MIRROR_TOPICS} topics + 1 small: median ${fmt(figures.medianMaximalMs)} / ${fmt(figures.medianSmallMs)} ms, worst ${fmt(figures.worstMs)} ms`,
    );
    const table: Table = {
      title: `Four concurrent ${MAX_MIRROR_TOPICS}-topic reviews and a small one behind them (${rounds} rounds)`,
      headers: ['', 'median', 'worst'],
      rows: [
        ['maximal review', `${fmt(figures.medianMaximalMs)} ms`, `${fmt(Math.max(...maximalMs))} ms`],
        ['small review behind them', `${fmt(figures.medianSmallMs)} ms`, `${fmt(Math.max(...smallMs))} ms`],
        [
          'RSS idle (after GC) / peak / after (GC)',
          `${fmt(figures.idleRssMiB)} MiB`,
          `${fmt(figures.peakRssMiB)} / ${fmt(figures.afterRssMiB)} MiB`,
        ],
      ],
    };
    const targets: TargetCheck[] = [
      {
        name: 'four maximal reviews and a small one',
        target: '< 2000 ms each',
        actual: `worst ${fmt(figures.worstMs)} ms`,
        met: figures.worstMs < 2000,
      },
    ];
    return { figures, tables: [sizesTable(sizes), table], targets: [...sizeTargets(sizes), ...targets] };
  } finally {
    await server.stop();
  }
}

function sizesTable(sizes: readonly SizeFigures[]): Table {
  const rows = SCALING_SIZES.map((n) => {
    const of = (w: 'validate' | 'mutate'): SizeFigures | undefined =>
      sizes.find((s) => s.mirrorTopics === n && s.webhook === w);
    const cell = (f: SizeFigures | undefined): string =>
      f ? `${fmt(f.medianMs)} ms (CPU ${fmt(f.serverCpuMs)} ms; first reviews ${fmt(f.firstCpuMs)} ms)` : '—';
    const v = of('validate');
    const m = of('mutate');
    return [
      n.toLocaleString('en-US'),
      cell(v),
      cell(m),
      v && m
        ? `${fmt(v.requestBytes / 1024)} / ${fmt(m.requestBytes / 1024)} / ${fmt(m.responseBytes / 1024)} KiB`
        : '—',
    ];
  });
  return {
    title:
      'One review at a time over HTTPS, by size, on a warm server: median wall time per answer (server CPU per review; that of the first reviews of the size after the start)',
    headers: ['mirror topics', '/validate', '/mutate (with the patch)', 'validate body / mutate body / mutate answer'],
    rows,
  };
}

/** Issue 20 target 3 as the server sees it: the 10,000-topic reviews and the growth of the server's CPU per review. */
function sizeTargets(sizes: readonly SizeFigures[]): TargetCheck[] {
  const at = (n: number, w: 'validate' | 'mutate'): SizeFigures | undefined =>
    sizes.find((s) => s.mirrorTopics === n && s.webhook === w);
  const line = (w: 'validate' | 'mutate', goal: number): TargetCheck => {
    const f = at(10_000, w);
    return {
      id: '20.3',
      name: `20.3 10,000 topics over HTTPS: /${w}, one review at a time (server CPU per review)`,
      target: `≤ ${goal} ms`,
      actual: f ? `${fmt(f.serverCpuMs)} ms CPU (wall ${fmt(f.medianMs)} ms)` : 'not measured',
      met: f ? f.serverCpuMs <= goal : null,
    };
  };
  const growth = (w: 'validate' | 'mutate'): TargetCheck => {
    const worst = worstGrowth(
      SCALING_SIZES.map((n) => ({ mirrorTopics: n, ms: at(n, w)?.serverCpuMs ?? NaN })).filter((s) => s.ms > 0),
    );
    return {
      id: '20.3',
      name: `20.3 over HTTPS: /${w} server CPU growth linear`,
      target: `10× topics ≤ ${GROWTH_LIMIT}× time`,
      actual: worst === undefined ? 'not measured' : `worst step ${fmt(worst)}×`,
      met: worst === undefined ? null : worst <= GROWTH_LIMIT,
    };
  };
  return [line('validate', VALIDATE_10K_MS), line('mutate', MUTATE_10K_MS), growth('validate'), growth('mutate')];
}
