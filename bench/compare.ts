// The pure statistics of the admission comparison (docs/performance.md#how-it-compares): the run order of the
// alternated rounds, the scatter of a baseline's own rounds, a ratio of medians that is refused when the baseline
// scatters too much to be a floor, and the fixed rate every server sustains. No I/O here: test/bench/compare.test.ts.
import { median } from './report.js';

/** A baseline whose rounds scatter by more than this is no floor to compare against (issue 20 target 5). */
export const MAX_SCATTER = 0.25;
/** Fewer rounds than this cannot show how much a baseline scatters. */
export const MIN_ROUNDS = 3;

/**
 * The spread of a set of rounds: (max − min) / median. 0 for identical rounds, NaN when there is nothing to judge
 * (no rounds, or a median of 0 or NaN). Strict on purpose: one bad round in five is enough to show the machine was
 * not steady while the baseline ran.
 */
export function scatter(values: readonly number[]): number {
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return Number.NaN;
  const mid = median(values);
  if (!(mid > 0)) return Number.NaN;
  return (Math.max(...values) - Math.min(...values)) / mid;
}

export interface Comparison {
  /** The ratio of medians, or null when refused. */
  ratio: number | null;
  oursMedian: number;
  baselineMedian: number;
  baselineScatter: number;
  baselineRounds: number;
  /** Why no ratio is given (null when it is). */
  refused: string | null;
}

export interface CompareOptions {
  /** Named in the refusal, e.g. "bare Fastify". */
  baselineName: string;
  /** false (default): ours ÷ baseline (throughput, latency); true: baseline ÷ ours (CPU per review → a speed ratio). */
  invert?: boolean;
  maxScatter?: number;
  minRounds?: number;
}

/** median(ours) ÷ median(baseline) (or its inverse), unless the baseline's own rounds make the ratio meaningless. */
export function compare(ours: readonly number[], baseline: readonly number[], options: CompareOptions): Comparison {
  const maxScatter = options.maxScatter ?? MAX_SCATTER;
  const minRounds = options.minRounds ?? MIN_ROUNDS;
  const oursMedian = median(ours);
  const baselineMedian = median(baseline);
  const baselineScatter = scatter(baseline);
  const base = { oursMedian, baselineMedian, baselineScatter, baselineRounds: baseline.length };
  const refuse = (why: string): Comparison => ({ ...base, ratio: null, refused: why });
  if (baseline.length < minRounds)
    return refuse(`${options.baselineName}: ${baseline.length} round(s), at least ${minRounds} are needed`);
  if (!Number.isFinite(baselineScatter)) return refuse(`${options.baselineName}: no usable rounds`);
  if (baselineScatter > maxScatter)
    return refuse(
      `${options.baselineName}'s own rounds scatter by ${percent(baselineScatter)} (> ${percent(maxScatter)})`,
    );
  if (!(oursMedian > 0)) return refuse('no usable rounds of ours');
  const ratio = options.invert ? baselineMedian / oursMedian : oursMedian / baselineMedian;
  return { ...base, ratio, refused: null };
}

export const percent = (fraction: number): string =>
  Number.isFinite(fraction) ? `${Math.round(fraction * 100)} %` : 'n/a';

/** The run order of round `round` (0-based): the list rotated by one more place each round. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const shift = ((round % n) + n) % n;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export interface RateChoice {
  rate: number;
  /** The closed-loop median throughput of the slowest server measured. */
  slowestRps: number;
  /** rate ÷ slowestRps. */
  fraction: number;
  /** Whether the preferred rate (target 2's 200 req/s) was the one used. */
  preferredUsed: boolean;
  reason: string;
}

export interface RateOptions {
  /** Closed-loop median throughput of every server measured (req/s). */
  throughputs: readonly number[];
  /** The rate the target is stated at (default 200 req/s, issue 20 target 2). */
  preferred?: number;
  /** The highest share of the slowest server's throughput a fixed rate may take (default 0.5). */
  maxFraction?: number;
  /** BENCH_FIXED_RATE: a rate given by hand (still checked, and said, when above maxFraction). */
  override?: number;
}

/**
 * The fixed rate for the open-loop latency runs: the preferred rate when every server sustains it with room to spare
 * (≤ maxFraction of the slowest one's closed-loop throughput), else that share of the slowest throughput.
 */
export function chooseRate(options: RateOptions): RateChoice {
  const preferred = options.preferred ?? 200;
  const maxFraction = options.maxFraction ?? 0.5;
  const usable = options.throughputs.filter((t) => Number.isFinite(t) && t > 0);
  const slowestRps = usable.length > 0 ? Math.min(...usable) : Number.NaN;
  const ceiling = Math.floor(slowestRps * maxFraction);
  const share = `${percent(maxFraction)} of the slowest server's ${Math.round(slowestRps)} req/s`;
  const choice = (rate: number, reason: string): RateChoice => ({
    rate,
    slowestRps,
    fraction: rate / slowestRps,
    preferredUsed: rate === preferred,
    reason,
  });
  if (options.override !== undefined) {
    const over = Number.isFinite(ceiling) && options.override > ceiling;
    return choice(
      options.override,
      `BENCH_FIXED_RATE=${options.override}${over ? `, above ${share}: some servers may queue` : ''}`,
    );
  }
  if (!Number.isFinite(slowestRps))
    return choice(preferred, `${preferred} req/s (no closed-loop throughput to check it)`);
  if (preferred <= ceiling) return choice(preferred, `${preferred} req/s, within ${share}`);
  const rate = Math.max(1, ceiling);
  return choice(rate, `${rate} req/s = ${share}; ${preferred} req/s is not sustained with room to spare here`);
}
