// Which cluster ids a pass needs (docs/reconciler.md, "REST endpoint"): the local cluster's always (every REST
// path names it); the remote cluster's only to create the link. For a link that exists the remote id comes
// from the link itself (or the last status), so a pass never depends on the remote REST API then: failover and
// deletion are what an outage of the source cluster calls for, and they must work while its REST API is down.
import type { ClusterLinkStatus } from '../../clusterlink/types.js';
import type { LinkData } from '../../kafka-rest/types.js';
import type { ClientFactory } from './clients.js';
import type { LinkRole } from './plan/types.js';
import type { ReconcileInput, RestTarget } from '../types.js';

export interface Ids {
  local: string;
  remote?: string;
  source?: string;
  destination?: string;
}

/** The remote side could not be resolved in Kubernetes and its id is needed (to create the link). */
export class RemoteClusterUnknown extends Error {
  override readonly name = 'RemoteClusterUnknown';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function blocks(input: ReconcileInput, role: LinkRole) {
  const spec = input.link.spec ?? {};
  return role === 'source'
    ? { local: spec.sourceKafkaCluster, remote: spec.destinationKafkaCluster }
    : { local: spec.destinationKafkaCluster, remote: spec.sourceKafkaCluster };
}

export function withRoles(role: LinkRole, local: string, remote: string | undefined): Ids {
  return role === 'source'
    ? { local, remote, source: local, destination: remote }
    : { local, remote, source: remote, destination: local };
}

/** The local id (spec clusterID, then the class's id, then GET /clusters locally) and a remote id known without I/O. */
export async function localIds(
  input: ReconcileInput,
  role: LinkRole,
  clientFor: ClientFactory,
  signal?: AbortSignal,
): Promise<Ids> {
  const b = blocks(input, role);
  const local = b.local?.clusterID || input.local.clusterId || (await clientFor(input.local).discoverClusterId(signal));
  return withRoles(role, local, b.remote?.clusterID || input.remote?.clusterId || undefined);
}

/** The remote cluster's id as the existing link reports it. */
export function remoteIdOfLink(link: LinkData, role: LinkRole): string | undefined {
  const id =
    role === 'source' ? link.destination_cluster_id : (link.source_cluster_id ?? link.remote_cluster_id ?? undefined);
  return id || undefined;
}

/** The remote cluster's id as the last status recorded it. */
export function remoteIdOfStatus(status: ClusterLinkStatus | undefined, role: LinkRole): string | undefined {
  return (role === 'source' ? status?.destinationKafkaClusterID : status?.sourceKafkaClusterID) || undefined;
}

/**
 * Completes `ids.remote` once the link has been observed. An existing link (or a deletion) never asks the remote
 * REST API; only a link still to be created does, and then a remote that cannot be resolved is an error.
 */
export async function completeRemoteId(
  input: ReconcileInput,
  role: LinkRole,
  ids: Ids,
  link: LinkData | undefined,
  clientFor: ClientFactory,
  signal?: AbortSignal,
): Promise<Ids> {
  if (ids.remote) return ids;
  const known = (link ? remoteIdOfLink(link, role) : undefined) ?? remoteIdOfStatus(input.previousStatus, role);
  if (link || input.deleting) return withRoles(role, ids.local, known);
  if (input.remoteProblem) throw new RemoteClusterUnknown(input.remoteProblem.reason, input.remoteProblem.message);
  const target: RestTarget | undefined = input.remote;
  if (!target) return ids;
  return withRoles(role, ids.local, await clientFor(target).discoverClusterId(signal));
}
