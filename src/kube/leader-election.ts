// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews every retry
// period; others take over only after they have seen the lease unchanged for a whole lease duration (their
// own clock, so clock skew between pods does not matter); a holder that cannot renew within the renew
// deadline, or finds someone else holding the lease, stops leading at once. Stopping releases the lease so a
// peer can take over without waiting. Like client-go, every Lease call is bounded by what is left of the renew
// deadline (a black-holed API server cannot hold the holder past it), and a watchdog steps down the moment
// `now - lastRenew > renewDeadline`: strictly before a peer may take over (lease duration > renew deadline), so two
// replicas never reconcile at once (docs/reconciler.md, "One leader at a time").
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { untilAborted } from '../lib/async.js';
import { describeKubeError, isKubeConflict } from './errors.js';

export interface LeaseStore {
  getLease(namespace: string, name: string, signal?: AbortSignal): Promise<V1Lease | undefined>;
  createLease(namespace: string, lease: V1Lease, signal?: AbortSignal): Promise<V1Lease>;
  replaceLease(namespace: string, name: string, lease: V1Lease, signal?: AbortSignal): Promise<V1Lease>;
}

export interface LeaderElectionOptions {
  store: LeaseStore;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  logger?: Logger;
}

/** MicroTime serialises with six fractional digits, as the API server's RFC3339Micro parser wants. */
function micro(date: Date): V1MicroTime {
  return new V1MicroTime(date.getTime());
}

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private abort = new AbortController();
  private observed: { resourceVersion?: string; at: number } | undefined;
  private lastRenewAt = 0;
  private current: V1Lease | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    // client-go's NewLeaderElector refuses these too: without the margin a peer could start before we stop.
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error('leader election: the lease duration must be greater than the renew deadline');
    if (this.renewDeadlineMs <= this.retryPeriodMs)
      throw new Error('leader election: the renew deadline must be greater than the retry period');
  }

  /** Leading, and the last renewal is within the renew deadline: a late watchdog timer steps down here. */
  get isLeader(): boolean {
    if (this.leading && Date.now() - this.lastRenewAt > this.renewDeadlineMs)
      this.stepDown('leader lease not renewed within the renew deadline; reconciling stops');
    return this.leading;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  /** Stop competing; when leading, step down and (with release) hand the lease back at once. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    const wasLeading = this.leading;
    clearTimeout(this.watchdog);
    this.setLeading(false);
    if (wasLeading && options.release !== false) await this.release();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // A renewal counts from when it was sent: peers may have seen the previous one as early as that.
      const started = Date.now();
      const held = await this.boundedAttempt(started);
      if (this.stopped) break;
      if (held) {
        this.lastRenewAt = started;
        this.armWatchdog();
        this.setLeading(true);
      } else if (this.leading && (this.lostToOther || Date.now() - this.lastRenewAt > this.renewDeadlineMs)) {
        this.stepDown('lost the leader lease; reconciling stops');
      }
      await this.sleep(this.retryPeriodMs);
    }
  }

  /** One acquire/renew that ends (false) by the renew deadline whatever the API server does. */
  private async boundedAttempt(started: number): Promise<boolean> {
    const left = this.leading ? this.lastRenewAt + this.renewDeadlineMs - started : this.renewDeadlineMs;
    const deadline = AbortSignal.timeout(Math.max(1, left));
    const signal = AbortSignal.any([this.abort.signal, deadline]);
    const held = await untilAborted(this.tryAcquireOrRenew(signal), signal, () => false);
    if (deadline.aborted && !this.abort.signal.aborted)
      this.options.logger?.warn(
        { lease: this.options.name, timeoutMs: Math.max(1, left) },
        'leader lease: no answer within the renew deadline',
      );
    return held && !signal.aborted;
  }

  /** Fires when the renew deadline passes without a renewal, whatever the loop is waiting for. */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    const due = this.lastRenewAt + this.renewDeadlineMs - Date.now();
    this.watchdog = setTimeout(
      () => {
        if (this.leading && Date.now() - this.lastRenewAt >= this.renewDeadlineMs)
          this.stepDown('leader lease not renewed within the renew deadline; reconciling stops');
      },
      Math.max(0, due) + 1,
    );
    this.watchdog.unref();
  }

  private stepDown(message: string): void {
    clearTimeout(this.watchdog);
    this.options.logger?.warn({ lease: this.options.name }, message);
    this.setLeading(false);
  }

  private lostToOther = false;

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) {
      this.options.logger?.info(
        { lease: this.options.name, identity: this.options.identity },
        'acquired the leader lease',
      );
      this.options.onStartedLeading();
    } else this.options.onStoppedLeading();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** True when we hold the lease after this attempt. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { store, namespace, name, identity } = this.options;
    this.lostToOther = false;
    const now = new Date();
    try {
      const existing = await store.getLease(namespace, name, signal);
      if (!existing) {
        const lease: V1Lease = {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
            acquireTime: micro(now),
            renewTime: micro(now),
            leaseTransitions: 0,
          },
        };
        this.current = await store.createLease(namespace, lease, signal);
        this.observed = { resourceVersion: this.current.metadata?.resourceVersion, at: Date.now() };
        return true;
      }
      const rv = existing.metadata?.resourceVersion;
      if (this.observed?.resourceVersion !== rv) this.observed = { resourceVersion: rv, at: Date.now() };
      const observedAt = this.observed?.at ?? Date.now();
      const holder = existing.spec?.holderIdentity ?? '';
      const durationMs = (existing.spec?.leaseDurationSeconds ?? Math.ceil(this.leaseDurationMs / 1000)) * 1000;
      const ours = holder === identity;
      const expired = holder === '' || Date.now() > observedAt + durationMs;
      if (!ours && !expired) {
        this.lostToOther = this.leading;
        return false;
      }
      const spec = { ...(existing.spec ?? {}) };
      spec.holderIdentity = identity;
      spec.leaseDurationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
      spec.renewTime = micro(now);
      if (!ours) {
        spec.acquireTime = micro(now);
        spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
      }
      this.current = await store.replaceLease(namespace, name, { ...existing, spec }, signal);
      this.observed = { resourceVersion: this.current.metadata?.resourceVersion, at: Date.now() };
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      if (isKubeConflict(err)) {
        // Someone else wrote the lease between our read and write: they hold it now.
        this.lostToOther = this.leading;
        return false;
      }
      this.options.logger?.warn({ lease: name, error: describeKubeError(err) }, 'leader lease: acquire/renew failed');
      return false;
    }
  }

  /** Hand the lease back (holder cleared) so another replica can take over without waiting for expiry. */
  private async release(): Promise<void> {
    const { store, namespace, name, identity } = this.options;
    try {
      const existing = await store.getLease(namespace, name, AbortSignal.timeout(5000));
      if (!existing || existing.spec?.holderIdentity !== identity) return;
      await store.replaceLease(
        namespace,
        name,
        {
          ...existing,
          spec: { ...existing.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: micro(new Date()) },
        },
        AbortSignal.timeout(5000),
      );
    } catch (err) {
      this.options.logger?.warn({ lease: name, error: describeKubeError(err) }, 'leader lease: release failed');
    }
  }
}
