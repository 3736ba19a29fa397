// Memory under a long admission run: a fresh server child (run with --expose-gc so samples are taken after a
// full collection), warmed up, then loaded with /mutate and /validate reviews alternately until the request
// count or the time cap is reached. A leak shows as a rising post-GC heap and RSS against requests served.
import type { BenchConfig } from './config.js';
import { admissionBodies } from './fixtures.js';
import { runLoad } from './load.js';
import { fmt, mib, slope, type SectionResult, type Table, type TargetCheck } from './report.js';
import { benchTls, canPin, startServer, type MemoryUsage } from './server-process.js';

export interface MemorySample {
  requests: number;
  seconds: number;
  rssMiB: number;
  heapUsedMiB: number;
}

export interface MemoryFigures {
  requestsTarget: number;
  requests: number;
  durationS: number;
  rps: number;
  warmupRequests: number;
  before: { rssMiB: number; heapUsedMiB: number };
  after: { rssMiB: number; heapUsedMiB: number };
  samples: MemorySample[];
  /** Least-squares trend over the second half of the run, MiB per 100,000 requests. */
  trend: { rssMiBPer100k: number; heapMiBPer100k: number };
  failures: { non2xx: number; errors: number; timeouts: number };
}

export interface MemoryOptions {
  config: BenchConfig;
  log: (line: string) => void;
}

export async function runMemory({ config, log }: MemoryOptions): Promise<SectionResult<MemoryFigures>> {
  const bodies = admissionBodies(20);
  const requests = [
    { path: '/mutate', body: bodies.mutate },
    { path: '/validate', body: bodies.validate },
  ];
  const server = await startServer({
    kind: 'ours',
    tls: benchTls(),
    exposeGc: true,
    logLevel: config.logLevel,
    ...(config.pin && canPin() ? { cpu: 1 } : {}),
  });
  try {
    const warmup = await runLoad({
      url: server.url,
      requests,
      connections: config.connections,
      amount: config.quick ? 2_000 : 20_000,
      durationS: config.quick ? 1 : 10,
      recordLatencies: false,
    });
    const warmupRequests = warmup.responses;
    const before = await server.memory(true);
    log(
      `  before: rss ${mib(before.rss)} MiB, heap ${mib(before.heapUsed)} MiB (after warm-up of ${warmupRequests} requests)`,
    );

    const samples: MemorySample[] = [];
    const started = Date.now();
    const sampleEveryS = config.quick ? 1 : 5;
    let lastSample = 0;
    let sampling = false;
    const take = (usage: MemoryUsage, count: number): void => {
      samples.push({
        requests: count,
        seconds: (Date.now() - started) / 1000,
        rssMiB: mib(usage.rss),
        heapUsedMiB: mib(usage.heapUsed),
      });
    };
    const load = await runLoad({
      url: server.url,
      requests,
      connections: config.connections,
      amount: config.memoryRequests,
      durationS: config.memoryS,
      recordLatencies: false,
      onTick: (count) => {
        const now = Date.now();
        if (sampling || now - lastSample < sampleEveryS * 1000) return;
        sampling = true;
        lastSample = now;
        server.memory(true).then(
          (usage) => {
            take(usage, count);
            log(
              `  ${count.toLocaleString('en-US')} requests: rss ${mib(usage.rss)} MiB, heap ${mib(usage.heapUsed)} MiB`,
            );
            sampling = false;
          },
          () => {
            sampling = false;
          },
        );
      },
    });
    const after = await server.memory(true);
    take(after, load.responses);
    const secondHalf = samples.filter((s) => s.requests >= load.responses / 2);
    const per100k = (ys: number[]): number =>
      slope(
        secondHalf.map((s) => s.requests / 100_000),
        ys,
      );
    const figures: MemoryFigures = {
      requestsTarget: config.memoryRequests,
      requests: load.responses,
      durationS: load.durationS,
      rps: load.rps,
      warmupRequests,
      before: { rssMiB: mib(before.rss), heapUsedMiB: mib(before.heapUsed) },
      after: { rssMiB: mib(after.rss), heapUsedMiB: mib(after.heapUsed) },
      samples,
      trend: {
        rssMiBPer100k: per100k(secondHalf.map((s) => s.rssMiB)),
        heapMiBPer100k: per100k(secondHalf.map((s) => s.heapUsedMiB)),
      },
      failures: { non2xx: load.non2xx, errors: load.errors, timeouts: load.timeouts },
    };
    return { figures, tables: [memoryTable(figures)], targets: memoryTargets(figures) };
  } finally {
    await server.stop();
  }
}

function memoryTable(f: MemoryFigures): Table {
  return {
    title: `Memory over ${f.requests.toLocaleString('en-US')} admission requests (/mutate and /validate alternately)`,
    headers: ['', 'RSS', 'heap used (after GC)'],
    rows: [
      [
        `before (after ${f.warmupRequests.toLocaleString('en-US')} warm-up requests)`,
        `${fmt(f.before.rssMiB)} MiB`,
        `${fmt(f.before.heapUsedMiB)} MiB`,
      ],
      [
        `after ${f.requests.toLocaleString('en-US')} requests`,
        `${fmt(f.after.rssMiB)} MiB`,
        `${fmt(f.after.heapUsedMiB)} MiB`,
      ],
      [
        'trend over the second half, per 100k requests',
        `${fmt(f.trend.rssMiBPer100k, 2)} MiB`,
        `${fmt(f.trend.heapMiBPer100k, 2)} MiB`,
      ],
    ],
    notes: [
      `${f.requests.toLocaleString('en-US')} of ${f.requestsTarget.toLocaleString('en-US')} requests in ${fmt(f.durationS)} s (${fmt(f.rps)} req/s; capped by BENCH_MEMORY_S); ` +
        `${f.samples.length} samples, each after a full GC. Failed: ${f.failures.non2xx} non-2xx, ${f.failures.errors} errors, ${f.failures.timeouts} timeouts.`,
    ],
  };
}

function memoryTargets(f: MemoryFigures): TargetCheck[] {
  // "No growth trend": the post-GC heap ends within 2 MiB of where it started and RSS does not climb
  // by more than 0.5 MiB per 100k requests over the second half (allocator noise stays well below that).
  // Below 50,000 requests (a slow or busy machine) the run is too short to call it either way.
  const heapGrowth = f.after.heapUsedMiB - f.before.heapUsedMiB;
  const met = f.requests < 50_000 ? null : heapGrowth <= 2 && f.trend.rssMiBPer100k <= 0.5;
  return [
    {
      name: `memory: no growth trend (${f.requests.toLocaleString('en-US')} requests)`,
      target: 'heap +≤ 2 MiB, RSS trend ≤ 0.5 MiB/100k',
      actual: `heap ${heapGrowth >= 0 ? '+' : ''}${fmt(heapGrowth, 2)} MiB, RSS ${fmt(f.before.rssMiB)}→${fmt(f.after.rssMiB)} MiB (${fmt(f.trend.rssMiBPer100k, 2)}/100k)`,
      met,
    },
  ];
}
