// Inputs and outputs of the pure planner: desired (ClusterLink spec) vs observed (Admin REST) →
// ordered actions. Nothing here performs I/O.
import type { ClusterLinkSpec, ClusterLinkStatus } from '../../../clusterlink/types.js';
import type {
  AlterConfigOp,
  CreateLinkRequest,
  CreateMirrorRequest,
  LinkConfigData,
  LinkData,
  MirrorAction,
  MirrorData,
} from '../../../kafka-rest/types.js';
import type { ClusterCredentials } from '../../types.js';
import type { TransitionBackoff } from '../transitions.js';

/**
 * Which link object this CR manages (docs/rules.md#link-types):
 * - destination-initiated: DESTINATION/OUTBOUND on the destination, owns mirrors;
 * - source: SOURCE/OUTBOUND half on the source cluster (no mirrors);
 * - destination-inbound: DESTINATION/INBOUND half on the destination, owns mirrors;
 * - bidirectional: BIDIRECTIONAL (OUTBOUND or INBOUND) on the local cluster, owns mirrors both ways
 *   (docs/reconciler.md#bidirectional-links).
 */
export type LinkRole = 'destination-initiated' | 'source' | 'destination-inbound' | 'bidirectional';

export interface ObservedLink {
  /** undefined: the server answered 404 for the link. */
  link?: LinkData;
  configs: LinkConfigData[];
  mirrors: MirrorData[];
}

export interface PlanInput {
  spec: ClusterLinkSpec;
  linkName: string;
  credentials: { source?: ClusterCredentials; destination?: ClusterCredentials };
  /** Id of the remote cluster (the one this link connects to / accepts from), when known. */
  remoteClusterId?: string;
  observed: ObservedLink;
  previousStatus?: ClusterLinkStatus;
  deleting: boolean;
  /** The remote cluster's REST endpoint when resolved: the default MDS URL of `type: oauthbearer`. */
  remoteRestEndpoint?: string;
  /** Digests of the configs applied on earlier passes (ReconcileInput.appliedConfigs). */
  appliedConfigs?: Record<string, string>;
  /** Clock for the transition backoff (docs/reconciler.md#failed-transitions); default Date.now(). */
  nowMs?: number;
  transitionBackoff?: TransitionBackoff;
}

/** Offsets and timing of a mirror read just before it was stopped (afterwards the server reports -1). */
export interface MirrorSnapshot {
  topicName: string;
  sourceTopicName: string;
  action: 'PROMOTE' | 'FAILOVER';
  partitions: number;
  lastSourceFetchOffsets: { partition: number; offset: number }[];
  /** Undefined when rebuilt from a status that only kept lastSourceFetchOffset. */
  stateTimeMs?: number;
}

export type PlanAction =
  | { kind: 'createLink'; request: CreateLinkRequest; retryDestinationMissing: boolean }
  | { kind: 'alterConfigs'; ops: AlterConfigOp[] }
  | { kind: 'createMirror'; request: CreateMirrorRequest }
  /** Record offsets before stopping mirrors; no REST call. */
  | { kind: 'snapshot'; snapshots: MirrorSnapshot[] }
  | { kind: 'mirrorAction'; action: MirrorAction; names: string[] }
  /** Poll until these mirrors report STOPPED (promote/failover complete asynchronously). */
  | { kind: 'awaitStopped'; names: string[] }
  | { kind: 'deleteTopic'; name: string }
  | { kind: 'deleteLink' };

export interface PlanNote {
  severity: 'Warning' | 'Info';
  reason: string;
  message: string;
}

export interface Plan {
  role: LinkRole;
  actions: PlanAction[];
  notes: PlanNote[];
  /** The plan cannot proceed (e.g. credentials missing, mode unsupported): reason + message for Ready=False. */
  blocked?: { reason: string; message: string };
  /** Deleting: the link is gone (or never existed) and nothing else is left to do. */
  finalized?: boolean;
  /** Deleting: mirrors are stopped but their hand-over has not been persisted yet; run another pass. */
  awaitingHandover?: boolean;
  /**
   * Digests of every config the link holds once this plan's createLink/alterConfigs succeeded (or at once when it
   * has none): the new applied-configs record. Undefined when the configs were not planned (blocked, bad credentials).
   */
  appliedConfigs?: Record<string, string>;
  /** A failed promote/failover is retried only after its backoff: run again in this many ms. */
  transitionRetryInMs?: number;
}
