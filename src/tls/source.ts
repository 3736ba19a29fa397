// Where the serving certificate comes from: fixed material (generated at start-up) or a pair of PEM
// files that is re-read when it changes. Kubernetes updates a mounted Secret by swapping a symlink in the
// directory, and kubelet may lag, so we watch the directories (fs.watch) AND poll as a fallback.
// A new pair is only adopted after it parses and the key matches the certificate; a broken or half-written
// pair keeps the old one and logs an error (once per distinct content).
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';

export interface TlsMaterial {
  /** Serving certificate, optionally followed by intermediates (PEM). */
  certPem: string;
  /** Its private key (PEM). */
  keyPem: string;
}

export interface TlsSource {
  /** Human-readable origin, for logs. */
  readonly description: string;
  current(): TlsMaterial;
  /** Called with every new valid pair; returns an unsubscribe function. */
  subscribe(listener: (material: TlsMaterial) => void): () => void;
  /** Stops watching; idempotent. */
  close(): void;
  /** False while there is no real certificate yet (the managed mode before its first Secret): /readyz says 503. */
  ready?(): boolean;
}

export interface CertificateSummary {
  notAfter: Date;
  notBefore: Date;
  subjectAltName: string;
  /** SHA-256 fingerprint of the leaf certificate (never anything about the key). */
  fingerprint256: string;
}

/** Throws with a readable reason unless the pair is usable by a TLS server. */
export function checkTlsPair(material: TlsMaterial): CertificateSummary {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(material.certPem);
  } catch (err) {
    throw new Error(`certificate does not parse: ${(err as Error).message}`, { cause: err });
  }
  let key;
  try {
    key = createPrivateKey(material.keyPem);
  } catch {
    // The key parser's message can echo key material in some versions: keep ours generic, and no cause.

    throw new Error('private key does not parse (expected a PEM private key)');
  }
  if (!cert.checkPrivateKey(key)) throw new Error('private key does not match the certificate');
  try {
    createSecureContext({ cert: material.certPem, key: material.keyPem });
  } catch (err) {
    throw new Error(`TLS refuses the pair: ${(err as Error).message}`, { cause: err });
  }
  return {
    notAfter: new Date(cert.validTo),
    notBefore: new Date(cert.validFrom),
    subjectAltName: cert.subjectAltName ?? '',
    fingerprint256: cert.fingerprint256,
  };
}

