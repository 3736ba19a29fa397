// Evaluates parsed PromQL (promql-parse.ts) over a series of /metrics scrapes, the way Prometheus would over the same
// samples: instant selectors take each series' value from the latest scrape at or before the time (a series missing
// from that scrape is stale), `rate` extrapolates like Prometheus's extrapolatedRate, `histogram_quantile`
// interpolates linearly within the bucket, aggregations group by their labels. Enough for the dashboard's panels.
import type { Expr, Matcher } from './promql-parse.js';

export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels; // includes __name__
  value: number;
}
export interface Scrape {
  /** Unix time in seconds. */
  t: number;
  samples: Sample[];
}
export interface VectorElement {
  labels: Labels;
  value: number;
}
type Value = { type: 'scalar'; value: number } | { type: 'vector'; elements: VectorElement[] };

export const labelKey = (labels: Labels): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

function matches(labels: Labels, name: string | undefined, matchers: Matcher[]): boolean {
  if (name !== undefined && labels['__name__'] !== name) return false;
  return matchers.every(({ label, op, value }) => {
    const actual = labels[label] ?? '';
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    const full = new RegExp(`^(?:${value})$`).test(actual);
    return op === '=~' ? full : !full;
  });
}

const withoutName = ({ __name__: _, ...rest }: Labels): Labels => rest;

/** Points of every matching series with t in (from, to]. */
function rangeOf(scrapes: Scrape[], sel: Extract<Expr, { kind: 'selector' }>, from: number, to: number) {
  const series = new Map<string, { labels: Labels; points: Array<[number, number]> }>();
  for (const s of scrapes) {
    if (s.t <= from || s.t > to) continue;
    for (const sample of s.samples) {
      if (!matches(sample.labels, sel.name, sel.matchers)) continue;
      const key = labelKey(sample.labels);
      const entry = series.get(key) ?? { labels: sample.labels, points: [] };
      entry.points.push([s.t, sample.value]);
      series.set(key, entry);
    }
  }
  return [...series.values()];
}

/** Prometheus's extrapolatedRate for counters (promql/functions.go). */
export function extrapolatedRate(
  points: Array<[number, number]>,
  rangeStart: number,
  rangeEnd: number,
): number | undefined {
  if (points.length < 2) return undefined;
  const [firstT, firstV] = points[0] as [number, number];
  const [lastT, lastV] = points[points.length - 1] as [number, number];
  let delta = lastV - firstV;
  for (let i = 1; i < points.length; i++) {
    const prev = (points[i - 1] as [number, number])[1];
    if ((points[i] as [number, number])[1] < prev) delta += prev; // a counter reset
  }
  const sampled = lastT - firstT;
  const average = sampled / (points.length - 1);
  let toStart = firstT - rangeStart;
  const toEnd = rangeEnd - lastT;
  if (delta > 0 && firstV >= 0) toStart = Math.min(toStart, sampled * (firstV / delta));
  const threshold = average * 1.1;
  const extrapolated =
    sampled + (toStart < threshold ? toStart : average / 2) + (toEnd < threshold ? toEnd : average / 2);
  return (delta * (extrapolated / sampled)) / (rangeEnd - rangeStart);
}

/** Prometheus's bucketQuantile: linear interpolation within the bucket that holds the rank. */
export function bucketQuantile(q: number, buckets: Array<{ le: number; count: number }>): number {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const last = sorted[sorted.length - 1];
  if (sorted.length < 2 || last?.le !== Infinity) return NaN;
  for (let i = 1; i < sorted.length; i++) {
    const b = sorted[i] as { count: number };
    b.count = Math.max(b.count, (sorted[i - 1] as { count: number }).count); // monotonic, like Prometheus
  }
  const total = last.count;
  if (total === 0) return NaN;
  const rank = q * total;
  const idx = sorted.findIndex((b) => b.count >= rank);
  if (idx === sorted.length - 1) return (sorted[sorted.length - 2] as { le: number }).le;
  const bucket = sorted[idx] as { le: number; count: number };
  if (idx === 0 && bucket.le <= 0) return bucket.le;
  const start = idx === 0 ? 0 : (sorted[idx - 1] as { le: number }).le;
  const below = idx === 0 ? 0 : (sorted[idx - 1] as { count: number }).count;
  return start + (bucket.le - start) * ((rank - below) / (bucket.count - below));
}

