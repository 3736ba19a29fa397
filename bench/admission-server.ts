// Child process of the admission and memory benchmarks: serves either our webhook or the bare Fastify baseline
// on 127.0.0.1 (random port), so the load generator in the parent gets a core of its own.
//
//   node --import tsx bench/admission-server.ts ours|baseline      (IPC channel required)
//
// The certificate comes from the parent (BENCH_TLS_CERT / BENCH_TLS_KEY) so both servers do identical TLS work.
// Messages from the parent: { type: 'memory', gc?: boolean } → replies { type: 'memory', ...usage, cpuUs } (CPU time
// used so far, all threads: per-request CPU cost is robust where wall-clock throughput is skewed by other load);
// { type: 'stop' } → closes and exits (a clean exit also lets --cpu-prof write its profile).
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createClusterLinkAdmitters } from '../src/admission/clusterlink-admitter.js';
import { createWebhookServer } from '../src/admission/server.js';
import { createSecretSourceFromReader } from '../src/kube/secret-source.js';
import { createLogger } from '../src/observability/log.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createSecretChecker } from '../src/secrets/checker.js';
import { staticTlsSource } from '../src/tls/source.js';
import { inMemorySecretReader } from '../test/support/builders.js';
import { secretData } from './fixtures.js';

export type ServerKind = 'ours' | 'baseline';

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

interface Running {
  port: number;
  close(): Promise<void>;
}

function tlsFromEnv(): { certPem: string; keyPem: string } {
  const certPem = process.env['BENCH_TLS_CERT'];
  const keyPem = process.env['BENCH_TLS_KEY'];
  if (!certPem || !keyPem) throw new Error('BENCH_TLS_CERT and BENCH_TLS_KEY must be set by the parent');
  return { certPem, keyPem };
}

/** Our webhook, wired as `serve` wires it: info logging to stdout, Prometheus metrics, strict Secret checks
 *  through the Kubernetes-backed source's cache (its reader answers from memory: the cache stays warm). */
async function startOurs(): Promise<Running> {
  // The production logger writing to stdout, which the parent points at /dev/null: same formatting and write path.
  const logger = createLogger({ level: process.env['BENCH_LOG_LEVEL'] ?? 'info' });
  const metrics = createMetrics();
  const source = createSecretSourceFromReader(inMemorySecretReader(secretData()), { logger });
  const secretChecker = createSecretChecker(source, { strict: true, logger, metrics });
  const server = createWebhookServer({
    admitters: createClusterLinkAdmitters({ secretChecker }),
    logger,
    metrics,
    tls: staticTlsSource(tlsFromEnv()),
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
  });
  const addresses = await server.listen();
  return { port: addresses.port, close: () => server.shutdown() };
}

/** The floor: Fastify over the same HTTPS, same body limit and keep-alive, parsing the same JSON body and
 *  answering a fixed allowed review (echoing the uid, which the API server requires). No logging, no rules. */
async function startBaseline(): Promise<Running> {
  const tls = tlsFromEnv();
  const app = Fastify({
    https: { cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' },
    bodyLimit: 6 * 1024 * 1024,
    keepAliveTimeout: 120_000,
  });
  const answer = async (req: { body: unknown }) => {
    const uid = (req.body as { request?: { uid?: unknown } } | null)?.request?.uid;
    return {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: typeof uid === 'string' ? uid : '', allowed: true },
    };
  };
  app.post('/mutate', answer);
  app.post('/validate', answer);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind !== 'ours' && kind !== 'baseline') throw new Error('usage: admission-server.ts ours|baseline');
  if (!process.send) throw new Error('admission-server.ts must be started with an IPC channel');
  const running = kind === 'ours' ? await startOurs() : await startBaseline();
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
