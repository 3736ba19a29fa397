#!/usr/bin/env node
// Entry point of the installed command: runs the compiled CLI (dist/). In a checkout (src/ beside dist/) it
// compiles first only when dist/ is missing or older than a source file, so `npm start` on a fresh build starts
// at once (docs/cli.md#start-time).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfStale() {
  const src = join(root, 'src');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(src) || !existsSync(tsc)) return; // an installed package: dist/ is what ships
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(src)) return;
  process.stderr.write('clusterlink-webhook: dist/ is older than src/; compiling (npm run build)\n');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 2);
}

buildIfStale();
const { main } = await import('../dist/main.js');
main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`clusterlink-webhook: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
