// Standalone side-by-side profile of the admission hot path (issue 20, docs/performance.md#the-hot-path): the bare
// Fastify baseline, bare node https, our server from this tree and, optionally, our server from another source tree (e.g. an export
// of the commit before a change), each a child process on one core, measured in alternated rounds in one run.
//
//   node --import tsx bench/hot-path.ts
//   HOT_BEFORE=/tmp/before HOT_ROUNDS=5 HOT_S=4 node --import tsx bench/hot-path.ts
//
// HOT_BEFORE: a source tree with bench/admission-server.ts and node_modules (`git archive <rev> | tar -x -C dir`,
// then a node_modules symlink; or this tree, with HOT_BEFORE_LOG_LEVEL=warn to price the log line). HOT_ROUNDS (default 5), HOT_S seconds per max-rate run (default 4), HOT_RATE the
// open-loop rate for the p99 (default 200 req/s), HOT_PROF=dir writes a --cpu-prof of every child. Both trees are
// compiled first and served from dist/ (bench/built.ts); BENCH_BUILT=0 serves their sources through tsx.
// HOT_WORK_US=5,10,20 adds bare Fastify children that first busy-wait that many µs per review: what any added work
// costs over HTTPS, the budget a ratio target leaves (docs/performance.md#reading-the-ratios).
// Prints per server: max req/s, server CPU per review, and the p50/p99 at the fixed rate, medians over the rounds,
// and the ratios to the baseline measured in the same rounds. The full harness stays `npm run bench`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ServerKind } from './admission-server.js';
import { admissionBodies } from './fixtures.js';
import { runLoad, type LoadResult } from './load.js';
import { runOpenLoop } from './open-loop.js';
import { fmt, median } from './report.js';
import { buildTree, servesBuilt } from './built.js';
import { benchTls, canPin } from './server-process.js';
import { ourAnswers } from './admission.js';

interface Child {
  label: string;
  url: string;
  cpuUs(): Promise<number>;
  stop(): void;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : Number(raw);
}

