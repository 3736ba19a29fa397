// The admission section's figures, tables and target lines, computed from the raw runs (pure; the runs come from
// admission.ts). Ratios go through compare.ts, which refuses one when the baseline's own rounds scatter too much
// (docs/performance.md#how-it-compares). Issue 20 targets 1, 2 and 5 are judged here.
import { compare, MIN_ROUNDS, percent, scatter, type Comparison, type RateChoice } from './compare.js';
import { fmt, median, type Table, type TargetCheck } from './report.js';

export type Baseline = 'node' | 'fastify';
export const BASELINES: readonly Baseline[] = ['fastify', 'node'];
export type Ours = 'validate' | 'mutate';
export const OURS: readonly Ours[] = ['validate', 'mutate'];
/** Our two endpoints, and each baseline answering each endpoint's review (its body in, our answer's bytes out). */
export type Target = Ours | `${Baseline}-${Ours}`;
export const TARGETS: readonly Target[] = [
  'node-validate',
  'fastify-validate',
  'validate',
  'node-mutate',
  'fastify-mutate',
  'mutate',
];
export type Client = 'autocannon' | 'node-https';
export const CLIENTS: readonly Client[] = ['autocannon', 'node-https'];

export const baselineOf = (b: Baseline, endpoint: Ours): Target => `${b}-${endpoint}`;
export const endpointOf = (t: Target): Ours => (t.endsWith('mutate') ? 'mutate' : 'validate');
/** Which server answers: ours, or one of the baselines. */
export const serverOf = (t: Target): Baseline | 'ours' =>
  t.startsWith('node-') ? 'node' : t.startsWith('fastify-') ? 'fastify' : 'ours';
const isBaseline = (t: Target, b: Baseline): boolean => t === baselineOf(b, endpointOf(t));

export const LABEL: Record<Target, string> = {
  'node-validate': 'bare node https, /validate review',
  'fastify-validate': 'bare Fastify 5, /validate review',
  validate: 'ours: /validate',
  'node-mutate': 'bare node https, /mutate review',
  'fastify-mutate': 'bare Fastify 5, /mutate review',
  mutate: 'ours: /mutate',
};
const BASELINE_LABEL: Record<Baseline, string> = { node: 'bare node https', fastify: 'bare Fastify 5' };
const CLIENT_LABEL: Record<Client, string> = { autocannon: 'autocannon', 'node-https': 'node:https keep-alive client' };

/** A client using this much of its core may be what limits the throughput, not the server. */
export const CLIENT_BOUND_SHARE = 0.9;
/** A server answering less than this share of the fixed rate did not sustain it. */
const SUSTAINED_SHARE = 0.95;
/** Issue 20 targets 1 and 2. */
export const THROUGHPUT_TARGET = 0.8;
export const P99_TARGET = 1.3;
const REQUIRED_ROUNDS = 5;

export interface ClosedRun {
  round: number;
  rps: number;
  responses: number;
  p99Ms: number;
  cpuUsPerReview: number;
  /** The load client's CPU time ÷ wall time (1 = a whole core). */
  clientCpuShare: number;
  failures: number;
}

