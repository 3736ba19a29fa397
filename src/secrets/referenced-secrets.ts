// Which Secrets a ClusterLink makes the brokers read, with the field path that names each one.
// Only blocks that are actually used for the link's mode and authentication type are listed: a block the
// rules already flag as ignored (docs/rules.md#per-link-type "W") or forbidden (docs/rules.md#authentication) is never read by a broker, so checking its
// Secret would only add noise.
import type { Authentication, ClusterLink, KafkaClusterRef } from '../clusterlink/types.js';

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
export function usedClusterBlocks(link: ClusterLink): readonly ClusterBlock[] {
  const linkMode = link.spec?.sourceInitiatedLink?.linkMode;
  if (link.spec?.sourceInitiatedLink === undefined || linkMode === undefined) return SOURCE_ONLY;
  switch (linkMode) {
    case 'Destination':
      return NONE; // INBOUND: it waits for the Source-mode CR, credentials here are ignored.
    case 'Source':
    case 'Bidirectional':
      return BOTH;
    default:
      return BOTH; // unknown mode: the rules deny it anyway
  }
}

const SOURCE_ONLY: readonly ClusterBlock[] = ['sourceKafkaCluster'];
const BOTH: readonly ClusterBlock[] = ['sourceKafkaCluster', 'destinationKafkaCluster'];
const NONE: readonly ClusterBlock[] = [];

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Every Secret the (defaulted) link references, in a stable order: source before destination, tls before auth. */
export function referencedSecrets(link: ClusterLink): SecretReference[] {
  const refs: SecretReference[] = [];
  for (const cluster of usedClusterBlocks(link)) {
    const block = link.spec?.[cluster];
    if (block === null || typeof block !== 'object') continue;
    // Field paths as text: every segment is a fixed identifier, so nothing needs the escaping of FieldPath, and a
    // review builds only the paths of the references it has (this runs on every /validate, docs/performance.md).
    const path = `spec.${cluster}`;
    addTlsReference(refs, block, cluster, path);
    addAuthReferences(refs, block.authentication, cluster, `${path}.authentication`);
  }
  return refs;
}

function addTlsReference(refs: SecretReference[], block: KafkaClusterRef, cluster: ClusterBlock, path: string): void {
  const tls = block.tls;
  if (tls === null || typeof tls !== 'object' || tls.enabled !== true || !nonEmpty(tls.secretRef)) return;
  const auth = block.authentication;
  const clientAuth = auth?.type === 'mtls' || auth?.sslClientAuthentication === true;
  const ref: TlsSecretReference = {
    kind: 'tls',
    name: tls.secretRef,
    field: `${path}.tls.secretRef`,
    cluster,
    clientAuth,
  };
  const keyPassword = tls.keyPassword?.secretRef;
  if (nonEmpty(keyPassword))
    ref.keyPassword = { name: keyPassword, field: `${path}.tls.keyPassword.secretRef`, cluster };
  refs.push(ref);
}

/** Adds `{ kind, name, field }` when `name` is a non-empty string. */
function addReference(
  refs: SecretReference[],
  kind: SecretReference['kind'],
  name: unknown,
  field: string,
  cluster: ClusterBlock,
): void {
  if (nonEmpty(name)) refs.push({ kind, name, field, cluster } as SecretReference);
}

function addAuthReferences(
  refs: SecretReference[],
  auth: Authentication | undefined,
  cluster: ClusterBlock,
  path: string,
): void {
  if (auth === null || typeof auth !== 'object') return;
  switch (auth.type) {
    case 'plain':
      addReference(refs, 'jaasConfig', auth.jaasConfig?.secretRef, `${path}.jaasConfig.secretRef`, cluster);
      addReference(
        refs,
        'jaasConfigPassThrough',
        auth.jaasConfigPassThrough?.secretRef,
        `${path}.jaasConfigPassThrough.secretRef`,
        cluster,
      );
      break;
    case 'oauthbearer':
      addReference(refs, 'oauthbearer', auth.oauthbearer?.secretRef, `${path}.oauthbearer.secretRef`, cluster);
      break;
    case 'oauth':
      addOauthReferences(refs, auth, cluster, path);
      break;
    default:
      break; // mtls uses tls.secretRef; none/digest carry no Secret; unknown types are the rules' business
  }
}

function addOauthReferences(refs: SecretReference[], auth: Authentication, cluster: ClusterBlock, path: string): void {
  const assertion = auth.oauthSettings?.clientAssertion;
  const assertionPath = `${path}.oauthSettings.clientAssertion`;
  if (nonEmpty(auth.jaasConfig?.secretRef))
    refs.push({
      kind: 'oauthJaasConfig',
      name: auth.jaasConfig.secretRef,
      field: `${path}.jaasConfig.secretRef`,
      cluster,
      clientAssertion: assertion !== undefined && assertion !== null,
    });
  addReference(
    refs,
    'oauthJwtTokenFile',
    assertion?.jwtTokenFile?.secretRef,
    `${assertionPath}.jwtTokenFile.secretRef`,
    cluster,
  );
  addReference(
    refs,
    'oauthPrivateKeyFile',
    assertion?.localClientAssertion?.privateKeyFile?.secretRef,
    `${assertionPath}.localClientAssertion.privateKeyFile.secretRef`,
    cluster,
  );
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
