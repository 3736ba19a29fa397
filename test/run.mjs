// Runs every test/**/*.test.ts with Node's built-in test runner (through tsx) and ends with the
// plain summary line CI reads: "N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (entry.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = find(join(root, 'test')).filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    // A test left hanging, or a handle left open after the last test, must not stall CI.
    '--test-timeout=120000',
    '--test-force-exit',
    ...files,
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
// The reporter's totals ("ℹ pass N") come before the list of failures, which can be long: keep every
// summary line seen, and the partial line between chunks.
let partial = '';
const summary = [];
child.stdout.on('data', (chunk) => {
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
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});
