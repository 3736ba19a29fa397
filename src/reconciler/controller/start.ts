// Starting the reconciler next to the webhooks (`serve`): `--reconciler false` never starts it; `auto` starts
// it when a Kubernetes API is configured and answers; `true` starts it whenever a configuration exists (the
// informer then retries until the API answers). Without a cluster it says so and the webhooks serve alone.
import type { Logger } from 'pino';
import { loadKubeConfig, probeKubeApi, type LoadedKubeConfig } from '../../kube/kubeconfig.js';
import { createLinkReconciler } from '../kafka/reconcile-link.js';
import type { LinkReconciler } from '../types.js';
import { ClusterLinkController, type ControllerOptions } from './controller.js';
import { createReconcilerMetrics } from './metrics.js';
import type { Registry } from 'prom-client';

export interface RunningReconciler {
  controller: ClusterLinkController;
  stop(): Promise<void>;
}

/** The serve flags that concern the reconciler (docs/reconciler.md, "When it runs"). */
/** `--reconciler`: never, always, or when a Kubernetes API is configured and answers. */
export type ReconcilerMode = 'true' | 'false' | 'auto';

export interface ReconcilerConfig {
  reconciler: ReconcilerMode;
  /** Namespaces to watch; empty = all. */
  watchNamespaces: readonly string[];
  leaseName: string;
  /** Namespace of the Lease; default: the pod's namespace, else "default". */
  leaseNamespace?: string | undefined;
}

export interface StartDeps {
  /** Where the Kubernetes configuration comes from (default: in-cluster, else KUBECONFIG/~/.kube/config). */
  load?: () => LoadedKubeConfig | undefined;
  probeTimeoutMs?: number;
  /** Where the reconciler metrics go (docs/reconciler.md#metrics): serve's /metrics registry. */
  registry?: Registry;
  /** The Kafka side (default: createLinkReconciler()). */
  linkReconciler?: LinkReconciler & { close?: () => void };
  /** Timing overrides (tests). */
  controller?: Partial<Pick<ControllerOptions, 'resyncMs' | 'backoff' | 'workers'>> & {
    lease?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number; identity?: string };
  };
}

export async function startReconcilerIfEnabled(
  config: ReconcilerConfig,
  logger: Logger,
  deps: StartDeps = {},
): Promise<RunningReconciler | undefined> {
  const log = logger.child({ component: 'reconciler' });
  if (config.reconciler === 'false') {
    log.info({}, 'reconciler is off (--reconciler=false); serving the webhooks only');
    return undefined;
  }
  let loaded: LoadedKubeConfig | undefined;
  try {
    loaded = (deps.load ?? loadKubeConfig)();
  } catch (err) {
    log.warn({ error: err instanceof Error ? err.message : String(err) }, 'cannot read the Kubernetes configuration');
  }
  if (!loaded) {
    log.info(
      { mode: config.reconciler },
      'reconciler is off: no Kubernetes cluster configured (in-cluster service account, KUBECONFIG or ~/.kube/config); the webhooks still serve',
    );
    return undefined;
  }
  const server = loaded.kubeConfig.getCurrentCluster()?.server;
  const probe = await probeKubeApi(loaded.kubeConfig, deps.probeTimeoutMs ?? 3000);
  if (!probe.ok) {
    if (config.reconciler === 'auto') {
      log.info(
        { server, error: probe.error },
        'reconciler is off: the Kubernetes API is not reachable; the webhooks still serve',
      );
      return undefined;
    }
    log.warn(
      { server, error: probe.error },
      'the Kubernetes API is not reachable yet; starting the reconciler anyway (--reconciler=true), it retries',
    );
  }

  const metrics = deps.registry ? createReconcilerMetrics(deps.registry) : undefined;
  const linkReconciler =
    deps.linkReconciler ??
    createLinkReconciler(metrics ? { onRestRequest: (m, p, c) => metrics.observeRest(m, p, c) } : {});
  const leaseNamespace = config.leaseNamespace ?? loaded.namespace ?? 'default';
  const controller = new ClusterLinkController({
    kubeConfig: loaded.kubeConfig,
    linkReconciler,
    logger: log,
    namespaces: config.watchNamespaces,
    ...(metrics ? { metrics } : {}),
    lease: { namespace: leaseNamespace, name: config.leaseName, ...(deps.controller?.lease ?? {}) },
    ...(deps.controller?.resyncMs !== undefined ? { resyncMs: deps.controller.resyncMs } : {}),
    ...(deps.controller?.backoff ? { backoff: deps.controller.backoff } : {}),
    ...(deps.controller?.workers !== undefined ? { workers: deps.controller.workers } : {}),
  });
  controller.start();
  log.info(
    {
      server,
      source: loaded.source,
      kubernetesVersion: probe.ok ? probe.version : undefined,
      lease: `${leaseNamespace}/${config.leaseName}`,
      identity: controller.identity,
      namespaces: config.watchNamespaces.length > 0 ? config.watchNamespaces : 'all',
    },
    'reconciler enabled: waiting for the leader lease',
  );
  return {
    controller,
    async stop() {
      await controller.stop();
      linkReconciler.close?.();
    },
  };
}
