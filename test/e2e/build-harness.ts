// Builds the e2e API server harness (test/e2e/harness: kube-apiserver + embedded etcd, docs/e2e.md) once per
// content and reuses it: the binary lives outside the repository under
// ${XDG_CACHE_HOME:-$HOME/.cache}/clusterlink-webhook-e2e/harness-<key>/, where <key> hashes go.mod, go.sum,
// the harness sources, the build flags and the Go version. A fresh clone on the same machine (CI) finds it
// there; Go's own module and build caches make a rebuild after a source change cheap too.
//
//   node --import tsx test/e2e/build-harness.ts          build or reuse; prints timings, then the binary's path
//   node --import tsx test/e2e/build-harness.ts --path   print the path the current sources would use (no build)
//
// Exit codes: 0 built or reused, 1 the build failed, 3 no Go toolchain on PATH.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { e2eCacheDir } from '../chart/kube-tools.js';

export const HARNESS_DIR = fileURLToPath(new URL('./harness/', import.meta.url));
export const KUBERNETES_VERSION = 'v1.33.13';
export const EXIT_NO_GO = 3;

// kube-apiserver reports the version it was stamped with (Helm checks the chart's kubeVersion against it);
// a module build is unstamped (v0.0.0-master), so stamp it the way Kubernetes' release build does.
const LDFLAGS = [
  '-s',
  '-w',
  `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
  `-X k8s.io/component-base/version.gitMajor=1`,
  `-X k8s.io/component-base/version.gitMinor=33`,
  `-X k8s.io/component-base/version.gitTreeState=clean`,
  `-X k8s.io/client-go/pkg/version.gitVersion=${KUBERNETES_VERSION}`,
].join(' ');
const BUILD_ARGS = ['build', '-mod=readonly', '-trimpath', `-ldflags=${LDFLAGS}`];
const KEEP_BUILDS = 2;

/** `go version` output, or undefined when Go is not on PATH. */
export function goVersion(): string | undefined {
  const run = spawnSync('go', ['version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

export function harnessKey(go: string = goVersion() ?? 'no-go'): string {
  const hash = createHash('sha256');
  const sources = readdirSync(HARNESS_DIR)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  for (const file of sources)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(HARNESS_DIR, file)))
      .update('\0');
  hash.update(JSON.stringify(BUILD_ARGS)).update(go);
  return hash.digest('hex').slice(0, 16);
}

export function harnessPath(key: string = harnessKey()): string {
  return join(e2eCacheDir(), `harness-${key}`, 'e2e-apiserver');
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function go(args: readonly string[], label: string): void {
  const started = Date.now();
  const run = spawnSync('go', [...args], { cwd: HARNESS_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  console.error(`build-harness: ${label}: ${seconds(started)}`);
  if (run.status !== 0) throw new Error(`go ${args[0]} failed with exit code ${run.status}`);
}

/** Older harness builds beyond the newest KEEP_BUILDS are removed (each is ~150 MB). */
function prune(keep: string): void {
  const root = e2eCacheDir();
  const builds = readdirSync(root)
    .filter((d) => d.startsWith('harness-') && join(root, d) !== keep)
    .map((d) => ({ dir: join(root, d), mtime: statSync(join(root, d)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(old.dir, { recursive: true, force: true });
}

/** The harness binary for the current sources: reused when cached, else downloaded and built. */
/** No Go toolchain: the caller decides whether that skips (a developer's machine) or fails (CI). */
export class NoGoError extends Error {
  constructor() {
    super('Go is not installed (no `go` on PATH): the e2e harness cannot be built');
  }
}

export function buildHarness(): string {
  const version = goVersion();
  if (!version) throw new NoGoError();
  const started = Date.now();
  const binary = harnessPath(harnessKey(version));
  const dir = join(binary, '..');
  if (existsSync(binary)) {
    const now = new Date();
    utimesSync(dir, now, now);
    console.error(`build-harness: reusing ${binary} (${version})`);
    return binary;
  }
  console.error(`build-harness: building kube-apiserver ${KUBERNETES_VERSION} harness with ${version}`);
  mkdirSync(e2eCacheDir(), { recursive: true });
  go(['mod', 'download'], 'go mod download');
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  go([...BUILD_ARGS, '-o', join(tmp, 'e2e-apiserver'), '.'], 'go build');
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(binary)) throw err;
  }
  prune(dir);
  console.error(`build-harness: total ${seconds(started)}`);
  return binary;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--path')) {
    console.log(harnessPath());
  } else {
    try {
      console.log(buildHarness());
    } catch (err) {
      console.error(`build-harness: ${(err as Error).message}`);
      process.exit(err instanceof NoGoError ? EXIT_NO_GO : 1);
    }
  }
}