/** The subscribers of a TlsSource: each gets every new pair; one that throws is logged and stops no other. */
export class Listeners {
  private readonly set = new Set<(m: TlsMaterial) => void>();
  add(fn: (m: TlsMaterial) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(m: TlsMaterial, log?: Logger): void {
    for (const fn of this.set) {
      try {
        fn(m);
      } catch (err) {
        log?.error({ err }, 'applying a new serving certificate failed');
      }
    }
  }
}

/** Material that never changes (a certificate generated at start-up). */
export function staticTlsSource(material: TlsMaterial, description = 'generated'): TlsSource {
  checkTlsPair(material);
  const listeners = new Listeners();
  return {
    description,
    current: () => material,
    subscribe: (fn) => listeners.add(fn),
    close: () => undefined,
  };
}

export interface FileTlsSourceOptions {
  certFile: string;
  keyFile: string;
  logger: Logger;
  metrics?: Pick<Metrics, 'tlsReloads' | 'tlsCertificateExpiry'>;
  /** Polling fallback interval (default 10 s); 0 disables polling. */
  pollIntervalMs?: number;
  /** Quiet period after a file event before re-reading (default 100 ms): writers rarely swap both files at once. */
  debounceMs?: number;
  /** Disable fs.watch (tests of the polling path). */
  watch?: boolean;
  /** How a file is read (tests of torn reads); default fs.readFile as UTF-8. */
  readFile?: (path: string) => Promise<string>;
}

export interface FileTlsSource extends TlsSource {
  /** Re-reads the files now; resolves true when a new pair was adopted. */
  reload(): Promise<boolean>;
}

/** Reads of the pair after the first before giving up on a stable one (the next poll or event tries again). */
const MAX_PAIR_READS = 5;

/** Identity of a certificate and key pair: a reload that reads the same pair again adopts nothing. */
export const materialDigest = (m: TlsMaterial): string =>
  createHash('sha256').update(m.certPem).update('\0').update(m.keyPem).digest('hex');

/** The pair being served, and what the last failed reload saw (so each distinct failure is logged once). */
interface ServedPair {
  material: TlsMaterial;
  summary: CertificateSummary;
  digest: string;
  lastFailure?: string;
}

interface ReloadContext {
  read: () => Promise<TlsMaterial>;
  options: FileTlsSourceOptions;
  log: Logger;
  listeners: Listeners;
}

/**
 * The two files are two reads: a writer between them (or a partly written file) gives a pair that never existed
 * on disk. The pair is read until two consecutive reads agree (docs/webhook.md#tls).
 */
function stablePairReader(options: FileTlsSourceOptions): () => Promise<TlsMaterial> {
  const readText = options.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const readOnce = async (): Promise<TlsMaterial> => ({
    certPem: await readText(options.certFile),
    keyPem: await readText(options.keyFile),
  });
  return async () => {
    let previous = await readOnce();
    for (let attempt = 0; attempt < MAX_PAIR_READS; attempt++) {
      const next = await readOnce();
      if (materialDigest(next) === materialDigest(previous)) return next;
      previous = next;
    }
    throw new Error(`the certificate files kept changing over ${MAX_PAIR_READS + 1} reads`);
  };
}

/** Loads the pair (throws if the first load fails), then follows changes. */
export async function fileTlsSource(options: FileTlsSourceOptions): Promise<FileTlsSource> {
  const { certFile, keyFile } = options;
  const log = options.logger.child({ component: 'tls' });
  const read = stablePairReader(options);
  const served = await loadFirstPair(read, options, log);
  const ctx: ReloadContext = { read, options, log, listeners: new Listeners() };

  let closed = false;
  const reload = serialised(
    () => (closed ? Promise.resolve(false) : reloadOnce(served, ctx)),
    () => closed,
  );
  let debounce: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void reload(), options.debounceMs ?? 100);
    debounce.unref();
  };
  const watchers = (options.watch ?? true) ? watchDirectories([certFile, keyFile], schedule, log) : [];
  const pollMs = options.pollIntervalMs ?? 10_000;
  const poll = pollMs > 0 ? setInterval(() => void reload(), pollMs) : undefined;
  poll?.unref();

  return {
    description: `files ${certFile}, ${keyFile}`,
    current: () => served.material,
    subscribe: (fn) => ctx.listeners.add(fn),
    reload,
    close: () => {
      closed = true;
      if (debounce) clearTimeout(debounce);
      if (poll) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}

async function loadFirstPair(
  read: () => Promise<TlsMaterial>,
  options: FileTlsSourceOptions,
  log: Logger,
): Promise<ServedPair> {
  const material = await read();
  const summary = checkTlsPair(material);
  options.metrics?.tlsCertificateExpiry.set(summary.notAfter.getTime() / 1000);
  log.info(
    {
      certFile: options.certFile,
      keyFile: options.keyFile,
      notAfter: summary.notAfter.toISOString(),
      subjectAltName: summary.subjectAltName,
    },
    'serving certificate loaded',
  );
  warnIfExpiring(log, summary);
  return { material, summary, digest: materialDigest(material) };
}

/** One reload: read both files, and adopt the pair when it changed and is usable. True when adopted. */
async function reloadOnce(served: ServedPair, ctx: ReloadContext): Promise<boolean> {
  const { options, log } = ctx;
  let next: TlsMaterial;
  try {
    next = await ctx.read();
  } catch (err) {
    const key = `read:${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    if (key !== served.lastFailure)
      log.error(
        { err: { message: (err as Error).message }, certFile: options.certFile, keyFile: options.keyFile },
        'cannot read the serving certificate files; keeping the current certificate',
      );
    served.lastFailure = key;
    options.metrics?.tlsReloads.inc({ result: 'error' });
    return false;
  }
  const nextDigest = materialDigest(next);
  if (nextDigest === served.digest) return false;
  let summary: CertificateSummary;
  try {
    summary = checkTlsPair(next);
  } catch (err) {
    if (nextDigest !== served.lastFailure) {
      log.error(
        { reason: (err as Error).message, certFile: options.certFile, keyFile: options.keyFile },
        'new serving certificate rejected; keeping the current one',
      );
      options.metrics?.tlsReloads.inc({ result: 'error' });
    }
    served.lastFailure = nextDigest;
    return false;
  }
  adopt(served, { material: next, summary, digest: nextDigest }, ctx);
  return true;
}

function adopt(served: ServedPair, next: ServedPair, ctx: ReloadContext): void {
  Object.assign(served, next, { lastFailure: undefined });
  const { summary } = next;
  ctx.options.metrics?.tlsReloads.inc({ result: 'success' });
  ctx.options.metrics?.tlsCertificateExpiry.set(summary.notAfter.getTime() / 1000);
  ctx.log.info(
    {
      notAfter: summary.notAfter.toISOString(),
      subjectAltName: summary.subjectAltName,
      fingerprint256: summary.fingerprint256,
    },
    'serving certificate reloaded',
  );
  warnIfExpiring(ctx.log, summary);
  ctx.listeners.emit(next.material, ctx.log);
}

/**
 * One run of `attempt` at a time. Callers that arrive while one runs share the next run (which starts after it
 * and so sees their change); each gets that run's own result.
 */
function serialised(attempt: () => Promise<boolean>, isClosed: () => boolean): () => Promise<boolean> {
  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<boolean> | undefined;
  return () => {
    if (isClosed()) return Promise.resolve(false);
    if (queued) return queued;
    const next = chain.then(() => {
      queued = undefined;
      return attempt();
    });
    queued = next;
    chain = next.catch(() => undefined);
    return next;
  };
}

/** fs.watch on each file's directory (a mounted Secret changes by a symlink swap there); polling covers failures. */
function watchDirectories(files: readonly string[], onChange: () => void, log: Logger): FSWatcher[] {
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => dirname(f)))) {
    try {
      const w = watch(dir, { persistent: false }, onChange);
      w.on('error', (err) => {
        log.warn(
          { err: { message: err.message }, dir },
          'watching the certificate directory failed; relying on polling',
        );
        w.close();
      });
      watchers.push(w);
    } catch (err) {
      log.warn(
        { err: { message: (err as Error).message }, dir },
        'cannot watch the certificate directory; relying on polling',
      );
    }
  }
  return watchers;
}

function warnIfExpiring(log: Logger, summary: CertificateSummary): void {
  const left = summary.notAfter.getTime() - Date.now();
  if (left <= 0) log.warn({ notAfter: summary.notAfter.toISOString() }, 'serving certificate has expired');
  else if (left < 30 * 86_400_000)
    log.warn({ notAfter: summary.notAfter.toISOString() }, 'serving certificate expires within 30 days');
}
