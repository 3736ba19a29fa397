// ClusterLink spec → link configs (CFK's documented Secret formats, docs/reconciler.md). Insertion order is the order the
// create request sends them in. Secret values only ever travel in the returned map, never in notes.
import type {
  AclFilter,
  Authentication,
  ClusterLinkSpec,
  KafkaClusterRef,
  TopicFilter,
} from '../../../clusterlink/types.js';
import type { ClusterCredentials } from '../../types.js';
import type { LinkRole } from './types.js';
import { jaasQuote } from './jaas-quote.js';
import { OAUTHBEARER_LOGIN_MODULE, OAUTH_CALLBACK_HANDLER, oauthbearerConfigs, oauthConfigs } from './oauth-configs.js';
import { bidirectionalLinkConfigs } from './bidirectional.js';

/** Fixed at creation: never sent again with configs:alter. */
export const IMMUTABLE_CONFIGS: ReadonlySet<string> = new Set(['link.mode', 'connection.mode', 'cluster.link.prefix']);

const SECURITY_KEYS = [
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'sasl.login.callback.handler.class',
  'sasl.oauthbearer.token.endpoint.url',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.key.password',
  'sasl.login.connect.timeout.ms',
  'sasl.login.read.timeout.ms',
  'sasl.login.retry.backoff.ms',
  'sasl.login.retry.backoff.max.ms',
  'sasl.oauthbearer.assertion.claim.iss',
  'sasl.oauthbearer.assertion.claim.sub',
  'sasl.oauthbearer.assertion.claim.aud',
  'sasl.oauthbearer.assertion.claim.exp.seconds',
  'sasl.oauthbearer.assertion.claim.jti.include',
  'sasl.oauthbearer.assertion.private.key.file',
  'sasl.oauthbearer.assertion.private.key.passphrase',
];

/**
 * Keys this reconciler derives from the spec. When one is no longer desired but the server reports
 * it as set, it is reset (DELETE). Keys only present through `spec.configs` are left alone once
 * removed, because the previous spec is not known.
 */
export const MANAGED_CONFIGS: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'auto.create.mirror.topics.enable',
  'auto.create.mirror.topics.filters',
  'consumer.offset.sync.enable',
  'consumer.offset.group.filters',
  'acl.sync.enable',
  'acl.filters',
  ...SECURITY_KEYS,
  ...SECURITY_KEYS.map((k) => `local.${k}`),
]);

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export { OAUTHBEARER_LOGIN_MODULE, OAUTH_CALLBACK_HANDLER };

export interface DerivedConfigs {
  configs: Map<string, string>;
  /** Blocking problems (e.g. a referenced secret's content is missing). No secret values inside. */
  problems: string[];
  /** Non-blocking remarks. */
  warnings: string[];
}

export function roleOf(spec: ClusterLinkSpec): LinkRole {
  switch (spec.sourceInitiatedLink?.linkMode) {
    case undefined:
      return spec.sourceInitiatedLink ? 'destination-inbound' : 'destination-initiated';
    case 'Source':
      return 'source';
    case 'Destination':
      return 'destination-inbound';
    default:
      return 'bidirectional';
  }
}

export function ownsMirrors(role: LinkRole): boolean {
  return role === 'destination-initiated' || role === 'destination-inbound' || role === 'bidirectional';
}

export { jaasQuote };

