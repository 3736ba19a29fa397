// The history of a stopped mirror (docs/reconciler.md#stopped-mirror-history): deleting a cluster link deletes the
// broker's record of its STOPPED topics, so the last fetched source offset of every partition and the time the
// mirror stopped are kept on the ClusterLink status and the KafkaTopic CR. Pure: the inputs are what the server
// reported at three moments, the output is the record to keep.
import type { MirrorTopicStatus } from '../../clusterlink/types.js';
import type { MirrorData, MirrorLag } from '../../kafka-rest/types.js';
import type { MirrorSnapshot } from './plan/types.js';

export interface PartitionOffset {
  partition: number;
  offset: number;
}

export interface MirrorHistory {
  /** Per partition, sorted; a partition for which no source reported an offset ≥ 0 is left out. */
  offsets: PartitionOffset[];
  /** state_time_ms of the first read that showed the mirror STOPPED: when it stopped. */
  stoppedAtMs?: number;
}

/**
 * Per partition, the first value ≥ 0 of: a read after STOPPED (the server may report the real offset), the
 * promote/failover response's mirror_lags, the snapshot read before the stop. The server reports -1 once a
 * mirror is STOPPED (assumption, docs/reconciler.md), which is why the earlier sources exist at all.
 */
export function mergeOffsets(
  postStop: readonly MirrorLag[] | undefined,
  response: readonly MirrorLag[] | undefined,
  preStop: readonly PartitionOffset[] | undefined,
): PartitionOffset[] {
  return firstKnown(fromLags(postStop), fromLags(response), preStop ?? []);
}

function fromLags(lags: readonly MirrorLag[] | undefined): PartitionOffset[] {
  return (lags ?? []).map((l) => ({ partition: l.partition, offset: l.last_source_fetch_offset }));
}

/** Per partition, the first offset ≥ 0 in the order of the lists given. */
function firstKnown(...lists: readonly (readonly PartitionOffset[])[]): PartitionOffset[] {
  const maps = lists.map((l) => new Map(l.map((o) => [o.partition, o.offset])));
  const partitions = new Set(maps.flatMap((m) => [...m.keys()]));
  const out: PartitionOffset[] = [];
  for (const partition of [...partitions].sort((a, b) => a - b)) {
    const offset = maps.map((m) => m.get(partition)).find((o): o is number => o !== undefined && o >= 0);
    if (offset !== undefined) out.push({ partition, offset });
  }
  return out;
}

/** The history a previous status recorded for a mirror, if any (the per-partition list, else the single value). */
export function historyFromStatus(entry: MirrorTopicStatus | undefined): MirrorHistory | undefined {
  if (!entry) return undefined;
  const list = Array.isArray(entry.lastSourceFetchOffsets)
    ? entry.lastSourceFetchOffsets.filter(
        (o): o is PartitionOffset =>
          typeof o?.partition === 'number' && typeof o.offset === 'number' && Number.isFinite(o.offset),
      )
    : undefined;
  const stoppedAtMs = entry.stoppedAt ? Date.parse(entry.stoppedAt) : NaN;
  if (!list?.length && entry.lastSourceFetchOffset === undefined) return undefined;
  return {
    offsets: list?.length ? list : [{ partition: 0, offset: entry.lastSourceFetchOffset as number }],
    ...(Number.isFinite(stoppedAtMs) ? { stoppedAtMs } : {}),
  };
}

export interface HistoryInputs {
  /** The mirror as read at the end of this pass. */
  status: string;
  mirrorLags: readonly MirrorLag[];
  stateTimeMs: number;
  numPartitions: number;
  /** Recorded by an earlier pass (status), and final once it has a stop time. */
  previous?: MirrorHistory;
  /** mirror_lags of this pass's promote/failover response for this mirror. */
  response?: readonly MirrorLag[];
  /** Read just before this pass (or an earlier one) stopped the mirror. */
  snapshot?: MirrorSnapshot;
}

/**
 * The record to keep for a mirror that is stopping or stopped; undefined for any other state. Once a stop time is
 * recorded the history is final and returned unchanged, so resyncs never rewrite it.
 */
export function mirrorHistory(x: HistoryInputs): MirrorHistory | undefined {
  if (x.status !== 'STOPPED' && x.status !== 'PENDING_STOPPED') return undefined;
  if (x.previous?.stoppedAtMs !== undefined && x.status === 'STOPPED') return x.previous;
  // This pass's response, then what an earlier pass recorded (its response), then the pre-stop snapshot.
  const earlier = firstKnown(fromLags(x.response), x.previous?.offsets ?? [], x.snapshot?.lastSourceFetchOffsets ?? []);
  const offsets = mergeOffsets(x.status === 'STOPPED' ? x.mirrorLags : undefined, undefined, earlier);
  if (x.status === 'PENDING_STOPPED') return offsets.length > 0 ? { offsets } : undefined;
  return { offsets, ...(x.stateTimeMs > 0 ? { stoppedAtMs: x.stateTimeMs } : {}) };
}

/** The status entry's history fields (the single lastSourceFetchOffset is the highest partition offset). */
export function historyStatusFields(h: MirrorHistory | undefined): Partial<MirrorTopicStatus> {
  if (!h || h.offsets.length === 0) return h?.stoppedAtMs ? { stoppedAt: new Date(h.stoppedAtMs).toISOString() } : {};
  return {
    lastSourceFetchOffset: Math.max(...h.offsets.map((o) => o.offset)),
    lastSourceFetchOffsets: h.offsets.map((o) => ({ partition: o.partition, offset: o.offset })),
    ...(h.stoppedAtMs !== undefined ? { stoppedAt: new Date(h.stoppedAtMs).toISOString() } : {}),
  };
}

/** Histories of every stopping or stopped mirror read at the end of a pass, by mirror name. */
export function mirrorHistories(
  mirrors: readonly MirrorData[],
  ctx: {
    previous?: Record<string, MirrorTopicStatus>;
    snapshots: Record<string, MirrorSnapshot>;
    actionLags: Record<string, MirrorLag[]>;
  },
): Record<string, MirrorHistory> {
  const out: Record<string, MirrorHistory> = {};
  for (const m of mirrors) {
    const previous = historyFromStatus(ctx.previous?.[m.mirror_topic_name]);
    const h = mirrorHistory({
      status: m.mirror_status,
      mirrorLags: m.mirror_lags,
      stateTimeMs: m.state_time_ms,
      numPartitions: m.num_partitions,
      ...(previous ? { previous } : {}),
      ...(ctx.actionLags[m.mirror_topic_name] ? { response: ctx.actionLags[m.mirror_topic_name] } : {}),
      ...(ctx.snapshots[m.mirror_topic_name] ? { snapshot: ctx.snapshots[m.mirror_topic_name] } : {}),
    });
    if (h) out[m.mirror_topic_name] = h;
  }
  return out;
}
