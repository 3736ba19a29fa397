// Which Secrets a ClusterLink makes the brokers read, with the field path that names each one.
// Only blocks that are actually used for the link's mode and authentication type are listed: a block the
// rules already flag as ignored (docs/rules.md#per-link-type "W") or forbidden (docs/rules.md#authentication) is never read by a broker, so checking its
// Secret would only add noise.
import type { Authentication, ClusterLink, KafkaClusterRef } from '../clusterlink/types.js';
import { FieldPath } from '../clusterlink/field-errors.js';

export type ClusterBlock = 'sourceKafkaCluster' | 'destinationKafkaCluster';

interface ReferenceBase {
  /** Secret name (metadata.name in the ClusterLink's namespace). */
  name: string;
  /** Path of the `secretRef` field, e.g. `spec.sourceKafkaCluster.tls.secretRef`. */
  field: string;
  cluster: ClusterBlock;
}

export interface TlsSecretReference extends ReferenceBase {
  kind: 'tls';
  /** The brokers present a client certificate (mtls or sslClientAuthentication): all three PEM keys needed. */
  clientAuth: boolean;
  /** `tls.keyPassword.secretRef`, when set. */
  keyPassword?: ReferenceBase;
}

export interface SaslSecretReference extends ReferenceBase {
  /** jaasConfig → `plain.txt`; jaasConfigPassThrough → `plain-jaas.conf`; oauthJaasConfig (type oauth) → `oauth.txt`. */
  kind: 'jaasConfig' | 'jaasConfigPassThrough' | 'oauthJaasConfig';
  /** oauthJaasConfig: a client assertion replaces the client secret, so only clientId may be in oauth.txt. */
  clientAssertion?: boolean;
}

export interface OtherSecretReference extends ReferenceBase {
  /** Formats not pinned down by CFK's documentation: only their existence is checked. */
  kind: 'oauthbearer' | 'oauthJwtTokenFile' | 'oauthPrivateKeyFile';
}

export type SecretReference = TlsSecretReference | SaslSecretReference | OtherSecretReference;

/** Cluster blocks whose authentication/tls the brokers use, per link type (docs/rules.md#link-types, docs/rules.md#per-link-type). */
export function usedClusterBlocks(link: ClusterLink): ClusterBlock[] {
  const linkMode = link.spec?.sourceInitiatedLink?.linkMode;
  if (link.spec?.sourceInitiatedLink === undefined || linkMode === undefined) return ['sourceKafkaCluster'];
  switch (linkMode) {
    case 'Destination':
      return []; // INBOUND: it waits for the Source-mode CR, credentials here are ignored.
    case 'Source':
    case 'Bidirectional':
      return ['sourceKafkaCluster', 'destinationKafkaCluster'];
    default:
      return ['sourceKafkaCluster', 'destinationKafkaCluster']; // unknown mode: the rules deny it anyway
  }
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Every Secret the (defaulted) link references, in a stable order: source before destination, tls before auth. */
export function referencedSecrets(link: ClusterLink): SecretReference[] {
  const refs: SecretReference[] = [];
  for (const cluster of usedClusterBlocks(link)) {
    const block = link.spec?.[cluster];
    if (block === null || typeof block !== 'object') continue;
    const path = FieldPath.root('spec').child(cluster);
    refs.push(...tlsReferences(block, cluster, path));
    refs.push(...authReferences(block.authentication, cluster, path.child('authentication')));
  }
  return refs;
}

function tlsReferences(block: KafkaClusterRef, cluster: ClusterBlock, path: FieldPath): TlsSecretReference[] {
  const tls = block.tls;
  if (tls === null || typeof tls !== 'object' || tls.enabled !== true || !nonEmpty(tls.secretRef)) return [];
  const auth = block.authentication;
  const clientAuth = auth?.type === 'mtls' || auth?.sslClientAuthentication === true;
  const ref: TlsSecretReference = {
    kind: 'tls',
    name: tls.secretRef,
    field: path.child('tls', 'secretRef').toString(),
    cluster,
    clientAuth,
  };
  const keyPassword = tls.keyPassword?.secretRef;
  if (nonEmpty(keyPassword)) {
    ref.keyPassword = { name: keyPassword, field: path.child('tls', 'keyPassword', 'secretRef').toString(), cluster };
  }
  return [ref];
}

function authReferences(auth: Authentication | undefined, cluster: ClusterBlock, path: FieldPath): SecretReference[] {
  if (auth === null || typeof auth !== 'object') return [];
  const refs: SecretReference[] = [];
  const add = (kind: SecretReference['kind'], name: unknown, field: FieldPath): void => {
    if (nonEmpty(name)) refs.push({ kind, name, field: field.toString(), cluster } as SecretReference);
  };
  switch (auth.type) {
    case 'plain':
      add('jaasConfig', auth.jaasConfig?.secretRef, path.child('jaasConfig', 'secretRef'));
      add(
        'jaasConfigPassThrough',
        auth.jaasConfigPassThrough?.secretRef,
        path.child('jaasConfigPassThrough', 'secretRef'),
      );
      break;
    case 'oauthbearer':
      add('oauthbearer', auth.oauthbearer?.secretRef, path.child('oauthbearer', 'secretRef'));
      break;
    case 'oauth': {
      const assertion = auth.oauthSettings?.clientAssertion;
      const assertionPath = path.child('oauthSettings', 'clientAssertion');
      if (nonEmpty(auth.jaasConfig?.secretRef))
        refs.push({
          kind: 'oauthJaasConfig',
          name: auth.jaasConfig.secretRef,
          field: path.child('jaasConfig', 'secretRef').toString(),
          cluster,
          clientAssertion: assertion !== undefined && assertion !== null,
        });
      add('oauthJwtTokenFile', assertion?.jwtTokenFile?.secretRef, assertionPath.child('jwtTokenFile', 'secretRef'));
      add(
        'oauthPrivateKeyFile',
        assertion?.localClientAssertion?.privateKeyFile?.secretRef,
        assertionPath.child('localClientAssertion', 'privateKeyFile', 'secretRef'),
      );
      break;
    }
    default:
      break; // mtls uses tls.secretRef; none/digest carry no Secret; unknown types are the rules' business
  }
  return refs;
}

/** Distinct Secret names to read, keyPassword Secrets included. */
export function secretNames(refs: readonly SecretReference[]): string[] {
  const names = new Set<string>();
  for (const ref of refs) {
    names.add(ref.name);
    if (ref.kind === 'tls' && ref.keyPassword) names.add(ref.keyPassword.name);
  }
  return [...names];
}
