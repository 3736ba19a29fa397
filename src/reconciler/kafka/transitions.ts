// Promote/failover requests that do not complete (docs/reconciler.md#failed-transitions). The status entry of a
// mirror remembers which stop was requested, how often and when; the planner asks again only after a backoff
// (30 s doubling to 10 min, like a controller's per-item backoff but per mirror), never every few seconds; a mirror
// stuck in PENDING_STOPPED after a promote is escalated when the user changes its state to FAILOVER. Pure.
import type { MirrorTopicStatus } from '../../clusterlink/types.js';

export type StopAction = 'PROMOTE' | 'FAILOVER';

export interface TransitionBackoff {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_TRANSITION_BACKOFF: TransitionBackoff = { baseMs: 30_000, capMs: 10 * 60_000 };

export interface TransitionRecord {
  action: StopAction;
  attempts: number;
  lastAttemptMs?: number;
  errors: { errorCode: string; errorMessage: string }[];
}

export function transitionRecord(entry: MirrorTopicStatus | undefined): TransitionRecord | undefined {
  const action = entry?.requestedAction;
  if (action !== 'PROMOTE' && action !== 'FAILOVER') return undefined;
  const last = entry?.lastTransitionAttemptTime ? Date.parse(entry.lastTransitionAttemptTime) : NaN;
  return {
    action,
    attempts: typeof entry?.transitionAttempts === 'number' ? entry.transitionAttempts : 0,
    ...(Number.isFinite(last) ? { lastAttemptMs: last } : {}),
    errors: Array.isArray(entry?.stateTransitionErrors) ? entry.stateTransitionErrors : [],
  };
}

export function backoffMs(attempts: number, b: TransitionBackoff = DEFAULT_TRANSITION_BACKOFF): number {
  return Math.min(b.capMs, b.baseMs * 2 ** Math.max(0, attempts - 1));
}

export type TransitionDecision =
  | { kind: 'none' }
  /** Already requested and the mirror is stopping: only wait for it. */
  | { kind: 'await' }
  | { kind: 'request'; action: StopAction; escalation: boolean }
  /** Requested before without success: ask again only in `retryInMs`. */
  | { kind: 'wait'; retryInMs: number };

/**
 * What to do for a mirror the spec wants stopped. `status` is the mirror's state on the server now, `record` what
 * the previous status says was requested.
 */
export function decideTransition(
  wanted: StopAction,
  status: string,
  record: TransitionRecord | undefined,
  nowMs: number,
  backoff: TransitionBackoff = DEFAULT_TRANSITION_BACKOFF,
): TransitionDecision {
  if (status === 'STOPPED') return { kind: 'none' };
  if (status === 'PENDING_STOPPED') {
    // A promote waits for the source; failover does not, so the user may escalate a stuck promote.
    if (wanted === 'FAILOVER' && record?.action !== 'FAILOVER') {
      return { kind: 'request', action: 'FAILOVER', escalation: true };
    }
    return { kind: 'await' };
  }
  if (record && record.action === wanted && record.attempts > 0 && record.lastAttemptMs !== undefined) {
    const due = record.lastAttemptMs + backoffMs(record.attempts, backoff);
    if (nowMs < due) return { kind: 'wait', retryInMs: due - nowMs };
  }
  return { kind: 'request', action: wanted, escalation: false };
}

/**
 * The transition fields of a status entry after this pass. `requested` is set when this pass asked for the stop.
 * Once the mirror is STOPPED only the action that stopped it stays; errors are the server's latest.
 */
export function transitionStatusFields(x: {
  status: string;
  previous?: TransitionRecord;
  requested?: StopAction;
  nowMs: number;
  errors?: { errorCode: string; errorMessage: string }[];
}): Partial<MirrorTopicStatus> {
  const action = x.requested ?? x.previous?.action;
  if (!action) return {};
  if (x.status === 'STOPPED') return { requestedAction: action };
  const attempts = x.requested
    ? (x.previous?.action === x.requested ? x.previous.attempts : 0) + 1
    : (x.previous?.attempts ?? 0);
  const last = x.requested ? x.nowMs : x.previous?.lastAttemptMs;
  const errors = x.errors ?? x.previous?.errors ?? [];
  return {
    requestedAction: action,
    transitionAttempts: attempts,
    ...(last !== undefined
      ? { lastTransitionAttemptTime: new Date(last).toISOString().replace(/\.\d{3}Z$/, 'Z') }
      : {}),
    ...(errors.length > 0 ? { stateTransitionErrors: errors } : {}),
  };
}

/** Ready/Event text for mirrors whose requested stop the server reported as failing. */
export function transitionFailureMessage(
  failing: { topic: string; action: StopAction; attempts: number; errors: TransitionRecord['errors'] }[],
  backoff: TransitionBackoff = DEFAULT_TRANSITION_BACKOFF,
): string {
  return failing
    .map((f) => {
      const why = f.errors.map((e) => `${e.errorCode ? `${e.errorCode}: ` : ''}${e.errorMessage}`).join('; ');
      const hint =
        f.action === 'PROMOTE'
          ? '; a promote needs the source cluster: to stop the mirror without it, set its state to FAILOVER'
          : '';
      return `${f.action.toLowerCase()} of ${f.topic} failed: ${why} (attempt ${f.attempts}, next in ${Math.round(backoffMs(f.attempts, backoff) / 1000)} s${hint})`;
    })
    .join(' | ');
}
