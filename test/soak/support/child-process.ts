// Spawning the webhook (or the serve command) as a real child process for hardening runs.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WEBHOOK_CHILD = fileURLToPath(new URL('./webhook-child.ts', import.meta.url));
/** The CLI from source, the way bin/clusterlink-webhook.js runs the build. */
export const CLI_ENTRY = fileURLToPath(new URL('../../support/cli-entry.ts', import.meta.url));

export interface MemorySample {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  rejections: number;
  exceptions: number;
  gc: boolean;
}

export interface WebhookChild {
  url: string;
  ca: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  memory(): Promise<MemorySample>;
  logs(): Promise<string[]>;
  stop(): Promise<number | null>;
}

function request<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const message = raw as { type: string };
      if (message.type !== type) return;
      child.off('message', onMessage);
      clearTimeout(timer);
      resolve(message as T);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`webhook child did not answer "${type}"`));
    }, 30_000);
    child.on('message', onMessage);
    child.send({ type });
  });
}

/** The real admission server (startWebhook) in a child with --expose-gc, driven over IPC. */
export async function startWebhookChild(env: Record<string, string> = {}): Promise<WebhookChild> {
  const child = fork(WEBHOOK_CHILD, [], {
    cwd: REPO_ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ url: string; ca: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('webhook child did not start')), 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as { url: string; ca: string });
    });
    void exited.then((code) => reject(new Error(`webhook child exited early with ${code}`)));
  });
  return {
    url: ready.url,
    ca: ready.ca,
    child,
    exited,
    memory: () => request<MemorySample>(child, 'memory'),
    logs: async () => (await request<{ lines: string[] }>(child, 'logs')).lines,
    stop: async () => {
      if (child.exitCode === null) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface ServeProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  url: string;
  metricsUrl: string;
}

/** `clusterlink-webhook serve <args>` from source; resolves once it logs that it listens. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'serve', ...args], {
    cwd: REPO_ROOT,
    // No cluster for the Secret checker to find, whatever this machine has configured.
    env: { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig', KUBERNETES_SERVICE_HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`serve did not start: ${JSON.stringify(lines).slice(0, 500)}`)),
      60_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          parsed = { raw: line };
        }
        lines.push(parsed);
        if (typeof parsed.msg === 'string' && parsed.msg.startsWith('admission webhooks listening')) {
          clearTimeout(timer);
          resolve({
            child,
            lines,
            exited,
            url: String(parsed.url).replace('localhost', '127.0.0.1'),
            metricsUrl: String(parsed.metricsUrl).replace('localhost', '127.0.0.1'),
          });
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => lines.push({ stderr: chunk.toString('utf8') }));
    void exited.then((code) =>
      reject(new Error(`serve exited early with ${code}: ${JSON.stringify(lines).slice(0, 500)}`)),
    );
  });
}
