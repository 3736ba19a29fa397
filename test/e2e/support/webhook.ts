// `clusterlink-webhook serve` as a separate process through the package's own entry point
// (bin/clusterlink-webhook.js, i.e. the build in dist/: `npm run test:e2e` builds first), the way a user or
// the container runs it. Its JSON log lines are kept; it can be stopped, frozen (SIGSTOP) and thawed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchServeLog, type LogLine } from '../../support/serve-log.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(REPO_ROOT, 'bin', 'clusterlink-webhook.js');

export type { LogLine } from '../../support/serve-log.js';

export interface WebhookProcess {
  child: ChildProcess;
  lines: LogLine[];
  port: number;
  /** The first log line (seen or to come) matching pred. */
  waitForLine(pred: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  running(): boolean;
}

export interface WebhookOptions {
  /** HTTPS port; a free one when 0 (the chart's webhook.url must name the port before the start). */
  port: number;
  /** Served files; both undefined when the certificate comes from elsewhere (`--managed-certs` in `args`). */
  certFile: string | undefined;
  keyFile: string | undefined;
  certDir: string;
  kubeconfig: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const isMsg =
  (re: RegExp) =>
  (line: LogLine): boolean =>
    typeof line['msg'] === 'string' && re.test(line['msg']);

export async function startWebhook(options: WebhookOptions): Promise<WebhookProcess> {
  const { port, certFile, keyFile, certDir, kubeconfig, args = [], env = {} } = options;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--metrics-port',
      '0',
      ...(certFile !== undefined && keyFile !== undefined
        ? ['--tls-cert-file', certFile, '--tls-private-key-file', keyFile]
        : []),
      '--cert-dir',
      certDir,
      ...args,
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'], HOME: certDir, KUBECONFIG: kubeconfig, KUBERNETES_SERVICE_HOST: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const { lines, exited, running, waitForLine } = watchServeLog(child);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (running()) {
      child.kill('SIGCONT');
      child.kill(signal);
    }
    const timer = setTimeout(() => running() && child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    await waitForLine(isMsg(/^admission webhooks listening/), 60_000);
  } catch (err) {
    if (running()) child.kill('SIGKILL');
    throw err;
  }
  return { child, lines, port, waitForLine, stop, running };
}
