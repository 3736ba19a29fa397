// A real kube-apiserver (the harness of test/e2e/harness, built by test/e2e/build-harness.ts) for one e2e
// file, with kubectl and helm pointed at it. Where the harness is not built and Go is absent, `e2eSkip`
// says why and the file's tests skip; in CI (CI=true) that is a failure instead (docs/e2e.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { harnessPath, goVersion } from '../build-harness.js';
import { kubeTools } from '../../chart/kube-tools.js';
import { exec, execOk, type ExecOptions, type ExecResult } from './exec.js';

/** Why the e2e suite cannot run here, or undefined when it can. Throws in CI instead of skipping. */
export function e2eSkip(): string | undefined {
  if (existsSync(harnessPath())) return undefined;
  const reason = goVersion()
    ? `the e2e API server harness is not built for the current sources (${harnessPath()}): run \`npm run test:e2e\`, which builds it`
    : 'Go is not installed: the e2e API server harness (test/e2e/harness) cannot be built; install Go to run the e2e suite';
  if (process.env['CI'] === 'true') throw new Error(`e2e suite cannot run in CI: ${reason}`);
  return reason;
}

interface ClusterInfo {
  url: string;
  kubeconfig: string;
  caFile: string;
  token: string;
  auditLog: string;
  dir: string;
}

export interface Cluster extends ClusterInfo {
  /** `kubectl <args>` as the cluster admin; resolves with the exit status and output, never rejects on status. */
  kubectl(args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Like kubectl, but a non-zero exit rejects with the output. */
  kubectlOk(args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  helm(args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  helmOk(args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** A kubeconfig file (in the cluster's directory) that authenticates with `token` instead of the admin's. */
  kubeconfigFor(name: string, token: string): string;
  /** GET on the API server as the admin (e.g. /metrics), as text. */
  get(path: string): Promise<string>;
  stop(): Promise<void>;
}

function toolEnv(dir: string, kubeconfig: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    KUBECONFIG: kubeconfig,
    HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
    HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
    HELM_DATA_HOME: join(dir, 'helm', 'data'),
    NO_COLOR: '1',
  };
}

function waitForReady(child: ChildProcess, logFile: string, timeoutMs: number): Promise<ClusterInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the API server was not ready within ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      lines.close();
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3_000) : '';
      reject(new Error(`${err.message}\n--- API server log (end) ---\n${log}`));
    };
    lines.on('line', (line) => {
      if (!line.startsWith('ready ')) return;
      clearTimeout(timer);
      lines.close();
      resolve(JSON.parse(line.slice('ready '.length)) as ClusterInfo);
    });
    child.once('exit', (code) => fail(new Error(`the API server harness exited with ${code} before it was ready`)));
  });
}

/** Starts etcd and kube-apiserver on 127.0.0.1 in a fresh directory; resolves once /readyz answers. */
export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'clw-e2e-'));
  const logFile = join(dir, 'apiserver.log');
  const log = openSync(logFile, 'a');
  // stdin stays open as long as this process lives: the harness stops when it closes.
  const child = spawn(harnessPath(), ['--dir', join(dir, 'cluster')], { stdio: ['pipe', 'pipe', log] });
  let info: ClusterInfo;
  try {
    info = await waitForReady(child, logFile, 180_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const tools = kubeTools();
  const env = toolEnv(dir, info.kubeconfig);
  const withEnv = (options: ExecOptions = {}): ExecOptions => ({ ...options, env: { ...env, ...options.env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...info,
    kubectl: (args, options) => exec(tools.kubectl, args, withEnv(options)),
    kubectlOk: (args, options) => execOk(tools.kubectl, args, withEnv(options)),
    helm: (args, options) => exec(tools.helm, args, withEnv(options)),
    helmOk: (args, options) => execOk(tools.helm, args, withEnv(options)),
    kubeconfigFor(name, token) {
      const path = join(dir, `kubeconfig-${name}`);
      const text = readFileSync(info.kubeconfig, 'utf8')
        .replace(/token: \S+/, `token: ${token}`)
        .replace('user: admin', `user: ${name}`)
        .replace('- name: admin', `- name: ${name}`);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    },
    async get(path) {
      const run = await execOk(tools.kubectl, ['get', '--raw', path], withEnv());
      return run.stdout;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
