// KafkaTopic CRs for mirror topics that became regular topics (promote/failover), docs/reconciler.md: named
// `clink-<topic lower-cased>-<first section of the ClusterLink's uid>`, made a valid Kubernetes name, owned by
// nobody (deleting the ClusterLink must not delete the topic), created once and never overwritten.
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

/** `clink-<topic>-<uid section>`: lower-cased, [^a-z0-9-] → `-`, no leading/trailing `-`, at most 63 characters. */
export function kafkaTopicCrName(topicName: string, clusterLinkUid: string): string {
  const uidSection = clusterLinkUid.split('-')[0] ?? '';
  const raw = `clink-${topicName.toLowerCase()}-${uidSection.toLowerCase()}`;
  const cleaned = raw.replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '');
  return cleaned.slice(0, MAX_NAME).replace(/-+$/, '');
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

export function buildKafkaTopic(mirror: StoppedMirror, ctx: KafkaTopicContext): KafkaTopicObject {
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
      name: kafkaTopicCrName(mirror.topicName, ctx.clusterLinkUid),
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