export class Evaluator {
  constructor(private readonly scrapes: Scrape[]) {}

  /** The value of `expr` at time t (seconds): a scalar or an instant vector. */
  at(expr: Expr, t: number): Value {
    switch (expr.kind) {
      case 'number':
        return { type: 'scalar', value: expr.value };
      case 'selector':
        return this.instant(expr, t);
      case 'call':
        return this.call(expr.fn, expr.args, t);
      case 'aggregate':
        return this.aggregate(expr, t);
      case 'binary':
        return this.binary(expr.op, this.at(expr.lhs, t), this.at(expr.rhs, t));
    }
  }

  private instant(sel: Extract<Expr, { kind: 'selector' }>, t: number): Value {
    if (sel.rangeSeconds !== undefined) throw new Error('PromQL: a range vector needs a function such as rate()');
    const latest = [...this.scrapes].reverse().find((s) => s.t <= t);
    const elements = (latest?.samples ?? [])
      .filter((s) => matches(s.labels, sel.name, sel.matchers))
      .map((s) => ({ labels: s.labels, value: s.value }));
    return { type: 'vector', elements };
  }

  private vector(expr: Expr | undefined, t: number): VectorElement[] {
    const v = expr ? this.at(expr, t) : undefined;
    if (v?.type !== 'vector') throw new Error('PromQL: expected an instant vector');
    return v.elements;
  }

  private scalar(expr: Expr | undefined, t: number): number {
    const v = expr ? this.at(expr, t) : undefined;
    if (v?.type !== 'scalar') throw new Error('PromQL: expected a scalar');
    return v.value;
  }

  private call(fn: string, args: Expr[], t: number): Value {
    const vec = (elements: VectorElement[]): Value => ({ type: 'vector', elements });
    switch (fn) {
      case 'time':
        return { type: 'scalar', value: t };
      case 'rate':
        return vec(this.rate(args[0], t));
      case 'histogram_quantile':
        return vec(this.quantile(this.scalar(args[0], t), this.vector(args[1], t)));
      case 'clamp_min': {
        const min = this.scalar(args[1], t);
        return vec(
          this.vector(args[0], t).map((e) => ({ labels: withoutName(e.labels), value: Math.max(e.value, min) })),
        );
      }
      case 'absent': {
        const arg = args[0];
        if (this.vector(arg, t).length > 0) return vec([]);
        const eq = arg?.kind === 'selector' ? arg.matchers.filter((m) => m.op === '=') : [];
        return vec([{ labels: Object.fromEntries(eq.map((m) => [m.label, m.value])), value: 1 }]);
      }
      default:
        throw new Error(`PromQL: function ${fn}() is not supported here`);
    }
  }

  private rate(arg: Expr | undefined, t: number): VectorElement[] {
    if (arg?.kind !== 'selector' || arg.rangeSeconds === undefined) throw new Error('PromQL: rate() needs a range');
    const from = t - arg.rangeSeconds;
    return rangeOf(this.scrapes, arg, from, t).flatMap(({ labels, points }) => {
      const value = extrapolatedRate(points, from, t);
      return value === undefined ? [] : [{ labels: withoutName(labels), value }];
    });
  }

