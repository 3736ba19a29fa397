// Names the controller shares with the cluster: API coordinates of the resources it touches, its finalizer,
// annotations and labels. One place, so docs and code cannot drift.
import { CLUSTERLINK_GROUP } from '../clusterlink/types.js';

const CONFLUENT_GROUP = CLUSTERLINK_GROUP;
const CONFLUENT_VERSION = 'v1beta1';
export const CONFLUENT_API_VERSION = `${CONFLUENT_GROUP}/${CONFLUENT_VERSION}`;

export const CLUSTERLINKS = {
  group: CONFLUENT_GROUP,
  version: CONFLUENT_VERSION,
  plural: 'clusterlinks',
  kind: 'ClusterLink',
} as const;
export const KAFKARESTCLASSES = {
  group: CONFLUENT_GROUP,
  version: CONFLUENT_VERSION,
  plural: 'kafkarestclasses',
  kind: 'KafkaRestClass',
} as const;
export const KAFKATOPICS = {
  group: CONFLUENT_GROUP,
  version: CONFLUENT_VERSION,
  plural: 'kafkatopics',
  kind: 'KafkaTopic',
} as const;

/** Held on every ClusterLink the reconciler manages until the docs/reconciler.md deletion sequence has run. */
export const FINALIZER = 'clusterlink-webhook.io/kafka-cleanup';

/** `"true"`: deleting the ClusterLink skips the Kafka side (the REST endpoint is gone for good). */
export const SKIP_KAFKA_CLEANUP_ANNOTATION = 'clusterlink-webhook.io/skip-kafka-cleanup';

/**
 * JSON of link config key → short sha256 digest of the value the reconciler last applied (never a value):
 * docs/reconciler.md#applied-configs. On the ClusterLink's metadata, which survives CFK's CRD (status is pruned).
 */
export const APPLIED_CONFIGS_ANNOTATION = 'clusterlink-webhook.io/applied-configs';

export const ANNOTATION_PREFIX = 'clusterlink-webhook.io/';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'clusterlink-webhook';
/** Events' source component and field manager. */
export const COMPONENT = 'clusterlink-webhook';
