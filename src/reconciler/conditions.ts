// The one place a condition's lastTransitionTime is decided (metav1.Condition semantics, docs/reconciler.md):
// used by the Kafka side's outcome and by the status the controller writes.
import type { Condition } from '../clusterlink/types.js';

/** `now` when the condition is new or its status changed, else the time it last changed. */
export function transitionTime(
  previous: readonly Condition[] | undefined,
  next: Pick<Condition, 'type' | 'status'>,
  now: string,
): string {
  const before = previous?.find((p) => p.type === next.type);
  return before && before.status === next.status && before.lastTransitionTime ? before.lastTransitionTime : now;
}
