// Wire shapes of the Cluster Linking subset of the Admin REST API v3 (Confluent Server /kafka/v3).
// Only the fields this project reads; everything is optional-tolerant because CP and Cloud builds
// differ (e.g. `read_only` vs `is_read_only`), and enums are open (unknown values pass through).

export interface ConfigEntry {
  name: string;
  value: string | null;
}

export interface ClusterData {
  cluster_id: string;
}

export interface LinkTaskError {
  error_code: string;
  error_message: string;
}

export interface LinkTask {
  task_name: string;
  state: string;
  errors: LinkTaskError[];
}

export interface LinkData {
  link_name: string;
  cluster_link_id: string;
  link_id?: string;
  source_cluster_id?: string | null;
  destination_cluster_id?: string | null;
  remote_cluster_id?: string | null;
  topic_names: string[];
  link_state?: string;
  link_error?: string;
  link_error_message?: string | null;
  tasks?: LinkTask[] | null;
}

export interface LinkConfigData {
  name: string;
  value: string | null;
  /** Normalised from `is_read_only` / `read_only`. */
  readOnly: boolean;
  /** Normalised from `is_sensitive` / `sensitive`. */
  sensitive: boolean;
  /** Normalised from `is_default` / `default`; undefined when the server says neither. */
  isDefault?: boolean;
  source?: string;
}

export interface MirrorLag {
  partition: number;
  lag: number;
  last_source_fetch_offset: number;
}

export interface MirrorData {
  link_name: string;
  mirror_topic_name: string;
  source_topic_name: string;
  num_partitions: number;
  mirror_lags: MirrorLag[];
  mirror_status: string;
  state_time_ms: number;
  mirror_topic_error?: string;
  /** Only on the single-mirror GET with include_state_transition_errors=true. */
  mirror_state_transition_errors?: LinkTaskError[];
}

export interface CreateLinkRequest {
  source_cluster_id?: string;
  destination_cluster_id?: string;
  remote_cluster_id?: string;
  cluster_link_id?: string;
  configs: ConfigEntry[];
}

export interface AlterConfigOp {
  name: string;
  value?: string | null;
  operation: 'SET' | 'DELETE';
}

export interface CreateMirrorRequest {
  source_topic_name: string;
  mirror_topic_name?: string;
  replication_factor?: number;
  configs?: ConfigEntry[];
}

export type MirrorAction = 'pause' | 'resume' | 'promote' | 'failover';

export interface MirrorActionResult {
  mirror_topic_name: string;
  error_code: number | null;
  error_message: string | null;
  /** Per-partition offsets at the moment of a promote/failover (the CC spec's example carries real values). */
  mirror_lags?: MirrorLag[];
}

export interface TopicData {
  topic_name: string;
  partitions_count?: number;
  replication_factor?: number;
  is_internal?: boolean;
}

/** Mirror statuses with a fixed meaning here; anything else is passed through and tolerated. */
export const STOPPED_STATUSES: ReadonlySet<string> = new Set(['STOPPED']);
export const STOPPING_STATUSES: ReadonlySet<string> = new Set(['PENDING_STOPPED']);
