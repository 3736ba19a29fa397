// Wiring of failed transitions into a pass (docs/reconciler.md#failed-transitions): read the server's reason for
// mirrors whose requested stop has not completed (the single-mirror GET with include_state_transition_errors, the
// only endpoint that reports it), and fold the request record and the errors into the status entries.
import type { MirrorTopicStatus } from '../../clusterlink/types.js';
import { KafkaRestError, type KafkaRestClient, type MirrorData } from '../../kafka-rest/index.js';
import {
  backoffMs,
  transitionFailureMessage,
  transitionRecord,
  transitionStatusFields,
  type StopAction,
  type TransitionBackoff,
} from './transitions.js';

export interface TransitionOutcome {
  /** Ready=False text when some mirror's stop failed, undefined otherwise. */
  failureMessage?: string;
  /** Run again after this delay to retry (the backoff of the least-tried failing mirror). */
  retryInMs?: number;
}

/** Mirrors with a stop requested (now or before) that are not STOPPED yet. */
function outstanding(
  mirrors: readonly MirrorData[],
  previous: Record<string, MirrorTopicStatus> | undefined,
  requested: Record<string, StopAction>,
): MirrorData[] {
  return mirrors.filter(
    (m) =>
      m.mirror_status !== 'STOPPED' &&
      (requested[m.mirror_topic_name] !== undefined || transitionRecord(previous?.[m.mirror_topic_name]) !== undefined),
  );
}

export async function readTransitionErrors(
  client: KafkaRestClient,
  clusterId: string,
  linkName: string,
  mirrors: readonly MirrorData[],
  previous: Record<string, MirrorTopicStatus> | undefined,
  requested: Record<string, StopAction>,
  signal?: AbortSignal,
): Promise<Record<string, { errorCode: string; errorMessage: string }[]>> {
  const out: Record<string, { errorCode: string; errorMessage: string }[]> = {};
  for (const m of outstanding(mirrors, previous, requested)) {
    try {
      const one = await client.getMirror(clusterId, linkName, m.mirror_topic_name, signal, {
        includeStateTransitionErrors: true,
      });
      out[m.mirror_topic_name] = (one.mirror_state_transition_errors ?? []).map((e) => ({
        errorCode: e.error_code,
        errorMessage: e.error_message,
      }));
    } catch (e) {
      // The reason is a nicety: a failed read keeps what the previous status said.
      if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
    }
  }
  return out;
}

/** Adds the transition fields to the status entries (in place) and says whether a requested stop is failing. */
export function applyTransitions(
  entries: Record<string, MirrorTopicStatus>,
  ctx: {
    previous: Record<string, MirrorTopicStatus> | undefined;
    requested: Record<string, StopAction>;
    errors: Record<string, { errorCode: string; errorMessage: string }[]>;
    nowMs: number;
    backoff?: TransitionBackoff;
  },
): TransitionOutcome {
  const failing: Parameters<typeof transitionFailureMessage>[0] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const previous = transitionRecord(ctx.previous?.[name]);
    const requested = ctx.requested[name];
    const fields = transitionStatusFields({
      status: entry.status ?? '',
      ...(previous ? { previous } : {}),
      ...(requested ? { requested } : {}),
      nowMs: ctx.nowMs,
      ...(ctx.errors[name] ? { errors: ctx.errors[name] } : {}),
    });
    Object.assign(entries, { [name]: { ...entry, ...fields } });
    if (fields.stateTransitionErrors?.length && fields.requestedAction)
      failing.push({
        topic: name,
        action: fields.requestedAction as StopAction,
        attempts: fields.transitionAttempts ?? 1,
        errors: fields.stateTransitionErrors,
      });
  }
  if (failing.length === 0) return {};
  return {
    failureMessage: transitionFailureMessage(failing, ctx.backoff),
    retryInMs: Math.min(...failing.map((f) => backoffMs(f.attempts, ctx.backoff))),
  };
}
