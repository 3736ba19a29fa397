// ReconcileOutcome status/conditions in CFK's shape, built from what was observed and done.
import type { ClusterLinkStatus, Condition, MirrorTopicStatus } from '../../clusterlink/types.js';
import type { LinkData, MirrorData } from '../../kafka-rest/types.js';
import { historyStatusFields, type MirrorHistory } from './mirror-history.js';
import type { MirrorSnapshot } from './plan/types.js';
import { transitionTime } from '../conditions.js';

/** Extra status key holding per-partition offset snapshots of stopped mirrors (survives the -1). */
export const SNAPSHOTS_STATUS_KEY = 'mirrorTopicSnapshots';

export function previousSnapshots(status: ClusterLinkStatus | undefined): Record<string, MirrorSnapshot> {
  const raw = status?.[SNAPSHOTS_STATUS_KEY];
  if (!raw || typeof raw !== 'object') return {};
  const out: Record<string, MirrorSnapshot> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v && typeof v === 'object' && Array.isArray((v as MirrorSnapshot).lastSourceFetchOffsets))
      out[k] = v as MirrorSnapshot;
  }
  return out;
}

export function maxOffset(s: MirrorSnapshot): number | undefined {
  const offs = s.lastSourceFetchOffsets.map((o) => o.offset).filter((o) => o >= 0);
  return offs.length > 0 ? Math.max(...offs) : undefined;
}

/**
 * Status entries for every mirror on the link. Only mirrors the spec lists carry observedGeneration:
 * that is how a later pass tells a topic removed from the spec (delete it) from an auto-created
 * mirror (never touch it).
 */
export function mirrorStatuses(
  mirrors: MirrorData[],
  listed: Map<string, { replicationFactor?: number }>,
  snapshots: Record<string, MirrorSnapshot>,
  carried: Record<string, number>,
  generation?: number,
  previous?: Record<string, MirrorTopicStatus>,
  histories?: Record<string, MirrorHistory>,
): Record<string, MirrorTopicStatus> {
  const out: Record<string, MirrorTopicStatus> = {};
  for (const m of [...mirrors].sort((a, b) => a.mirror_topic_name.localeCompare(b.mirror_topic_name))) {
    const e: MirrorTopicStatus = { sourceTopicName: m.source_topic_name, status: m.mirror_status };
    const spec = listed.get(m.mirror_topic_name);
    if (spec?.replicationFactor !== undefined) e.replicationFactor = spec.replicationFactor;
    const snap = snapshots[m.mirror_topic_name];
    // Only stopped mirrors carry an offset: a live one changes every second and would churn status.
    if (histories) Object.assign(e, historyStatusFields(histories[m.mirror_topic_name]));
    else if (m.mirror_status === 'STOPPED' || m.mirror_status === 'PENDING_STOPPED') {
      const o = snap ? maxOffset(snap) : carried[m.mirror_topic_name];
      if (o !== undefined) e.lastSourceFetchOffset = o;
    }
    if (spec) e.observedGeneration = generation ?? 0;
    // Removed from the spec but still on the link (its delete failed, or deleteRemovedMirrorTopics is false):
    // keep the mark, or the next pass would take it for an auto-created mirror and never delete it.
    else if (previous?.[m.mirror_topic_name]?.observedGeneration !== undefined)
      e.observedGeneration = previous[m.mirror_topic_name]!.observedGeneration!;
    out[m.mirror_topic_name] = e;
  }
  return out;
}

/** Keep lastTransitionTime when a condition's status did not change. */
export function withTransitionTimes(next: Condition[], previous: Condition[] | undefined, now: string): Condition[] {
  return next.map((c) => ({ ...c, lastTransitionTime: transitionTime(previous, c, now) }));
}

/** Link tasks in error (include_tasks=true), e.g. ACL sync enabled without filters. */
export function tasksCondition(link: LinkData | undefined): Omit<Condition, 'lastTransitionTime'> | undefined {
  if (!link?.tasks) return undefined;
  const bad = link.tasks.filter((t) => t.state === 'IN_ERROR' || t.state === 'LINK_FAILED');
  if (bad.length === 0)
    return {
      type: 'LinkTasksHealthy',
      status: 'True',
      reason: 'TasksHealthy',
      message: `${link.tasks.length} link task(s) without errors`,
    };
  const message = bad
    .map(
      (t) =>
        `${t.task_name} ${t.state}${t.errors.length ? `: ${t.errors.map((e) => `${e.error_code} ${e.error_message}`.trim()).join('; ')}` : ''}`,
    )
    .join(' | ');
  return { type: 'LinkTasksHealthy', status: 'False', reason: 'TaskInError', message };
}
