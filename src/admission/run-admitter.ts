// Runs an Admitter under the response budget: its AbortSignal fires at the soft deadline, and at the hard budget we
// stop waiting and answer anyway (both on the shared timers of deadlines.ts, docs/performance.md#the-hot-path). A
// throw, a rejection or a malformed decision is an internal error, never an unhandled rejection or a crash.
import { deadlineIn, type Deadline } from './deadlines.js';
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
 * One run of an admitter, and the AdmitOptions it gets. The AbortController is made the first time the admitter asks
 * for the signal (a review that looks nothing up never does); a deadline that passed before that gives an aborted
 * signal. Methods rather than per-run closures: a run is made for every review (docs/performance.md#the-hot-path).
 */
class AdmitterRun implements AdmitOptions {
  private controller: AbortController | undefined;
  private reason: AdmissionDeadlineError | undefined;
  private recorded: AdmissionDecision | (() => AdmissionDecision) | undefined;
  private record: ((decision: AdmissionDecision | (() => AdmissionDecision)) => void) | undefined;
  private readonly deadline: Deadline;
  private readonly budget: Deadline;

  constructor(
    private readonly options: RunAdmitterOptions,
    private readonly resolve: (outcome: AdmitOutcome) => void,
  ) {
    this.deadline = deadlineIn(options.deadlineMs, () => this.deadlineReached());
    this.budget = deadlineIn(options.budgetMs, () => this.budgetExhausted());
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get provisional(): (decision: AdmissionDecision | (() => AdmissionDecision)) => void {
    this.record ??= (decision) => {
      if (typeof decision === 'function' || isDecision(decision)) this.recorded = decision;
    };
    return this.record;
  }

  /** The recorded provisional decision, made now if it was given as a function; a throw or a non-decision is none. */
  private provisionalDecision(): AdmissionDecision | undefined {
    const recorded = this.recorded;
    if (typeof recorded !== 'function') return recorded;
    try {
      const decision: unknown = recorded();
      return isDecision(decision) ? decision : undefined;
    } catch {
      return undefined;
    }
  }

  /** The outcome, once: later settlements (a late answer after the budget) are ignored by the promise. */
  settle(outcome: AdmitOutcome): void {
    this.deadline.cancel();
    this.budget.cancel();
    this.resolve(outcome);
  }

  private deadlineReached(): void {
    this.abort(new AdmissionDeadlineError(`admission deadline of ${this.options.deadlineMs} ms reached`));
  }

  private budgetExhausted(): void {
    this.deadline.cancel();
    this.abort(new AdmissionDeadlineError(`admission budget of ${this.options.budgetMs} ms exhausted`));
    const provisional = this.provisionalDecision();
    this.resolve(provisional ? { kind: 'timeout', provisional } : { kind: 'timeout' });
  }

  /** The first reason wins, as with AbortController.abort. */
  private abort(reason: AdmissionDeadlineError): void {
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
 * budget is still handled.
 */
export function runAdmitter(
  admitter: Admitter,
  request: AdmissionRequest,
  options: RunAdmitterOptions,
): Promise<AdmitOutcome> {
  return new Promise<AdmitOutcome>((resolve) => {
    const run = new AdmitterRun(options, resolve);
    let pending: Promise<AdmissionDecision>;
    try {
      pending = admitter(request, run);
    } catch (error) {
      run.settle({ kind: 'internal-error', error });
      return;
    }
    Promise.resolve(pending).then(
      (decision) => run.settle(outcomeOf(decision)),
      (error: unknown) => run.settle({ kind: 'internal-error', error }),
    );
  });
}
