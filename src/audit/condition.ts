// The `Validated` condition the audit writes (docs/audit.md#the-validated-condition), and the JSON patch that sets it
// on the status sub-resource without touching any other condition or status field. Pure.
import type { ClusterLink, Condition } from '../clusterlink/types.js';
import { firstErrors, type AuditFinding } from './scan.js';

export const VALIDATED = 'Validated';
const MAX_MESSAGE = 1024;

export function validatedCondition(finding: AuditFinding): Omit<Condition, 'lastTransitionTime'> {
  const generation = finding.generation !== undefined ? { observedGeneration: finding.generation } : {};
  if (finding.unknown !== undefined)
    return { type: VALIDATED, status: 'Unknown', reason: 'CheckIncomplete', message: finding.unknown, ...generation };
  if (!finding.valid) {
    const shown = firstErrors(finding);
    const more = finding.errors.length - shown.length;
    let message = `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
    if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 3)}...`;
    return { type: VALIDATED, status: 'False', reason: 'RuleViolations', message, ...generation };
  }
  const message =
    finding.exceptions.length > 0
      ? `valid with exceptions for ${finding.exceptions.join(', ')}`
      : 'the object meets every ClusterLink rule';
  return { type: VALIDATED, status: 'True', reason: 'Valid', message, ...generation };
}

/** RFC 6902 operations (status sub-resource); undefined when the stored condition already says this. */
export type JsonPatchOp = { op: 'add' | 'replace' | 'test'; path: string; value: unknown };

export function conditionPatch(
  link: ClusterLink,
  wanted: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): JsonPatchOp[] | undefined {
  const conditions = link.status?.conditions;
  const index = conditions?.findIndex((c) => c.type === VALIDATED) ?? -1;
  const current = index >= 0 ? conditions?.[index] : undefined;
  if (
    current &&
    current.status === wanted.status &&
    current.reason === wanted.reason &&
    current.message === wanted.message &&
    current.observedGeneration === wanted.observedGeneration
  )
    return undefined;
  const lastTransitionTime =
    current && current.status === wanted.status && current.lastTransitionTime
      ? current.lastTransitionTime
      : now.toISOString();
  const condition: Condition = { ...wanted, lastTransitionTime };
  // Optimistic concurrency: another replica's audit or the reconciler may have written since the list was read;
  // the patch then fails and the next pass tries again, so the condition is never added twice.
  const rv = link.metadata?.resourceVersion;
  const guard: JsonPatchOp[] = rv ? [{ op: 'test', path: '/metadata/resourceVersion', value: rv }] : [];
  if (!link.status) return [...guard, { op: 'add', path: '/status', value: { conditions: [condition] } }];
  if (!conditions) return [...guard, { op: 'add', path: '/status/conditions', value: [condition] }];
  if (index < 0) return [...guard, { op: 'add', path: '/status/conditions/-', value: condition }];
  return [
    ...guard,
    { op: 'test', path: `/status/conditions/${index}/type`, value: VALIDATED },
    { op: 'replace', path: `/status/conditions/${index}`, value: condition },
  ];
}

/** The Event for a change of verdict, or undefined when the verdict (status and reason) stayed. */
export function verdictEvent(
  link: ClusterLink,
  wanted: Omit<Condition, 'lastTransitionTime'>,
): { type: 'Normal' | 'Warning'; reason: string; message: string } | undefined {
  const current = link.status?.conditions?.find((c) => c.type === VALIDATED);
  if (current && current.status === wanted.status && current.message === wanted.message) return undefined;
  if (wanted.status === 'False')
    return { type: 'Warning', reason: 'RuleViolations', message: `audit: ${wanted.message ?? ''}` };
  if (wanted.status === 'True')
    return { type: 'Normal', reason: 'Validated', message: `audit: ${wanted.message ?? ''}` };
  return undefined;
}
