// Issue 20 target 3 judged on the rule-cost figures (bench/rule-cost.ts): 10,000 mirror topics in ≤ 10 ms for what
// /validate computes (defaults + validation) and ≤ 20 ms for what /mutate computes (defaults + the JSON Patch),
// growing linearly, in-process (CPU time per call). run.ts adds these to the rules section unless it reports target 3
// itself; bench/big-links.ts judges the same target over HTTPS with these limits. Pure.
import type { RuleCostFigures } from './rule-cost.js';
import { fmt, type TargetCheck } from './report.js';

export const VALIDATE_10K_MS = 10;
export const MUTATE_10K_MS = 20;
/** Linear within measurement noise: ten times the topics in at most twelve times the time. */
export const GROWTH_LIMIT = 12;

/** The worst time ratio of the 10× steps from 100 topics up (below that the fixed per-object work dominates). */
export function worstGrowth(sizes: ReadonlyArray<{ mirrorTopics: number; ms: number }>): number | undefined {
  let worst: number | undefined;
  for (let i = 1; i < sizes.length; i++) {
    const prev = sizes[i - 1] as { mirrorTopics: number; ms: number };
    const cur = sizes[i] as { mirrorTopics: number; ms: number };
    if (prev.mirrorTopics < 100 || cur.mirrorTopics !== prev.mirrorTopics * 10 || !(prev.ms > 0)) continue;
    const ratio = cur.ms / prev.ms;
    if (worst === undefined || ratio > worst) worst = ratio;
  }
  return worst;
}

export function ruleTargets(f: RuleCostFigures): TargetCheck[] {
  const largest = f.sizes.find((s) => s.mirrorTopics === 10_000);
  const line = (name: string, goal: number, ms: number | undefined): TargetCheck => ({
    id: '20.3',
    name: `20.3 ${name}`,
    target: `≤ ${goal} ms`,
    actual: ms === undefined ? 'not measured (no 10,000-topic size in BENCH_RULE_SIZES)' : `${fmt(ms)} ms`,
    met: ms === undefined ? null : ms <= goal,
  });
  const growth = (name: string, key: 'defaultValidateMs' | 'patchMs'): TargetCheck => {
    const worst = worstGrowth(f.sizes.map((s) => ({ mirrorTopics: s.mirrorTopics, ms: s[key] })));
    return {
      id: '20.3',
      name: `20.3 ${name} growth linear`,
      target: `10× topics ≤ ${GROWTH_LIMIT}× time`,
      actual: worst === undefined ? 'not measured (no 10× steps from 100 topics)' : `worst step ${fmt(worst)}×`,
      met: worst === undefined ? null : worst <= GROWTH_LIMIT,
    };
  };
  return [
    line(
      '10,000 topics in-process: /validate rules (defaults + validation)',
      VALIDATE_10K_MS,
      largest?.defaultValidateMs,
    ),
    line('10,000 topics in-process: /mutate (defaults + JSON Patch)', MUTATE_10K_MS, largest?.patchMs),
    growth('in-process: /validate rules', 'defaultValidateMs'),
    growth('in-process: /mutate patch', 'patchMs'),
  ];
}
