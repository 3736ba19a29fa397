// Child-process entry: the ClusterLink controller with the real Kafka side, against the Kubernetes API in
// HARDENING_KUBECONFIG. The parent SIGKILLs it mid-reconcile to test restarts; JSON logs go to stdout.
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '../../../src/observability/log.js';
import { ClusterLinkController } from '../../../src/reconciler/controller/controller.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';

const kubeconfigPath = process.env.HARDENING_KUBECONFIG;
if (!kubeconfigPath) throw new Error('HARDENING_KUBECONFIG is not set');
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const logger = createLogger({ level: 'debug' });
const reconciler = createLinkReconciler({
  stopPollBudgetMs: 300,
  stopPollIntervalMs: 20,
  pendingRequeueMs: 50,
  sourceInitiatedRetryMs: 3_000,
});
const controller = new ClusterLinkController({
  kubeConfig,
  linkReconciler: reconciler,
  logger,
  lease: false,
  resyncMs: 300,
  backoff: { baseMs: 20, capMs: 400 },
});
controller.start();
process.on('SIGTERM', () => {
  void controller.stop().then(() => {
    reconciler.close();
    process.exit(0);
  });
});
