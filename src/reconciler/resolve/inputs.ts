// Everything the Kafka side needs that lives in Kubernetes, resolved into a ReconcileInput (docs/reconciler.md):
// the REST class of the cluster the link object lives on (local), the other cluster's when its id must be
// discovered (remote), and the credentials the link's configs carry.
import { isBeingDeleted } from '../../clusterlink/metadata.js';
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

/**
 * A missing local KafkaRestClass says what to do: the link's own cluster is reached only through it, so without
 * it nothing can be reconciled, and a deletion cannot clean up Kafka (docs/reconciler.md, "Deleting a ClusterLink").
 */
function localClassProblem(err: unknown, block: Block, deleting: boolean): unknown {
  if (!isResolutionError(err) || err.reason !== 'KafkaRestClassNotFound') return err;
  const advice = deleting
    ? 'the cluster link cannot be cleaned up on Kafka without it: re-create the KafkaRestClass'
    : `create it, or correct spec.${block}.kafkaRestClassRef`;
  return new ResolutionError(err.reason, `${err.message}: ${advice}`);
}

export async function buildReconcileInput(
  link: ClusterLink,
  reads: KubeReads,
  signal?: AbortSignal,
): Promise<ReconcileInput> {
  const namespace = link.metadata?.namespace ?? 'default';
  const deleting = isBeingDeleted(link);
  const sides = clusterSides(link);
  const localRef = classRefOf(link.spec?.[sides.local], namespace);
  if (!localRef) {
    throw new ResolutionError(
      'InvalidSpec',
      `spec.${sides.local}.kafkaRestClassRef is required: it names the REST API of the cluster this link lives on`,
    );
  }
  const local = await resolveRestTarget(localRef, reads, signal).catch((err: unknown) => {
    throw localClassProblem(err, sides.local, deleting);
  });

  // The other cluster's REST class is only read to learn its id, which only a link still to be created needs:
  // a problem with it is handed on, and the Kafka side reports it only then.
  let remote: RestTarget | undefined;
  let remoteProblem: ReconcileInput['remoteProblem'];
  const remoteBlock = link.spec?.[sides.remote];
  const remoteRef = classRefOf(remoteBlock, namespace);
  // A bidirectional link also needs the remote REST API: its toSource mirrors live there (docs/reconciler.md).
  const bidirectional = link.spec?.sourceInitiatedLink?.linkMode === 'Bidirectional';
  if (remoteRef && (!remoteBlock?.clusterID || bidirectional)) {
    try {
      remote = await resolveRestTarget(remoteRef, reads, signal);
    } catch (err) {
      if (!isResolutionError(err)) throw err;
      remoteProblem = { reason: err.reason, message: err.message };
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
    ...(remoteProblem ? { remoteProblem } : {}),
    credentials,
    ...(link.status ? { previousStatus: link.status } : {}),
    deleting,
  };
}
