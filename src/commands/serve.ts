// `clusterlink-webhook serve`: the admission webhooks over HTTPS, metrics over HTTP, graceful shutdown.
// Wiring only; the server lives in src/admission/server.ts, the rules in src/clusterlink.
import { createClusterLinkAdmitters } from '../admission/clusterlink-admitter.js';
import { createWebhookServer } from '../admission/server.js';
import { ConfigError, parseServeArgs, serveUsage, type ServeConfig } from './serve-config.js';
import { buildSecretChecking } from './serve-secret-checking.js';
import { EXIT_MARGIN_MS, stopWithinGrace } from './serve-shutdown.js';
import { ruleActionsSource, type RuleActionsSource } from './serve-rule-actions.js';
import { createSkipRulesAuthorizer, kubeReviewSender, type SkipRulesAuthorizer } from '../kube/access-review.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { createLogger, type Logger } from '../observability/log.js';
import { startReconcilerIfEnabled } from '../reconciler/controller/start.js';
import { sharedMetrics, type Metrics } from '../observability/metrics.js';
import type { SecretChecker } from '../secrets/types.js';
import { writeCertificateFiles } from '../tls/files.js';
import { generateSelfSignedServing } from '../tls/generate.js';
import { checkTlsPair, fileTlsSource, staticTlsSource, type TlsSource } from '../tls/source.js';

export async function run(argv: string[]): Promise<number> {
  let config: ServeConfig;
  try {
    const parsed = parseServeArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${serveUsage()}\n`);
      return 0;
    }
    config = parsed.config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`serve: ${err.message}\n\n${serveUsage()}\n`);
    return 2;
  }

  const logger = createLogger({ level: config.logLevel });
  const metrics = sharedMetrics();
  installProcessGuards(logger);

  let tls: TlsSource;
  try {
    // Certificates come first, so the first log line says where the CA bundle is (or which files are served).
    tls = await tlsSourceFor(config, logger, metrics);
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot load the serving certificate');
    return 1;
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
    process.stderr.write(`serve: ${(err as Error).message}\n`);
    tls.close();
    return 2;
  }

  const secretChecking = buildSecretChecker(config, logger, metrics);
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
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot listen');
    tls.close();
    return 1;
  }

  const stopBackground = await startBackground(config, logger);

  // First signal: graceful shutdown; a second one: leave now.
  const stopped = new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: exiting immediately');
        process.exit(1);
      }
      signalled = true;
      logger.info({ signal }, 'signal received: shutting down gracefully');
      const steps = {
        stops: [() => server.shutdown(), stopBackground],
        finally: [() => tls.close(), () => ruleActions.close()],
      };
      void stopWithinGrace(steps, config.shutdownGraceMs, logger).then(() => resolve(0));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const code = await stopped;
  // Anything still holding the event loop (a watch, a stray timer) must not delay the exit past the grace.
  setTimeout(() => process.exit(code), EXIT_MARGIN_MS / 2).unref();
  return code;
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
async function startBackground(config: ServeConfig, logger: Logger): Promise<() => Promise<void>> {
  const reconciler = await startReconcilerIfEnabled(config, logger);
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