export interface OpenRun {
  round: number;
  answeredRps: number;
  responses: number;
  /** Server CPU per review at the fixed rate: every server woken the same way, so the difference is its work. */
  cpuUsPerReview: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

export interface ClosedSummary {
  runs: ClosedRun[];
  medianRps: number;
  rpsScatter: number;
  medianCpuUs: number;
  cpuScatter: number;
  medianP99Ms: number;
  medianClientCpuShare: number;
  clientBound: boolean;
  /** Against each baseline other than itself: throughput (ours ÷ baseline) and CPU (baseline ÷ ours). */
  vs: Partial<Record<Baseline, { throughput: Comparison; cpu: Comparison }>>;
}

export interface OpenSummary {
  runs: OpenRun[];
  answeredRps: number;
  sustained: boolean;
  p50Ms: number;
  p99Ms: number;
  p99Scatter: number;
  medianCpuUs: number;
  /** p99 ÷ bare Fastify's p99 (absent for bare Fastify itself). */
  p99VsFastify?: Comparison;
  /** Bare Fastify's CPU per review ÷ ours at the fixed rate (absent for bare Fastify itself). */
  cpuVsFastify?: Comparison;
}

export interface AdmissionSettings {
  connections: number;
  runDurationS: number;
  fixedS: number;
  rounds: number;
  maxScatter: number;
  pinned: boolean;
  mirrorTopics: number;
  bodyBytes: { mutate: number; validate: number };
}

export interface AdmissionFigures {
  settings: AdmissionSettings;
  closedLoop: Record<Client, Record<Target, ClosedSummary>>;
  openLoop: { choice: RateChoice; perTarget: Record<Target, OpenSummary> };
  /** Every ratio not given, and why (also in the tables' notes and the target lines). */
  refusals: string[];
  failures: number;
}

export interface RawRuns {
  closed: Record<Client, Record<Target, ClosedRun[]>>;
  open: Record<Target, OpenRun[]>;
  choice: RateChoice;
  settings: AdmissionSettings;
}

function closedSummary(
  target: Target,
  byTarget: Record<Target, ClosedRun[]>,
  maxScatter: number,
  minRounds: number,
): ClosedSummary {
  const runs = byTarget[target];
  const rps = runs.map((r) => r.rps);
  const cpu = runs.map((r) => r.cpuUsPerReview);
  const vs: ClosedSummary['vs'] = {};
  for (const b of BASELINES) {
    if (serverOf(target) === b) continue;
    const baseTarget = baselineOf(b, endpointOf(target));
    const base = byTarget[baseTarget];
    const opts = { baselineName: BASELINE_LABEL[b], maxScatter, minRounds };
    vs[b] = {
      throughput: compare(
        rps,
        base.map((r) => r.rps),
        opts,
      ),
      cpu: compare(
        cpu,
        base.map((r) => r.cpuUsPerReview),
        { ...opts, invert: true },
      ),
    };
  }
  const clientShare = median(runs.map((r) => r.clientCpuShare));
  return {
    runs,
    medianRps: median(rps),
    rpsScatter: scatter(rps),
    medianCpuUs: median(cpu),
    cpuScatter: scatter(cpu),
    medianP99Ms: median(runs.map((r) => r.p99Ms)),
    medianClientCpuShare: clientShare,
    clientBound: clientShare >= CLIENT_BOUND_SHARE,
    vs,
  };
}

function openSummary(
  runs: OpenRun[],
  rate: number,
  fastify: OpenRun[] | undefined,
  maxScatter: number,
  minRounds: number,
) {
  const p99 = runs.map((r) => r.p99Ms);
  const cpu = runs.map((r) => r.cpuUsPerReview);
  const answeredRps = median(runs.map((r) => r.answeredRps));
  const summary: OpenSummary = {
    runs,
    answeredRps,
    sustained: answeredRps >= rate * SUSTAINED_SHARE,
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(p99),
    p99Scatter: scatter(p99),
    medianCpuUs: median(cpu),
  };
  if (fastify) {
    const name = BASELINE_LABEL.fastify;
    summary.p99VsFastify = compare(
      p99,
      fastify.map((r) => r.p99Ms),
      { baselineName: `${name}'s p99`, maxScatter, minRounds },
    );
    summary.cpuVsFastify = compare(
      cpu,
      fastify.map((r) => r.cpuUsPerReview),
      { baselineName: `${name}'s CPU per review at the fixed rate`, maxScatter, minRounds, invert: true },
    );
  }
  return summary;
}

/** The figures of the section from its raw runs. */
export function summarise(raw: RawRuns): AdmissionFigures {
  const { maxScatter } = raw.settings;
  const minRounds = MIN_ROUNDS;
  const closedLoop = {} as Record<Client, Record<Target, ClosedSummary>>;
  // One line per refused baseline and measure (each refusal applies to every ratio against that baseline).
  const refusals = new Set<string>();
  let failures = 0;
  for (const c of CLIENTS) {
    const perTarget = {} as Record<Target, ClosedSummary>;
    for (const t of TARGETS) {
      perTarget[t] = closedSummary(t, raw.closed[c], maxScatter, minRounds);
      failures += raw.closed[c][t].reduce((n, r) => n + r.failures, 0);
      for (const [b, pair] of Object.entries(perTarget[t].vs)) {
        const against = `${CLIENT_LABEL[c]}, ratios against ${LABEL[baselineOf(b as Baseline, endpointOf(t))]}`;
        if (pair.throughput.refused) refusals.add(`${against} (throughput): ${pair.throughput.refused}`);
        if (pair.cpu.refused) refusals.add(`${against} (CPU per review): ${pair.cpu.refused}`);
      }
    }
    closedLoop[c] = perTarget;
  }
  const perTarget = {} as Record<Target, OpenSummary>;
  for (const t of TARGETS) {
    const fastifyTarget = baselineOf('fastify', endpointOf(t));
    const fastify = t === fastifyTarget ? undefined : raw.open[fastifyTarget];
    perTarget[t] = openSummary(raw.open[t], raw.choice.rate, fastify, maxScatter, minRounds);
    failures += raw.open[t].reduce((n, r) => n + r.failures, 0);
    const refused = perTarget[t].p99VsFastify?.refused;
    if (refused) refusals.add(`open loop, p99 ratios against ${LABEL[fastifyTarget]}: ${refused}`);
    const cpuRefused = perTarget[t].cpuVsFastify?.refused;
    if (cpuRefused) refusals.add(`open loop, CPU ratios against ${LABEL[fastifyTarget]}: ${cpuRefused}`);
  }
  return {
    settings: raw.settings,
    closedLoop,
    openLoop: { choice: raw.choice, perTarget },
    refusals: [...refusals],
    failures,
  };
}

/** "0.83" or "refused" (the reason is in the notes and the JSON). */
export function ratioCell(c: Comparison | undefined, self = false): string {
  if (self) return '1';
  if (!c) return '—';
  return c.ratio === null ? 'refused' : fmt(c.ratio, 2);
}

function closedTable(f: AdmissionFigures, client: Client): Table {
  const s = f.settings;
  const rows = TARGETS.map((t) => {
    const x = f.closedLoop[client][t];
    return [
      LABEL[t],
      fmt(x.medianRps),
      percent(x.rpsScatter),
      ratioCell(x.vs.fastify?.throughput, isBaseline(t, 'fastify')),
      ratioCell(x.vs.node?.throughput, isBaseline(t, 'node')),
      `${fmt(x.medianCpuUs)} µs`,
      percent(x.cpuScatter),
      ratioCell(x.vs.fastify?.cpu, isBaseline(t, 'fastify')),
      `${fmt(x.medianP99Ms)} ms`,
      `${percent(x.medianClientCpuShare)}${x.clientBound ? ' (client-bound)' : ''}`,
    ];
  });
  return {
    title: `Admission, closed loop, ${CLIENT_LABEL[client]} (${s.connections} keep-alive connections, medians of ${s.rounds} rounds of ${s.runDurationS} s)`,
    headers: [
      'server',
      'req/s',
      'scatter',
      '÷ bare Fastify',
      '÷ bare node',
      'server CPU / review',
      'CPU scatter',
      'CPU ratio vs Fastify',
      'p99',
      'client CPU',
    ],
    rows,
  };
}

function openTable(f: AdmissionFigures): Table {
  const o = f.openLoop;
  return {
    title: `Admission, open loop at ${o.choice.rate} req/s (${f.settings.fixedS} s per round, medians of ${f.settings.rounds} rounds)`,
    headers: [
      'server',
      'answered/s',
      'p50',
      'p99',
      'p99 scatter',
      'p99 ÷ bare Fastify',
      'server CPU / review',
      'CPU ratio vs Fastify',
    ],
    rows: TARGETS.map((t) => {
      const x = o.perTarget[t];
      return [
        LABEL[t],
        `${fmt(x.answeredRps)}${x.sustained ? '' : ' (not sustained)'}`,
        `${fmt(x.p50Ms)} ms`,
        `${fmt(x.p99Ms)} ms`,
        percent(x.p99Scatter),
        ratioCell(x.p99VsFastify, isBaseline(t, 'fastify')),
        `${fmt(x.medianCpuUs)} µs`,
        ratioCell(x.cpuVsFastify, isBaseline(t, 'fastify')),
      ];
    }),
    notes: [`Rate: ${o.choice.reason}.`],
  };
}

function methodNotes(f: AdmissionFigures): string[] {
  const s = f.settings;
  const notes = [
    `Each round runs every server with both clients, the order rotated one place per round. ` +
      `Scatter = (max − min) ÷ median of a server's rounds; a ratio against a baseline scattering more than ` +
      `${percent(s.maxScatter)} is refused. CPU ratio = baseline CPU per review ÷ ours (the throughput ratio on a ` +
      `dedicated core). ClusterLink with ${s.mirrorTopics} mirror topics, filters, SASL + TLS; bodies ` +
      `${s.bodyBytes.mutate} B (/mutate), ${s.bodyBytes.validate} B (/validate). Each baseline is measured on both ` +
      `reviews and answers each with our answer's bytes (the uid echoed). At the fixed rate every server is woken ` +
      `for each request alike, so its CPU per review there is its own work; in the closed loop a slower server also ` +
      `pays for waking an idle client more often. Servers pinned to one core, clients to the other: ` +
      `${s.pinned ? 'yes' : 'no'}. Failed responses: ${f.failures}.`,
  ];
  if (f.refusals.length > 0) notes.push(['Ratios refused:', ...f.refusals.map((r) => `- ${r}`)].join('\n'));
  return notes;
}

export function admissionTables(f: AdmissionFigures): Table[] {
  const tables = CLIENTS.map((c) => closedTable(f, c));
  tables.push(openTable(f));
  const last = tables[tables.length - 1] as Table;
  last.notes = [...(last.notes ?? []), ...methodNotes(f)];
  return tables;
}

function throughputLine(f: AdmissionFigures, client: Client, t: Ours): TargetCheck {
  const x = f.closedLoop[client][t];
  const vsF = x.vs.fastify?.throughput;
  const vsN = x.vs.node?.throughput;
  const fastify = f.closedLoop[client][baselineOf('fastify', t)];
  const cpu = `CPU ${fmt(x.medianCpuUs)} µs/review (bare Fastify ${fmt(fastify.medianCpuUs)}, bare node ${fmt(f.closedLoop[client][baselineOf('node', t)].medianCpuUs)})`;
  const bound = x.clientBound || fastify.clientBound ? '; client-bound' : '';
  const node = vsN?.ratio === null || vsN === undefined ? 'vs bare node refused' : `${fmt(vsN.ratio, 2)} × bare node`;
  const atRate = f.openLoop.perTarget[t].cpuVsFastify;
  const fixed = atRate === undefined ? '' : `; CPU ratio at ${f.openLoop.choice.rate} req/s ${ratioCell(atRate)}`;
  const actual =
    vsF?.ratio === null || vsF === undefined
      ? `no ratio: ${vsF?.refused ?? 'not measured'}; ${fmt(x.medianRps)} req/s; ${cpu}${fixed}`
      : `${fmt(vsF.ratio, 2)} × bare Fastify, ${node}; ${cpu}${bound}${fixed}`;
  return {
    id: '20.1',
    name: `20.1 /${t} throughput (${client})`,
    target: `≥ ${THROUGHPUT_TARGET} × bare Fastify`,
    actual,
    met: vsF?.ratio === null || vsF === undefined ? null : vsF.ratio >= THROUGHPUT_TARGET,
  };
}

function latencyLine(f: AdmissionFigures, t: Ours): TargetCheck {
  const o = f.openLoop;
  const x = o.perTarget[t];
  const base = o.perTarget[baselineOf('fastify', t)];
  const c = x.p99VsFastify;
  const rate = o.choice.preferredUsed ? '' : ` (${o.choice.reason})`;
  const figures = `p99 ${fmt(x.p99Ms)} ms vs ${fmt(base.p99Ms)} ms`;
  return {
    id: '20.2',
    name: `20.2 /${t} p99 at ${o.choice.rate} req/s, open loop`,
    target: `≤ ${P99_TARGET} × bare Fastify's p99`,
    actual:
      c?.ratio === null || c === undefined
        ? `no ratio: ${c?.refused ?? 'not measured'}; ${figures}${rate}`
        : `${fmt(c.ratio, 2)} × (${figures})${rate}`,
    met: c?.ratio === null || c === undefined ? null : c.ratio <= P99_TARGET,
  };
}

function harnessLine(f: AdmissionFigures): TargetCheck {
  const s = f.settings;
  const scatters = CLIENTS.map(
    (c) =>
      `${c}: ` +
      OURS.map(
        (e) =>
          `/${e} Fastify ${percent(f.closedLoop[c][baselineOf('fastify', e)].rpsScatter)}, ` +
          `node ${percent(f.closedLoop[c][baselineOf('node', e)].rpsScatter)}`,
      ).join(', '),
  ).join('; ');
  const unsustained = TARGETS.filter((t) => !f.openLoop.perTarget[t].sustained).map((t) => LABEL[t]);
  return {
    id: '20.5',
    name: '20.5 bench comparable with the held-out figures',
    target: `≥ ${REQUIRED_ROUNDS} rotated rounds, 2 baselines, 2 clients, scatter check, a rate every server sustains`,
    actual:
      `${s.rounds} rounds; baseline throughput scatter ${scatters}; ${f.refusals.length} ratio(s) refused; ` +
      `fixed rate ${f.openLoop.choice.rate} req/s${unsustained.length > 0 ? `, not sustained by ${unsustained.join(', ')}` : ''}`,
    met: s.rounds >= REQUIRED_ROUNDS && unsustained.length === 0,
  };
}

export function admissionTargets(f: AdmissionFigures): TargetCheck[] {
  const lines: TargetCheck[] = [];
  for (const c of CLIENTS) for (const t of OURS) lines.push(throughputLine(f, c, t));
  for (const t of OURS) lines.push(latencyLine(f, t));
  lines.push(harnessLine(f));
  return lines;
}
