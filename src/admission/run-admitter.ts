// Runs an Admitter under the response budget: its AbortSignal fires at the soft deadline, and at the hard budget we
// stop waiting and answer anyway (both on the shared timers of deadlines.ts, docs/performance.md#the-hot-path). A
// throw, a rejection or a malformed decision is an internal error, never an unhandled rejection or a crash.
import { deadlineIn } from './deadlines.js';
import type { AdmissionDecision, AdmissionRequest, AdmitOptions, Admitter } from './types.js';

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

/**
 * The AdmitOptions a review's admitter gets. The AbortController is made the first time the admitter asks for the
 * signal (a review that looks nothing up never does); a deadline that passed before that gives an aborted signal.
 */
class LazyAdmitOptions implements AdmitOptions {
  private controller: AbortController | undefined;
  private reason: AdmissionDeadlineError | undefined;
  decision: AdmissionDecision | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  readonly provisional = (decision: AdmissionDecision): void => {
    if (isDecision(decision)) this.decision = decision;
  };

  /** The first reason wins, as with AbortController.abort. */
  abort(reason: AdmissionDeadlineError): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

function outcomeOf(decision: unknown): AdmitOutcome {
  return isDecision(decision)
    ? { kind: 'decided', decision }
    : { kind: 'internal-error', error: new Error('the admitter returned something that is not an AdmissionDecision') };
}

/**
 * Both limits are entries of the shared deadline queues (deadlines.ts), cancelled when the admitter settles. The
 * admitter starts synchronously inside a try, so a synchronous throw is an internal error too; a rejection after the
 * budget is still handled (the outcome is settled once, later settlements are ignored).
 */
export function runAdmitter(
  admitter: Admitter,
  request: AdmissionRequest,
  options: RunAdmitterOptions,
): Promise<AdmitOutcome> {
  return new Promise<AdmitOutcome>((resolve) => {
    const admitOptions = new LazyAdmitOptions();
    const deadline = deadlineIn(options.deadlineMs, () =>
      admitOptions.abort(new AdmissionDeadlineError(`admission deadline of ${options.deadlineMs} ms reached`)),
    );
    const budget = deadlineIn(options.budgetMs, () => {
      deadline.cancel();
      admitOptions.abort(new AdmissionDeadlineError(`admission budget of ${options.budgetMs} ms exhausted`));
      const provisional = admitOptions.decision;
      resolve(provisional ? { kind: 'timeout', provisional } : { kind: 'timeout' });
    });
    const settle = (outcome: AdmitOutcome): void => {
      deadline.cancel();
      budget.cancel();
      resolve(outcome);
    };
    let pending: Promise<AdmissionDecision>;
    try {
      pending = admitter(request, admitOptions);
    } catch (error) {
      settle({ kind: 'internal-error', error });
      return;
    }
    Promise.resolve(pending).then(
      (decision) => settle(outcomeOf(decision)),
      (error: unknown) => settle({ kind: 'internal-error', error }),
    );
  });
}
