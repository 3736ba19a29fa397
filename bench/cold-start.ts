// Cold start (issue 20 target 4, docs/performance.md#cold-start): how long `serve` takes from spawn to the first
// healthy GET /healthz on its HTTPS port (what the chart's startup probe asks), with certificate files given and no
// Kubernetes cluster, against `node -e` starting a bare HTTPS server from the same files in the same run. Rounds
// alternate the variants; medians are reported. Next to the wall-clock time, the CPU time the child had used when it
// first answered (from /proc, Linux only): the steadier figure on a machine busy with other work. Also
// `serve --help`, and the RSS the server reports once healthy.
//
//   node --import tsx bench/cold-start.ts            (standalone; BENCH_QUICK=1 for 5 rounds)
//   BENCH_COLDSTART_BIN=/other/checkout/bin/clusterlink-webhook.js   time another build (e.g. before a change)
//   BENCH_ONLY=coldstart npm run bench
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadOrGenerate } from '../src/tls/generated-store.js';
import type { BenchConfig } from './config.js';
import { fmt, median, type SectionResult, type Table, type TargetCheck } from './report.js';
import { benchTls } from './server-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = process.env['BENCH_COLDSTART_BIN'] || join(ROOT, 'bin', 'clusterlink-webhook.js');
/** How often the parent asks /healthz while a child starts. */
const POLL_MS = 5;
/** A start that takes longer than this is a failure, not a figure. */
const GIVE_UP_MS = 30_000;

