// Our webhook as the admission benchmark's child serves it (bench/admission-server.ts ours): wired as `serve` wires it.
// From the compiled dist/ (what production runs, bench/built.ts), or the sources with BENCH_BUILT=0.
import { servesBuilt } from './built.js';

const ROOT = servesBuilt() ? '../dist' : '../src';
const { createClusterLinkAdmitters } = (await import(
  `${ROOT}/admission/clusterlink-admitter.js`
)) as typeof import('../src/admission/clusterlink-admitter.js');
const { createWebhookServer } = (await import(
  `${ROOT}/admission/server.js`
)) as typeof import('../src/admission/server.js');
const { createSecretSourceFromReader } = (await import(
  `${ROOT}/kube/secret-source.js`
)) as typeof import('../src/kube/secret-source.js');
const { createLogger } = (await import(`${ROOT}/observability/log.js`)) as typeof import('../src/observability/log.js');
const { createMetrics } = (await import(
  `${ROOT}/observability/metrics.js`
)) as typeof import('../src/observability/metrics.js');
const { createSecretChecker } = (await import(
  `${ROOT}/secrets/checker.js`
)) as typeof import('../src/secrets/checker.js');
const { staticTlsSource } = (await import(`${ROOT}/tls/source.js`)) as typeof import('../src/tls/source.js');
import { inMemorySecretReader } from '../test/support/builders.js';
import { secretData } from './fixtures.js';
import { tlsFromEnv, type Running } from './server-env.js';

/** Our webhook, wired as `serve` wires it: info logging to stdout, Prometheus metrics, strict Secret checks
 *  through the Kubernetes-backed source's cache (its reader answers from memory: the cache stays warm). */
export async function startOurs(): Promise<Running> {
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
