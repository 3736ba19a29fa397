// Big ClusterLinks and memory headroom (issue 17 points 3 and 10, docs/performance.md#big-clusterlinks): a fresh
// server child, its idle RSS after GC, then rounds of four concurrent maximal reviews (10,000 mirror topics, the
// limit) plus one small review sent behind them; every answer must come within 2 s. Medians over the rounds.
import { request } from 'node:https';
import { MAX_MIRROR_TOPICS } from '../src/admission/size-limit.js';
import type { BenchConfig } from './config.js';
import { admissionBodies } from './fixtures.js';
import { fmt, median, mib, type SectionResult, type Table, type TargetCheck } from './report.js';
import { benchTls, startServer } from './server-process.js';

export interface BigLinkFigures {
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
    return { figures, tables: [table], targets };
  } finally {
    await server.stop();
  }
}
