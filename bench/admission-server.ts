// Child process of the admission and memory benchmarks: serves our webhook, the bare Fastify baseline or the bare
// node:https baseline on 127.0.0.1 (random port), so the load generator in the parent gets a core of its own.
//
//   node --import tsx bench/admission-server.ts ours|fastify|node      (IPC channel required)
//
// The certificate comes from the parent (BENCH_TLS_CERT / BENCH_TLS_KEY) so every server does identical TLS work.
// Both baselines parse the review body and answer, per path, the answer our webhook gives for that body
// (BENCH_ANSWERS, recorded by the parent from our server), the request's uid echoed: the same review in, the same
// bytes out, no rules in between (docs/performance.md#how-it-measures). Without BENCH_ANSWERS: a plain allowed review.
// BENCH_WORK_US (fastify only): the handler first keeps the core busy that many microseconds, a calibration of
// what any added work costs over HTTPS (bench/hot-path.ts HOT_WORK_US, docs/performance.md#reading-the-ratios).
// Messages from the parent: { type: 'memory', gc?: boolean } → replies { type: 'memory', ...usage, cpuUs } (CPU time
// used so far, all threads: per-request CPU cost is robust where wall-clock throughput is skewed by other load);
// { type: 'stop' } → closes and exits (a clean exit also lets --cpu-prof write its profile).
import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { tlsFromEnv, type Running } from './server-env.js';

export type ServerKind = 'ours' | 'fastify' | 'node';
export const SERVER_KINDS: readonly ServerKind[] = ['ours', 'fastify', 'node'];

export type ChildMessage =
  | { type: 'ready'; port: number; kind: ServerKind }
  | {
      type: 'memory';
      rss: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
      arrayBuffers: number;
      cpuUs: number;
    }
  | { type: 'error'; message: string };

export type ParentMessage = { type: 'memory'; gc?: boolean } | { type: 'stop' };

/** What both baselines share: the same TLS, body limit and keep-alive as ours. */
const BODY_LIMIT = 6 * 1024 * 1024;
const KEEP_ALIVE_MS = 120_000;

function httpsOptions(): ServerOptions {
  const tls = tlsFromEnv();
  return { cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' };
}

interface Answer {
  apiVersion: string;
  kind: string;
  response: { uid: string; [field: string]: unknown };
}

/** Per path, the answer both baselines give (BENCH_ANSWERS: path → our server's answer text for the bench body). */
function answerTemplates(): Map<string, Answer> {
  const raw = process.env['BENCH_ANSWERS'];
  const answers = raw ? (JSON.parse(raw) as Record<string, string>) : {};
  return new Map(Object.entries(answers).map(([path, text]) => [path, JSON.parse(text) as Answer]));
}
const TEMPLATES = answerTemplates();

/** The answer for `path`, the request's uid echoed (which the API server requires). */
function fixedReview(path: string, body: unknown): Answer {
  const uid = (body as { request?: { uid?: unknown } } | null)?.request?.uid;
  const answer = TEMPLATES.get(path) ?? {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: '', allowed: true },
  };
  answer.response.uid = typeof uid === 'string' ? uid : '';
  return answer;
}

/** Keeps the core busy for `us` microseconds of wall time (a pinned child is not preempted by our own load). */
function busyFor(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

/** The floor the issue measures against: Fastify 5 over the same HTTPS, parsing the JSON body. No logging, no rules. */
async function startFastify(): Promise<Running> {
  const workUs = Number(process.env['BENCH_WORK_US'] ?? 0);
  const answer = (path: string, body: unknown): Answer => {
    if (workUs > 0) busyFor(workUs);
    return fixedReview(path, body);
  };
  const app = Fastify({ https: httpsOptions(), bodyLimit: BODY_LIMIT, keepAliveTimeout: KEEP_ALIVE_MS });
  app.post('/mutate', async (req) => answer('/mutate', req.body));
  app.post('/validate', async (req) => answer('/validate', req.body));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

/** The floor under Fastify: node:https alone, reading the body, JSON.parse, JSON.stringify, Content-Length. */
async function startNode(): Promise<Running> {
  const server = createServer(httpsOptions(), (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        if (req.method !== 'POST' || size > BODY_LIMIT) throw new Error('not a review');
        body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-length': 0 }).end();
        return;
      }
      const payload = JSON.stringify(fixedReview(req.url ?? '', body));
      res
        .writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(payload),
        })
        .end(payload);
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const STARTERS: Record<ServerKind, () => Promise<Running>> = {
  // Ours is imported only in its own child: the baselines' children do not load (or compile) the project.
  ours: async () => (await import('./our-server.js')).startOurs(),
  fastify: startFastify,
  node: startNode,
};

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  // "baseline" is the bare Fastify server's earlier name, still used by bench/hot-path.ts.
  const asked = process.argv[2] === 'baseline' ? 'fastify' : process.argv[2];
  const kind = SERVER_KINDS.find((k) => k === asked);
  if (!kind) throw new Error(`usage: admission-server.ts ${SERVER_KINDS.join('|')}`);
  if (!process.send) throw new Error('admission-server.ts must be started with an IPC channel');
  const running = await STARTERS[kind]();
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (raw: ParentMessage) => {
    if (raw.type === 'memory') {
      if (raw.gc && gc) {
        gc();
        gc();
      }
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      send({
        type: 'memory',
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        cpuUs: cpu.user + cpu.system,
      });
    } else if (raw.type === 'stop') {
      const force = setTimeout(() => process.exit(0), 3000);
      force.unref();
      void running.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: running.port, kind });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
