// A keyed work queue in the manner of client-go's: a key is queued at most once, a key being processed is
// never handed to a second worker (changes that arrive meanwhile re-queue it once it is done), delayed adds
// keep the earliest deadline, and failures back off exponentially per key until `forget`.
import { failureBackoff, type BackoffOptions } from '../../lib/backoff.js';

/** client-go's default item backoff: 1 s doubling to 5 min. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 5 * 60_000 };

/** Work-queue metrics in client-go's terms (docs/reconciler.md#metrics). */
export interface QueueObserver {
  added(): void;
  retried(): void;
  depth(n: number): void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
    private readonly observer?: QueueObserver,
  ) {}

  add(key: string): void {
    if (this.shuttingDown) return;
    const pending = this.timers.get(key);
    if (pending) {
      clearTimeout(pending.timer);
      this.timers.delete(key);
    }
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.observer?.added();
    this.queued.add(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queued.delete(key);
      this.processing.add(key);
      waiter(key);
    } else this.queue.push(key);
    this.observer?.depth(this.queue.length);
  }

  /** Add after `delayMs`; an earlier pending deadline for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    this.timers.set(key, { at, timer });
  }

  /** Record a failure and re-add after the backoff for this key; returns the delay used. */
  addRateLimited(key: string): number {
    this.observer?.retried();
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const delay = failureBackoff(n, this.backoff);
    this.addAfter(key, delay);
    return delay;
  }

  /** Reset the key's failure count (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numFailures(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Next key to process (marked processing until `done`); undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.observer?.depth(this.queue.length);
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  get length(): number {
    return this.queue.length;
  }

  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  shutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    this.dirty.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
  }
}
