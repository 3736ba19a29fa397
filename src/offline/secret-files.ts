// A SecretSource backed by v1 Secret manifests on disk, so the docs/rules.md#secret-checks checks run offline (in CI, on the
// same manifests GitOps will apply). Values never leave this module except to the checker.
import { asRecord, asString } from '../lib/json.js';
import type { SecretLookup, SecretSource } from '../secrets/types.js';
import type { ManifestInput } from './input.js';
import { identify, loadManifests, type LoadProblem } from './manifests.js';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class ManifestSecretSource implements SecretSource {
  constructor(private readonly secrets: ReadonlyMap<string, Record<string, Buffer>>) {}

  get size(): number {
    return this.secrets.size;
  }

  async get(namespace: string, name: string, _signal?: AbortSignal): Promise<SecretLookup> {
    return this.cached(namespace, name);
  }

  /** Everything is in memory: every answer is at once. */
  cached(namespace: string, name: string): SecretLookup {
    const data = this.secrets.get(`${namespace}/${name}`);
    if (data) return { found: true, data: { ...data } };
    return {
      found: false,
      reason: 'NotFound',
      message: `secrets "${name}" not found in the Secret manifests given (namespace ${namespace})`,
    };
  }
}

function isSecret(object: unknown): boolean {
  const record = asRecord(object);
  return record?.apiVersion === 'v1' && record.kind === 'Secret';
}

/** A Secret's data as the API server stores it: `data` (base64) with `stringData` merged over it. */
function secretData(object: unknown): { data: Record<string, Buffer>; problems: string[] } {
  const record = asRecord(object) ?? {};
  const data: Record<string, Buffer> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(asRecord(record.data) ?? {})) {
    const text = asString(value);
    if (text === undefined || !STRICT_BASE64.test(text)) problems.push(`data[${key}]: not valid base64`);
    else data[key] = Buffer.from(text, 'base64');
  }
  for (const [key, value] of Object.entries(asRecord(record.stringData) ?? {})) {
    const text = asString(value);
    if (text === undefined) problems.push(`stringData[${key}]: must be a string`);
    else data[key] = Buffer.from(text, 'utf8');
  }
  return { data, problems };
}

/**
 * Reads every v1 Secret under `inputs` (files or directories). Other kinds are ignored. A Secret without a
 * namespace is taken to live in `defaultNamespace`, as kubectl would apply it.
 */
export async function loadSecretManifests(
  inputs: readonly string[],
  io: ManifestInput,
  defaultNamespace: string,
): Promise<{ source: ManifestSecretSource; problems: LoadProblem[] }> {
  const { manifests, problems } = await loadManifests(inputs, io);
  const secrets = new Map<string, Record<string, Buffer>>();
  const seenAt = new Map<string, string>();
  for (const manifest of manifests) {
    if (!isSecret(manifest.object)) continue;
    const identity = identify(manifest.object, defaultNamespace);
    if (identity.name === undefined) {
      problems.push({ ref: manifest.ref, message: 'Secret without metadata.name' });
      continue;
    }
    const key = `${identity.namespace}/${identity.name}`;
    const earlier = seenAt.get(key);
    if (earlier !== undefined) {
      problems.push({ ref: manifest.ref, message: `Secret ${key} is also defined at ${earlier}` });
      continue;
    }
    const { data, problems: dataProblems } = secretData(manifest.object);
    for (const message of dataProblems) problems.push({ ref: manifest.ref, message: `Secret ${key}: ${message}` });
    seenAt.set(key, manifest.ref);
    secrets.set(key, data);
  }
  return { source: new ManifestSecretSource(secrets), problems };
}
