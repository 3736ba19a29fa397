// A TlsSource fed by a reader that is polled (the managed mode's serving Secret, read through the API by every
// replica: docs/install.md#managed-certificates). Until the first valid pair arrives it serves a throw-away
// certificate and says not ready (/readyz 503, so no traffic, and no crash loop); afterwards a new pair is adopted
// only when it parses and its key matches, like the file source.
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { generateSelfSignedServing } from './generate.js';
import { checkTlsPair, Listeners, materialDigest, type TlsMaterial, type TlsSource } from './source.js';

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

/** What is served, and what the last failure was (each distinct failure is logged once). */
interface Served {
  material: TlsMaterial;
  digest: string;
  ready: boolean;
  closed: boolean;
  lastFailure?: string;
  listeners: Listeners;
}

/** Adopts `next` when it is a usable pair; true when adopted. */
function adopt(served: Served, next: TlsMaterial, d: string, options: PolledTlsSourceOptions, log: Logger): boolean {
  let summary;
  try {
    summary = checkTlsPair(next);
  } catch (err) {
    if (d !== served.lastFailure) {
      log.error(
        { reason: (err as Error).message },
        `the certificate in ${options.description} is rejected; keeping the current one`,
      );
      options.metrics?.tlsReloads.inc({ result: 'error' });
    }
    served.lastFailure = d;
    return false;
  }
  Object.assign(served, { material: next, digest: d, ready: true, lastFailure: undefined });
  options.metrics?.tlsReloads.inc({ result: 'success' });
  options.metrics?.tlsCertificateExpiry.set(summary.notAfter.getTime() / 1000);
  const { notAfter, subjectAltName, fingerprint256 } = summary;
  log.info(
    { notAfter: notAfter.toISOString(), subjectAltName, fingerprint256 },
    `serving certificate loaded from ${options.description}`,
  );
  served.listeners.emit(next, log);
  return true;
}

async function readOnce(served: Served, options: PolledTlsSourceOptions, log: Logger): Promise<boolean> {
  let next: TlsMaterial | undefined;
  try {
    next = await options.read();
  } catch (err) {
    const key = `read:${(err as Error).message}`;
    if (key !== served.lastFailure)
      log.warn({ err: { message: (err as Error).message } }, `cannot read ${options.description}`);
    served.lastFailure = key;
    return false;
  }
  if (next === undefined || served.closed) return false;
  const d = materialDigest(next);
  return d !== served.digest && adopt(served, next, d, options, log);
}

export function polledTlsSource(options: PolledTlsSourceOptions): PolledTlsSource {
  const log = options.logger.child({ component: 'tls' });
  const placeholder = generateSelfSignedServing(['localhost'], { days: 1 });
  const served: Served = {
    material: { certPem: placeholder.certPem, keyPem: placeholder.keyPem },
    digest: '',
    ready: false,
    closed: false,
    listeners: new Listeners(),
  };
  let running: Promise<boolean> | undefined;
  const refresh = (): Promise<boolean> => {
    running ??= readOnce(served, options, log).finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void refresh(), options.intervalMs);
  timer.unref();
  void refresh();
  return {
    description: options.description,
    current: () => served.material,
    subscribe: (fn) => served.listeners.add(fn),
    ready: () => served.ready,
    refresh,
    close: () => {
      served.closed = true;
      clearInterval(timer);
    },
  };
}
