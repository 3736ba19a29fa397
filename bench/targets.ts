// The target lines of `npm run bench` (docs/performance.md#targets): issue 20's targets in their order, each with a
// line even when no section measured it (then saying why), then the other sections' own targets. Pure.
import type { SectionName } from './config.js';
import { targetsTable, type Table, type TargetCheck } from './report.js';

/** Issue 20's targets and the section that reports each: a target no section reported gets a line saying so. */
const ISSUE_TARGETS: ReadonlyArray<{ id: string; name: string; section: SectionName }> = [
  { id: '20.1', name: '20.1 /validate and /mutate throughput ≥ 0.8 × bare Fastify', section: 'admission' },
  { id: '20.2', name: "20.2 p99 at 200 req/s open loop ≤ 1.3 × bare Fastify's", section: 'admission' },
  { id: '20.3', name: '20.3 10,000 topics: /validate ≤ 10 ms, /mutate ≤ 20 ms, linear', section: 'rules' },
  { id: '20.4', name: '20.4 cold start to the first healthy /healthz ≤ 0.8 s', section: 'coldstart' },
  { id: '20.5', name: '20.5 bench comparable with the held-out figures', section: 'admission' },
];

/** Missing issue targets as "not measured" lines, naming the section and why (not selected, failed, skipped). */
export function missingTargets(
  targets: readonly TargetCheck[],
  ran: readonly SectionName[],
  errors: Partial<Record<SectionName, string>>,
  sections: Partial<Record<SectionName, unknown>> = {},
): TargetCheck[] {
  const skipped = (name: SectionName): string | undefined => {
    const figures = sections[name] as { skipped?: unknown } | undefined;
    return typeof figures?.skipped === 'string' ? figures.skipped : undefined;
  };
  return ISSUE_TARGETS.filter((t) => !targets.some((c) => c.id === t.id)).map((t) => ({
    id: t.id,
    name: t.name,
    target: 'see docs/performance.md#targets',
    actual: !ran.includes(t.section)
      ? `not measured: section ${t.section} not selected (BENCH_ONLY)`
      : errors[t.section]
        ? `not measured: section ${t.section} failed`
        : skipped(t.section)
          ? `not measured: section ${t.section} skipped (${skipped(t.section)})`
          : `not measured: section ${t.section} reported no figure for it`,
    met: null,
  }));
}

/** Issue targets first, in their order, then the other sections' targets. */
export function targetTables(targets: readonly TargetCheck[]): Table[] {
  const issue = targets.filter((t) => t.id !== undefined).sort((a, b) => (a.id ?? '').localeCompare(b.id ?? ''));
  const other = targets.filter((t) => t.id === undefined);
  const tables: Table[] = [];
  if (issue.length > 0) tables.push({ ...targetsTable(issue), title: 'Targets of issue 20' });
  if (other.length > 0) tables.push({ ...targetsTable(other), title: 'Other targets' });
  return tables;
}
