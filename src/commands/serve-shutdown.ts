// The end of `serve` after SIGTERM (docs/reliability.md#shutdown): the webhook server drains and the background
// work (the reconciler, which hands back its Lease) stops, but the whole of it never outlasts --shutdown-grace:
// a hanging Lease release or watch must not keep the pod past its terminationGracePeriodSeconds.
import { settlesWithin } from '../lib/async.js';
import type { Logger } from '../observability/log.js';

/** Kept free at the end of the grace for the process to flush its logs and exit. */
export const EXIT_MARGIN_MS = 250;

export interface StopSteps {
  /** Run at once, side by side (server drain, reconciler stop). */
  stops: Array<() => Promise<void>>;
  /** Run after them (or when the grace is over), synchronously: closing watchers and timers. */
  finally: Array<() => void>;
}

/** Resolves true when every step finished in time, false when the grace ran out first. */
export async function stopWithinGrace(
  steps: StopSteps,
  graceMs: number,
  logger: Pick<Logger, 'warn'>,
): Promise<boolean> {
  const all = Promise.allSettled(steps.stops.map((stop) => Promise.resolve().then(stop)));
  const inTime = await settlesWithin(all, Math.max(0, graceMs - EXIT_MARGIN_MS));
  if (!inTime)
    logger.warn({ graceMs }, 'shutdown grace over with work still running (e.g. the Lease release); exiting anyway');
  for (const close of steps.finally) {
    try {
      close();
    } catch {
      // Closing is best effort on the way out.
    }
  }
  return inTime;
}
