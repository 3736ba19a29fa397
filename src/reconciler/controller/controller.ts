// The ClusterLink controller: while this replica holds the leader Lease, an informer feeds a keyed work queue
// (namespace/name, one pass per key at a time), a few workers run reconcile passes, failures back off
// exponentially per key, and a periodic resync re-runs every link so status (mirror states, lags) stays fresh.
// Losing the lease aborts in-flight passes and stops everything at once; the elector keeps trying to return.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ClusterLink } from '../../clusterlink/types.js';
import { ClusterLinkInformer, type ClusterLinkChange } from '../../kube/clusterlink-informer.js';
import { describeKubeError } from '../../kube/errors.js';
import { EventRecorder } from '../../kube/events.js';
import { KubeApi } from '../../kube/kube-api.js';
import { LeaderElector } from '../../kube/leader-election.js';
import { FINALIZER } from '../../kube/resources.js';
import type { LinkReconciler } from '../types.js';
import type { BackoffOptions } from '../../lib/backoff.js';
import { DEFAULT_BACKOFF } from './work-queue.js';
import { reconcilePass, type WrittenStatus } from './reconcile-pass.js';
import { WorkQueue } from './work-queue.js';
import { CONTROLLER_NAME, type ReconcilerMetrics } from './metrics.js';

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  linkReconciler: LinkReconciler;
  logger: Logger;
  /** Namespaces to watch; empty or absent = all. */
  namespaces?: readonly string[];
  /** Leader election; `false` runs without it (a single replica, tests). */
  lease: LeaseOptions | false;
  workers?: number;
  /** Re-run every link this often (status refresh; the Kafka side writes nothing when nothing changed). */
  resyncMs?: number;
  backoff?: BackoffOptions;
  informerBackoff?: BackoffOptions;
  deletionRequeueMs?: number;
  /** Timeout of every Kubernetes API call (ms, default 30 s). */
  kubeTimeoutMs?: number;
  /** Reconciler metrics (docs/reconciler.md#metrics); none when absent. */
  metrics?: ReconcilerMetrics;
}

interface Term {
  abort: AbortController;
  queue: WorkQueue;
  informer: ClusterLinkInformer;
  workers: Promise<void>[];
  resync?: NodeJS.Timeout;
  fingerprints: Map<string, string>;
  knownKafkaTopics: Set<string>;
  writtenStatuses: Map<string, WrittenStatus>;
}

export const keyOf = (link: ClusterLink): string => `${link.metadata?.namespace ?? ''}/${link.metadata?.name ?? ''}`;

/**
 * What makes a watch event worth a pass: spec (generation), deletion, annotations, other controllers'
 * finalizers. Not status and not our own finalizer: those are our own writes, and reacting to them would
 * only run the same pass again.
 */
function fingerprint(link: ClusterLink): string {
  const m = link.metadata;
  const finalizers = (m?.finalizers ?? []).filter((f) => f !== FINALIZER);
  return JSON.stringify([m?.uid, m?.generation, m?.deletionTimestamp ?? null, m?.annotations ?? {}, finalizers]);
}

export class ClusterLinkController {
  readonly identity: string;
  private readonly api: KubeApi;
  private readonly recorder: EventRecorder;
  private readonly elector: LeaderElector | undefined;
  private term: Term | undefined;
  private stopping: Promise<void> | undefined;
  private running = false;
  /** Passes run so far (observability for tests and logs). */
  passes = 0;

  constructor(private readonly options: ControllerOptions) {
    this.identity = (options.lease && options.lease.identity) || `${hostname()}_${randomUUID().slice(0, 8)}`;
    this.api = new KubeApi(options.kubeConfig, {
      ...(options.kubeTimeoutMs !== undefined ? { timeoutMs: options.kubeTimeoutMs } : {}),
    });
    this.recorder = new EventRecorder(this.api, this.identity, options.logger);
    if (options.lease) {
      const lease = options.lease;
      this.elector = new LeaderElector({
        store: this.api,
        namespace: lease.namespace,
        name: lease.name,
        identity: this.identity,
        ...(lease.leaseDurationMs !== undefined ? { leaseDurationMs: lease.leaseDurationMs } : {}),
        ...(lease.renewDeadlineMs !== undefined ? { renewDeadlineMs: lease.renewDeadlineMs } : {}),
        ...(lease.retryPeriodMs !== undefined ? { retryPeriodMs: lease.retryPeriodMs } : {}),
        onStartedLeading: () => this.startTerm(),
        onStoppedLeading: () => void this.stopTerm(),
        logger: options.logger,
      });
    }
  }

