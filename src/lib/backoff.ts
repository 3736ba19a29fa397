// Exponential backoff, capped, with optional jitter: the one implementation behind the REST client's retries,
// the work queue's per-item delays (client-go's ItemExponentialFailureRateLimiter) and the informer's restarts.
import { sleep } from './async.js';

export interface BackoffOptions {
  /** First delay (ms). */
  baseMs: number;
  /** Largest single delay (ms). */
  capMs: number;
  /** 0..1; 1 = full jitter (a delay uniformly in [0, computed]). */
  jitter?: number;
  /** Injected for tests. */
  random?: () => number;
}

/** Delay before retry number `attempt` (0-based): base · 2^attempt, capped, then jittered. */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0));
  const r = (opts.random ?? Math.random)();
  return Math.round(exp * (1 - jitter + jitter * r));
}

/** Delay after the `failures`-th consecutive failure (1 = the first): 0 when nothing has failed. */
export function failureBackoff(failures: number, opts: BackoffOptions): number {
  return failures <= 0 ? 0 : backoffDelay(failures - 1, opts);
}

export interface RetryOptions extends BackoffOptions {
  /** Total attempts including the first. */
  attempts?: number;
  /** Stop retrying once this much time has passed since the first attempt (ms). */
  deadlineMs?: number;
  shouldRetry: (error: unknown) => boolean;
  signal?: AbortSignal;
  now?: () => number;
}

/** Run `fn` until it succeeds, a non-retryable error occurs, or attempts/deadline run out. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const start = now();
  const attempts = opts.attempts ?? Number.POSITIVE_INFINITY;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!opts.shouldRetry(e) || attempt + 1 >= attempts) throw e;
      const delay = backoffDelay(attempt, opts);
      if (opts.deadlineMs !== undefined && now() - start + delay > opts.deadlineMs) throw e;
      await sleep(delay, opts.signal);
    }
  }
}
