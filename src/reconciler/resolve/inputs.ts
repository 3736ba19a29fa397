// Everything the Kafka side needs that lives in Kubernetes, resolved into a ReconcileInput (docs/reconciler.md):
// the REST class of the cluster the link object lives on (local), the other cluster's when its id must be
// discovered (remote), and the credentials the link's configs carry.
import type { ClusterLink, KafkaClusterRef } from '../../clusterlink/types.js';
import { resolveCredentials } from './credentials.js';
import type { KubeReads } from '../../kube/kube-reads.js';
import { resolveRestTarget, type ClassRef } from './rest-class.js';
import { ResolutionError, isResolutionError } from './resolution-error.js';
import { SKIP_KAFKA_CLEANUP_ANNOTATION } from '../../kube/resources.js';
import type { ReconcileInput, RestTarget } from '../types.js';

type Block = 'sourceKafkaCluster' | 'destinationKafkaCluster';

/** A Source-mode CR lives on the source cluster; every other kind on the destination (docs/rules.md#link-types). */
export function clusterSides(link: ClusterLink): { local: Block; remote: Block } {
  return link.spec?.sourceInitiatedLink?.linkMode === 'Source'
    ? { local: 'sourceKafkaCluster', remote: 'destinationKafkaCluster' }
    : { local: 'destinationKafkaCluster', remote: 'sourceKafkaCluster' };
}

export function linkNameOf(link: ClusterLink): string {
  return link.spec?.name || link.metadata?.name || '';
}

export function skipsKafkaCleanup(link: ClusterLink): boolean {
  return link.metadata?.annotations?.[SKIP_KAFKA_CLEANUP_ANNOTATION]?.trim().toLowerCase() === 'true';
}

export function classRefOf(block: KafkaClusterRef | undefined, namespace: string): ClassRef | undefined {
  const name = block?.kafkaRestClassRef?.name;
  return name ? { name, namespace: block?.kafkaRestClassRef?.namespace || namespace } : undefined;
}

export async function buildReconcileInput(
  link: ClusterLink,
  reads: KubeReads,
  signal?: AbortSignal,
): Promise<ReconcileInput> {
  const namespace = link.metadata?.namespace ?? 'default';
  const deleting = Boolean(link.metadata?.deletionTimestamp);
  const sides = clusterSides(link);
  const localRef = classRefOf(link.spec?.[sides.local], namespace);
  if (!localRef) {
    throw new ResolutionError(
      'InvalidSpec',
      `spec.${sides.local}.kafkaRestClassRef is required: it names the REST API of the cluster this link lives on`,
    );
  }
  const local = await resolveRestTarget(localRef, reads, signal);

  // The other cluster's REST class is only read to learn its id; while deleting it is optional.
  let remote: RestTarget | undefined;
  const remoteBlock = link.spec?.[sides.remote];
  const remoteRef = classRefOf(remoteBlock, namespace);
  // A bidirectional link also needs the remote REST API: its toSource mirrors live there (docs/reconciler.md).
  const bidirectional = link.spec?.sourceInitiatedLink?.linkMode === 'Bidirectional';
  if (remoteRef && (!remoteBlock?.clusterID || bidirectional)) {
    try {
      remote = await resolveRestTarget(remoteRef, reads, signal);
    } catch (err) {
      if (!(deleting && isResolutionError(err))) throw err;
    }
  }

  let credentials: ReconcileInput['credentials'] = {};
  try {
    credentials = await resolveCredentials(link, namespace, reads, signal);
  } catch (err) {
    // Deleting needs no credentials: the link is failed over and removed through the local REST API.
    if (!(deleting && isResolutionError(err))) throw err;
  }

  return {
    link,
    linkName: linkNameOf(link),
    local,
    ...(remote ? { remote } : {}),
    credentials,
    ...(link.status ? { previousStatus: link.status } : {}),
    deleting,
  };
}
