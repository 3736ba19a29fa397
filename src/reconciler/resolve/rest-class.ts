// KafkaRestClass → RestTarget (docs/reconciler.md): the Admin REST endpoint, its credentials (basic `basic.txt`,
// bearer `bearer.txt`, mTLS PEM) and the CA to trust, read from Secrets (or files in this pod when the class
// uses directoryPathInContainer). Secret values end up only in the returned RestTarget, never in messages.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestTarget } from '../types.js';
import type { KafkaRestClassObject, KubeReads } from '../../kube/kube-reads.js';
import { parseKeyValueLines } from './key-value.js';
import { ResolutionError } from './resolution-error.js';

export interface ClassRef {
  name: string;
  namespace: string;
}

/** Loads files from a Secret or from a directory in this container. */
type FileSource = { secret: string } | { directory: string };

async function readFiles(
  source: FileSource,
  namespace: string,
  reads: KubeReads,
  what: string,
  signal?: AbortSignal,
): Promise<Record<string, Buffer>> {
  if ('secret' in source) {
    const data = await reads.getSecretData(namespace, source.secret, signal);
    if (!data) throw new ResolutionError('SecretNotFound', `${what}: Secret ${namespace}/${source.secret} not found`);
    return data;
  }
  return readDirectoryFiles(source.directory);
}

const KNOWN_FILES = [
  'basic.txt',
  'bearer.txt',
  'fullchain.pem',
  'privkey.pem',
  'cacerts.pem',
  'keystore.jks',
  'truststore.jks',
];

async function readDirectoryFiles(directory: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const file of KNOWN_FILES) {
    try {
      out[file] = await readFile(join(directory, file));
    } catch {
      // absent file: the caller reports what it needed
    }
  }
  return out;
}

function sourceOf(
  holder: { secretRef?: string; directoryPathInContainer?: string } | undefined,
): FileSource | undefined {
  if (holder?.secretRef) return { secret: holder.secretRef };
  if (holder?.directoryPathInContainer) return { directory: holder.directoryPathInContainer };
  return undefined;
}

function text(files: Record<string, Buffer>, key: string): string | undefined {
  const value = files[key];
  return value === undefined ? undefined : value.toString('utf8');
}

/**
 * The stated rule for a class with only `kafkaClusterRef` (docs/reconciler.md#rest-endpoint): CFK's Kafka service
 * `<name>.<namespace>.svc.cluster.local`, Admin REST on port 8090, https when the class configures TLS.
 */
export function endpointFromClusterRef(krc: KafkaRestClassObject, classNamespace: string): string | undefined {
  const ref = krc.spec?.kafkaClusterRef;
  if (!ref?.name) return undefined;
  const scheme = krc.spec?.kafkaRest?.tls ? 'https' : 'http';
  return `${scheme}://${ref.name}.${ref.namespace || classNamespace}.svc.cluster.local:8090`;
}

export async function resolveRestTarget(ref: ClassRef, reads: KubeReads, signal?: AbortSignal): Promise<RestTarget> {
  const what = `KafkaRestClass ${ref.namespace}/${ref.name}`;
  const krc: KafkaRestClassObject | undefined = await reads.getKafkaRestClass(ref.namespace, ref.name, signal);
  if (!krc) throw new ResolutionError('KafkaRestClassNotFound', `${what} not found`);
  const rest = krc.spec?.kafkaRest;
  const target = targetOf(krc, ref, what);
  const ctx: ReadContext = { namespace: ref.namespace, reads, what, ...(signal ? { signal } : {}) };
  const tlsFiles = await readTls(rest, target, ctx);
  await applyAuthentication(rest?.authentication, tlsFiles, target, ctx);
  return target;
}

type KafkaRest = NonNullable<NonNullable<KafkaRestClassObject['spec']>['kafkaRest']>;
type RestAuthentication = NonNullable<KafkaRest['authentication']>;

/** Where and how a class's files are read, and the class's name for messages. */
interface ReadContext {
  namespace: string;
  reads: KubeReads;
  what: string;
  signal?: AbortSignal;
}

const readFilesOf = (source: FileSource, ctx: ReadContext, what: string): Promise<Record<string, Buffer>> =>
  readFiles(source, ctx.namespace, ctx.reads, what, ctx.signal);

