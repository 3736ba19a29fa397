// Bidirectional links (docs/reconciler.md#bidirectional-links; CFK 3.2+, confluent-kubernetes-examples
// hybrid/clusterlink-bidirectional). Two ClusterLink CRs with the same spec.name, one per cluster; in each,
// destinationKafkaCluster is the local cluster and sourceKafkaCluster the remote one. link.mode=BIDIRECTIONAL,
// connection.mode from sourceInitiatedLink.connectionMode (Outbound, the default, or Inbound: the reachable side,
// which neither dials nor needs the remote's bootstrap), remote_cluster_id on create. Mirror topics go both ways:
// `direction: toDestination` (default) is pulled into the local cluster under the local link; `toSource` is pushed
// to the remote cluster, i.e. a mirror on the remote cluster under its half of the same link, through the remote
// KafkaRestClass. Pure.
import type { ClusterLinkSpec, MirrorTopic } from '../../../clusterlink/types.js';
import type { ClusterCredentials } from '../../types.js';
import {
  aclFiltersJson,
  bootstrapServers,
  configAccumulator,
  groupFiltersJson,
  securityConfigs,
  type DerivedConfigs,
} from './link-configs.js';

export function isInbound(spec: ClusterLinkSpec): boolean {
  return spec.sourceInitiatedLink?.connectionMode === 'Inbound';
}

export function bidirectionalLinkConfigs(
  spec: ClusterLinkSpec,
  credentials: { source?: ClusterCredentials; destination?: ClusterCredentials },
  /** The remote cluster's REST endpoint, when known: the default MDS URL for `type: oauthbearer`. */
  remoteRestEndpoint?: string,
): DerivedConfigs {
  const { configs, problems, warnings, merge } = configAccumulator([['link.mode', 'BIDIRECTIONAL']]);
  const src = spec.sourceKafkaCluster;
  const dst = spec.destinationKafkaCluster;
  if (isInbound(spec)) configs.set('connection.mode', 'INBOUND');
  else {
    configs.set('connection.mode', 'OUTBOUND');
    if (src?.bootstrapEndpoint) configs.set('bootstrap.servers', bootstrapServers(src.bootstrapEndpoint));
    else problems.push('spec.sourceKafkaCluster.bootstrapEndpoint is required for an Outbound bidirectional link');
    merge(securityConfigs(src, credentials.source, '', 'spec.sourceKafkaCluster', remoteRestEndpoint));
  }
  // One connection carries both directions: the local cluster's credentials become local.* (CFK's setup.go).
  if (dst?.authentication || dst?.tls)
    merge(securityConfigs(dst, credentials.destination, 'local.', 'spec.destinationKafkaCluster'));
  if (spec.consumerGroupFilters && spec.consumerGroupFilters.length > 0) {
    configs.set('consumer.offset.sync.enable', 'true');
    configs.set('consumer.offset.group.filters', groupFiltersJson(spec.consumerGroupFilters));
  }
  if (spec.aclFilters && spec.aclFilters.length > 0) {
    configs.set('acl.sync.enable', 'true');
    configs.set('acl.filters', aclFiltersJson(spec.aclFilters));
  }
  return { configs, problems, warnings };
}

/** The `toSource` mirrors, as the remote cluster's own (toDestination) mirrors of the same link. */
export function reverseMirrorTopics(mirrorTopics: readonly MirrorTopic[] | undefined): MirrorTopic[] {
  return (mirrorTopics ?? [])
    .filter((m) => m.direction === 'toSource')
    .map((m) => ({ ...m, direction: 'toDestination' }));
}

/** CFK's status.bidirectionalState from what both sides report. */
export function bidirectionalState(x: {
  localMirrorStates: string[];
  remoteMirrorStates: string[];
  consumerOffsetSync: boolean;
}): { sourceToDestinationActive: boolean; destinationToSourceActive: boolean; consumerOffsetSyncEnabled: boolean } {
  return {
    sourceToDestinationActive: x.localMirrorStates.includes('ACTIVE'),
    destinationToSourceActive: x.remoteMirrorStates.includes('ACTIVE'),
    consumerOffsetSyncEnabled: x.consumerOffsetSync,
  };
}
