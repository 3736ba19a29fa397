// The webhook's SecretSource: `get` of one named Secret with @kubernetes/client-node (no list/watch: least
// privilege), bounded by a hard per-lookup deadline, briefly cached, and shared between concurrent admissions.
// Failures are values (docs/rules.md#secret-checks): 404 → NotFound, 401/403 → Forbidden, 5xx/429/network → Unavailable,
// deadline → Timeout. Nothing logged or returned here contains a Secret value.
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../observability/log.js';
import { untilAborted } from '../lib/async.js';
import { ByteLru } from '../lib/byte-lru.js';
import { decodeSecretData } from './secret-data.js';
import type { SecretLookup, SecretSource } from '../secrets/types.js';
import { describeKubeError } from './kubeconfig.js';
import { requestOptions } from './request-options.js';

export interface KubeSecretSourceOptions {
  /** Hard deadline of one lookup, well inside the 2 s admission budget (default 1000 ms). */
  timeoutMs?: number;
  /** How long a Secret that was read is reused (default 5000 ms). */
  cacheTtlMs?: number;
  /** How long a NotFound is reused (default 2000 ms): GitOps may create the Secret right after the link. */
  notFoundTtlMs?: number;
  /** Cache size bound: the bytes of the Secrets' data held (default 16 MiB; a Secret over a quarter is not kept). */
  maxCacheBytes?: number;
  logger?: Pick<Logger, 'debug' | 'warn'>;
  /** Clock for the cache (tests). */
  now?: () => number;
}

/** The calls this source needs; client-node's CoreV1Api satisfies it (tests may pass a stand-in). */
export interface SecretReader {
  readNamespacedSecret(
    param: { name: string; namespace: string },
    options?: ReturnType<typeof requestOptions>,
  ): Promise<{ data?: { [key: string]: string } }>;
}

export interface KubeSecretSource extends SecretSource {
  /** Forget cached answers (e.g. after a Secret was changed in a test). */
  clearCache(): void;
  /** Lookups currently in flight (tests, diagnostics). */
  inFlight(): number;
  /** Bytes of Secret data the cache holds now (tests, diagnostics). */
  cachedBytes(): number;
}

export function createKubeSecretSource(
  kubeConfig: KubeConfig,
  options: KubeSecretSourceOptions = {},
): KubeSecretSource {
  return createSecretSourceFromReader(kubeConfig.makeApiClient(CoreV1Api), options);
}

export function createSecretSourceFromReader(
  reader: SecretReader,
  options: KubeSecretSourceOptions = {},
): KubeSecretSource {
  const timeoutMs = options.timeoutMs ?? 1000;
  const now = options.now ?? Date.now;
  const cache = lookupCache(options, now);
  const inflight = new Map<string, Promise<SecretLookup>>();
  const gaveUp = (): SecretLookup => ({ found: false, reason: 'Timeout', message: 'caller gave up' });

  return {
    async get(namespace: string, name: string, signal: AbortSignal): Promise<SecretLookup> {
      const key = `${namespace}/${name}`;
      if (signal.aborted) return gaveUp();
      const hit = cache.get(key);
      if (hit) return hit;
      let pending = inflight.get(key);
      if (!pending) {
        // One request per Secret however many admissions ask at once; it runs under its own deadline, not
        // under any one caller's signal, so a caller giving up does not fail the others.
        pending = fetchSecret(reader, namespace, name, { timeoutMs, now, logger: options.logger }).then((value) => {
          cache.remember(key, value);
          return value;
        });
        const shared = pending;
        inflight.set(key, shared);
        void shared
          .finally(() => {
            if (inflight.get(key) === shared) inflight.delete(key);
          })
          .catch(() => undefined);
      }
      return untilAborted(pending, signal, gaveUp);
    },
    cached: (namespace: string, name: string) => cache.get(`${namespace}/${name}`),
    clearCache: () => cache.clear(),
    inFlight: () => inflight.size,
    cachedBytes: () => cache.bytes(),
  };
}