/** `host:port` list without URL schemes (tolerated by docs/rules.md#everywhere, ignored by Kafka clients). */
export function bootstrapServers(endpoint: string): string {
  return endpoint
    .split(',')
    .map((s) =>
      s
        .trim()
        .replace(/^[A-Za-z][A-Za-z0-9+._-]*:\/\//, '')
        .replace(/\/+$/, ''),
    )
    .filter((s) => s.length > 0)
    .join(',');
}

export function topicFiltersJson(filters: TopicFilter[]): string {
  return JSON.stringify({ topicFilters: filters.map(nameFilter) });
}

export function groupFiltersJson(filters: TopicFilter[]): string {
  return JSON.stringify({ groupFilters: filters.map(nameFilter) });
}

/**
 * The webhook's `"*"` defaults for principal, host and resource name mean "any" (docs/rules.md#defaults). Kafka
 * treats an omitted field as "any" but compares a given one by equality — a literal `*` matches only ACLs on `*`,
 * and a bare `*` principal is refused (not `Type:name`) — so "any" is sent as an omitted field
 * (docs/reconciler.md#acl-sync). Any other value, `User:*` included, is sent as written.
 */
const anyToOmitted = (v: string | undefined): string | undefined => (v === undefined || v === '*' ? undefined : v);

export function aclFiltersJson(filters: AclFilter[]): string {
  return JSON.stringify({
    aclFilters: filters.map((f) => ({
      resourceFilter: dropUndefined({
        resourceType: aclResourceType(f.resourceFilter?.resourceType),
        name: anyToOmitted(f.resourceFilter?.name),
        patternType: f.resourceFilter?.patternType,
      }),
      accessFilter: dropUndefined({
        principal: anyToOmitted(f.accessFilter?.principal),
        host: anyToOmitted(f.accessFilter?.host),
        operation: f.accessFilter?.operation,
        permissionType: f.accessFilter?.permissionType,
      }),
    })),
  });
}

/** CFK spells it `transcationId`; the server knows Kafka's `transactionalId`. */
function aclResourceType(t: string | undefined): string | undefined {
  if (t === undefined) return undefined;
  return /^(transcationId|transactionId|transactionalId)$/i.test(t) ? 'transactionalId' : t;
}

function nameFilter(f: TopicFilter): Record<string, string> {
  return dropUndefined({
    name: f.name ?? '*',
    patternType: f.patternType ?? 'LITERAL',
    filterType: f.filterType ?? 'INCLUDE',
  });
}

function dropUndefined(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** A DerivedConfigs being built, and `merge` to fold another one in (later keys win, problems and warnings append). */
export interface ConfigAccumulator extends DerivedConfigs {
  merge: (d: DerivedConfigs) => void;
}

/** The accumulator desiredLinkConfigs and bidirectionalLinkConfigs build their result in. */
export function configAccumulator(initial?: Iterable<readonly [string, string]>): ConfigAccumulator {
  const configs = new Map<string, string>(initial);
  const problems: string[] = [];
  const warnings: string[] = [];
  const merge = (d: DerivedConfigs): void => {
    for (const [k, v] of d.configs) configs.set(k, v);
    problems.push(...d.problems);
    warnings.push(...d.warnings);
  };
  return { configs, problems, warnings, merge };
}

/** What the phases of securityConfigs share: the prefixed setter and the lists they append to. */
interface SecurityOut {
  set: (k: string, v: string) => void;
  problems: string[];
  warnings: string[];
}

/**
 * Security configs for connecting to a cluster block (`prefix` '' for the remote cluster,
 * 'local.' for a Source-mode link's own brokers).
 */
export function securityConfigs(
  block: KafkaClusterRef | undefined,
  creds: ClusterCredentials | undefined,
  prefix: '' | 'local.',
  where: string,
  /** MDS URL(s) for `type: oauthbearer` when bearer.txt names none: the cluster's REST endpoint. */
  mdsUrls?: string,
): DerivedConfigs {
  const configs = new Map<string, string>();
  const problems: string[] = [];
  const warnings: string[] = [];
  const out: SecurityOut = { set: (k, v) => void configs.set(prefix + k, v), problems, warnings };
  const auth: Authentication | undefined = block?.authentication;
  const tlsOn = block?.tls?.enabled === true;
  const type = auth?.type ?? 'none';
  const sasl = type === 'plain' || type === 'oauth' || type === 'oauthbearer';

  out.set(
    'security.protocol',
    sasl ? (tlsOn ? 'SASL_SSL' : 'SASL_PLAINTEXT') : tlsOn || type === 'mtls' ? 'SSL' : 'PLAINTEXT',
  );
  saslConfigs(out, auth, type, creds, where, mdsUrls);
  if (tlsOn || type === 'mtls')
    tlsConfigs(out, type, creds, where, sasl && tlsOn && auth?.sslClientAuthentication === true);
  return { configs, problems, warnings };
}

/** The SASL part: PLAIN's JAAS line, the OAuth configs, or a warning for digest (no SASL mapping). */
function saslConfigs(
  out: SecurityOut,
  auth: Authentication | undefined,
  type: string,
  creds: ClusterCredentials | undefined,
  where: string,
  mdsUrls: string | undefined,
): void {
  const { set, problems, warnings } = out;
  if (type === 'plain') {
    set('sasl.mechanism', 'PLAIN');
    if (creds?.jaasPassThrough) set('sasl.jaas.config', creds.jaasPassThrough.trim());
    else if (creds?.plain)
      set(
        'sasl.jaas.config',
        `${PLAIN_LOGIN_MODULE} required username=${jaasQuote(creds.plain.username)} password=${jaasQuote(creds.plain.password)};`,
      );
    else
      problems.push(`${where}.authentication: SASL/PLAIN credentials (plain.txt or plain-jaas.conf) are not available`);
  } else if (type === 'oauth' || type === 'oauthbearer') {
    const derived = type === 'oauth' ? oauthConfigs(auth, creds, where) : oauthbearerConfigs(creds, where, mdsUrls);
    for (const [k, v] of derived.configs) set(k, v);
    problems.push(...derived.problems);
    warnings.push(...derived.warnings);
  } else if (type === 'digest') {
    warnings.push(
      `${where}.authentication.type digest has no SASL mapping for cluster links; no SASL configs are sent`,
    );
  }
}

/** The TLS part: the PEM truststore, and the client certificate when mTLS or sslClientAuthentication asks for one. */
function tlsConfigs(
  out: SecurityOut,
  type: string,
  creds: ClusterCredentials | undefined,
  where: string,
  saslClientAuth: boolean,
): void {
  const { set, problems } = out;
  const tls = creds?.tls;
  if (tls?.cacertsPem) {
    set('ssl.truststore.type', 'PEM');
    set('ssl.truststore.certificates', tls.cacertsPem.trim());
  }
  // A client certificate: mTLS, or a SASL listener that also requires one (sslClientAuthentication).
  const clientCert = type === 'mtls' || saslClientAuth;
  if (!clientCert) return;
  if (tls?.fullchainPem && tls.privkeyPem) {
    set('ssl.keystore.type', 'PEM');
    set('ssl.keystore.certificate.chain', tls.fullchainPem.trim());
    set('ssl.keystore.key', tls.privkeyPem.trim());
    if (tls.keyPassword) set('ssl.key.password', tls.keyPassword);
  } else {
    problems.push(
      `${where}.tls: a client certificate (${type === 'mtls' ? 'mTLS' : 'sslClientAuthentication'}) needs fullchain.pem and privkey.pem, which are not available`,
    );
  }
}

/** Every config the link should carry, in create order (docs/reconciler.md). */
export function desiredLinkConfigs(
  spec: ClusterLinkSpec,
  role: LinkRole,
  credentials: { source?: ClusterCredentials; destination?: ClusterCredentials },
  /** The remote cluster's REST endpoint, when known: the default MDS URL for `type: oauthbearer`. */
  remoteRestEndpoint?: string,
): DerivedConfigs {
  const { configs, problems, warnings, merge } = configAccumulator();
  const src = spec.sourceKafkaCluster;
  const dst = spec.destinationKafkaCluster;

  if (role === 'source') {
    configs.set('link.mode', 'SOURCE');
    configs.set('connection.mode', 'OUTBOUND');
    if (dst?.bootstrapEndpoint) configs.set('bootstrap.servers', bootstrapServers(dst.bootstrapEndpoint));
    else problems.push('spec.destinationKafkaCluster.bootstrapEndpoint is required for a Source-mode link');
    merge(securityConfigs(dst, credentials.destination, '', 'spec.destinationKafkaCluster', remoteRestEndpoint));
    if (src?.authentication || src?.tls)
      merge(securityConfigs(src, credentials.source, 'local.', 'spec.sourceKafkaCluster'));
  } else if (role === 'bidirectional') {
    merge(bidirectionalLinkConfigs(spec, credentials, remoteRestEndpoint));
  } else {
    configs.set('link.mode', 'DESTINATION');
    if (role === 'destination-inbound') {
      configs.set('connection.mode', 'INBOUND');
    } else {
      configs.set('connection.mode', 'OUTBOUND');
      if (src?.bootstrapEndpoint) configs.set('bootstrap.servers', bootstrapServers(src.bootstrapEndpoint));
      else problems.push('spec.sourceKafkaCluster.bootstrapEndpoint is required for a destination-initiated link');
      merge(securityConfigs(src, credentials.source, '', 'spec.sourceKafkaCluster', remoteRestEndpoint));
    }
    const prefix = spec.mirrorTopicOptions?.prefix;
    if (prefix) configs.set('cluster.link.prefix', prefix);
    const auto = spec.mirrorTopicOptions?.autoCreateTopics;
    if (auto) {
      configs.set('auto.create.mirror.topics.enable', auto.enabled === true ? 'true' : 'false');
      if (auto.enabled === true)
        configs.set('auto.create.mirror.topics.filters', topicFiltersJson(auto.topicFilters ?? []));
    }
    if (spec.consumerGroupFilters && spec.consumerGroupFilters.length > 0) {
      configs.set('consumer.offset.sync.enable', 'true');
      configs.set('consumer.offset.group.filters', groupFiltersJson(spec.consumerGroupFilters));
    }
    if (spec.aclFilters && spec.aclFilters.length > 0) {
      configs.set('acl.sync.enable', 'true');
      configs.set('acl.filters', aclFiltersJson(spec.aclFilters));
    }
  }

  for (const [k, v] of Object.entries(spec.configs ?? {})) {
    if (IMMUTABLE_CONFIGS.has(k) && configs.has(k) && configs.get(k) !== v) {
      warnings.push(`spec.configs["${k}"] is ignored: it is derived from the spec structure`);
      continue;
    }
    configs.set(k, String(v));
  }
  return { configs, problems, warnings };
}
