// Runs every test/**/*.test.ts with Node's built-in test runner (through tsx) and ends with the
// plain summary line CI reads: "N passed, N failed, N skipped".
//
// `node test/run.mjs --e2e` runs the e2e suite instead (test/e2e/*.e2e.ts, docs/e2e.md): it first builds or
// reuses the API server harness (test/e2e/build-harness.ts), then runs the files one at a time (each starts
// its own kube-apiserver) with a longer per-test timeout. Without Go the files skip and say why (CI fails).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const e2e = process.argv.includes('--e2e');
const filter = process.argv.slice(2).filter((a) => a !== '--e2e');
const suffix = e2e ? '.e2e.ts' : '.test.ts';

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (entry.endsWith(suffix)) out.push(relative(root, path));
  }
  return out;
}

const files = find(join(root, e2e ? 'test/e2e' : 'test')).filter(
  (f) => filter.length === 0 || filter.some((x) => f.includes(x)),
);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

if (e2e) {
  // Exit 3: no Go toolchain. The files then skip with the reason (or fail, with CI=true).
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/build-harness.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0 && build.status !== 3) {
    console.error('the e2e harness build failed');
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
}

// A handle left open after a file's last test must not stall CI. --test-force-exit would end such a file,
// but it races with the report: the verdicts of a file's last tests can be dropped while the run still
// exits 0 (nodejs/node#64833; seen here on Node 24 with 131 of 1215 tests missing from the totals, and on
// Node 20 with 15). The watchdog below ends a run that prints nothing for STALL_MS instead, as a failure.
const STALL_MS = 10 * 60_000;

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${e2e ? 1 : 2}`,
    '--test-reporter=spec',
    // A test left hanging must not stall CI either.
    `--test-timeout=${e2e ? 300000 : 120000}`,
    ...files,
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
let lastOutput = Date.now();
let stalled = false;
const watchdog = setInterval(() => {
  if (Date.now() - lastOutput < STALL_MS) return;
  stalled = true;
  console.error(
    `no test output for ${STALL_MS / 60_000} minutes: a test file left a handle open or hangs; stopping the run`,
  );
  child.kill('SIGKILL');
}, 5_000);
watchdog.unref();
// The reporter's totals ("ℹ pass N") come before the list of failures, which can be long: keep every
// summary line seen, and the partial line between chunks.
let partial = '';
const summary = [];
child.stdout.on('data', (chunk) => {
  lastOutput = Date.now();
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) if (line.startsWith('ℹ ')) summary.push(line);
});
child.on('close', (code) => {
  if (partial.startsWith('ℹ ')) summary.push(partial);
  const count = (label) => {
    const line = summary.findLast((l) => l.startsWith(`ℹ ${label} `));
    return Number(line?.split(' ')[2] ?? 0);
  };
  const passed = count('pass');
  const failed = count('fail') + count('cancelled') + (stalled ? 1 : 0);
  const skipped = count('skipped') + count('todo');
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(stalled ? 1 : (code ?? 1));
});
