// The seam between the Kubernetes controller (src/reconciler/controller, src/kube) and the
// Kafka side (src/reconciler/kafka: plan + executor, over src/kafka-rest). The controller resolves everything
// that lives in Kubernetes (KafkaRestClass, Secrets, previous status) into these plain values;
// the Kafka side never touches the Kubernetes API, and the controller never calls Kafka REST.
import type { ClusterLink, ClusterLinkStatus, Condition } from '../clusterlink/types.js';

/** How to reach one cluster's Admin REST API v3 (resolved from a KafkaRestClass). */
export interface RestTarget {
  /** Base URL without `/kafka/v3`, e.g. `https://kafka.confluent.svc:8090`. */
  endpoint: string;
  auth?:
    | { type: 'basic'; username: string; password: string }
    | { type: 'bearer'; token: string }
    /** bearer.txt with username/password: exchanged for a token at MDS (docs/reconciler.md#rest-endpoint). */
    | { type: 'mds'; username: string; password: string };
  tls?: {
    /** PEM CA bundle to trust (else the system roots). */
    caPem?: string;
    /** Client certificate chain + PKCS#8 key for mTLS. */
    certPem?: string;
    keyPem?: string;
  };
  /** Cluster id the KafkaRestClass names (`kafkaClusterRef`/known id); else discovered with GET /clusters. */
  clusterId?: string;
}

/** Secret contents a cluster block of the CR refers to, already read from Kubernetes. Never logged. */
export interface ClusterCredentials {
  /** jaasConfig secret, plain.txt: username=/password= lines. */
  plain?: { username: string; password: string };
  /** jaasConfigPassThrough secret, plain-jaas.conf: the literal JAAS line. */
  jaasPassThrough?: string;
  /** oauthbearer secret: bearer.txt (CFK's format) username=/password= lines, optional metadataServerUrls=. */
  oauthbearer?: Record<string, string>;
  /** type oauth, jaasConfig secret: oauth.txt's clientId=, clientSecret= and optional scope= (docs/reconciler.md). */
  oauth?: { clientId?: string; clientSecret?: string; scope?: string };
  /** type oauth client assertion with encryptedPrivateKey: the passphrase (key private-key-passphrase). */
  assertionKeyPassphrase?: string;
  /** tls.secretRef: PEM files (fullchain.pem, privkey.pem, cacerts.pem) and the optional key password. */
  tls?: { fullchainPem?: string; privkeyPem?: string; cacertsPem?: string; keyPassword?: string };
}

export interface ReconcileInput {
  /** The defaulted ClusterLink as stored (spec after the mutating webhook's defaults). */
  link: ClusterLink;
  /** spec.name, falling back to metadata.name. */
  linkName: string;
  /** REST API of the cluster the link object lives on (destination, or source for a Source-mode CR). */
  local: RestTarget;
  /** REST API of the other cluster when the CR names one; used to learn its cluster id (only to create the link). */
  remote?: RestTarget;
  /**
   * The other cluster's REST class could not be resolved (missing, invalid): reported only if its id is needed,
   * i.e. to create the link, never for a link that exists (docs/reconciler.md, "REST endpoint").
   */
  remoteProblem?: { reason: string; message: string };
  credentials: { source?: ClusterCredentials; destination?: ClusterCredentials };
  /** Status written by the previous pass: carries offset snapshots taken before stopping mirrors. */
  previousStatus?: ClusterLinkStatus;
  /** metadata.deletionTimestamp is set: run the deletion sequence instead. */
  deleting: boolean;
  /**
   * Link configs this reconciler applied on an earlier pass: key → short digest of the value (never the value),
   * from the ClusterLink's `clusterlink-webhook.io/applied-configs` annotation (docs/reconciler.md#applied-configs).
   * Secret-carrying configs are compared by digest (the server does not echo them); a key listed here that the
   * spec no longer sets is reset. Undefined: nothing recorded yet.
   */
  appliedConfigs?: Record<string, string>;
}

/** A mirror topic that became a regular topic (promoted or failed over) and needs its KafkaTopic CR. */
export interface StoppedMirror {
  topicName: string;
  sourceTopicName: string;
  action: 'PROMOTE' | 'FAILOVER';
  /** Snapshotted before the stop: afterwards the server reports -1. */
  lastSourceFetchOffsets?: { partition: number; offset: number }[];
  stateTimeMs?: number;
  partitions?: number;
  replicationFactor?: number;
}

export interface KubeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ReconcileOutcome {
  /** Status to write through the status sub-resource (CFK's shape + conditions + observedGeneration). */
  status: ClusterLinkStatus;
  conditions: Condition[];
  /** Topics that are now STOPPED after a PROMOTE/FAILOVER: the controller creates their KafkaTopic CRs. */
  stoppedMirrors: StoppedMirror[];
  events: KubeEvent[];
  /** Number of writing REST calls made (0 on a no-op resync). */
  writeCalls: number;
  /** Ask to be called again after this delay (e.g. polling PENDING_STOPPED); undefined = only on change/resync. */
  requeueAfterMs?: number;
  /** Deletion only: the Kafka side is done and the finalizer may be removed. */
  finalized?: boolean;
  /**
   * Set when the pass failed (REST error, unreachable cluster): the controller backs off
   * exponentially and retries; `status`/`conditions` already carry the server's message.
   */
  failure?: { message: string; retryable: boolean };
  /**
   * The applied-configs record after this pass (see ReconcileInput.appliedConfigs), for the controller to persist
   * in the annotation when it differs from what it read. Undefined: keep the recorded one.
   */
  appliedConfigs?: Record<string, string>;
}

/** What the controller calls for each pass over one ClusterLink. Errors are thrown as typed values. */
export type LinkReconciler = (input: ReconcileInput, signal?: AbortSignal) => Promise<ReconcileOutcome>;
