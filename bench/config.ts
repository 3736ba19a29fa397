// Benchmark knobs, all from the environment so `npm run bench` needs no arguments.
//   BENCH_QUICK=1            short runs (< 60 s in all), for a smoke check of the harness
//   BENCH_ONLY=a,b           sections to run: admission, rules, memory, reconciler, apiserver, biglinks, coldstart
//                            (default: all)
//   BENCH_OUT=path.json      also write the figures as JSON
//   BENCH_DURATION_S         seconds per closed-loop admission run, per server and load client (default 5; quick 0.3)
//   BENCH_FIXED_S            seconds per fixed-rate (latency) run (default 15; quick 0.3): a p99 needs thousands of
//                            answers per round to be steady (docs/performance.md#how-it-compares)
//   BENCH_FIXED_WARM_S       unrecorded seconds at the fixed rate before each server's first round (default 5; 1 s
//                            before the later rounds)
//   BENCH_FIXED_RATE         the fixed rate in req/s (default: 200, or 50 % of the slowest server when that is lower)
//   BENCH_ROUNDS             alternated rounds per admission measurement (default 5, medians reported; quick 3)
//   BENCH_MAX_SCATTER        a baseline scattering more than this over its rounds gets no ratio (default 0.25)
//   BENCH_CONNECTIONS        keep-alive connections of both load clients (default 16)
//   BENCH_MEMORY_REQUESTS    admission requests for the memory run (default 1,000,000)
//   BENCH_MEMORY_S           ... but stop after this many seconds (default 60; quick 4)
//   BENCH_RULE_SIZES         mirror-topic counts for the rule cost (default 10,100,1000,10000)
//   BENCH_REST_LATENCY_MS    latency injected into the REST simulator (default 5)
//   BENCH_SCALE              multiplies the reconciler sizes (default 1; quick 0.1)
//   BENCH_PIN=0              do not pin server and load generator to separate cores with taskset
//   BENCH_CPU_PROF=dir       run the admission server children with --cpu-prof into dir
//   BENCH_LOG_LEVEL          log level of our server (default info, as in production; output goes to /dev/null)
//   BENCH_BUILT=0            our server children run the sources through tsx instead of the compiled dist/
//                            (by default the run starts with `npm run build`: bench/built.ts)

import { servesBuilt } from './built.js';

export type SectionName = 'admission' | 'rules' | 'memory' | 'reconciler' | 'apiserver' | 'biglinks' | 'coldstart';
export const SECTIONS: readonly SectionName[] = [
  'admission',
  'rules',
  'memory',
  'reconciler',
  'apiserver',
  'biglinks',
  'coldstart',
];

export interface BenchConfig {
  quick: boolean;
  sections: SectionName[];
  out?: string;
  durationS: number;
  fixedS: number;
  /** Unrecorded seconds at the fixed rate before each server's first open-loop round. */
  fixedWarmS: number;
  warmupS: number;
  rounds: number;
  /** undefined = chosen from the measured throughput (bench/compare.ts chooseRate). */
  fixedRate?: number;
  maxScatter: number;
  connections: number;
  memoryRequests: number;
  memoryS: number;
  ruleSizes: number[];
  restLatencyMs: number;
  scale: number;
  pin: boolean;
  cpuProfDir?: string;
  logLevel: string;
  /** Our server children run the compiled dist/ (bench/built.ts). */
  built: boolean;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number (got ${JSON.stringify(raw)})`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env['BENCH_QUICK'] === '1' || env['BENCH_QUICK'] === 'true';
  const only = (env['BENCH_ONLY'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of only) {
    if (!SECTIONS.includes(name as SectionName))
      throw new Error(`BENCH_ONLY: unknown section "${name}" (known: ${SECTIONS.join(', ')})`);
  }
  const sizes = (env['BENCH_RULE_SIZES'] ?? '10,100,1000,10000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('BENCH_RULE_SIZES must be positive integers');
  const config: BenchConfig = {
    quick,
    sections: only.length > 0 ? (only as SectionName[]) : [...SECTIONS],
    durationS: num(env, 'BENCH_DURATION_S', quick ? 0.3 : 5),
    fixedS: num(env, 'BENCH_FIXED_S', quick ? 0.3 : 15),
    fixedWarmS: num(env, 'BENCH_FIXED_WARM_S', quick ? 0.1 : 5),
    warmupS: quick ? 0.2 : 2,
    rounds: Math.round(num(env, 'BENCH_ROUNDS', quick ? 3 : 5)),
    maxScatter: num(env, 'BENCH_MAX_SCATTER', 0.25),
    connections: Math.round(num(env, 'BENCH_CONNECTIONS', 16)),
    memoryRequests: Math.round(num(env, 'BENCH_MEMORY_REQUESTS', 1_000_000)),
    memoryS: num(env, 'BENCH_MEMORY_S', quick ? 4 : 60),
    ruleSizes: sizes,
    restLatencyMs: num(env, 'BENCH_REST_LATENCY_MS', 5),
    scale: num(env, 'BENCH_SCALE', quick ? 0.1 : 1),
    pin: env['BENCH_PIN'] !== '0',
    logLevel: env['BENCH_LOG_LEVEL'] ?? 'info',
    built: servesBuilt(env),
  };
  if (env['BENCH_OUT']) config.out = env['BENCH_OUT'];
  if (env['BENCH_FIXED_RATE']) config.fixedRate = num(env, 'BENCH_FIXED_RATE', 200);
  if (env['BENCH_CPU_PROF']) config.cpuProfDir = env['BENCH_CPU_PROF'];
  return config;
}
