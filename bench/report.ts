// The shared reporter: every section hands back its figures (JSON), a table and its target checks; this file
// renders tables as Markdown (readable in a terminal, pasteable into the docs) and holds the small statistics.
import { cpus, totalmem, platform, release } from 'node:os';

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  notes?: string[];
}

/** One target of the issue: where we stand, never faked. `met: null` = not measured in this run. */
export interface TargetCheck {
  /** The issue target it checks, e.g. "20.1" (issue 20, target 1), when it is one. */
  id?: string;
  name: string;
  target: string;
  actual: string;
  met: boolean | null;
}

export interface Machine {
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
}

export interface SectionResult<T> {
  figures: T;
  tables: Table[];
  targets: TargetCheck[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function renderTable(table: Table): string {
  const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [
    `### ${table.title}`,
    '',
    line(table.headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...table.rows.map(line),
  ];
  for (const note of table.notes ?? []) out.push('', note);
  return out.join('\n');
}

export function targetsTable(targets: TargetCheck[]): Table {
  return {
    title: 'Targets',
    headers: ['target', 'goal', 'measured', 'met'],
    rows: targets.map((t) => [t.name, t.target, t.actual, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Percentiles, max and mean of a run's response times (ms); NaN everywhere for an empty run. */
export function latencySummary(times: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(times).sort();
  const sum = times.reduce((a, b) => a + b, 0);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: times.length > 0 ? sum / times.length : Number.NaN,
  };
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    num += dx * ((ys[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

/** Fixed significant formatting: 12 345, 1.23, 0.0123. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(Math.max(0, digits - 2));
  if (abs >= 1) return value.toFixed(Math.max(0, digits - 1));
  return value.toPrecision(digits);
}

export const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
