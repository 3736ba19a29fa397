// Starts the periodic audit of docs/audit.md next to the webhooks: every --audit-interval (and at start), the
// ClusterLinks of the watched namespaces go through the same validating admitter as /validate. Needs a Kubernetes
// API; without one, or with --audit-interval 0, there is no audit (and the Kubernetes client is not even imported:
// docs/performance.md#cold-start).
import { hostname } from 'node:os';
import { createValidateAdmitter } from '../admission/clusterlink-admitter.js';
import type { RulePolicy } from '../clusterlink/index.js';
import { loadKubeConfigIfAny } from '../kube/kube-config-files.js';
import type { LoadedKubeConfig } from '../kube/kubeconfig.js';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import type { SecretChecker } from '../secrets/types.js';

export interface ServeAuditOptions {
  intervalMs: number;
  namespaces: readonly string[];
  secretChecker?: SecretChecker;
  rulePolicy: () => RulePolicy;
  logger: Logger;
  metrics: Metrics;
  /** An already loaded configuration; `null` = none; omitted = load it here. */
  kube?: LoadedKubeConfig | null;
}

export async function startServeAudit(options: ServeAuditOptions): Promise<{ stop(): Promise<void> } | undefined> {
  const { logger } = options;
  if (options.intervalMs <= 0) return undefined;
  let kube: LoadedKubeConfig | undefined;
  try {
    kube = options.kube === undefined ? await loadKubeConfigIfAny() : (options.kube ?? undefined);
  } catch {
    kube = undefined;
  }
  if (!kube) {
    logger.info('no Kubernetes API configured: the audit of stored ClusterLinks is off');
    return undefined;
  }
  const [{ KubeApi }, { EventRecorder }, { startAudit }, { AS_ADMITTED }] = await Promise.all([
    import('../kube/kube-api.js'),
    import('../kube/events.js'),
    import('../audit/runner.js'),
    import('../audit/scan.js'),
  ]);
  const api = new KubeApi(kube.kubeConfig);
  const validate = createValidateAdmitter({
    ...(options.secretChecker ? { secretChecker: options.secretChecker } : {}),
    rulePolicy: options.rulePolicy,
    exceptionAuthorizer: AS_ADMITTED,
  });
  logger.info({ intervalMs: options.intervalMs, namespaces: options.namespaces }, 'audit of stored ClusterLinks on');
  return startAudit(
    {
      kube: api,
      events: new EventRecorder(api, process.env.POD_NAME ?? hostname(), logger),
      validate,
      namespaces: options.namespaces,
      logger,
      metrics: options.metrics,
    },
    options.intervalMs,
  );
}
