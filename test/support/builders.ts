// Builders shared by the tests and the benchmarks (bench/ imports them instead of keeping copies): a ClusterLink
// as stored in the cluster, and in-memory Secrets as the Kubernetes API hands them out.
import type { ClusterLink, ClusterLinkSpec } from '../../src/clusterlink/types.js';

/** A ClusterLink custom resource with the metadata the reconciler reads. */
export function clusterLinkResource(
  spec: ClusterLinkSpec,
  metadata: { name: string; namespace: string; uid: string; generation: number },
): ClusterLink {
  return { apiVersion: 'platform.confluent.io/v1beta1', kind: 'ClusterLink', metadata: { ...metadata }, spec };
}

/** A Secret's `data` as the API returns it: base64 values. */
export function encodeSecretData(data: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')]));
}

/** A client-node-shaped reader over in-memory Secrets keyed `namespace/name` (a 404 for any other). */
export function inMemorySecretReader(secrets: Map<string, Record<string, Buffer>>): {
  readNamespacedSecret(param: { name: string; namespace: string }): Promise<{ data?: { [key: string]: string } }>;
} {
  const encoded = new Map([...secrets].map(([key, data]) => [key, encodeSecretData(data)]));
  return {
    async readNamespacedSecret({ name, namespace }) {
      const data = encoded.get(`${namespace}/${name}`);
      if (!data) throw Object.assign(new Error('not found'), { code: 404 });
      return { data };
    },
  };
}

/** A ClusterLink in which every default of docs/rules.md#defaults applies (the gitops doc and /mutate goldens). */
export function everyDefaultClusterLink(): Record<string, unknown> {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name: 'l', namespace: 'ns' },
    spec: {
      sourceInitiatedLink: { linkMode: 'Bidirectional' },
      sourceKafkaCluster: { kafkaRestClassRef: { name: 'a' }, bootstrapEndpoint: 'k:9092' },
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'b' } },
      mirrorTopicOptions: { prefix: 'p.' },
      mirrorTopics: [{ name: 'p.orders' }],
      consumerGroupFilters: [{ filterType: 'INCLUDE' }],
      aclFilters: [
        {
          resourceFilter: { resourceType: 'topic', patternType: 'literal' },
          accessFilter: { operation: 'read', permissionType: 'allow' },
        },
      ],
    },
  };
}
