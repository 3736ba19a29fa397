// `serve --managed-certs` wiring (docs/install.md#managed-certificates): every replica serves the serving Secret
// (polled through the API, not ready until it exists); the holder of the cert-writer Lease — its own Lease, so this
// works with the reconciler off — makes and renews the Secrets and keeps both webhook configurations' caBundle.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KubeApi } from '../kube/kube-api.js';
import { LeaderElector } from '../kube/leader-election.js';
import { KubeManagedCertStore } from '../kube/managed-cert-store.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { ownershipProblem, type ManagedPolicy } from '../tls/managed-plan.js';
import { runManagedPass } from '../tls/managed-writer.js';
import { polledTlsSource, type PolledTlsSource } from '../tls/polled-source.js';
import type { ManagedCertsConfig } from './serve-managed-config.js';

export interface ManagedCerts {
  tls: PolledTlsSource;
  stop(): Promise<void>;
}

/** Longest wait between two passes of the writer (drift of the caBundle is repaired this fast). */
const RESYNC_MS = 60_000;
const RETRY_MS = 10_000;

export function startManagedCerts(
  config: ManagedCertsConfig,
  hosts: readonly string[],
  pollIntervalMs: number,
  logger: Logger,
  metrics: Metrics,
): ManagedCerts {
  const loaded = loadKubeConfig();
  if (!loaded) throw new Error('--managed-certs needs a Kubernetes API (in-cluster service account or KUBECONFIG)');
  const namespace = config.namespace;
  if (!namespace)
    throw new Error('--managed-certs needs the namespace of its Secrets: --managed-namespace or POD_NAMESPACE');
  const log = logger.child({ component: 'managed-certs' });
  const store = new KubeManagedCertStore(loaded.kubeConfig, {
    namespace,
    ...(config.mutatingConfiguration !== undefined ? { mutatingConfiguration: config.mutatingConfiguration } : {}),
    ...(config.validatingConfiguration !== undefined
      ? { validatingConfiguration: config.validatingConfiguration }
      : {}),
  });
  const tls = polledTlsSource({
    description: `Secret ${namespace}/${config.servingSecretName}`,
    intervalMs: pollIntervalMs,
    logger,
    metrics,
    read: async () => {
      const s = await store.readSecret(config.servingSecretName);
      if (!s) return undefined;
      const problem = ownershipProblem(s, 'serving');
      if (problem) throw new Error(problem);
      const certPem = s.data['tls.crt'];
      const keyPem = s.data['tls.key'];
      return certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined;
    },
  });
  const policy: ManagedPolicy = { ...config.policy, hosts };
  const writer = writerLoop(config, policy, store, tls, log);
  const elector = new LeaderElector({
    store: new KubeApi(loaded.kubeConfig),
    namespace,
    name: config.leaseName,
    identity: `${process.env['POD_NAME'] ?? hostname()}_${randomBytes(4).toString('hex')}`,
    logger: log,
    onStartedLeading: () => writer.lead(),
    onStoppedLeading: () => writer.pause(),
  });
  elector.start();
  log.info(
    { lease: config.leaseName, namespace, secrets: [config.caSecretName, config.servingSecretName] },
    'managed certificates: competing for the cert-writer Lease',
  );
  return {
    tls,
    stop: async () => {
      writer.pause();
      await elector.stop({ release: true });
      tls.close();
    },
  };
}

/** Passes while leading: at once, then when the plan says (renewal, overlap end) or RESYNC_MS, whichever is first. */
function writerLoop(
  config: ManagedCertsConfig,
  policy: ManagedPolicy,
  store: KubeManagedCertStore,
  tls: PolledTlsSource,
  log: Logger,
): { lead(): void; pause(): void } {
  let leading = false;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const schedule = (ms: number): void => {
    clearTimeout(timer);
    if (!leading) return;
    timer = setTimeout(() => void pass(), Math.max(0, Math.min(ms, RESYNC_MS)));
    timer.unref();
  };
  const pass = async (): Promise<void> => {
    if (!leading || running) return;
    running = true;
    try {
      const result = await runManagedPass({
        store,
        caSecretName: config.caSecretName,
        servingSecretName: config.servingSecretName,
        policy,
        logger: log,
      });
      if (result.wrote) void tls.refresh();
      schedule(result.nextAt.getTime() - Date.now());
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'managed certificates: pass failed; retrying');
      schedule(RETRY_MS);
    } finally {
      running = false;
    }
  };
  return {
    lead: () => {
      leading = true;
      void pass();
    },
    pause: () => {
      leading = false;
      clearTimeout(timer);
    },
  };
}
