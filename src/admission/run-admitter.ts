// Runs an Admitter under the response budget: its AbortSignal fires at the soft deadline, and at the hard
// budget we stop waiting and answer anyway. A throw, a rejection or a malformed decision is an internal
// error, never an unhandled rejection or a crash.
import type { AdmissionDecision, AdmissionRequest, Admitter } from './types.js';

export type AdmitOutcome =
  | { kind: 'decided'; decision: AdmissionDecision }
  | { kind: 'internal-error'; error: unknown }
  | { kind: 'timeout'; provisional?: AdmissionDecision };

export interface RunAdmitterOptions {
  /** When the signal handed to the admitter aborts. */
  deadlineMs: number;
  /** When we answer without the admitter. */
  budgetMs: number;
}

class AdmissionDeadlineError extends Error {
  override name = 'AdmissionDeadlineError';
}

function isDecision(value: unknown): value is AdmissionDecision {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Partial<AdmissionDecision>;
  return (
    typeof d.allowed === 'boolean' &&
    Array.isArray(d.errors) &&
    Array.isArray(d.warnings) &&
    (d.patch === undefined || Array.isArray(d.patch))
  );
}

export async function runAdmitter(
  admitter: Admitter,
  request: AdmissionRequest,
  options: RunAdmitterOptions,
): Promise<AdmitOutcome> {
  const controller = new AbortController();
  let provisional: AdmissionDecision | undefined;
  const deadline = setTimeout(
    () => controller.abort(new AdmissionDeadlineError(`admission deadline of ${options.deadlineMs} ms reached`)),
    options.deadlineMs,
  );
  let budgetTimer: NodeJS.Timeout | undefined;
  const budget = new Promise<AdmitOutcome>((resolve) => {
    budgetTimer = setTimeout(() => {
      controller.abort(new AdmissionDeadlineError(`admission budget of ${options.budgetMs} ms exhausted`));
      resolve(provisional ? { kind: 'timeout', provisional } : { kind: 'timeout' });
    }, options.budgetMs);
  });
  // Starting inside a promise chain turns a synchronous throw into a rejection; both handlers are attached
  // at once, so a late rejection after the budget is never unhandled.
  const work: Promise<AdmitOutcome> = Promise.resolve()
    .then(() =>
      admitter(request, {
        signal: controller.signal,
        provisional: (decision) => {
          if (isDecision(decision)) provisional = decision;
        },
      }),
    )
    .then(
      (decision): AdmitOutcome =>
        isDecision(decision)
          ? { kind: 'decided', decision }
          : {
              kind: 'internal-error',
              error: new Error('the admitter returned something that is not an AdmissionDecision'),
            },
      (error: unknown): AdmitOutcome => ({ kind: 'internal-error', error }),
    );
  try {
    return await Promise.race([work, budget]);
  } finally {
    clearTimeout(deadline);
    clearTimeout(budgetTimer);
  }
}
