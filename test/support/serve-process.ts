// `clusterlink-webhook serve` from source (test/admission/cli-entry.ts through tsx) as a real child process:
// its parsed JSON log lines, the HTTPS url it listens on and the CA bundle it generated into --cert-dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { watchServeLog, type LogLine } from './serve-log.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
/** Node arguments that run the CLI from source, the way bin/clusterlink-webhook.js runs the build. */
// tsx by absolute URL: `--import tsx` is resolved from the cwd, which a test may set elsewhere (a read-only one).
export const CLI_FROM_SOURCE: readonly string[] = [
  '--import',
  pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
  CLI_ENTRY,
];

export type { LogLine } from './serve-log.js';

/** process.env with no cluster to find (no in-cluster config, no kubeconfig, no ~/.kube), plus `extra`. */
export function noClusterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KUBECONFIG: '/nonexistent/kubeconfig',
    KUBERNETES_SERVICE_HOST: '',
    HOME: tmpdir(),
    ...extra,
  };
}

export interface ServeProcessOptions {
  /** Where serve writes its generated CA and serving certificate (`--cert-dir`); undefined = serve's default. */
  certDir: string | undefined;
  /** Flags after the ones the helper always passes (127.0.0.1, ports 0, --cert-dir). */
  args?: string[];
  /** Overrides on top of noClusterEnv(). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Generous by default: CI is a loaded 2-core machine and tsx compiles the CLI on first start. */
  startTimeoutMs?: number;
}

export interface ServeProcess {
  child: ChildProcess;
  /** Every stdout log line so far, in order. */
  lines: LogLine[];
  /** The exit code, once the process has exited and all its output is in `lines`. */
  exited: Promise<number | null>;
  /** The webhook's HTTPS base url and the metrics base url, on 127.0.0.1. */
  url: string;
  metricsUrl: string;
  /** PEM of the generated CA that signed the serving certificate. */
  ca: string;
  /** The first line (already logged or still to come) matching `pred`; rejects on timeout or exit. */
  waitForLine(pred: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Signals the process (SIGTERM by default), SIGKILLs it if still alive after killAfterMs; the exit code. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

const isListening = (line: LogLine): boolean =>
  typeof line.msg === 'string' && line.msg.startsWith('admission webhooks listening');
const onLoopback = (url: unknown): string => String(url).replace('localhost', '127.0.0.1');

/** Starts `serve` and resolves once it logs that the webhooks listen; on failure the child is killed. */
export async function startServeProcess(options: ServeProcessOptions): Promise<ServeProcess> {
  const { certDir, args = [], env = {}, cwd = REPO_ROOT, startTimeoutMs = 60_000 } = options;
  const child = spawn(
    process.execPath,
    [
      ...CLI_FROM_SOURCE,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
      ...(certDir !== undefined ? ['--cert-dir', certDir] : []),
      ...args,
    ],
    { cwd, env: noClusterEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { lines, exited, running, waitForLine } = watchServeLog(child);

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 30_000): Promise<number | null> => {
    if (running()) child.kill(signal);
    const timer = setTimeout(() => {
      if (running()) child.kill('SIGKILL');
    }, killAfterMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  let listening: LogLine;
  try {
    listening = await waitForLine(isListening, startTimeoutMs);
  } catch (err) {
    if (running()) child.kill('SIGKILL');
    throw new Error(`serve did not start: ${(err as Error).message}`, { cause: err });
  }
  return {
    child,
    lines,
    exited,
    url: onLoopback(listening.url),
    metricsUrl: onLoopback(listening.metricsUrl),
    ca: readFileSync(certDir !== undefined ? join(certDir, 'ca.crt') : caFileOf(lines), 'utf8'),
    waitForLine,
    stop,
  };
}

/** The CA bundle path serve logged when it generated a certificate. */
function caFileOf(lines: LogLine[]): string {
  const line = lines.find((l) => typeof l.caBundleFile === 'string');
  if (!line) throw new Error('serve did not log where it wrote the CA bundle');
  return String(line.caBundleFile);
}