/** The endpoint (explicit, or the stated kafkaClusterRef rule) without a trailing /, /kafka/v3 or /v3, and the cluster id. */
function targetOf(krc: KafkaRestClassObject, ref: ClassRef, what: string): RestTarget {
  const rest = krc.spec?.kafkaRest;
  const endpoint = rest?.endpoint?.trim() || endpointFromClusterRef(krc, ref.namespace);
  if (!endpoint) {
    throw new ResolutionError(
      'KafkaRestClassUnsupported',
      `${what} has neither spec.kafkaRest.endpoint nor spec.kafkaClusterRef: finding "the Kafka cluster in the same namespace" is not supported by this reconciler; set one of them`,
    );
  }
  if (!/^https?:\/\//.test(endpoint))
    throw new ResolutionError(
      'KafkaRestClassInvalid',
      `${what}: spec.kafkaRest.endpoint must start with http:// or https://`,
    );
  const target: RestTarget = {
    endpoint: endpoint
      .replace(/\/+$/, '')
      .replace(/\/kafka\/v3$/, '')
      .replace(/\/v3$/, ''),
  };
  if (rest?.kafkaClusterID) target.clusterId = rest.kafkaClusterID;
  return target;
}

/** spec.kafkaRest.tls: the CA to trust (PEM only, JKS is refused); the files are kept for mTLS. */
async function readTls(
  rest: KafkaRest | undefined,
  target: RestTarget,
  ctx: ReadContext,
): Promise<Record<string, Buffer> | undefined> {
  const tlsSource = sourceOf(rest?.tls);
  if (!tlsSource) return undefined;
  const { what } = ctx;
  const tlsFiles = await readFilesOf(tlsSource, ctx, `${what} spec.kafkaRest.tls`);
  if (tlsFiles['cacerts.pem'] === undefined && (tlsFiles['truststore.jks'] || tlsFiles['keystore.jks'])) {
    throw new ResolutionError(
      'UnsupportedTLS',
      `${what} spec.kafkaRest.tls: only PEM (cacerts.pem, fullchain.pem, privkey.pem) is supported, not JKS`,
    );
  }
  const ca = text(tlsFiles, 'cacerts.pem');
  if (ca) target.tls = { caPem: ca };
  return tlsFiles;
}

/** spec.kafkaRest.authentication → target.auth (basic, bearer/MDS) or the client certificate (mtls). */
async function applyAuthentication(
  auth: RestAuthentication | undefined,
  tlsFiles: Record<string, Buffer> | undefined,
  target: RestTarget,
  ctx: ReadContext,
): Promise<void> {
  switch (auth?.type) {
    case undefined:
      break;
    case 'basic':
      target.auth = await basicAuth(auth, ctx);
      break;
    case 'bearer':
      target.auth = await bearerAuth(auth, ctx);
      break;
    case 'mtls':
      mtlsAuth(tlsFiles, target, ctx.what);
      break;
    default:
      throw new ResolutionError(
        'UnsupportedAuthentication',
        `${ctx.what}: spec.kafkaRest.authentication.type "${String(auth?.type)}" is not supported by this reconciler (supported: basic, bearer, mtls); use one of them for the REST API`,
      );
  }
}

async function basicAuth(auth: RestAuthentication, ctx: ReadContext): Promise<NonNullable<RestTarget['auth']>> {
  const { what } = ctx;
  const source = sourceOf(auth.basic);
  if (!source)
    throw new ResolutionError(
      'KafkaRestClassInvalid',
      `${what}: authentication.basic needs secretRef or directoryPathInContainer`,
    );
  const files = await readFilesOf(source, ctx, `${what} authentication.basic`);
  const basic = parseKeyValueLines(text(files, 'basic.txt') ?? '');
  if (!basic.username || basic.password === undefined) {
    throw new ResolutionError(
      'InvalidSecret',
      `${what} authentication.basic: basic.txt needs username= and password= lines`,
    );
  }
  return { type: 'basic', username: basic.username, password: basic.password };
}

async function bearerAuth(auth: RestAuthentication, ctx: ReadContext): Promise<NonNullable<RestTarget['auth']>> {
  const { what } = ctx;
  const source = sourceOf(auth.bearer);
  if (!source)
    throw new ResolutionError(
      'KafkaRestClassInvalid',
      `${what}: authentication.bearer needs secretRef or directoryPathInContainer`,
    );
  const files = await readFilesOf(source, ctx, `${what} authentication.bearer`);
  const raw = (text(files, 'bearer.txt') ?? '').trim();
  const lines = parseKeyValueLines(raw);
  const token = lines.token ?? (raw !== '' && !raw.includes('=') && !raw.includes('\n') ? raw : undefined);
  if (token) return { type: 'bearer', token };
  // CFK's form: username=/password= lines, exchanged for a token at MDS (docs/reconciler.md#rest-endpoint).
  if (lines.username && lines.password !== undefined)
    return { type: 'mds', username: lines.username, password: lines.password };
  throw new ResolutionError(
    'InvalidSecret',
    `${what} authentication.bearer: bearer.txt needs username= and password= lines (or token=<value>)`,
  );
}

/** mTLS: the client certificate comes from the spec.kafkaRest.tls files. */
function mtlsAuth(tlsFiles: Record<string, Buffer> | undefined, target: RestTarget, what: string): void {
  if (!tlsFiles)
    throw new ResolutionError(
      'KafkaRestClassInvalid',
      `${what}: authentication.type mtls needs spec.kafkaRest.tls with the client certificate`,
    );
  const certPem = text(tlsFiles, 'fullchain.pem');
  const keyPem = text(tlsFiles, 'privkey.pem');
  if (!certPem || !keyPem)
    throw new ResolutionError('InvalidSecret', `${what} spec.kafkaRest.tls: mTLS needs fullchain.pem and privkey.pem`);
  target.tls = { ...(target.tls ?? {}), certPem, keyPem };
}
