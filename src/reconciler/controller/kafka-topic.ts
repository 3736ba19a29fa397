// KafkaTopic CRs for mirror topics that became regular topics (promote/failover), docs/reconciler.md: named
// `clink-<topic lower-cased>-<first section of the ClusterLink's uid>`, made a valid Kubernetes name (distinct per
// topic), owned by nobody (deleting the ClusterLink must not delete the topic), created once and never overwritten.
import { createHash } from 'node:crypto';
import type { StoppedMirror } from '../types.js';
import type { KafkaTopicObject } from '../../kube/kube-api.js';
import {
  ANNOTATION_PREFIX,
  CONFLUENT_API_VERSION,
  KAFKATOPICS,
  MANAGED_BY,
  MANAGED_BY_LABEL,
} from '../../kube/resources.js';

export const KAFKA_TOPIC_ANNOTATIONS = {
  clusterLink: `${ANNOTATION_PREFIX}cluster-link`,
  clusterLinkUid: `${ANNOTATION_PREFIX}cluster-link-uid`,
  linkName: `${ANNOTATION_PREFIX}link-name`,
  action: `${ANNOTATION_PREFIX}mirror-action`,
  sourceTopicName: `${ANNOTATION_PREFIX}source-topic-name`,
  lastSourceFetchOffsets: `${ANNOTATION_PREFIX}last-source-fetch-offsets`,
  mirrorStateTime: `${ANNOTATION_PREFIX}mirror-state-time`,
  mirrorStateTimeMs: `${ANNOTATION_PREFIX}mirror-state-time-ms`,
} as const;

export const KAFKA_TOPIC_LINK_LABEL = `${ANNOTATION_PREFIX}cluster-link`;

const MAX_NAME = 63;
const HASH_LENGTH = 6;

/**
 * One DNS-1123 subdomain from a Kafka topic name: lower-cased, `_` (and anything else a name forbids) → `-`,
 * dots kept; every dot-separated label starts and ends alphanumeric, empty labels go.
 */
function nameSafe(topicName: string): string {
  return topicName
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .split('.')
    .map((label) => label.replace(/^-+|-+$/g, ''))
    .filter((label) => label !== '')
    .join('.');
}

/** Cut to `max` characters without leaving a `-` or `.` at the cut. */
function cut(part: string, max: number): string {
  return part.slice(0, Math.max(0, max)).replace(/[-.]+$/, '');
}

/**
 * CFK's rule, `clink-<topic lower-cased>-<first section of the ClusterLink's uid>` (docs/reconciler.md): dots
 * are kept (`orders.eu` → `clink-orders.eu-…`), only what a name forbids becomes `-` (`_` → `-`), and a name
 * longer than 63 characters loses the end of the topic part, never the uid section.
 */
export function kafkaTopicCrName(topicName: string, clusterLinkUid: string): string {
  const uidSection = nameSafe(clusterLinkUid.split('-')[0] ?? '');
  const suffix = uidSection ? `-${uidSection}` : '';
  const topic = cut(nameSafe(topicName), MAX_NAME - 'clink-'.length - suffix.length);
  return `clink-${topic}`.replace(/-+$/, '') + suffix;
}

/**
 * The name for a topic whose CFK name is taken by a KafkaTopic of another topic (`Orders` and `orders`, `a_b`
 * and `a-b` map to one name): a short hash of the exact topic name goes before the uid section.
 */
export function kafkaTopicCrNameWithHash(topicName: string, clusterLinkUid: string): string {
  const hash = createHash('sha256').update(topicName).digest('hex').slice(0, HASH_LENGTH);
  const uidSection = nameSafe(clusterLinkUid.split('-')[0] ?? '');
  const suffix = `-${hash}${uidSection ? `-${uidSection}` : ''}`;
  const topic = cut(nameSafe(topicName), MAX_NAME - 'clink-'.length - suffix.length);
  return `clink-${topic}`.replace(/-+$/, '') + suffix;
}

/** The topic a KafkaTopic manages: spec.name, which defaults to metadata.name. */
export function topicOf(topic: { metadata?: { name?: string }; spec?: { name?: string } }): string | undefined {
  return topic.spec?.name ?? topic.metadata?.name;
}

/** A label value (≤ 63 chars, alphanumeric at both ends) or undefined when the name cannot be one. */
function labelValue(value: string): string | undefined {
  return /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value) && value.length <= 63 ? value : undefined;
}

export interface KafkaTopicContext {
  namespace: string;
  clusterLinkName: string;
  clusterLinkUid: string;
  linkName: string;
  /** The REST class of the cluster the topic lives on (the ClusterLink's local cluster). */
  kafkaRestClassRef?: { name: string; namespace?: string };
}

export function buildKafkaTopic(
  mirror: StoppedMirror,
  ctx: KafkaTopicContext,
  name: string = kafkaTopicCrName(mirror.topicName, ctx.clusterLinkUid),
): KafkaTopicObject {
  const annotations: Record<string, string> = {
    [KAFKA_TOPIC_ANNOTATIONS.clusterLink]: `${ctx.namespace}/${ctx.clusterLinkName}`,
    [KAFKA_TOPIC_ANNOTATIONS.clusterLinkUid]: ctx.clusterLinkUid,
    [KAFKA_TOPIC_ANNOTATIONS.linkName]: ctx.linkName,
    [KAFKA_TOPIC_ANNOTATIONS.action]: mirror.action,
    [KAFKA_TOPIC_ANNOTATIONS.sourceTopicName]: mirror.sourceTopicName,
  };
  if (mirror.lastSourceFetchOffsets !== undefined) {
    const offsets = [...mirror.lastSourceFetchOffsets].sort((a, b) => a.partition - b.partition);
    annotations[KAFKA_TOPIC_ANNOTATIONS.lastSourceFetchOffsets] = JSON.stringify(offsets);
  }
  if (mirror.stateTimeMs !== undefined && Number.isFinite(mirror.stateTimeMs)) {
    annotations[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTimeMs] = String(mirror.stateTimeMs);
    annotations[KAFKA_TOPIC_ANNOTATIONS.mirrorStateTime] = new Date(mirror.stateTimeMs).toISOString();
  }
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGED_BY };
  const linkLabel = labelValue(ctx.clusterLinkName);
  if (linkLabel) labels[KAFKA_TOPIC_LINK_LABEL] = linkLabel;
  return {
    apiVersion: CONFLUENT_API_VERSION,
    kind: KAFKATOPICS.kind,
    metadata: {
      name,
      namespace: ctx.namespace,
      labels,
      annotations,
    },
    spec: {
      name: mirror.topicName,
      ...(mirror.partitions !== undefined ? { partitionCount: mirror.partitions } : {}),
      ...(mirror.replicationFactor !== undefined ? { replicas: mirror.replicationFactor } : {}),
      ...(ctx.kafkaRestClassRef ? { kafkaRestClassRef: ctx.kafkaRestClassRef } : {}),
    },
  };
}
