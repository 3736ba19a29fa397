// Admission throughput and latency, ours against a bare Fastify HTTPS baseline in the same run.
// Servers run in child processes (one core), autocannon here (the other core). Runs alternate
// baseline → /validate → /mutate, `rounds` times, and the medians are reported:
//   1. max rate: as fast as the server answers over `connections` keep-alive connections;
//   2. fixed rate: half the baseline's median max rate, for p50/p99 latency, sent open-loop (open-loop.ts);
//   3. for ours also at half its own max rate: the latency it gives where it is not overloaded.
import { postReview } from '../test/support/webhook-server.js';
import type { BenchConfig } from './config.js';
import { admissionBodies, type AdmissionBodies } from './fixtures.js';
import { runLoad, type LoadRequest, type LoadResult } from './load.js';
import { runOpenLoop } from './open-loop.js';
import { fmt, median, type SectionResult, type Table, type TargetCheck } from './report.js';
import { benchTls, canPin, startServer, type ServerProcess } from './server-process.js';

export type Target = 'baseline' | 'validate' | 'mutate';
export const TARGETS: readonly Target[] = ['baseline', 'validate', 'mutate'];

interface Summary {
  rps: number;
  p50: number;
  p99: number;
}

export interface AdmissionFigures {
  connections: number;
  runDurationS: number;
  fixedS: number;
  rounds: number;
  pinned: boolean;
  mirrorTopics: number;
  bodyBytes: { mutate: number; validate: number };
  maxRate: Record<Target, { runs: number[]; median: number; p99Ms: number; cpuUsPerRequest: number }>;
  /** ours / baseline, medians of max rate. */
  ratio: { validate: number; mutate: number };
  /** baseline CPU per request / ours: the throughput ratio on a dedicated core, robust to other load on the machine. */
  cpuRatio: { validate: number; mutate: number };
  fixedRate: { rate: number; runs: Record<Target, LoadResult[]>; median: Record<Target, Summary> };
  /** Ours at half its own median max rate. */
  ownHalfRate: Record<'validate' | 'mutate', { rate: number; runs: LoadResult[]; median: Summary }>;
  failures: { non2xx: number; errors: number; timeouts: number };
}

export interface AdmissionOptions {
  config: BenchConfig;
  log: (line: string) => void;
}

function requestFor(target: Target, bodies: AdmissionBodies): LoadRequest {
  // The baseline parses the larger of the two bodies (the defaulted object /validate receives).
  return target === 'mutate' ? { path: '/mutate', body: bodies.mutate } : { path: '/validate', body: bodies.validate };
}

/** One request to each endpoint first: the benchmark must measure the real paths, not an error page. */
async function checkAnswers(
  ours: ServerProcess,
  baseline: ServerProcess,
  bodies: AdmissionBodies,
  ca: string,
): Promise<void> {
  const validate = await postReview(ours.url, ca, '/validate', bodies.validate);
  const v = validate.body?.response;
  if (validate.status !== 200 || v?.allowed !== true || (v.warnings?.length ?? 0) > 0) {
    throw new Error(`/validate did not allow the fixture cleanly: ${validate.status} ${validate.text.slice(0, 400)}`);
  }
  const mutate = await postReview(ours.url, ca, '/mutate', bodies.mutate);
  if (mutate.status !== 200 || mutate.body?.response?.allowed !== true || !mutate.body.response.patch) {
    throw new Error(`/mutate did not answer with a patch: ${mutate.status} ${mutate.text.slice(0, 400)}`);
  }
  const base = await postReview(baseline.url, ca, '/validate', bodies.validate);
  if (base.status !== 200 || base.body?.response?.allowed !== true)
    throw new Error(`baseline failed: ${base.status} ${base.text}`);
}

