// Exceptions of docs/rules.md#exceptions: the annotation that names rules to skip on one ClusterLink. Pure: reading
// the annotation. Whether the requesting user may skip them is asked at the edge (a SubjectAccessReview).
import { asRecord, asString } from '../lib/json.js';
import { isRuleId, isTransitionRule } from './rule-ids.js';

export const SKIP_RULES_ANNOTATION = 'clusterlink-webhook.io/skip-rules';

export interface RequestedExceptions {
  /** Rule IDs the annotation names that an exception can skip. */
  rules: string[];
  /** Entries that are not rule IDs, or name update rules (which no exception skips). */
  refused: string[];
}

export function requestedExceptions(object: unknown): RequestedExceptions {
  const annotations = asRecord(asRecord(asRecord(object)?.['metadata'])?.['annotations']);
  const text = asString(annotations?.[SKIP_RULES_ANNOTATION]);
  const out: RequestedExceptions = { rules: [], refused: [] };
  if (text === undefined) return out;
  for (const entry of text.split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    if (isRuleId(entry) && !isTransitionRule(entry)) {
      if (!out.rules.includes(entry)) out.rules.push(entry);
    } else if (!out.refused.includes(entry)) {
      out.refused.push(entry);
    }
  }
  return out;
}
