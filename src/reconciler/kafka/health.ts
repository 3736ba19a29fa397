// Honest health (docs/reconciler.md#health): mirrors in FAILED / SOURCE_UNAVAILABLE / LINK_FAILED and link tasks
// IN_ERROR (include_tasks=true) make Ready=False and a Degraded condition that names them and the fix, so kubectl
// and GitOps tools (the Argo CD health check in deploy/argocd) see what is broken. Pure.
import type { Condition } from '../../clusterlink/types.js';
import type { LinkData, MirrorData } from '../../kafka-rest/types.js';
import { fixFor } from './error-fixes.js';

export const UNHEALTHY_MIRROR_STATES: ReadonlySet<string> = new Set(['FAILED', 'SOURCE_UNAVAILABLE', 'LINK_FAILED']);

export interface Health {
  /** One sentence per broken mirror or task, with its fix. */
  problems: string[];
  reason?: 'MirrorsUnhealthy' | 'LinkTasksInError' | 'MirrorsAndTasksUnhealthy';
}

export function linkHealth(mirrors: readonly MirrorData[], link: LinkData | undefined): Health {
  const problems: string[] = [];
  const badMirrors = mirrors.filter((m) => UNHEALTHY_MIRROR_STATES.has(m.mirror_status));
  for (const m of badMirrors) {
    const err = m.mirror_topic_error && m.mirror_topic_error !== 'NO_ERROR' ? m.mirror_topic_error : undefined;
    const fix = fixFor(err) ?? fixFor(m.mirror_status);
    problems.push(`mirror topic ${m.mirror_topic_name} is ${m.mirror_status}${err ? ` (${err})` : ''}: ${fix}`);
  }
  const badTasks = (link?.tasks ?? []).filter((t) => t.state === 'IN_ERROR' || t.state === 'LINK_FAILED');
  for (const t of badTasks) {
    const first = t.errors[0];
    const fix = fixFor(first?.error_code);
    const detail = first ? `${first.error_code} ${first.error_message}`.trim() : 'no error reported';
    problems.push(`link task ${t.task_name} is ${t.state}: ${detail}${fix ? ` — ${fix}` : ''}`);
  }
  if (problems.length === 0) return { problems };
  const reason =
    badMirrors.length > 0 && badTasks.length > 0
      ? 'MirrorsAndTasksUnhealthy'
      : badMirrors.length > 0
        ? 'MirrorsUnhealthy'
        : 'LinkTasksInError';
  return { problems, reason };
}

export function degradedCondition(h: Health): Omit<Condition, 'lastTransitionTime'> {
  if (!h.reason)
    return { type: 'Degraded', status: 'False', reason: 'Healthy', message: 'no mirror topic or link task in error' };
  return { type: 'Degraded', status: 'True', reason: h.reason, message: h.problems.join(' | ') };
}