  /** Reconciling right now (leader, or no leader election). */
  get isActive(): boolean {
    return this.term !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.elector) this.elector.start();
    else this.startTerm();
  }

  /** Stop reconciling; `release: false` simulates a crash (the lease is left to expire). */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const termStopped = this.stopTerm();
    if (this.elector) await this.elector.stop(options);
    await termStopped;
  }

  private startTerm(): void {
    if (this.term || !this.running) return;
    const { options } = this;
    const log = options.logger;
    const queue = this.newQueue();
    options.metrics?.leader.set({ name: CONTROLLER_NAME }, 1);
    const fingerprints = new Map<string, string>();
    const informer = new ClusterLinkInformer({
      kubeConfig: options.kubeConfig,
      api: this.api,
      namespaces: options.namespaces ?? [],
      onChange: (change, link) => this.enqueueChange(term, change, link),
      logger: log,
      ...(options.informerBackoff ? { restartBackoff: options.informerBackoff } : {}),
    });
    const term: Term = {
      abort: new AbortController(),
      queue,
      informer,
      workers: [],
      fingerprints,
      knownKafkaTopics: new Set(),
      writtenStatuses: new Map(),
    };
    this.term = term;
    log.info(
      { namespaces: options.namespaces?.length ? options.namespaces : 'all', identity: this.identity },
      'reconciler started',
    );
    void informer
      .start()
      .catch((err: unknown) => log.warn({ error: describeKubeError(err) }, 'ClusterLink informer failed to start'));
    const workers = Math.max(1, options.workers ?? 2);
    for (let i = 0; i < workers; i++) term.workers.push(this.work(term));
    const resyncMs = options.resyncMs ?? 60_000;
    if (resyncMs > 0) {
      term.resync = setInterval(() => {
        for (const link of informer.list()) queue.add(keyOf(link));
      }, resyncMs);
    }
  }

  /** The term's work queue, reporting to controller-runtime's workqueue metrics. */
  private newQueue(): WorkQueue {
    const mx = this.options.metrics;
    return new WorkQueue(
      this.options.backoff ?? DEFAULT_BACKOFF,
      mx && {
        added: () => mx.workqueueAdds.inc({ name: CONTROLLER_NAME }),
        retried: () => mx.workqueueRetries.inc({ name: CONTROLLER_NAME }),
        depth: (n) => mx.workqueueDepth.set({ name: CONTROLLER_NAME }, n),
      },
    );
  }

  /** An informer event: a deletion forgets the link; a change of spec or metadata queues it (status-only is skipped). */
  private enqueueChange(term: Term, change: ClusterLinkChange, link: ClusterLink): void {
    const key = keyOf(link);
    if (change === 'delete') {
      term.fingerprints.delete(key);
      term.writtenStatuses.delete(key);
      this.options.metrics?.forgetLink(key);
      return;
    }
    const fp = fingerprint(link);
    if (change === 'update' && term.fingerprints.get(key) === fp) return;
    term.fingerprints.set(key, fp);
    term.queue.add(key);
  }

  /** Synchronously cuts the term short (abort + queue shutdown); resolves once its parts have stopped. */
  private stopTerm(): Promise<void> {
    const term = this.term;
    if (!term) return this.stopping ?? Promise.resolve();
    this.term = undefined;
    this.options.metrics?.leader.set({ name: CONTROLLER_NAME }, 0);
    term.abort.abort();
    term.queue.shutdown();
    clearInterval(term.resync);
    this.options.logger.info({ identity: this.identity }, 'reconciler stopped');
    this.stopping = (async () => {
      await term.informer.stop();
      await Promise.all(term.workers);
    })();
    return this.stopping;
  }

  private async work(term: Term): Promise<void> {
    for (;;) {
      const key = await term.queue.get();
      if (key === undefined) return;
      try {
        await this.process(term, key);
      } catch (err) {
        // reconcilePass reports failures as values; anything else is a bug: log and back off
        this.options.logger.error(
          { key, error: err instanceof Error ? err.message : String(err) },
          'reconcile pass crashed',
        );
        if (!term.abort.signal.aborted) term.queue.addRateLimited(key);
      } finally {
        term.queue.done(key);
      }
    }
  }

  private observePass(key: string, result: Awaited<ReturnType<typeof reconcilePass>>, seconds: number): void {
    const mx = this.options.metrics;
    if (!mx) return;
    mx.observeReconcile(
      result.failure
        ? 'error'
        : result.requeueAfterMs !== undefined
          ? 'requeue_after'
          : result.notReady
            ? 'requeue'
            : 'success',
      seconds,
    );
    if (result.mirrorStates) mx.setMirrorStates(key, result.mirrorStates);
  }

  private async process(term: Term, key: string): Promise<void> {
    const signal = term.abort.signal;
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    let link: ClusterLink | undefined;
    try {
      // Fresh from the API, not the cache: the previous pass's own writes may not have arrived yet.
      link = await this.api.getClusterLink(namespace, name, signal);
    } catch (err) {
      if (signal.aborted) return;
      this.options.logger.warn({ key, error: describeKubeError(err) }, 'could not read ClusterLink');
      term.queue.addRateLimited(key);
      return;
    }
    if (!link) {
      term.queue.forget(key);
      return;
    }
    this.passes += 1;
    const started = process.hrtime.bigint();
    const result = await reconcilePass(
      link,
      {
        api: this.api,
        recorder: this.recorder,
        linkReconciler: this.options.linkReconciler,
        logger: this.options.logger,
        ...(this.options.deletionRequeueMs !== undefined ? { deletionRequeueMs: this.options.deletionRequeueMs } : {}),
        knownKafkaTopics: term.knownKafkaTopics,
        writtenStatuses: term.writtenStatuses,
      },
      signal,
    );
    if (result.aborted || signal.aborted) return;
    this.observePass(key, result, Number(process.hrtime.bigint() - started) / 1e9);
    if (result.requeueAfterMs !== undefined) {
      term.queue.forget(key);
      term.queue.addAfter(key, result.requeueAfterMs);
    } else if (result.failure || result.notReady) {
      const delay = term.queue.addRateLimited(key);
      this.options.logger.debug({ key, retryInMs: delay }, 'retrying with backoff');
    } else term.queue.forget(key);
  }
}
