// Enum values exactly as CFK's ClusterLink CRD spells them (case-sensitive), plus the Kafka ACL
// operations each resource type accepts.

export const LINK_MODES = ['Source', 'Destination', 'Bidirectional'] as const;
export const CONNECTION_MODES = ['Outbound', 'Inbound'] as const;
export const AUTH_TYPES = ['plain', 'oauthbearer', 'digest', 'mtls', 'oauth', 'none'] as const;
export const MIRROR_STATES = ['ACTIVE', 'PAUSE', 'PROMOTE', 'FAILOVER'] as const;
export const MIRROR_DIRECTIONS = ['toDestination', 'toSource'] as const;
export const FILTER_TYPES = ['INCLUDE', 'EXCLUDE'] as const;
export const UPPER_PATTERN_TYPES = ['PREFIXED', 'LITERAL'] as const;

/** `transcationId` is CFK's own (misspelt) enum value; `transactionId` is tolerated with a warning. */
export const ACL_RESOURCE_TYPES = ['any', 'cluster', 'group', 'topic', 'transcationId', 'delegationToken'] as const;
export const ACL_RESOURCE_TYPE_MISSPELLING = 'transactionId';
export const ACL_PATTERN_TYPES = ['any', 'literal', 'prefixed', 'match'] as const;
export const ACL_PERMISSION_TYPES = ['any', 'allow', 'deny'] as const;

/** Operations by resource type (Kafka ACL semantics); `any` and `all` are valid everywhere. */
const ACL_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  topic: ['read', 'write', 'create', 'delete', 'alter', 'describe', 'describeConfigs', 'alterConfigs'],
  group: ['read', 'describe', 'delete'],
  cluster: ['alter', 'alterConfigs', 'clusterAction', 'create', 'describe', 'describeConfigs', 'idempotentWrite'],
  transcationId: ['describe', 'write'],
  delegationToken: ['describe'],
};
const ACL_OPERATIONS_EVERYWHERE = ['any', 'all'] as const;

/** Operations are matched case-insensitively and with or without underscores (`describe_configs`). */
export function normaliseOperation(op: string): string {
  return op.toLowerCase().replace(/_/g, '');
}

export function operationsFor(resourceType: string): readonly string[] {
  const key = resourceType === ACL_RESOURCE_TYPE_MISSPELLING ? 'transcationId' : resourceType;
  const specific = ACL_OPERATIONS[key];
  if (specific) return [...ACL_OPERATIONS_EVERYWHERE, ...specific];
  // resourceType `any` (or unknown): any operation some resource type accepts
  const all = new Set<string>(ACL_OPERATIONS_EVERYWHERE);
  for (const ops of Object.values(ACL_OPERATIONS)) for (const op of ops) all.add(op);
  return [...all];
}