/** The floor: node itself, an HTTPS server from the same files answering /healthz. */
const BARE_SERVER = `
const { readFileSync } = require('node:fs');
const https = require('node:https');
const [cert, key, port] = process.argv.slice(1);
https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
}).listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

export type ColdStartVariant = 'bare node https' | 'serve, certificate files' | 'serve, --cert-dir reused';

export interface ColdStartFigures {
  rounds: number;
  /** Milliseconds from spawn to the first 200 from /healthz, per variant, in round order. */
  startMs: Record<ColdStartVariant, number[]>;
  medianMs: Record<ColdStartVariant, number>;
  /** CPU milliseconds (user + system) of the child when /healthz first answered; empty where /proc is missing. */
  cpuMs: Record<ColdStartVariant, number[]>;
  medianCpuMs: Record<ColdStartVariant, number>;
  /** serve with certificate files over the bare server, medians. */
  ratio: number;
  /** `serve --help`: spawn to exit. */
  helpMs: number[];
  medianHelpMs: number;
  /** RSS of `serve` (certificate files) once healthy, from its /metrics (process_resident_memory_bytes). */
  serveRssMiB: number[];
  medianServeRssMiB: number;
}

interface Certs {
  dir: string;
  certFile: string;
  keyFile: string;
  certDir: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves to the status code, 0 when the connection fails. */
function get(secure: boolean, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = (secure ? httpsRequest : httpRequest)(
      { host: '127.0.0.1', port, path, agent: false, rejectUnauthorized: false, timeout: 1000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

/** No Kubernetes cluster: no in-cluster service host, a KUBECONFIG that names no file. */
function noClusterEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig') };
  delete env['KUBERNETES_SERVICE_HOST'];
  delete env['KUBERNETES_SERVICE_PORT'];
  return env;
}

interface Started {
  ms: number;
  cpuMs?: number;
  rssMiB?: number;
}

let clockTicks: number | undefined;
/** User + system CPU time of process `pid` so far, from /proc/<pid>/stat; undefined off Linux. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    // the fields after the command name (which may hold spaces) start at its closing parenthesis
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks / clockTicks) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns `args`, polls https://127.0.0.1:<port>/healthz until it answers 200, then stops the child. */
async function timeStart(args: string[], port: number, env: NodeJS.ProcessEnv, metricsPort?: number): Promise<Started> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  try {
    for (;;) {
      const { status } = await get(true, port, '/healthz');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (status === 200) {
        const result: Started = { ms };
        const cpuMs = cpuMsOf(child.pid);
        if (cpuMs !== undefined) result.cpuMs = cpuMs;
        if (metricsPort !== undefined) {
          const metrics = await get(false, metricsPort, '/metrics');
          const rss = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(metrics.body)?.[1];
          if (rss !== undefined) result.rssMiB = Number(rss) / 2 ** 20;
        }
        return result;
      }
      if (done) throw new Error(`${args.join(' ')} exited before /healthz answered: ${stderr.slice(-500)}`);
      if (ms > GIVE_UP_MS) throw new Error(`${args.join(' ')}: no healthy /healthz within ${GIVE_UP_MS} ms`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    if (!done) child.kill('SIGTERM');
    await exited;
  }
}

function timeHelp(env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [BIN, 'serve', '--help'], { cwd: ROOT, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 || !run.stdout.includes('Usage: clusterlink-webhook serve'))
    throw new Error(`serve --help failed (${run.status}): ${run.stderr}`);
  return ms;
}

async function prepareCerts(): Promise<Certs> {
  const dir = mkdtempSync(join(tmpdir(), 'clusterlink-coldstart-'));
  const tls = benchTls();
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(certFile, tls.certPem);
  writeFileSync(keyFile, tls.keyPem, { mode: 0o600 });
  // A --cert-dir that already holds what serve generated before (a restarted pod with a kept volume).
  const certDir = join(dir, 'cert-dir');
  await loadOrGenerate(certDir, { hosts: ['localhost', '127.0.0.1'], now: new Date() });
  return { dir, certFile, keyFile, certDir };
}

async function oneRound(certs: Certs, env: NodeJS.ProcessEnv): Promise<Record<ColdStartVariant, Started>> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const serve = (tlsFlags: string[]): string[] => [
    BIN,
    'serve',
    ...tlsFlags,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--metrics-port',
    String(metricsPort),
    '--reconciler',
    'false',
    '--audit-interval',
    '0',
    '--log-level',
    'warn',
  ];
  const bare = await timeStart(['-e', BARE_SERVER, certs.certFile, certs.keyFile, String(port)], port, env);
  const files = await timeStart(
    serve(['--tls-cert-file', certs.certFile, '--tls-private-key-file', certs.keyFile]),
    port,
    env,
    metricsPort,
  );
  const certDir = await timeStart(serve(['--cert-dir', certs.certDir]), port, env);
  return { 'bare node https': bare, 'serve, certificate files': files, 'serve, --cert-dir reused': certDir };
}

export async function runColdStart({
  config,
  log,
}: {
  config: Pick<BenchConfig, 'quick'>;
  log: (line: string) => void;
}): Promise<SectionResult<ColdStartFigures>> {
  const { quick } = config;
  const certs = await prepareCerts();
  const env = noClusterEnv(certs.dir);
  try {
    // The bin compiles dist/ when it is older than src/: do that (and warm the file cache) before timing anything.
    spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, env, stdio: 'ignore' });
    timeHelp(env);
    const rounds = quick ? 5 : 9;
    const variants: ColdStartVariant[] = ['bare node https', 'serve, certificate files', 'serve, --cert-dir reused'];
    const perVariant = (): Record<ColdStartVariant, number[]> =>
      Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<ColdStartVariant, number[]>;
    const startMs = perVariant();
    const cpuMs = perVariant();
    const helpMs: number[] = [];
    const serveRssMiB: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const times = await oneRound(certs, env);
      for (const v of variants) {
        startMs[v].push(times[v].ms);
        const cpu = times[v].cpuMs;
        if (cpu !== undefined) cpuMs[v].push(cpu);
      }
      const rss = times['serve, certificate files'].rssMiB;
      if (rss !== undefined) serveRssMiB.push(rss);
      helpMs.push(timeHelp(env));
      log(
        `  round ${round + 1}/${rounds}: ${variants.map((v) => `${v} ${fmt(times[v].ms)} ms (CPU ${fmt(times[v].cpuMs ?? NaN)})`).join(', ')}, --help ${fmt(helpMs.at(-1) ?? 0)} ms`,
      );
    }
    const medianMs = Object.fromEntries(variants.map((v) => [v, median(startMs[v])])) as Record<
      ColdStartVariant,
      number
    >;
    const medianCpuMs = Object.fromEntries(
      variants.map((v) => [v, cpuMs[v].length > 0 ? median(cpuMs[v]) : NaN]),
    ) as Record<ColdStartVariant, number>;
    const figures: ColdStartFigures = {
      rounds,
      startMs,
      medianMs,
      cpuMs,
      medianCpuMs,
      ratio: medianMs['serve, certificate files'] / medianMs['bare node https'],
      helpMs,
      medianHelpMs: median(helpMs),
      serveRssMiB,
      medianServeRssMiB: serveRssMiB.length > 0 ? median(serveRssMiB) : NaN,
    };
    return { figures, tables: [coldStartTable(figures)], targets: coldStartTargets(figures) };
  } finally {
    rmSync(certs.dir, { recursive: true, force: true });
  }
}

function coldStartTable(f: ColdStartFigures): Table {
  const row = (v: ColdStartVariant): string[] => [
    v,
    `${fmt(f.medianMs[v])} ms`,
    `${fmt(Math.min(...f.startMs[v]))}–${fmt(Math.max(...f.startMs[v]))} ms`,
    v === 'bare node https' ? '1' : fmt(f.medianMs[v] / f.medianMs['bare node https']),
    `${fmt(f.medianCpuMs[v])} ms`,
  ];
  return {
    title: `Cold start: spawn to the first healthy GET /healthz, no cluster (${f.rounds} alternated rounds)`,
    headers: ['', 'median', 'range', '× bare node', 'CPU used by then (median)'],
    rows: [
      row('bare node https'),
      row('serve, certificate files'),
      row('serve, --cert-dir reused'),
      [
        '`serve --help` (spawn to exit)',
        `${fmt(f.medianHelpMs)} ms`,
        `${fmt(Math.min(...f.helpMs))}–${fmt(Math.max(...f.helpMs))} ms`,
        '',
        '',
      ],
    ],
    notes: [`RSS of serve once healthy (certificate files): median ${fmt(f.medianServeRssMiB)} MiB.`],
  };
}

function coldStartTargets(f: ColdStartFigures): TargetCheck[] {
  const files = f.medianMs['serve, certificate files'];
  return [
    {
      id: '20.4',
      name: '20.4 cold start to a healthy /healthz, certificate files, no cluster',
      target: '≤ 800 ms',
      actual: `median ${fmt(files)} ms (bare node https ${fmt(f.medianMs['bare node https'])} ms)`,
      met: files <= 800,
    },
    {
      name: '`serve --help`',
      target: '< 1000 ms',
      actual: `median ${fmt(f.medianHelpMs)} ms`,
      met: f.medianHelpMs < 1000,
    },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.env['BENCH_QUICK'] === '1' || process.env['BENCH_QUICK'] === 'true';
  const result = await runColdStart({ config: { quick }, log: (l) => void process.stderr.write(`${l}\n`) });
  const { renderTable, targetsTable } = await import('./report.js');
  process.stdout.write(`${renderTable(result.tables[0]!)}\n\n${renderTable(targetsTable(result.targets))}\n`);
}
