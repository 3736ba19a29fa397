// Starting the reconciler next to the webhooks (`serve`): `--reconciler false` never starts it; `auto` starts
// it when a Kubernetes API is configured and answers; `true` starts it whenever a configuration exists (the
// informer then retries until the API answers). Without a cluster it says so and the webhooks serve alone.
// The Kubernetes client (@kubernetes/client-node) is imported only once there is a cluster to talk to, so a `serve`
// without one starts without loading it (docs/performance.md#cold-start).
import type { Logger } from 'pino';
import { loadKubeConfigIfAny } from '../../kube/kube-config-files.js';
import type { LoadedKubeConfig, ProbeResult } from '../../kube/kubeconfig.js';
import type { createLinkReconciler } from '../kafka/reconcile-link.js';
import type { LinkReconciler } from '../types.js';
import type { ClusterLinkController, ControllerOptions } from './controller.js';
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
  load?: () => LoadedKubeConfig | undefined | Promise<LoadedKubeConfig | undefined>;
  probeTimeoutMs?: number;
  /** Where the reconciler metrics go (docs/reconciler.md#metrics): serve's /metrics registry. */
  registry?: Registry;
  /** The Kafka side (default: createLinkReconciler()). */
  linkReconciler?: LinkReconciler & { close?: () => void };
  /** Leadership and failed passes go here (serve passes its /metrics registry). */
  metrics?: ControllerOptions['metrics'];
  /** Timing overrides (tests). */
  controller?: Partial<Pick<ControllerOptions, 'resyncMs' | 'backoff' | 'workers'>> & {
    lease?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number; identity?: string };
  };
}

/** What `serve` will do with the reconciler, decided before anything starts (its first log line says it). */
export interface ReconcilerPlan {
  runs: boolean;
  reason: string;
  /** The API server it would talk to, when a configuration was found. */
  server?: string;
  /** `<namespace>/<name>` of the leader-election Lease. */
  lease: string;
}

/**
 * `auto` runs the reconciler only in a pod (in-cluster service account): a laptop whose kubeconfig points at a
 * real cluster must never become a second leader beside the installed chart (docs/reconciler.md#running-it).
 */
export function planReconciler(config: ReconcilerConfig, loaded: LoadedKubeConfig | undefined): ReconcilerPlan {
  const namespace = config.leaseNamespace ?? loaded?.namespace ?? 'default';
  const lease = `${namespace}/${config.leaseName}`;
  const server = loaded?.kubeConfig.getCurrentCluster()?.server;
  const at = server !== undefined ? { server } : {};
  if (config.reconciler === 'false') return { runs: false, reason: '--reconciler=false', lease, ...at };
  if (!loaded) return { runs: false, reason: 'no Kubernetes cluster configured', lease };
  if (config.reconciler === 'auto' && loaded.source !== 'in-cluster')
    return {
      runs: false,
      reason: 'not in a pod (--reconciler=auto runs it in a pod only; pass --reconciler=true to run it here)',
      lease,
      ...at,
    };
  return { runs: true, reason: `--reconciler=${config.reconciler}`, lease, ...at };
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
  const loaded = await loadConfig(config, log, deps);
  if (!loaded) return undefined;
  const plan = planReconciler(config, loaded);
  if (!plan.runs) {
    log.info({ server: plan.server, lease: plan.lease }, `reconciler is off: ${plan.reason}; the webhooks still serve`);
    return undefined;
  }
  const server = loaded.kubeConfig.getCurrentCluster()?.server;
  const probe = await probeOrGiveUp(config, loaded, server, log, deps);
  if (!probe) return undefined;
  // Only now that there is a cluster to reconcile are the controller and the Kafka side loaded.
  const [{ ClusterLinkController }, { createLinkReconciler }] = await Promise.all([
    import('./controller.js'),
    import('../kafka/reconcile-link.js'),
  ]);
  return startController(
    { Controller: ClusterLinkController, createLinkReconciler },
    config,
    loaded,
    server,
    probe,
    log,
    deps,
  );
}

interface ReconcilerModules {
  Controller: typeof ClusterLinkController;
  createLinkReconciler: typeof createLinkReconciler;
}

/** The Kubernetes configuration; undefined (logged: the webhooks serve alone) when there is none or it is unreadable. */
async function loadConfig(
  config: ReconcilerConfig,
  log: Logger,
  deps: StartDeps,
): Promise<LoadedKubeConfig | undefined> {
  let loaded: LoadedKubeConfig | undefined;
  try {
    loaded = await (deps.load ?? loadKubeConfigIfAny)();
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
  return loaded;
}

type Probe = ProbeResult;

/** Probe the API: `auto` gives up when it does not answer (undefined); `true` starts anyway, the informer retries. */
async function probeOrGiveUp(
  config: ReconcilerConfig,
  loaded: LoadedKubeConfig,
  server: string | undefined,
  log: Logger,
  deps: StartDeps,
): Promise<Probe | undefined> {
  const { probeKubeApi } = await import('../../kube/kubeconfig.js');
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
  return probe;
}

/** Build and start the controller (it then waits for the leader lease) and say so. */
function startController(
  { Controller, createLinkReconciler }: ReconcilerModules,
  config: ReconcilerConfig,
  loaded: LoadedKubeConfig,
  server: string | undefined,
  probe: Probe,
  log: Logger,
  deps: StartDeps,
): RunningReconciler {
  const metrics = deps.registry ? createReconcilerMetrics(deps.registry) : undefined;
  const linkReconciler =
    deps.linkReconciler ??
    createLinkReconciler(metrics ? { onRestRequest: (m, p, c) => metrics.observeRest(m, p, c) } : {});
  const leaseNamespace = config.leaseNamespace ?? loaded.namespace ?? 'default';
  const controller = new Controller({
    kubeConfig: loaded.kubeConfig,
    linkReconciler,
    logger: log,
    namespaces: config.watchNamespaces,
    ...(metrics ? { metrics } : {}),
    lease: { namespace: leaseNamespace, name: config.leaseName, ...(deps.controller?.lease ?? {}) },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
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
