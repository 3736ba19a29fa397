// Exponential backoff with a cap, per failure count (client-go's ItemExponentialFailureRateLimiter).
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 5 * 60_000 };

/** Delay before retry number `failures` (1 = first retry): base · 2^(failures-1), capped. */
export function backoffDelay(failures: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 30);
  return Math.min(options.baseMs * 2 ** exp, options.maxMs);
}
