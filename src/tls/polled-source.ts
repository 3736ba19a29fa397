// A TlsSource fed by a reader that is polled (the managed mode's serving Secret, read through the API by every
// replica: docs/install.md#managed-certificates). Until the first valid pair arrives it serves a throw-away
// certificate and says not ready (/readyz 503, so no traffic, and no crash loop); afterwards a new pair is adopted
// only when it parses and its key matches, like the file source.
import { createHash } from 'node:crypto';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { generateSelfSignedServing } from './generate.js';
import { checkTlsPair, type TlsMaterial, type TlsSource } from './source.js';

export interface PolledTlsSourceOptions {
  description: string;
  /** The current pair, or undefined while there is none; throws when it cannot be read now. */
  read: () => Promise<TlsMaterial | undefined>;
  intervalMs: number;
  logger: Logger;
  metrics?: Pick<Metrics, 'tlsReloads' | 'tlsCertificateExpiry'>;
}

export interface PolledTlsSource extends TlsSource {
  /** True once a real pair is served. */
  ready(): boolean;
  /** Reads now; resolves true when a new pair was adopted. */
  refresh(): Promise<boolean>;
}

const digest = (m: TlsMaterial): string =>
  createHash('sha256').update(m.certPem).update('\0').update(m.keyPem).digest('hex');

export function polledTlsSource(options: PolledTlsSourceOptions): PolledTlsSource {
  const log = options.logger.child({ component: 'tls' });
  const placeholder = generateSelfSignedServing(['localhost'], { days: 1 });
  let current: TlsMaterial = { certPem: placeholder.certPem, keyPem: placeholder.keyPem };
  let currentDigest = '';
  let lastFailure: string | undefined;
  let isReady = false;
  let closed = false;
  const listeners = new Set<(m: TlsMaterial) => void>();
  let running: Promise<boolean> | undefined;

  const once = async (): Promise<boolean> => {
    let next: TlsMaterial | undefined;
    try {
      next = await options.read();
    } catch (err) {
      const key = `read:${(err as Error).message}`;
      if (key !== lastFailure)
        log.warn({ err: { message: (err as Error).message } }, `cannot read ${options.description}`);
      lastFailure = key;
      return false;
    }
    if (next === undefined || closed) return false;
    const d = digest(next);
    if (d === currentDigest) return false;
    try {
      const summary = checkTlsPair(next);
      current = next;
      currentDigest = d;
      lastFailure = undefined;
      isReady = true;
      options.metrics?.tlsReloads.inc({ result: 'success' });
      options.metrics?.tlsCertificateExpiry.set(summary.notAfter.getTime() / 1000);
      log.info(
        {
          notAfter: summary.notAfter.toISOString(),
          subjectAltName: summary.subjectAltName,
          fingerprint256: summary.fingerprint256,
        },
        `serving certificate loaded from ${options.description}`,
      );
      for (const fn of listeners) fn(next);
      return true;
    } catch (err) {
      if (d !== lastFailure) {
        log.error(
          { reason: (err as Error).message },
          `the certificate in ${options.description} is rejected; keeping the current one`,
        );
        options.metrics?.tlsReloads.inc({ result: 'error' });
      }
      lastFailure = d;
      return false;
    }
  };
  const refresh = (): Promise<boolean> => {
    running ??= once().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void refresh(), options.intervalMs);
  timer.unref();
  void refresh();
  return {
    description: options.description,
    current: () => current,
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    ready: () => isReady,
    refresh,
    close: () => {
      closed = true;
      clearInterval(timer);
    },
  };
}
