// The Secrets a ClusterLink's cluster blocks refer to → ClusterCredentials for the Kafka side (docs/reconciler.md).
// Which Secrets matter for the link's mode comes from the webhook's own reference walk, so the reconciler
// reads exactly what the validating webhook checks. Values are never logged or put in messages.
import type { ClusterLink } from '../../clusterlink/types.js';
import type { ClusterCredentials } from '../types.js';
import {
  referencedSecrets,
  type SaslSecretReference,
  type SecretReference,
  type TlsSecretReference,
} from '../../secrets/referenced-secrets.js';
import type { KubeReads } from '../../kube/kube-reads.js';
import { parseKeyValueLines } from './key-value.js';
import { ResolutionError } from './resolution-error.js';
import { parsePassThroughJaas } from '../../secrets/jaas.js';
import { DIRECTORY_MARK, directoryReferences, readCredentialDirectory } from './directory-credentials.js';
import { keyPasswordFor } from '../../secrets/key-password.js';
import { OAUTH_TXT, parseProperties } from '../../secrets/properties.js';

export interface LinkCredentials {
  source?: ClusterCredentials;
  destination?: ClusterCredentials;
}

export async function resolveCredentials(
  link: ClusterLink,
  namespace: string,
  reads: KubeReads,
  signal?: AbortSignal,
): Promise<LinkCredentials> {
  const refs = [...referencedSecrets(link), ...directoryReferences(link)];
  const cache = new Map<string, Record<string, Buffer>>();
  const read = async (name: string, field: string): Promise<Record<string, Buffer>> => {
    const cached = cache.get(name);
    if (cached) return cached;
    if (name.startsWith(DIRECTORY_MARK)) return readCredentialDirectory(name.slice(DIRECTORY_MARK.length), field);
    const data = await reads.getSecretData(namespace, name, signal);
    if (!data) throw new ResolutionError('SecretNotFound', `${field}: Secret ${namespace}/${name} not found`);
    cache.set(name, data);
    return data;
  };
  const out: LinkCredentials = {};
  for (const ref of refs) {
    const side = ref.cluster === 'sourceKafkaCluster' ? 'source' : 'destination';
    const creds = (out[side] ??= {});
    await addReference(creds, ref, read);
  }
  return out;
}

type SecretData = Record<string, Buffer>;
type ReadSecret = (name: string, field: string) => Promise<SecretData>;

/** A key of the Secret as text; undefined when the Secret does not have it. */
const fileOf =
  (data: SecretData) =>
  (key: string): string | undefined =>
    data[key]?.toString('utf8');

/** Each kind of reference has its own file format in the Secret (CFK's), so each has its own reader below. */
async function addReference(creds: ClusterCredentials, ref: SecretReference, read: ReadSecret): Promise<void> {
  const data = await read(ref.name, ref.field);
  switch (ref.kind) {
    case 'tls':
      return addTls(creds, ref, data, read);
    case 'jaasConfig':
      return addPlain(creds, ref, data);
    case 'jaasConfigPassThrough':
      return addJaasPassThrough(creds, ref, data);
    case 'oauthbearer':
      return addOauthBearer(creds, data);
    case 'oauthJaasConfig':
      return addOauth(creds, ref, data);
    case 'oauthPrivateKeyFile':
      return addAssertionKeyPassphrase(creds, data);
    default:
      return; // a jwtTokenFile is read by the brokers from their own mount, not sent inline
  }
}