export async function runAdmission({ config, log }: AdmissionOptions): Promise<SectionResult<AdmissionFigures>> {
  const mirrorTopics = 20;
  const bodies = admissionBodies(mirrorTopics);
  const tls = benchTls();
  const pinned = config.pin && canPin();
  const cpu = pinned ? 1 : undefined;
  const common = {
    tls,
    cpu,
    logLevel: config.logLevel,
    ...(config.cpuProfDir ? { cpuProfDir: config.cpuProfDir } : {}),
  };
  const [baseline, ours] = await Promise.all([
    startServer({ kind: 'baseline', ...common }),
    startServer({ kind: 'ours', ...common }),
  ]);
  const server = (t: Target): ServerProcess => (t === 'baseline' ? baseline : ours);
  const failures = { non2xx: 0, errors: 0, timeouts: 0 };
  const count = (r: LoadResult): LoadResult => {
    failures.non2xx += r.non2xx;
    failures.errors += r.errors;
    failures.timeouts += r.timeouts;
    return r;
  };
  try {
    await checkAnswers(ours, baseline, bodies, tls.caPem);
    for (const t of TARGETS) {
      await runLoad({
        url: server(t).url,
        requests: [requestFor(t, bodies)],
        connections: config.connections,
        durationS: config.warmupS,
      });
    }

    const maxRuns: Record<Target, LoadResult[]> = { baseline: [], validate: [], mutate: [] };
    const cpuPerRequest: Record<Target, number[]> = { baseline: [], validate: [], mutate: [] };
    for (let round = 1; round <= config.rounds; round++) {
      for (const t of TARGETS) {
        const cpuBefore = (await server(t).memory()).cpuUs;
        const r = count(
          await runLoad({
            url: server(t).url,
            requests: [requestFor(t, bodies)],
            connections: config.connections,
            durationS: config.durationS,
          }),
        );
        const cpu = ((await server(t).memory()).cpuUs - cpuBefore) / Math.max(1, r.responses);
        maxRuns[t].push(r);
        cpuPerRequest[t].push(cpu);
        log(
          `  max rate   round ${round} ${t.padEnd(8)} ${fmt(r.rps)} req/s  p99 ${fmt(r.latencyMs.p99)} ms  server CPU ${fmt(cpu)} µs/request`,
        );
      }
    }
    const maxMedian = (t: Target): number => median(maxRuns[t].map((r) => r.rps));
    const cpuMedian = (t: Target): number => median(cpuPerRequest[t]);
    const rate = Math.max(1, Math.floor(maxMedian('baseline') / 2));

    const fixedRuns: Record<Target, LoadResult[]> = { baseline: [], validate: [], mutate: [] };
    const ownRate = {
      validate: Math.max(1, Math.floor(maxMedian('validate') / 2)),
      mutate: Math.max(1, Math.floor(maxMedian('mutate') / 2)),
    };
    const ownRuns: Record<'validate' | 'mutate', LoadResult[]> = { validate: [], mutate: [] };
    const openLoop = async (t: Target, at: number, label: string): Promise<LoadResult> => {
      const r = count(
        await runOpenLoop({
          url: server(t).url,
          requests: [requestFor(t, bodies)],
          connections: config.connections,
          durationS: config.fixedS,
          rate: at,
          warmupS: config.quick ? 0.5 : 1,
        }),
      );
      log(
        `  ${label} ${t.padEnd(8)} ${fmt(at)} req/s due, ${fmt(r.rps)} answered/s  p50 ${fmt(r.latencyMs.p50)} ms  p99 ${fmt(r.latencyMs.p99)} ms`,
      );
      return r;
    };
    for (let round = 1; round <= config.rounds; round++) {
      for (const t of TARGETS) fixedRuns[t].push(await openLoop(t, rate, `fixed rate r${round}`));
      for (const t of ['validate', 'mutate'] as const)
        ownRuns[t].push(await openLoop(t, ownRate[t], `own half   r${round}`));
    }

    const summary = (runs: LoadResult[]): Summary => ({
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.latencyMs.p50)),
      p99: median(runs.map((r) => r.latencyMs.p99)),
    });
    const figures: AdmissionFigures = {
      connections: config.connections,
      runDurationS: config.durationS,
      fixedS: config.fixedS,
      rounds: config.rounds,
      pinned,
      mirrorTopics,
      bodyBytes: { mutate: Buffer.byteLength(bodies.mutate), validate: Buffer.byteLength(bodies.validate) },
      maxRate: {
        baseline: {
          runs: maxRuns.baseline.map((r) => r.rps),
          median: maxMedian('baseline'),
          p99Ms: median(maxRuns.baseline.map((r) => r.latencyMs.p99)),
          cpuUsPerRequest: cpuMedian('baseline'),
        },
        validate: {
          runs: maxRuns.validate.map((r) => r.rps),
          median: maxMedian('validate'),
          p99Ms: median(maxRuns.validate.map((r) => r.latencyMs.p99)),
          cpuUsPerRequest: cpuMedian('validate'),
        },
        mutate: {
          runs: maxRuns.mutate.map((r) => r.rps),
          median: maxMedian('mutate'),
          p99Ms: median(maxRuns.mutate.map((r) => r.latencyMs.p99)),
          cpuUsPerRequest: cpuMedian('mutate'),
        },
      },
      ratio: {
        validate: maxMedian('validate') / maxMedian('baseline'),
        mutate: maxMedian('mutate') / maxMedian('baseline'),
      },
      cpuRatio: {
        validate: cpuMedian('baseline') / cpuMedian('validate'),
        mutate: cpuMedian('baseline') / cpuMedian('mutate'),
      },
      fixedRate: {
        rate,
        runs: fixedRuns,
        median: {
          baseline: summary(fixedRuns.baseline),
          validate: summary(fixedRuns.validate),
          mutate: summary(fixedRuns.mutate),
        },
      },
      ownHalfRate: {
        validate: { rate: ownRate.validate, runs: ownRuns.validate, median: summary(ownRuns.validate) },
        mutate: { rate: ownRate.mutate, runs: ownRuns.mutate, median: summary(ownRuns.mutate) },
      },
      failures,
    };
    return { figures, tables: [admissionTable(figures)], targets: admissionTargets(figures) };
  } finally {
    await Promise.all([baseline.stop(), ours.stop()]);
  }
}

