// `clusterlink-webhook serve`: the admission webhooks over HTTPS, metrics over HTTP, graceful shutdown.
// Wiring only; the server lives in src/admission/server.ts, the rules in src/clusterlink.
import { createClusterLinkAdmitters } from '../admission/clusterlink-admitter.js';
import { createWebhookServer, type WebhookServer } from '../admission/server.js';
import { ConfigError, parseServeArgs, serveUsage, type ServeConfig } from './serve-config.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { buildSecretChecking } from './serve-secret-checking.js';
import { ruleActionsSource, type RuleActionsSource } from './serve-rule-actions.js';
import { startServeAudit } from './serve-audit.js';
import { createSkipRulesAuthorizer, kubeReviewSender, type SkipRulesAuthorizer } from '../kube/access-review.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { createLogger, type Logger } from '../observability/log.js';
import { startReconcilerIfEnabled } from '../reconciler/controller/start.js';
import { sharedMetrics, type Metrics } from '../observability/metrics.js';
import type { SecretChecker } from '../secrets/types.js';
import { writeCertificateFiles } from '../tls/files.js';
import { generateSelfSignedServing } from '../tls/generate.js';
import { checkTlsPair, fileTlsSource, staticTlsSource, type TlsSource } from '../tls/source.js';

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const config = configOf(argv, io);
  if (typeof config === 'number') return config;

  const logger = createLogger({ level: config.logLevel });
  const metrics = sharedMetrics();
  installProcessGuards(logger);

  let tls: TlsSource;
  try {
    // Certificates come first, so the first log line says where the CA bundle is (or which files are served).
    tls = await tlsSourceFor(config, logger, metrics);
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot load the serving certificate');
    return EXIT_FAILED;
  }

  let ruleActions: RuleActionsSource;
  try {
    ruleActions = ruleActionsSource({
      flags: config.ruleActions,
      ...(config.ruleActionsFile !== undefined ? { file: config.ruleActionsFile } : {}),
      pollIntervalMs: config.tlsReloadIntervalMs,
      logger,
    });
  } catch (err) {
    io.stderr.write(`serve: ${(err as Error).message}\n`);
    tls.close();
    return EXIT_USAGE;
  }

  const secretChecker = buildSecretChecker(config, logger, metrics);
  const server = await listening(config, tls, ruleActions, secretChecker, logger, metrics);
  if (!server) {
    tls.close();
    ruleActions.close();
    return EXIT_FAILED;
  }
  const stopBackground = await startBackground(config, logger, metrics);
  const audit = startServeAudit({
    intervalMs: config.auditIntervalMs,
    namespaces: config.watchNamespaces,
    ...(secretChecker ? { secretChecker: secretChecker.checker } : {}),
    rulePolicy: () => ruleActions.current(),
    logger,
    metrics,
  });
  const code = await stoppedBySignal(logger, async () => {
    await Promise.allSettled([server.shutdown(), stopBackground(), audit?.stop()]);
    tls.close();
    ruleActions.close();
  });
  // Anything still holding the event loop (a watch, a stray timer) must not delay the exit past the grace.
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}

/** The configuration, or the exit code when there is nothing to serve (--help, a configuration error). */
function configOf(argv: string[], io: CliIO): ServeConfig | number {
  try {
    const parsed = parseServeArgs(argv);
    if (!parsed.help) return parsed.config;
    io.stdout.write(`${serveUsage()}\n`);
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`serve: ${err.message}\n\n${serveUsage()}\n`);
    return EXIT_USAGE;
  }
}