async function addTls(
  creds: ClusterCredentials,
  ref: TlsSecretReference,
  data: SecretData,
  read: ReadSecret,
): Promise<void> {
  const file = fileOf(data);
  creds.tls = {
    ...(file('fullchain.pem') !== undefined ? { fullchainPem: file('fullchain.pem') } : {}),
    ...(file('privkey.pem') !== undefined ? { privkeyPem: file('privkey.pem') } : {}),
    ...(file('cacerts.pem') !== undefined ? { cacertsPem: file('cacerts.pem') } : {}),
  };
  if (ref.keyPassword) {
    // jksPassword.txt with jksPassword=<password> (docs/reconciler.md#link-credentials), the webhook's rule too.
    const kp = keyPasswordFor(await read(ref.keyPassword.name, ref.keyPassword.field), creds.tls.privkeyPem);
    if ('problem' in kp)
      throw new ResolutionError(
        'InvalidSecret',
        `${ref.keyPassword.field}: Secret ${ref.keyPassword.name}: ${kp.problem}`,
      );
    if (kp.password !== undefined) creds.tls.keyPassword = kp.password;
  }
}

function addPlain(creds: ClusterCredentials, ref: SecretReference, data: SecretData): void {
  const lines = parseKeyValueLines(fileOf(data)('plain.txt') ?? '');
  if (!lines.username || lines.password === undefined) {
    throw new ResolutionError(
      'InvalidSecret',
      `${ref.field}: Secret ${ref.name} needs plain.txt with username= and password= lines`,
    );
  }
  creds.plain = { username: lines.username, password: lines.password };
}

function addJaasPassThrough(creds: ClusterCredentials, ref: SecretReference, data: SecretData): void {
  const conf = fileOf(data)('plain-jaas.conf');
  if (conf === undefined)
    throw new ResolutionError('InvalidSecret', `${ref.field}: Secret ${ref.name} needs plain-jaas.conf`);
  // The webhook's check uses the same parser (docs/rules.md#secret-checks): with or without `sasl.jaas.config=`.
  const jaas = parsePassThroughJaas(conf);
  if (!jaas.ok)
    throw new ResolutionError(
      'InvalidSecret',
      `${ref.field}: plain-jaas.conf of Secret ${ref.name} is not a JAAS line Kafka accepts: ${jaas.problem}`,
    );
  creds.jaasPassThrough = jaas.value;
}

function addOauthBearer(creds: ClusterCredentials, data: SecretData): void {
  // CFK's format is bearer.txt (username=/password=); an older oauthbearer.txt or a single key is taken too.
  const key = ['bearer.txt', 'oauthbearer.txt'].find((k) => data[k] !== undefined) ?? Object.keys(data).sort()[0];
  creds.oauthbearer = key === undefined ? {} : Object.fromEntries(parseProperties(fileOf(data)(key) ?? ''));
}

function addOauth(creds: ClusterCredentials, ref: SaslSecretReference, data: SecretData): void {
  const text = fileOf(data)(OAUTH_TXT);
  if (text === undefined)
    throw new ResolutionError(
      'InvalidSecret',
      `${ref.field}: Secret ${ref.name} needs ${OAUTH_TXT} with clientId= and clientSecret= lines`,
    );
  const props = parseProperties(text);
  const oauth: NonNullable<ClusterCredentials['oauth']> = {};
  for (const k of ['clientId', 'clientSecret', 'scope'] as const) {
    const v = props.get(k);
    if (v) oauth[k] = v;
  }
  if (!ref.clientAssertion && (!oauth.clientId || !oauth.clientSecret))
    throw new ResolutionError(
      'InvalidSecret',
      `${ref.field}: ${OAUTH_TXT} of Secret ${ref.name} needs non-empty clientId= and clientSecret= lines`,
    );
  creds.oauth = oauth;
}

function addAssertionKeyPassphrase(creds: ClusterCredentials, data: SecretData): void {
  // The key itself is read by the brokers from their mount (docs/reconciler.md#oauth); only the passphrase of an
  // encrypted key travels as a config. CFK's file holds `privateKeyPassphrase: <passphrase>`.
  const text = fileOf(data)('private-key-passphrase');
  if (text !== undefined) {
    const props = parseProperties(text);
    creds.assertionKeyPassphrase = props.get('privateKeyPassphrase') ?? text.trim();
  }
}
