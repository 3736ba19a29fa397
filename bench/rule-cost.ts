// Rule cost: the pure core in-process, no HTTP. For each mirror-topic count: defaulting + validation (what
// /validate computes before any Secret lookup), and separately the JSON Patch that /mutate adds on top.
// Medians of many timed batches, in CPU time of this process (process.cpuUsage): on a machine busy with other work,
// wall-clock batches also count the time the process waited for a core, which at 10,000 topics (one call per batch)
// made the figures meaningless. Growth between sizes should stay close to linear.
import { performance } from 'node:perf_hooks';
import { mutatePatch } from '../src/admission/patch.js';
import { defaultClusterLink, validateClusterLink, type RuleContext } from '../src/clusterlink/index.js';
import { clusterLinkObject, NAMESPACE } from './fixtures.js';
import { fmt, median, type SectionResult, type TargetCheck } from './report.js';

export interface RuleCostSize {
  mirrorTopics: number;
  /** Median ms of defaultClusterLink + validateClusterLink. */
  defaultValidateMs: number;
  /** Median ms of computing the mutate JSON Patch (the defaults recorded as operations, no copy). */
  patchMs: number;
  /** defaultValidateMs per topic, in µs. */
  perTopicUs: number;
  samples: number;
  errors: number;
}

export interface RuleCostFigures {
  sizes: RuleCostSize[];
  /** time(n₂)/time(n₁) for consecutive sizes, with the size ratio. */
  growth: Array<{ from: number; to: number; sizeRatio: number; timeRatio: number }>;
}

export interface RuleCostOptions {
  sizes: number[];
  /** Time spent measuring each figure of each size (ms). */
  budgetMs?: number;
}

/** CPU milliseconds (user + system, all threads of this process: GC included) since `from`. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

/**
 * Median CPU ms per call of `fn`, timing batches long enough (≥ 1 ms) to make the timer's resolution irrelevant.
 * The budget is wall time.
 */
export function timePerCall(fn: () => void, budgetMs: number): { ms: number; samples: number } {
  // Warm up until the optimising compiler has had its go (a quarter of the budget, at least 3 calls).
  const warmEnd = performance.now() + budgetMs / 4;
  for (let i = 0; i < 3 || performance.now() < warmEnd; i++) fn();
  const probeStart = process.cpuUsage();
  fn();
  const probe = Math.max(cpuMsSince(probeStart), 0.001);
  const batch = Math.max(1, Math.ceil(1 / probe));
  const perCall: number[] = [];
  const end = performance.now() + budgetMs;
  while (perCall.length < 5 || (performance.now() < end && perCall.length < 10_000)) {
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) fn();
    perCall.push(cpuMsSince(start) / batch);
  }
  return { ms: median(perCall), samples: perCall.length };
}

export function runRuleCost(options: RuleCostOptions): SectionResult<RuleCostFigures> {
  const budgetMs = options.budgetMs ?? 500;
  const ctx: RuleContext = { namespace: NAMESPACE, operation: 'CREATE' };
  const sizes: RuleCostSize[] = [];
  for (const n of options.sizes) {
    const object = clusterLinkObject(n);
    const check = validateClusterLink(defaultClusterLink(object, ctx), undefined, ctx);
    let sink = 0;
    const dv = timePerCall(() => {
      const result = validateClusterLink(defaultClusterLink(object, ctx), undefined, ctx);
      sink += result.errors.length;
    }, budgetMs);
    const patch = timePerCall(() => {
      sink += mutatePatch(object, ctx).length;
    }, budgetMs);
    if (sink < 0) throw new Error('unreachable'); // keeps the work observable
    sizes.push({
      mirrorTopics: n,
      defaultValidateMs: dv.ms,
      patchMs: patch.ms,
      perTopicUs: (dv.ms * 1000) / n,
      samples: dv.samples,
      errors: check.errors.length,
    });
  }
  const growth = sizes.slice(1).map((s, i) => {
    const prev = sizes[i] as RuleCostSize;
    return {
      from: prev.mirrorTopics,
      to: s.mirrorTopics,
      sizeRatio: s.mirrorTopics / prev.mirrorTopics,
      timeRatio: s.defaultValidateMs / prev.defaultValidateMs,
    };
  });
  const figures: RuleCostFigures = { sizes, growth };
  return { figures, tables: [ruleCostTable(figures)], targets: ruleCostTargets(figures) };
}

function ruleCostTable(f: RuleCostFigures): SectionResult<RuleCostFigures>['tables'][number] {
  return {
    title: 'Rule cost (pure functions, in-process; CPU time per call)',
    headers: ['mirror topics', 'default + validate', 'per topic', 'growth vs previous', 'mutate patch'],
    rows: f.sizes.map((s, i) => {
      const g = i > 0 ? f.growth[i - 1] : undefined;
      return [
        s.mirrorTopics.toLocaleString('en-US'),
        `${fmt(s.defaultValidateMs)} ms`,
        `${fmt(s.perTopicUs)} µs`,
        g ? `${fmt(g.timeRatio)}× for ${fmt(g.sizeRatio)}× topics` : '—',
        `${fmt(s.patchMs)} ms`,
      ];
    }),
  };
}

function ruleCostTargets(f: RuleCostFigures): TargetCheck[] {
  const targets: TargetCheck[] = [];
  const largest = f.sizes.find((s) => s.mirrorTopics === 10_000);
  targets.push({
    name: 'rules: 10,000 topics validated + defaulted',
    target: '< 50 ms',
    actual: largest ? `${fmt(largest.defaultValidateMs)} ms` : 'not run',
    met: largest ? largest.defaultValidateMs < 50 : null,
  });
  // Only steps of 10× from 100 topics up: below that the fixed per-object work dominates.
  const steps = f.growth.filter((g) => g.from >= 100 && g.sizeRatio === 10);
  const worst = steps.reduce<number | undefined>(
    (m, g) => (m === undefined || g.timeRatio > m ? g.timeRatio : m),
    undefined,
  );
  targets.push({
    name: 'rules: growth roughly linear',
    target: '10× topics ≤ 12× time',
    actual: worst === undefined ? 'not run' : `worst ${fmt(worst)}×`,
    met: worst === undefined ? null : worst <= 12,
  });
  return targets;
}
