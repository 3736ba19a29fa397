// Starts bench/admission-server.ts in a child process (pinned to its own core when taskset is there) and
// talks to it over IPC: wait for the port, ask for memory figures, stop it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSelfSignedServing } from '../src/tls/generate.js';
import type { ChildMessage, ServerKind } from './admission-server.js';

const SERVER_ENTRY = fileURLToPath(new URL('./admission-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type MemoryUsage = Extract<ChildMessage, { type: 'memory' }>;

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  pid: number;
  memory(gc?: boolean): Promise<MemoryUsage>;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  kind: ServerKind;
  tls: { certPem: string; keyPem: string };
  /** Core to pin the child to (taskset -c); undefined = no pinning. */
  cpu?: number;
  exposeGc?: boolean;
  cpuProfDir?: string;
  logLevel?: string;
  /** The baselines' answers per path (admission-server.ts BENCH_ANSWERS). */
  answers?: Record<string, string>;
}

export interface BenchTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

let tlsCache: BenchTls | undefined;
/** One serving certificate (RSA 2048, like `serve` generates) shared by every server of the run. */
export function benchTls(): BenchTls {
  if (!tlsCache) {
    const generated = generateSelfSignedServing(['localhost', '127.0.0.1']);
    tlsCache = { certPem: generated.certPem, keyPem: generated.keyPem, caPem: generated.caPem };
  }
  return tlsCache;
}

let tasksetChecked: boolean | undefined;
export function canPin(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetChecked;
}

/** Pins process `pid` (all its threads) to `cpus`, e.g. "0" or "0,1"; false when not possible. */
function pin(pid: number | undefined, cpus: string): boolean {
  if (!canPin() || pid === undefined) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Pins this process (all its threads) to `cpus`; false when not possible. */
export function pinSelf(cpus: string): boolean {
  return pin(process.pid, cpus);
}

export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const nodeArgs: string[] = [];
  if (options.exposeGc) nodeArgs.push('--expose-gc');
  if (options.cpuProfDir) {
    if (!existsSync(options.cpuProfDir)) mkdirSync(options.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  nodeArgs.push('--import', 'tsx', SERVER_ENTRY, options.kind);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_TLS_CERT: options.tls.certPem,
    BENCH_TLS_KEY: options.tls.keyPem,
  };
  if (options.logLevel) env['BENCH_LOG_LEVEL'] = options.logLevel;
  if (options.answers) env['BENCH_ANSWERS'] = JSON.stringify(options.answers);
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.kind} server did not start within 60 s`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.kind} server exited with ${code} before it was ready`));
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`${options.kind} server failed: ${message.message}`));
      }
    });
  });

  // Pinned once it is ready: several servers compiling their TypeScript at once on one core would take seconds.
  if (options.cpu !== undefined && !pin(child.pid, String(options.cpu))) {
    child.kill('SIGKILL');
    throw new Error(`could not pin the ${options.kind} server to core ${options.cpu}`);
  }

  const memory = (gc = false): Promise<MemoryUsage> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error('no memory answer from the server within 10 s'));
      }, 10_000);
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== 'memory') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory', gc });
    });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' });
      else child.kill('SIGTERM');
    });
    return stopping;
  };

  return { kind: options.kind, url: `https://127.0.0.1:${port}`, pid: child.pid ?? -1, memory, stop };
}
