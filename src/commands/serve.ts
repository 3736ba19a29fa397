// `clusterlink-webhook serve`: the admission webhooks over HTTPS, metrics over HTTP, graceful shutdown.
// Wiring only; the server lives in src/admission/server.ts, the rules in src/clusterlink. What only some starts need
// is imported when they need it (docs/performance.md#cold-start): the Kubernetes client when a cluster is configured,
// the certificate generator when no certificate files are given.
import { readFileSync } from 'node:fs';
import { createClusterLinkAdmitters } from '../admission/clusterlink-admitter.js';
import { createWebhookServer, type WebhookServer } from '../admission/server.js';
import { warmUpShapeCheck } from '../clusterlink/index.js';
import { ConfigError, parseServeArgs, serveUsage, type ServeConfig } from './serve-config.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { buildSecretChecking } from './serve-secret-checking.js';
import { EXIT_MARGIN_MS, stopWithinGrace } from './serve-shutdown.js';
import { ruleActionsSource, type RuleActionsSource } from './serve-rule-actions.js';
import { startServeAudit } from './serve-audit.js';
import type { SkipRulesAuthorizer } from '../kube/access-review.js';
import { loadKubeConfigIfAny } from '../kube/kube-config-files.js';
import type { LoadedKubeConfig } from '../kube/kubeconfig.js';
import { createLogger, type Logger } from '../observability/log.js';
import { planReconciler, startReconcilerIfEnabled } from '../reconciler/controller/start.js';
import { sharedMetrics, type Metrics } from '../observability/metrics.js';
import type { SecretChecker } from '../secrets/types.js';
import { assertPortsFree } from '../lib/ports.js';
import { inWritableDir } from '../tls/writable-dir.js';
import { checkTlsPair, fileTlsSource, staticTlsSource, type TlsSource } from '../tls/source.js';
import { startManagedCerts, type ManagedCerts } from './serve-managed-certs.js';

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const config = configOf(argv, io);
  if (typeof config === 'number') return config;

  const logger = createLogger({ level: config.logLevel });
  const metrics = sharedMetrics();
  installProcessGuards(logger);
  const kube = await kubeConfigOf(config, logger);

  try {
    // Bind first: a second `serve` on the same ports stops here, before it touches --cert-dir.
    await assertPortsFree(config.host, [config.port, config.metricsPort]);
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot listen: the port is in use or not allowed');
    return EXIT_FAILED;
  }

  let tls: TlsSource;
  let managed: ManagedCerts | undefined;
  try {
    // Certificates come first, so the first log line says where the CA bundle is (or which files are served).
    if (config.managedCerts) {
      managed = startManagedCerts(config.managedCerts, config.dnsNames, config.tlsReloadIntervalMs, logger, metrics);
      tls = managed.tls;
    } else tls = await tlsSourceFor(config, logger, metrics);
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
    void managed?.stop();
    return EXIT_USAGE;
  }

  const secretChecker = await buildSecretChecker(config, kube.loaded, logger, metrics);
  const server = await listening(config, tls, ruleActions, secretChecker, kube.loaded, logger, metrics);
  if (!server) {
    tls.close();
    ruleActions.close();
    void managed?.stop();
    // Never keep serving with one listener: the pod would be Running, /healthz 200 and never Ready.
    setTimeout(() => process.exit(EXIT_FAILED), 500).unref();
    return EXIT_FAILED;
  }
  const background = await startBackground(config, kube.loaded, logger, metrics);
  const audit = await startServeAudit({
    ...auditOptions(config, secretChecker?.checker, ruleActions, logger, metrics),
    kube: kube.loaded ?? null,
  });
  const code = await stoppedBySignal(logger, async () => {
    const steps = {
      stops: [() => server.shutdown(), background, async () => audit?.stop(), async () => managed?.stop()],
      finally: [() => tls.close(), () => ruleActions.close()],
    };
    await stopWithinGrace(steps, config.shutdownGraceMs, logger);
  });
  // Anything still holding the event loop (a watch, a stray timer) must not delay the exit past the grace.
  setTimeout(() => process.exit(code), EXIT_MARGIN_MS / 2).unref();
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
  kube: LoadedKubeConfig | undefined,
  logger: Logger,
  metrics: Metrics,
): Promise<WebhookServer | undefined> {
  const clientCa = readClientCa(config, logger);
  if (!clientCa.ok) return undefined;
  const exceptionAuthorizer = await buildExceptionAuthorizer(kube, logger);
  const clientCaPem = clientCa.pem;
  const server = createWebhookServer({
    admitters: admittersFor(ruleActions, secretChecking?.checker, exceptionAuthorizer, logger, metrics),
    logger,
    metrics,
    tls,
    host: config.host,
    port: config.port,
    metricsPort: config.metricsPort,
    maxConnections: config.maxConnections,
    ...(config.metricsHost !== undefined ? { metricsHost: config.metricsHost } : {}),
    ...(clientCaPem !== undefined ? { clientCaPem } : {}),
    admissionDeadlineMs: config.admissionDeadlineMs,
    admissionBudgetMs: config.admissionBudgetMs,
    shutdownDelayMs: config.shutdownDelayMs,
    shutdownGraceMs: config.shutdownGraceMs,
    // Not ready until a real certificate is served (the managed mode before its first Secret).
    ...(tls.ready ? { readinessChecks: [() => tls.ready?.() ?? true] } : {}),
  });
  return listenOrShutdown(server, config, tls, secretChecking, logger);
}

