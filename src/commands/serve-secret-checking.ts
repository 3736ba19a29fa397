// Builds the validating webhook's SecretChecker for `serve`: Kubernetes-backed when an API is configured
// (in-cluster, else KUBECONFIG / ~/.kube/config), otherwise a checker whose only output is the warning that
// Secrets were not checked. Says which one it is in the start-up log. The Kubernetes client is imported only when
// there is a cluster (docs/performance.md#cold-start).
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { createSecretChecker, uncheckedSecretChecker } from '../secrets/checker.js';
import type { SecretChecker } from '../secrets/types.js';
import { loadKubeConfigIfAny } from '../kube/kube-config-files.js';
import type { LoadedKubeConfig } from '../kube/kubeconfig.js';

export interface SecretCheckingOptions {
  strict: boolean;
  /** Hard bound of one Secret lookup (`--secret-lookup-timeout-ms`). */
  lookupTimeoutMs: number;
  logger: Logger;
  metrics?: Pick<Metrics, 'secretLookupFailures'>;
  /** An already loaded configuration; `null` = none; omitted = load it here. */
  kube?: LoadedKubeConfig | null;
  cacheTtlMs?: number;
}

export interface SecretChecking {
  checker: SecretChecker;
  /** False when no Kubernetes API is configured: answers then carry a "not checked" warning. */
  enabled: boolean;
}

const NO_KUBE_WARNING_REASON = 'no Kubernetes API configured';

export async function buildSecretChecking(options: SecretCheckingOptions): Promise<SecretChecking> {
  const { logger } = options;
  let kube: LoadedKubeConfig | undefined;
  if (options.kube === undefined) {
    try {
      kube = await loadKubeConfigIfAny();
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, 'cannot load the Kubernetes configuration');
      kube = undefined;
    }
  } else {
    kube = options.kube ?? undefined;
  }

  if (!kube) {
    logger.warn(
      { secretChecks: false, strictSecrets: options.strict },
      'no Kubernetes API configured (in-cluster or kubeconfig): Secret checks are off; validate answers say so in a warning',
    );
    return { checker: uncheckedSecretChecker(NO_KUBE_WARNING_REASON), enabled: false };
  }

  const { createKubeSecretSource } = await import('../kube/secret-source.js');
  const source = createKubeSecretSource(kube.kubeConfig, {
    timeoutMs: options.lookupTimeoutMs,
    logger,
    ...(options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {}),
  });
  logger.info(
    {
      secretChecks: true,
      strictSecrets: options.strict,
      secretLookupTimeoutMs: options.lookupTimeoutMs,
      kubeConfigSource: kube.source,
      server: kube.kubeConfig.getCurrentCluster()?.server,
    },
    'Secret checks on: referenced Secrets are read with get in the ClusterLink namespace',
  );
  return {
    checker: createSecretChecker(source, {
      strict: options.strict,
      logger,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    }),
    enabled: true,
  };
}