/** What a cached answer costs: its data plus a fixed allowance for keys and objects. */
const ENTRY_OVERHEAD_BYTES = 256;
function lookupBytes(value: SecretLookup): number {
  if (!value.found) return ENTRY_OVERHEAD_BYTES;
  let bytes = ENTRY_OVERHEAD_BYTES;
  for (const [key, data] of Object.entries(value.data)) bytes += key.length + data.length;
  return bytes;
}

/**
 * Found Secrets for cacheTtlMs, NotFound for notFoundTtlMs, other failures not at all. Bounded by bytes and
 * expired on time (docs/webhook.md#hostile-input): 200 distinct 1 MiB Secrets must not pin 200 MiB, and the
 * memory comes back when the TTL is over even if nobody asks again.
 */
function lookupCache(options: KubeSecretSourceOptions, now: () => number) {
  const cacheTtlMs = options.cacheTtlMs ?? 5000;
  const notFoundTtlMs = options.notFoundTtlMs ?? 2000;
  const cache = new ByteLru<SecretLookup>({ maxBytes: options.maxCacheBytes ?? 16 * 1024 * 1024, now });
  return {
    get: (key: string): SecretLookup | undefined => cache.get(key),
    remember(key: string, value: SecretLookup): void {
      const ttl = value.found ? cacheTtlMs : value.reason === 'NotFound' ? notFoundTtlMs : 0;
      cache.set(key, value, lookupBytes(value), ttl);
    },
    clear: () => cache.clear(),
    bytes: () => cache.bytes,
  };
}

/** One read of a Secret under its own deadline; never throws. */
async function fetchSecret(
  reader: SecretReader,
  namespace: string,
  name: string,
  deps: { timeoutMs: number; now: () => number; logger: KubeSecretSourceOptions['logger'] },
): Promise<SecretLookup> {
  const { timeoutMs, now } = deps;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref(); // a pending lookup never keeps the process alive
  const started = now();
  try {
    // The abort cuts the HTTP request; the race answers even if some step before it (auth) ignores the signal.
    const request = reader
      .readNamespacedSecret({ name, namespace }, requestOptions({ signal: controller.signal }))
      .then((secret): SecretLookup => ({ found: true, data: decodeSecretData(secret.data) }))
      .catch((err: unknown) => classify(err, controller.signal.aborted, timeoutMs));
    const result = await untilAborted(request, controller.signal, () => timedOut(timeoutMs));
    if (!result.found) {
      deps.logger?.debug(
        { namespace, secretName: name, reason: result.reason, detail: result.message, ms: now() - started },
        'secret lookup failed',
      );
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

function timedOut(timeoutMs: number): SecretLookup {
  return { found: false, reason: 'Timeout', message: `no answer within ${timeoutMs} ms` };
}

/** Maps a client-node error to a lookup failure; `message` is a short description without Secret data. */
export function classify(err: unknown, aborted: boolean, timeoutMs: number): SecretLookup {
  if (aborted) return timedOut(timeoutMs);
  const code =
    err instanceof ApiException
      ? err.code
      : typeof (err as { code?: unknown })?.code === 'number'
        ? (err as { code: number }).code
        : undefined;
  if (code === 404) return { found: false, reason: 'NotFound', message: 'HTTP 404' };
  if (code === 401 || code === 403) return { found: false, reason: 'Forbidden', message: safeDescription(err, code) };
  if (code !== undefined) return { found: false, reason: 'Unavailable', message: safeDescription(err, code) };
  return {
    found: false,
    reason: 'Unavailable',
    message: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'request failed',
  };
}

function safeDescription(err: unknown, code: number): string {
  // A 2xx "error" is a body that did not deserialise: it may be the Secret itself, so never look inside it.
  if (code >= 200 && code < 300) return `HTTP ${code}: unreadable response`;
  return describeKubeError(err).slice(0, 300);
}
