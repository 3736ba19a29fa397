// Typed model of a Confluent ClusterLink (platform.confluent.io/v1beta1, CFK 3.x fields).
// Every field is optional here: objects arrive from users and must be checked, not trusted.
// Unknown fields are preserved by every code path (the webhook never re-serialises through this model).

export const CLUSTERLINK_GROUP = 'platform.confluent.io';
export const CLUSTERLINK_KIND = 'ClusterLink';
export const CLUSTERLINK_RESOURCE = 'clusterlinks';

export type AuthenticationType = 'plain' | 'oauthbearer' | 'digest' | 'mtls' | 'oauth' | 'none';
export type LinkMode = 'Source' | 'Destination' | 'Bidirectional';
export type ConnectionMode = 'Outbound' | 'Inbound';
export type MirrorTopicState = 'ACTIVE' | 'PAUSE' | 'PROMOTE' | 'FAILOVER';
export type FilterType = 'INCLUDE' | 'EXCLUDE';
export type UpperPatternType = 'PREFIXED' | 'LITERAL';
export type MirrorDirection = 'toDestination' | 'toSource';

export interface SecretRefHolder {
  secretRef?: string;
  directoryPathInContainer?: string;
}

export interface OAuthSettings {
  tokenEndpointUri?: string;
  jwksEndpointUri?: string;
  expectedIssuer?: string;
  audience?: string;
  scope?: string;
  subClaimName?: string;
  groupsClaimName?: string;
  loginConnectTimeoutMs?: number;
  loginReadTimeoutMs?: number;
  loginRetryBackoffMs?: number;
  loginRetryBackoffMaxMs?: number;
  clientAssertion?: {
    clientId?: string;
    jwtTokenFile?: SecretRefHolder;
    localClientAssertion?: {
      issuer?: string;
      subject?: string;
      audience?: string;
      tokenLifetime?: number;
      includeJtiClaim?: boolean;
      includeNbfClaim?: boolean;
      privateKeyFile?: SecretRefHolder & { encryptedPrivateKey?: boolean; includeAssertionTemplate?: boolean };
    };
  };
}

export interface Authentication {
  type?: AuthenticationType | string;
  jaasConfig?: { secretRef?: string };
  jaasConfigPassThrough?: SecretRefHolder;
  oauthbearer?: SecretRefHolder;
  oauthSettings?: OAuthSettings;
  sslClientAuthentication?: boolean;
}

export interface TLSConfig extends SecretRefHolder {
  enabled?: boolean;
  keyPassword?: { secretRef?: string };
}

export interface KafkaRestClassRef {
  name?: string;
  namespace?: string;
}

export interface KafkaClusterRef {
  clusterID?: string;
  bootstrapEndpoint?: string;
  kafkaRestClassRef?: KafkaRestClassRef;
  authentication?: Authentication;
  tls?: TLSConfig;
}

export interface TopicFilter {
  name?: string;
  patternType?: UpperPatternType | string;
  filterType?: FilterType | string;
}

export type ConsumerGroupFilter = TopicFilter;

export interface AclFilter {
  resourceFilter?: {
    resourceType?: string;
    name?: string;
    patternType?: string;
  };
  accessFilter?: {
    principal?: string;
    host?: string;
    operation?: string;
    permissionType?: string;
  };
  clusterLinkIds?: string[];
}

export interface MirrorTopic {
  name?: string;
  sourceTopicName?: string;
  state?: MirrorTopicState | string;
  replicationFactor?: number;
  configs?: Record<string, string>;
  direction?: MirrorDirection | string;
}

export interface MirrorTopicOptions {
  prefix?: string;
  deleteRemovedMirrorTopics?: boolean;
  autoCreateTopics?: {
    enabled?: boolean;
    topicFilters?: TopicFilter[];
  };
}

export interface SourceInitiatedLink {
  linkMode?: LinkMode | string;
  connectionMode?: ConnectionMode | string;
}

export interface ClusterLinkSpec {
  name?: string;
  sourceKafkaCluster?: KafkaClusterRef;
  destinationKafkaCluster?: KafkaClusterRef;
  sourceInitiatedLink?: SourceInitiatedLink;
  mirrorTopics?: MirrorTopic[];
  mirrorTopicOptions?: MirrorTopicOptions;
  consumerGroupFilters?: ConsumerGroupFilter[];
  aclFilters?: AclFilter[];
  configs?: Record<string, string>;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface MirrorTopicStatus {
  sourceTopicName?: string;
  replicationFactor?: number;
  status?: string;
  lastSourceFetchOffset?: number;
  observedGeneration?: number;
  /** Stopped-mirror history (docs/reconciler.md#stopped-mirror-history): last fetched source offset per partition. */
  lastSourceFetchOffsets?: { partition: number; offset: number }[];
  /** When the mirror became STOPPED (RFC 3339), CFK's "Status Time". */
  stoppedAt?: string;
  /** Failed transitions (docs/reconciler.md#failed-transitions): the stop requested, how often, when, and why not. */
  requestedAction?: string;
  transitionAttempts?: number;
  lastTransitionAttemptTime?: string;
  stateTransitionErrors?: { errorCode: string; errorMessage: string }[];
}

export interface ClusterLinkStatus {
  appState?: 'Unknown' | 'Created' | 'Failed' | 'Deleted';
  state?: string;
  clusterLinkID?: string;
  clusterLinkName?: string;
  sourceKafkaClusterID?: string;
  destinationKafkaClusterID?: string;
  numMirrorTopics?: number;
  mirrorTopics?: Record<string, MirrorTopicStatus>;
  /** Bidirectional links (docs/reconciler.md#bidirectional-links): the toSource mirrors, on the remote cluster. */
  numReverseMirrorTopics?: number;
  reverseMirrorTopics?: Record<string, MirrorTopicStatus>;
  bidirectionalState?: {
    sourceToDestinationActive?: boolean;
    destinationToSourceActive?: boolean;
    consumerOffsetSyncEnabled?: boolean;
  };
  conditions?: Condition[];
  observedGeneration?: number;
  [key: string]: unknown;
}

export interface ClusterLink {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: ClusterLinkSpec;
  status?: ClusterLinkStatus;
}
