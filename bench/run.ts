// `npm run bench`: runs the benchmark sections, prints Markdown tables and the target checks, and writes
// everything as JSON to $BENCH_OUT when set. Knobs: bench/config.ts. Targets that are missed are reported,
// never turned into a failure: the exit code is non-zero only when the harness itself breaks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from './built.js';
import { loadConfig, type BenchConfig, type SectionName } from './config.js';
import { machine, renderTable, type Machine, type SectionResult, type Table, type TargetCheck } from './report.js';
import { canPin, pinSelf } from './server-process.js';
import { ruleTargets } from './rule-targets.js';
import { missingTargets, targetTables } from './targets.js';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  durationS: number;
  machine: Machine;
  /** 1-minute load average before and after each section: other work on the machine skews the figures. */
  load: Record<string, { before: number; after: number }>;
  config: Omit<BenchConfig, 'out'>;
  sections: Partial<Record<SectionName, unknown>>;
  errors: Partial<Record<SectionName, string>>;
  targets: TargetCheck[];
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_SECTIONS: readonly SectionName[] = ['admission', 'memory', 'biglinks'];

async function runSection(name: SectionName, config: BenchConfig): Promise<SectionResult<unknown>> {
  switch (name) {
    case 'rules': {
      const { runRuleCost } = await import('./rule-cost.js');
      const result = runRuleCost({ sizes: config.ruleSizes, budgetMs: config.quick ? 150 : 600 });
      // Issue 20 target 3 from its figures, unless the section judges it itself.
      if (!result.targets.some((t) => t.id === '20.3')) result.targets.push(...ruleTargets(result.figures));
      return result;
    }
    case 'admission': {
      const { runAdmission } = await import('./admission.js');
      return runAdmission({ config, log });
    }
    case 'memory': {
      const { runMemory } = await import('./memory.js');
      return runMemory({ config, log });
    }
    case 'reconciler': {
      const { runReconciler } = await import('./reconciler.js');
      return runReconciler({ config, log });
    }
    case 'biglinks': {
      const { runBigLinks } = await import('./big-links.js');
      return runBigLinks({ config, log });
    }
    case 'apiserver': {
      // A real kube-apiserver and kubectl (bench/apiserver.ts); skips when the e2e harness is not built.
      const { runApiServer } = await import('./apiserver.js');
      return runApiServer({ config, log });
    }
    case 'coldstart': {
      // `serve` from spawn to its first healthy /healthz against bare node https (issue 20 target 4).
      const { runColdStart } = await import('./cold-start.js');
      return runColdStart({ config, log });
    }
  }
}

/** The order sections run in: cheap in-process first, then those that use child servers (apiserver last). */
const ORDER: readonly SectionName[] = [
  'rules',
  'coldstart',
  'reconciler',
  'admission',
  'memory',
  'biglinks',
  'apiserver',
];

export async function main(): Promise<number> {
  const config = loadConfig();
  const { out: _out, ...shownConfig } = config;
  const started = Date.now();
  const report: BenchReport = {
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    durationS: 0,
    machine: machine(),
    load: {},
    config: shownConfig,
    sections: {},
    errors: {},
    targets: [],
  };
  const m = report.machine;
  log(
    `clusterlink-webhook benchmarks — ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}${config.quick ? ' (BENCH_QUICK)' : ''}`,
  );
  // The sections that start our server child serve what production runs, compiled now.
  if (config.built && config.sections.some((s) => SERVER_SECTIONS.includes(s))) buildTree(ROOT, log);
  const load = loadavg()[0] ?? 0;
  if (load > m.cores * 0.75)
    log(
      `warning: the 1-minute load average is ${load.toFixed(1)} on ${m.cores} cores; figures will be skewed by other work`,
    );

  const tables: Table[] = [];
  const selected = ORDER.filter((s) => config.sections.includes(s));
  for (const name of selected) {
    log(`\n== ${name}`);
    const before = loadavg()[0] ?? 0;
    const sectionStart = Date.now();
    // The load generator gets core 0, the server children core 1 (see server-process.ts).
    const pinned = (name === 'admission' || name === 'memory') && config.pin && canPin() && pinSelf('0');
    try {
      const result = await runSection(name, config);
      report.sections[name] = result.figures;
      report.targets.push(...result.targets);
      tables.push(...result.tables);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      report.errors[name] = message;
      log(`section ${name} failed: ${message}`);
    } finally {
      if (pinned) pinSelf(`0-${Math.max(0, m.cores - 1)}`);
    }
    report.load[name] = { before, after: loadavg()[0] ?? 0 };
    log(`== ${name} done in ${((Date.now() - sectionStart) / 1000).toFixed(1)} s`);
  }

  report.targets.push(...missingTargets(report.targets, selected, report.errors, report.sections));
  report.finishedAt = new Date().toISOString();
  report.durationS = Math.round((Date.now() - started) / 100) / 10;
  const out: string[] = [];
  for (const table of tables) out.push(renderTable(table), '');
  for (const table of targetTables(report.targets)) out.push(renderTable(table), '');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform}, Node ${m.node}. ` +
      `Total ${report.durationS} s; 1-min load average ${Object.entries(report.load)
        .map(([k, v]) => `${k} ${v.before.toFixed(1)}→${v.after.toFixed(1)}`)
        .join(', ')}.`,
  );
  process.stdout.write(`\n${out.join('\n')}\n`);
  if (config.out) {
    mkdirSync(dirname(config.out), { recursive: true });
    writeFileSync(config.out, `${JSON.stringify(report, null, 2)}\n`);
    log(`figures written to ${config.out}`);
  }
  return Object.keys(report.errors).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
