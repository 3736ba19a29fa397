// Composing the status the controller writes (pure): CFK's shape from the Kafka side, plus conditions whose
// lastTransitionTime only moves when their status does, plus observedGeneration. Equal statuses are not
// written again, so a quiet resync makes no Kubernetes write either.
import type { ClusterLinkStatus, Condition } from '../../clusterlink/types.js';
import { isDeepEqual, jsonCopy } from '../../lib/json.js';
import { CONDITIONS_OWNED_ELSEWHERE, transitionTime } from '../conditions.js';

export const READY = 'Ready';

/** Conditions in the given order; each keeps its previous lastTransitionTime while its status is unchanged. */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  next: readonly Condition[],
  generation: number | undefined,
  now: string,
): Condition[] {
  const own = next
    .filter((c) => !CONDITIONS_OWNED_ELSEWHERE.has(c.type))
    .map((c) => {
      const lastTransitionTime = transitionTime(previous, c, now);
      return {
        type: c.type,
        status: c.status,
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.message !== undefined ? { message: c.message } : {}),
        lastTransitionTime,
        ...(generation !== undefined ? { observedGeneration: generation } : {}),
      };
    });
  // Another writer's conditions (the audit's Validated) stay exactly as that writer left them.
  return [...own, ...(previous ?? []).filter((c) => CONDITIONS_OWNED_ELSEWHERE.has(c.type))];
}

/** Replace (or add) conditions by type, keeping the others. */
export function upsertConditions(existing: readonly Condition[], updates: readonly Condition[]): Condition[] {
  const out = existing.filter((c) => !updates.some((u) => u.type === c.type));
  return [...updates, ...out];
}

export interface SuccessStatusInput {
  previous?: ClusterLinkStatus;
  /** The Kafka side's status (CFK shape). */
  status: ClusterLinkStatus;
  conditions: readonly Condition[];
  /** Conditions the controller adds (e.g. the skip-cleanup warning). */
  extraConditions?: readonly Condition[];
  generation?: number;
  now: string;
}

export function successStatus(input: SuccessStatusInput): ClusterLinkStatus {
  const { conditions: _ignored, observedGeneration: _og, ...rest } = input.status;
  const all = upsertConditions(input.conditions, input.extraConditions ?? []);
  return {
    ...rest,
    conditions: mergeConditions(input.previous?.conditions, all, input.generation, input.now),
    ...(input.generation !== undefined ? { observedGeneration: input.generation } : {}),
  };
}

/**
 * After a failed pass: everything the previous pass learnt stays (ids, mirrors, offset snapshots), Ready
 * becomes False with the reason and message; other conditions are kept. observedGeneration is left alone:
 * it says which spec was last applied successfully.
 */
export function failureStatus(
  previous: ClusterLinkStatus | undefined,
  reason: string,
  message: string,
  generation: number | undefined,
  now: string,
  extraConditions: readonly Condition[] = [],
): ClusterLinkStatus {
  const prior = previous ?? {};
  const ready: Condition = { type: READY, status: 'False', reason, message };
  const conditions = upsertConditions(prior.conditions ?? [], [ready, ...extraConditions]);
  return {
    ...prior,
    appState: prior.appState ?? 'Failed',
    conditions: mergeConditions(prior.conditions, conditions, generation, now),
  };
}

/** JSON-level equality (undefined members do not count). */
export function sameStatus(a: ClusterLinkStatus | undefined, b: ClusterLinkStatus | undefined): boolean {
  return isDeepEqual(jsonCopy(a), jsonCopy(b));
}

export function readyCondition(status: ClusterLinkStatus | undefined): Condition | undefined {
  return status?.conditions?.find((c) => c.type === READY);
}