async function startChild(
  label: string,
  root: string,
  kind: ServerKind,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Child> {
  const tls = benchTls();
  const prof = process.env['HOT_PROF'];
  const nodeArgs = [
    ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}/${label}`] : []),
    '--import',
    'tsx',
    `${root}/bench/admission-server.ts`,
    kind,
  ];
  const pinned = canPin();
  const child: ChildProcess = spawn(
    pinned ? 'taskset' : process.execPath,
    pinned ? ['-c', '1', process.execPath, ...nodeArgs] : nodeArgs,
    {
      cwd: root,
      // BENCH_BUILT spelled out: an older tree's children read only BENCH_BUILT=1 as "serve dist/".
      env: {
        ...process.env,
        ...extraEnv,
        BENCH_BUILT: servesBuilt() ? '1' : '0',
        BENCH_TLS_CERT: tls.certPem,
        BENCH_TLS_KEY: tls.keyPem,
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve(m.port);
      else if (m.type === 'error') reject(new Error(`${label}: ${m.message}`));
    });
  });
  const cpuUs = (): Promise<number> =>
    new Promise((resolve) => {
      const onMessage = (m: ChildMessage): void => {
        if (m.type !== 'memory') return;
        child.off('message', onMessage);
        resolve(m.cpuUs);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory' });
    });
  return { label, url: `https://127.0.0.1:${port}`, cpuUs, stop: () => child.send({ type: 'stop' }) };
}

/** HOT_WORK_US: the busy microseconds of each calibration child (none by default). */
function workSteps(): number[] {
  const raw = process.env['HOT_WORK_US'] ?? '';
  const steps = raw
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  if (steps.some((us) => !Number.isFinite(us) || us <= 0)) throw new Error('HOT_WORK_US must list positive numbers');
  return steps;
}

interface Row {
  rps: number[];
  cpu: number[];
  p50: number[];
  p99: number[];
}

async function main(): Promise<void> {
  const rounds = num('HOT_ROUNDS', 5);
  const seconds = num('HOT_S', 4);
  const rate = num('HOT_RATE', 200);
  const connections = num('HOT_CONNECTIONS', 16);
  const bodies = admissionBodies(20);
  const before = process.env['HOT_BEFORE'];
  if (servesBuilt())
    for (const root of before ? [ROOT, before] : [ROOT]) buildTree(root, (l) => process.stderr.write(`${l}\n`));
  // Ours first: the baselines answer each review with our answer's bytes (bench/admission-server.ts).
  const ours = await startChild('ours', ROOT, 'ours');
  const answers = await ourAnswers(ours.url, bodies, benchTls().caPem);
  const answerEnv = { BENCH_ANSWERS: JSON.stringify(answers) };
  const children: Child[] = [
    await startChild('baseline', ROOT, 'fastify', answerEnv),
    await startChild('bare node', ROOT, 'node', answerEnv),
    ours,
  ];
  for (const us of workSteps())
    children.push(await startChild(`fastify+${us}µs`, ROOT, 'fastify', { ...answerEnv, BENCH_WORK_US: String(us) }));
  const beforeLevel = process.env['HOT_BEFORE_LOG_LEVEL'];
  if (before)
    children.push(await startChild('before', before, 'ours', beforeLevel ? { BENCH_LOG_LEVEL: beforeLevel } : {}));
  // Every server on /validate and /mutate ("baseline /validate" is the reference of the CPU and p99 ratios).
  const targets = children.flatMap((c) => [
    { child: c, name: `${c.label} /validate`, path: '/validate', body: bodies.validate },
    { child: c, name: `${c.label} /mutate`, path: '/mutate', body: bodies.mutate },
  ]);
  const rows = new Map<string, Row>(targets.map((t) => [t.name, { rps: [], cpu: [], p50: [], p99: [] }]));
  try {
    for (const t of targets)
      await runLoad({ url: t.child.url, requests: [t], connections, durationS: 1.5, recordLatencies: false });
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        const row = rows.get(t.name)!;
        const cpuBefore = await t.child.cpuUs();
        const r: LoadResult = await runLoad({ url: t.child.url, requests: [t], connections, durationS: seconds });
        row.rps.push(r.rps);
        row.cpu.push(((await t.child.cpuUs()) - cpuBefore) / Math.max(1, r.responses));
        const open = await runOpenLoop({
          url: t.child.url,
          requests: [t],
          connections,
          rate,
          durationS: 3,
          warmupS: 0.5,
        });
        row.p50.push(open.latencyMs.p50);
        row.p99.push(open.latencyMs.p99);
        process.stderr.write(
          `round ${round} ${t.name.padEnd(20)} ${fmt(r.rps)} req/s  ${fmt(row.cpu.at(-1)!)} µs CPU/review  p99@${rate} ${fmt(open.latencyMs.p99)} ms\n`,
        );
      }
    }
  } finally {
    for (const c of children) c.stop();
  }
  const lines = [
    `| server | max req/s (median of ${rounds}) | / baseline | server CPU per review | over baseline | CPU ratio | p50 / p99 at ${rate} req/s | p99 / baseline's |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, row] of rows) {
    // Each against bare Fastify answering the same review.
    const base = rows.get(name.endsWith('/mutate') ? 'baseline /mutate' : 'baseline /validate')!;
    lines.push(
      `| ${name} | ${fmt(median(row.rps))} | ${fmt(median(row.rps) / median(base.rps), 2)} | ${fmt(median(row.cpu))} µs | ` +
        `${fmt(median(row.cpu) - median(base.cpu))} µs | ` +
        `${fmt(median(base.cpu) / median(row.cpu), 2)} | ${fmt(median(row.p50))} / ${fmt(median(row.p99))} ms | ` +
        `${fmt(median(row.p99) / median(base.p99), 2)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
