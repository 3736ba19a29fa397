// Our webhook as the admission benchmark's child serves it (bench/admission-server.ts ours): wired as `serve` wires it.
import { createClusterLinkAdmitters } from '../src/admission/clusterlink-admitter.js';
import { createWebhookServer } from '../src/admission/server.js';
import { createSecretSourceFromReader } from '../src/kube/secret-source.js';
import { createLogger } from '../src/observability/log.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createSecretChecker } from '../src/secrets/checker.js';
import { staticTlsSource } from '../src/tls/source.js';
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
