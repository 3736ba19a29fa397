// Which tree our benchmark server children run: the compiled dist/ (what production runs; the default, compiled
// at the start of each run) or the TypeScript sources through tsx (BENCH_BUILT=0). tsx's transform costs a closure
// made per review what the check itself costs (docs/performance.md#the-hot-path), so the sources understate the
// built server, and the figures are meant to describe what runs in a pod.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function servesBuilt(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['BENCH_BUILT'] !== '0';
}

/** `npm run build` in `root` (about 11 s); throws when the compiler fails. */
export function buildTree(root: string, log: (line: string) => void): void {
  log(`  compiling ${root} (tsc -p tsconfig.build.json) for the built server; BENCH_BUILT=0 serves the sources`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`compiling ${root} failed (exit ${run.status ?? run.signal})`);
}