  private quantile(q: number, elements: VectorElement[]): VectorElement[] {
    const groups = new Map<string, { labels: Labels; buckets: Array<{ le: number; count: number }> }>();
    for (const e of elements) {
      const { le, ...rest } = withoutName(e.labels);
      if (le === undefined) continue;
      const key = labelKey(rest);
      const g = groups.get(key) ?? { labels: rest, buckets: [] };
      g.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: e.value });
      groups.set(key, g);
    }
    return [...groups.values()].map((g) => ({ labels: g.labels, value: bucketQuantile(q, g.buckets) }));
  }

  private aggregate(expr: Extract<Expr, { kind: 'aggregate' }>, t: number): Value {
    const groups = new Map<string, { labels: Labels; values: number[] }>();
    for (const e of this.vector(expr.expr, t)) {
      const base = withoutName(e.labels);
      const { labels: names = [], without = false } = expr.grouping ?? {};
      const labels = Object.fromEntries(
        Object.entries(base).filter(([k]) => (without ? !names.includes(k) : names.includes(k))),
      );
      const key = labelKey(labels);
      const g = groups.get(key) ?? { labels, values: [] };
      g.values.push(e.value);
      groups.set(key, g);
    }
    const reduce: Record<string, (v: number[]) => number> = {
      sum: (v) => v.reduce((a, b) => a + b, 0),
      min: (v) => Math.min(...v),
      max: (v) => Math.max(...v),
      avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
      count: (v) => v.length,
    };
    const fn = reduce[expr.op];
    if (!fn) throw new Error(`PromQL: aggregation ${expr.op} is not supported here`);
    return { type: 'vector', elements: [...groups.values()].map((g) => ({ labels: g.labels, value: fn(g.values) })) };
  }

  private binary(op: string, lhs: Value, rhs: Value): Value {
    const arith = ARITHMETIC[op];
    const compare = COMPARISON[op];
    if (lhs.type === 'scalar' && rhs.type === 'scalar') {
      if (arith) return { type: 'scalar', value: arith(lhs.value, rhs.value) };
      throw new Error(`PromQL: ${op} between scalars needs bool`);
    }
    if (op === 'or') return orVectors(asVector(lhs), asVector(rhs));
    const pairs = pairUp(lhs, rhs);
    if (arith) return { type: 'vector', elements: pairs.map(([l, r, labels]) => ({ labels, value: arith(l, r) })) };
    if (compare) {
      // a comparison filters: it keeps the left-hand element (with its value) where the comparison holds
      const kept = pairs
        .filter(([l, r]) => compare(l, r))
        .map(([l, , labels, original]) => ({ labels: original ?? labels, value: l }));
      return { type: 'vector', elements: kept };
    }
    throw new Error(`PromQL: operator ${op} is not supported here`);
  }
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
};
const COMPARISON: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

function asVector(v: Value): VectorElement[] {
  if (v.type !== 'vector') throw new Error('PromQL: `or` needs vectors');
  return v.elements;
}

function orVectors(lhs: VectorElement[], rhs: VectorElement[]): Value {
  const seen = new Set(lhs.map((e) => labelKey(withoutName(e.labels))));
  return { type: 'vector', elements: [...lhs, ...rhs.filter((e) => !seen.has(labelKey(withoutName(e.labels))))] };
}

/** [left value, right value, result labels, left labels] per matched pair: one-to-one on all labels but the name. */
function pairUp(lhs: Value, rhs: Value): Array<[number, number, Labels, Labels | undefined]> {
  if (lhs.type === 'scalar' && rhs.type === 'vector')
    return rhs.elements.map((e) => [lhs.value, e.value, withoutName(e.labels), undefined]);
  if (lhs.type === 'vector' && rhs.type === 'scalar')
    return lhs.elements.map((e) => [e.value, rhs.value, withoutName(e.labels), e.labels]);
  if (lhs.type !== 'vector' || rhs.type !== 'vector') return [];
  const right = new Map(rhs.elements.map((e) => [labelKey(withoutName(e.labels)), e]));
  return lhs.elements.flatMap((e): Array<[number, number, Labels, Labels | undefined]> => {
    const match = right.get(labelKey(withoutName(e.labels)));
    return match ? [[e.value, match.value, withoutName(e.labels), e.labels]] : [];
  });
}
