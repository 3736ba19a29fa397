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

/**
 * Condition types another writer owns: the audit's `Validated` (docs/audit.md). The reconciler rebuilds its own
 * conditions every pass but carries these over untouched, so the two writers never undo each other's status.
 */
export const CONDITIONS_OWNED_ELSEWHERE: ReadonlySet<string> = new Set(['Validated']);
