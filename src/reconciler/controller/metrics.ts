// Reconciler metrics (docs/reconciler.md#metrics), named like controller-runtime's and client-go's so existing
// dashboards and alerts apply: reconciles by result, reconcile time, work-queue depth/adds/retries, leader status;
// plus Admin REST calls by endpoint template and code, and mirror topics by state. Labels are fixed sets or route
// templates: never a link, topic or namespace name.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const CONTROLLER_NAME = 'clusterlink';

export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface ReconcilerMetrics {
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  workqueueDepth: Gauge<'name'>;
  workqueueAdds: Counter<'name'>;
  workqueueRetries: Counter<'name'>;
  leader: Gauge<'name'>;
  restRequests: Counter<'method' | 'endpoint' | 'code'>;
  mirrorTopics: Gauge<'state'>;
  /** Record one pass. */
  observeReconcile(result: ReconcileResult, seconds: number): void;
  /** Record one Admin REST call (`code` is the HTTP status, or `network` / `timeout` / `aborted`). */
  observeRest(method: string, path: string, code: string): void;
  /** The mirror states of one ClusterLink after its pass (replaces that link's previous contribution). */
  setMirrorStates(key: string, states: Record<string, number>): void;
  forgetLink(key: string): void;
}

const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];

/** `/clusters/abc/links/lk/mirrors/t` → `/clusters/{cluster_id}/links/{link_name}/mirrors/{mirror_topic_name}`. */
export function restEndpointOf(path: string): string {
  const [clean = ''] = path.split('?');
  const names: Record<string, string> = {
    clusters: '{cluster_id}',
    links: '{link_name}',
    mirrors: '{mirror_topic_name}',
    topics: '{topic_name}',
    configs: '{config_name}',
  };
  const parts = clean.split('/');
  return parts
    .map((p, i) => {
      const parent = parts[i - 1];
      if (parent === undefined || !(parent in names) || p === '' || p === '-' || p.includes(':')) return p;
      return names[parent] as string;
    })
    .join('/');
}

type Instruments = Pick<
  ReconcilerMetrics,
  | 'reconcileTotal'
  | 'reconcileErrors'
  | 'reconcileTime'
  | 'workqueueDepth'
  | 'workqueueAdds'
  | 'workqueueRetries'
  | 'leader'
  | 'restRequests'
  | 'mirrorTopics'
>;

/** controller-runtime's and client-go's reconcile, work-queue and leader-election series. */
function controllerRuntimeInstruments(registers: Registry[]): Omit<Instruments, 'restRequests' | 'mirrorTopics'> {
  return {
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller, by result.',
      labelNames: ['controller', 'result'] as const,
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller.',
      labelNames: ['controller'] as const,
      registers,
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller.',
      labelNames: ['controller'] as const,
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
    workqueueDepth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of the work queue.',
      labelNames: ['name'] as const,
      registers,
    }),
    workqueueAdds: new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by the work queue.',
      labelNames: ['name'] as const,
      registers,
    }),
    workqueueRetries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by the work queue.',
      labelNames: ['name'] as const,
      registers,
    }),
    leader: new Gauge({
      name: 'leader_election_master_status',
      help: 'Whether this replica currently holds the leader Lease (1) or not (0).',
      labelNames: ['name'] as const,
      registers,
    }),
  };
}

export function createReconcilerMetrics(registry: Registry): ReconcilerMetrics {
  const registers = [registry];
  const perLink = new Map<string, Record<string, number>>();
  const m: Instruments = {
    ...controllerRuntimeInstruments(registers),
    restRequests: new Counter({
      name: 'clusterlink_webhook_kafka_rest_requests_total',
      help: 'Admin REST API calls by method, endpoint template and HTTP status (or network/timeout/aborted).',
      labelNames: ['method', 'endpoint', 'code'] as const,
      registers,
    }),
    mirrorTopics: new Gauge({
      name: 'clusterlink_webhook_mirror_topics',
      help: 'Mirror topics of the reconciled ClusterLinks, by mirror state.',
      labelNames: ['state'] as const,
      registers,
    }),
  };
  const publishMirrors = (): void => {
    const totals: Record<string, number> = {};
    for (const states of perLink.values())
      for (const [state, n] of Object.entries(states)) totals[state] = (totals[state] ?? 0) + n;
    m.mirrorTopics.reset();
    for (const [state, n] of Object.entries(totals)) m.mirrorTopics.set({ state }, n);
  };
  return {
    ...m,
    observeReconcile(result, seconds) {
      m.reconcileTotal.inc({ controller: CONTROLLER_NAME, result });
      if (result === 'error') m.reconcileErrors.inc({ controller: CONTROLLER_NAME });
      m.reconcileTime.observe({ controller: CONTROLLER_NAME }, seconds);
    },
    observeRest(method, path, code) {
      m.restRequests.inc({ method, endpoint: restEndpointOf(path), code });
    },
    setMirrorStates(key, states) {
      perLink.set(key, states);
      publishMirrors();
    },
    forgetLink(key) {
      if (perLink.delete(key)) publishMirrors();
    },
  };
}