/** --client-ca-file, read before the server exists; a read failure is fatal (logged) and nothing listens. */
function readClientCa(config: ServeConfig, logger: Logger): { ok: true; pem: string | undefined } | { ok: false } {
  try {
    return { ok: true, pem: config.clientCaFile !== undefined ? readFileSync(config.clientCaFile, 'utf8') : undefined };
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot read --client-ca-file');
    return { ok: false };
  }
}

/** The ClusterLink admitters; every skip-rules exception is counted and logged (who asked, which rules). */
function admittersFor(
  ruleActions: RuleActionsSource,
  secretChecker: SecretChecker | undefined,
  exceptionAuthorizer: SkipRulesAuthorizer | undefined,
  logger: Logger,
  metrics: Metrics,
): ReturnType<typeof createClusterLinkAdmitters> {
  return createClusterLinkAdmitters({
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
  });
}

/** Listen and say where; a server that cannot listen is shut down at once (no shutdown delay) and dropped. */
async function listenOrShutdown(
  server: WebhookServer,
  config: ServeConfig,
  tls: TlsSource,
  secretChecking: { enabled: boolean } | undefined,
  logger: Logger,
): Promise<WebhookServer | undefined> {
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
    // The shape check is compiled once listening, not at import: /healthz answers sooner, the first review need not wait.
    setImmediate(warmUpShapeCheck);
    return server;
  } catch (err) {
    logger.fatal({ err: { message: (err as Error).message } }, 'cannot listen');
    await server.shutdown({ skipDelay: true }).catch(() => undefined);
    return undefined;
  }
}

/** The periodic audit of docs/audit.md: every --audit-interval through the validating admitter's own checks. */
function auditOptions(
  config: ServeConfig,
  secretChecker: SecretChecker | undefined,
  ruleActions: RuleActionsSource,
  logger: Logger,
  metrics: Metrics,
): Parameters<typeof startServeAudit>[0] {
  return {
    intervalMs: config.auditIntervalMs,
    namespaces: config.watchNamespaces,
    ...(secretChecker ? { secretChecker } : {}),
    rulePolicy: () => ruleActions.current(),
    logger,
    metrics,
  };
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

const GENERATED_ACTION = {
  reuse: 'reusing the CA and serving certificate',
  reissue: 'kept the CA, issued a new serving certificate',
  'new-ca': 'generated a new CA and serving certificate',
} as const;

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
  const hosts = [...new Set(['localhost', '127.0.0.1', ...config.dnsNames])];
  const { loadOrGenerate } = await import('../tls/generated-store.js');
  const {
    result: generated,
    dir,
    fellBack,
  } = await inWritableDir(config.certDir, (d) => loadOrGenerate(d, { hosts, now: new Date() }));
  if (fellBack !== undefined)
    logger.warn(
      { certDir: config.certDir, reason: fellBack, usedDir: dir },
      `--cert-dir ${config.certDir} is not writable (${fellBack}); the generated certificate went to ${dir}`,
    );
  const { files, plan } = generated;
  logger.info(
    { caBundleFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile, dnsNames: hosts, why: plan.reason },
    `${GENERATED_ACTION[plan.action]} in ${dir}; CA bundle ${files.caFile}`,
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
async function buildSecretChecker(
  config: ServeConfig,
  kube: LoadedKubeConfig | undefined,
  logger: Logger,
  metrics: Metrics,
): Promise<{ checker: SecretChecker; enabled: boolean } | undefined> {
  try {
    return await buildSecretChecking({
      kube: kube ?? null,
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
async function buildExceptionAuthorizer(
  kube: LoadedKubeConfig | undefined,
  logger: Logger,
): Promise<SkipRulesAuthorizer | undefined> {
  if (!kube) return undefined;
  try {
    const { createSkipRulesAuthorizer, kubeReviewSender } = await import('../kube/access-review.js');
    return createSkipRulesAuthorizer(kubeReviewSender(kube.kubeConfig));
  } catch (err) {
    logger.error(
      { err: { message: (err as Error).message } },
      'cannot set up exception checks; exceptions are refused',
    );
    return undefined;
  }
}

/** Background work next to the webhooks (the reconciler); returns how to stop it. */
async function startBackground(
  config: ServeConfig,
  kube: LoadedKubeConfig | undefined,
  logger: Logger,
  metrics: Metrics,
): Promise<() => Promise<void>> {
  const reconciler = await startReconcilerIfEnabled(config, logger, { registry: metrics.registry, load: () => kube });
  return async () => {
    await reconciler?.stop();
  };
}

/**
 * The Kubernetes configuration every part of serve uses (Secret checks, exceptions, the reconciler, the audit), read
 * once; without one, the Kubernetes client is never imported. Logs the first line (the reconciler plan), then an
 * unreadable configuration.
 */
async function kubeConfigOf(config: ServeConfig, logger: Logger): Promise<{ loaded?: LoadedKubeConfig }> {
  let loaded: LoadedKubeConfig | undefined;
  let error: string | undefined;
  try {
    loaded = await loadKubeConfigIfAny();
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  logReconcilerPlan(config, loaded, logger);
  if (error !== undefined) logger.error({ err: { message: error } }, 'cannot load the Kubernetes configuration');
  return loaded ? { loaded } : {};
}

/** The first log line: whether the reconciler will run, against which cluster, with which Lease. */
function logReconcilerPlan(config: ServeConfig, kube: LoadedKubeConfig | undefined, logger: Logger): void {
  const plan = planReconciler(config, config.reconciler === 'false' ? undefined : kube);
  logger.info(
    { reconciler: plan.runs, server: plan.server ?? null, lease: plan.lease, reason: plan.reason },
    plan.runs
      ? `reconciler will run against ${plan.server ?? 'the configured cluster'} with the Lease ${plan.lease}`
      : `reconciler off: ${plan.reason}`,
  );
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
