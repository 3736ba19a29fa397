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

class Listeners {
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

const digest = (m: TlsMaterial): string =>
  createHash('sha256').update(m.certPem).update('\0').update(m.keyPem).digest('hex');

/** Loads the pair (throws if the first load fails), then follows changes. */
export async function fileTlsSource(options: FileTlsSourceOptions): Promise<FileTlsSource> {
  const { certFile, keyFile, logger } = options;
  const log = logger.child({ component: 'tls' });
  const readText = options.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const readOnce = async (): Promise<TlsMaterial> => ({
    certPem: await readText(certFile),
    keyPem: await readText(keyFile),
  });
  // The two files are two reads: a writer between them (or a partly written file) gives a pair that never
  // existed on disk. Read the pair until two consecutive reads agree (docs/webhook.md#tls).
  const read = async (): Promise<TlsMaterial> => {
    let previous = await readOnce();
    for (let attempt = 0; attempt < MAX_PAIR_READS; attempt++) {
      const next = await readOnce();
      if (digest(next) === digest(previous)) return next;
      previous = next;
    }
    throw new Error(`the certificate files kept changing over ${MAX_PAIR_READS + 1} reads`);
  };

  let material = await read();
  let summary = checkTlsPair(material);
  let currentDigest = digest(material);
  let lastFailure: string | undefined;
  options.metrics?.tlsCertificateExpiry.set(summary.notAfter.getTime() / 1000);
  log.info(
    { certFile, keyFile, notAfter: summary.notAfter.toISOString(), subjectAltName: summary.subjectAltName },
    'serving certificate loaded',
  );
  warnIfExpiring(log, summary);

  const listeners = new Listeners();
  let closed = false;

  const attempt = async (): Promise<boolean> => {
    let next: TlsMaterial;
    try {
      next = await read();
    } catch (err) {
      const key = `read:${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      if (key !== lastFailure)
        log.error(
          { err: { message: (err as Error).message }, certFile, keyFile },
          'cannot read the serving certificate files; keeping the current certificate',
        );
      lastFailure = key;
      options.metrics?.tlsReloads.inc({ result: 'error' });
      return false;
    }
    const nextDigest = digest(next);
    if (nextDigest === currentDigest) return false;
    try {
      const nextSummary = checkTlsPair(next);
      material = next;
      summary = nextSummary;
      currentDigest = nextDigest;
      lastFailure = undefined;
      options.metrics?.tlsReloads.inc({ result: 'success' });
      options.metrics?.tlsCertificateExpiry.set(summary.notAfter.getTime() / 1000);
      log.info(
        {
          notAfter: summary.notAfter.toISOString(),
          subjectAltName: summary.subjectAltName,
          fingerprint256: summary.fingerprint256,
        },
        'serving certificate reloaded',
      );
      warnIfExpiring(log, summary);
      listeners.emit(material, log);
      return true;
    } catch (err) {
      if (nextDigest !== lastFailure) {
        log.error(
          { reason: (err as Error).message, certFile, keyFile },
          'new serving certificate rejected; keeping the current one',
        );
        options.metrics?.tlsReloads.inc({ result: 'error' });
      }
      lastFailure = nextDigest;
      return false;
    }
  };

  // One reload at a time. Callers that arrive while one runs share the next run (which starts after it and
  // so sees their change); each gets that run's own result.
  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<boolean> | undefined;
  const reload = (): Promise<boolean> => {
    if (closed) return Promise.resolve(false);
    if (queued) return queued;
    const next = chain.then(() => {
      queued = undefined;
      return closed ? false : attempt();
    });
    queued = next;
    chain = next.catch(() => undefined);
    return next;
  };

  let debounce: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void reload(), options.debounceMs ?? 100);
    debounce.unref();
  };

  const watchers: FSWatcher[] = [];
  if (options.watch ?? true) {
    for (const dir of new Set([dirname(certFile), dirname(keyFile)])) {
      try {
        const w = watch(dir, { persistent: false }, schedule);
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
  }
  const pollMs = options.pollIntervalMs ?? 10_000;
  const poll = pollMs > 0 ? setInterval(() => void reload(), pollMs) : undefined;
  poll?.unref();

  return {
    description: `files ${certFile}, ${keyFile}`,
    current: () => material,
    subscribe: (fn) => listeners.add(fn),
    reload,
    close: () => {
      closed = true;
      if (debounce) clearTimeout(debounce);
      if (poll) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}

function warnIfExpiring(log: Logger, summary: CertificateSummary): void {
  const left = summary.notAfter.getTime() - Date.now();
  if (left <= 0) log.warn({ notAfter: summary.notAfter.toISOString() }, 'serving certificate has expired');
  else if (left < 30 * 86_400_000)
    log.warn({ notAfter: summary.notAfter.toISOString() }, 'serving certificate expires within 30 days');
}