/** The webhook server, listening; undefined when it cannot listen (logged). */
async function listening(
  config: ServeConfig,
  tls: TlsSource,
  ruleActions: RuleActionsSource,
  secretChecking: { checker: SecretChecker; enabled: boolean } | undefined,
  logger: Logger,
  metrics: Metrics,
): Promise<WebhookServer | undefined> {
  const secretChecker = secretChecking?.checker;
  const exceptionAuthorizer = buildExceptionAuthorizer(logger);
  const server = createWebhookServer({
    admitters: createClusterLinkAdmitters({
      ...(secretChecker ? { secretChecker } : {}),
      ...(exceptionAuthorizer ? { exceptionAuthorizer } : {}),
      rulePolicy: () => ruleActions.current(),
      onException: (outcome, request) => {
        metrics.exceptions.inc({ result: outcome.granted ? 'granted' : 'refused' });
        logger.info(
          {
            uid: request.uid,
            namespace: request.namespace,
            object: request.name,
            user: request.userInfo?.username,
            rules: outcome.rules,
            granted: outcome.granted,
            reason: outcome.reason,
            skipped: outcome.skipped,
          },
          'skip-rules exception',
        );
      },
    }),
    logger,
    metrics,
    tls,
    host: config.host,
    port: config.port,
    metricsPort: config.metricsPort,
    admissionDeadlineMs: config.admissionDeadlineMs,
    admissionBudgetMs: config.admissionBudgetMs,
    shutdownDelayMs: config.shutdownDelayMs,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  try {
    const addresses = await server.listen();
    logger.info(
      {
        url: addresses.url,
        metricsUrl: addresses.metricsUrl,
        tls: tls.description,
        strictSecrets: config.strictSecrets,
        secretChecks: secretChecking?.enabled ?? false,
      },
      'admission webhooks listening (POST /mutate, POST /validate)',
    );
    return server;
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot listen');
    return undefined;
  }
}

/** First SIGTERM/SIGINT: `stop` gracefully, then resolve EXIT_OK; a second one: leave now. */
function stoppedBySignal(logger: Logger, stop: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: exiting immediately');
        process.exit(EXIT_FAILED);
      }
      signalled = true;
      logger.info({ signal }, 'signal received: shutting down gracefully');
      void stop().then(() => resolve(EXIT_OK));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function tlsSourceFor(config: ServeConfig, logger: Logger, metrics: Metrics): Promise<TlsSource> {
  if (config.tlsCertFile !== undefined && config.tlsPrivateKeyFile !== undefined) {
    return fileTlsSource({
      certFile: config.tlsCertFile,
      keyFile: config.tlsPrivateKeyFile,
      logger,
      metrics,
      pollIntervalMs: config.tlsReloadIntervalMs,
    });
  }
  const hosts = ['localhost', '127.0.0.1', ...config.dnsNames];
  const generated = generateSelfSignedServing(hosts);
  const files = await writeCertificateFiles(config.certDir, generated);
  logger.info(
    { caBundleFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile, dnsNames: [...new Set(hosts)] },
    `generated a CA and serving certificate; CA bundle written to ${files.caFile}`,
  );
  metrics.tlsCertificateExpiry.set(checkTlsPair(generated).notAfter.getTime() / 1000);
  return staticTlsSource(
    { certPem: generated.certPem, keyPem: generated.keyPem },
    `generated (CA bundle ${files.caFile})`,
  );
}

/**
 * The Secret checks of the validating webhook (docs/rules.md#secret-checks): Kubernetes-backed when an API is configured,
 * else a checker that only says Secrets were not checked. A failure here must not stop the webhooks.
 */
function buildSecretChecker(
  config: ServeConfig,
  logger: Logger,
  metrics: Metrics,
): { checker: SecretChecker; enabled: boolean } | undefined {
  try {
    return buildSecretChecking({
      strict: config.strictSecrets,
      lookupTimeoutMs: config.secretLookupTimeoutMs,
      logger,
      metrics,
    });
  } catch (err) {
    logger.error({ err: { message: (err as Error).message } }, 'cannot set up Secret checks; validating without them');
    return undefined;
  }
}

/** The SubjectAccessReview of exceptions (docs/rules.md#exceptions); without a Kubernetes API every exception is refused. */
function buildExceptionAuthorizer(logger: Logger): SkipRulesAuthorizer | undefined {
  try {
    const kube = loadKubeConfig();
    return kube ? createSkipRulesAuthorizer(kubeReviewSender(kube.kubeConfig)) : undefined;
  } catch (err) {
    logger.error(
      { err: { message: (err as Error).message } },
      'cannot set up exception checks; exceptions are refused',
    );
    return undefined;
  }
}

/** Background work next to the webhooks (the reconciler); returns how to stop it. */
async function startBackground(config: ServeConfig, logger: Logger, metrics: Metrics): Promise<() => Promise<void>> {
  const reconciler = await startReconcilerIfEnabled(config, logger, { registry: metrics.registry });
  return async () => {
    await reconciler?.stop();
  };
}

let guardsInstalled = false;
/** A stray rejection is logged, not fatal: the webhook must keep answering. */
function installProcessGuards(logger: Logger): void {
  if (guardsInstalled) return;
  guardsInstalled = true;
  process.on('unhandledRejection', (reason) => {
    logger.error(
      { err: reason instanceof Error ? reason : { message: String(reason) } },
      'unhandled promise rejection (a bug); continuing',
    );
  });
}