const LABEL: Record<Target, string> = {
  baseline: 'bare Fastify HTTPS baseline',
  validate: 'ours: /validate (rules + Secret checks)',
  mutate: 'ours: /mutate (defaults + JSON Patch)',
};

function admissionTable(f: AdmissionFigures): Table {
  return {
    title: `Admission over HTTPS keep-alive (${f.connections} connections, ClusterLink with ${f.mirrorTopics} mirror topics, filters, SASL + TLS)`,
    headers: [
      'server',
      'max req/s (median)',
      'runs',
      'ours / baseline',
      'server CPU / request',
      'CPU ratio',
      `p50 / p99 @ ${f.fixedRate.rate} req/s`,
      'p50 / p99 @ half its own max',
    ],
    rows: TARGETS.map((t) => [
      LABEL[t],
      fmt(f.maxRate[t].median),
      f.maxRate[t].runs.map((r) => fmt(r)).join(' / '),
      t === 'baseline' ? '1' : fmt(f.ratio[t], 2),
      `${fmt(f.maxRate[t].cpuUsPerRequest)} µs`,
      t === 'baseline' ? '1' : fmt(f.cpuRatio[t], 2),
      `${fmt(f.fixedRate.median[t].p50)} / ${fmt(f.fixedRate.median[t].p99)} ms`,
      t === 'baseline'
        ? `${fmt(f.fixedRate.median[t].p50)} / ${fmt(f.fixedRate.median[t].p99)} ms`
        : `${fmt(f.ownHalfRate[t].median.p50)} / ${fmt(f.ownHalfRate[t].median.p99)} ms @ ${f.ownHalfRate[t].rate} req/s`,
    ]),
    notes: [
      `Runs alternate baseline → validate → mutate, ${f.rounds} rounds of ${f.runDurationS} s each; medians reported. ` +
        `Fixed rates are sent open-loop for ${f.fixedS} s after a short warm-up (evenly spaced, latency counted from when each request was due, ` +
        `so a server slower than the rate shows its growing queue; sending is paced by a 1 ms tick, which the baseline's row includes too). Bodies: ${f.bodyBytes.mutate} B (mutate), ${f.bodyBytes.validate} B (validate). ` +
        `Server pinned to one core, load generator to the other: ${f.pinned ? 'yes' : 'no'}. ` +
        `CPU ratio = baseline server CPU per request ÷ ours (what the throughput ratio is on a dedicated core). ` +
        `Failed responses: ${f.failures.non2xx} non-2xx, ${f.failures.errors} errors, ${f.failures.timeouts} timeouts.`,
    ],
  };
}

function admissionTargets(f: AdmissionFigures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const t of ['validate', 'mutate'] as const) {
    checks.push({
      name: `admission: /${t} throughput`,
      target: '≥ 0.8 × baseline',
      actual: `${fmt(f.ratio[t], 2)} × (by CPU per request ${fmt(f.cpuRatio[t], 2)} ×)`,
      met: f.ratio[t] >= 0.8,
    });
  }
  for (const t of ['validate', 'mutate'] as const) {
    const p99 = f.fixedRate.median[t].p99;
    const own = f.ownHalfRate[t];
    checks.push({
      name: `admission: /${t} p99 at ${f.fixedRate.rate} req/s`,
      target: '≤ 5 ms',
      actual: `${fmt(p99)} ms (at half its own max, ${own.rate} req/s: ${fmt(own.median.p99)} ms)`,
      met: p99 <= 5,
    });
  }
  return checks;
}
