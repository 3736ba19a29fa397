// Prometheus metrics (prom-client). One registry per process in production (`sharedMetrics()`);
// tests and benchmarks make their own with `createMetrics()` so counts never leak between them.
// Labels are small fixed sets: never a name, namespace or secret value.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createAdmissionRecorder, type AdmissionRecorder } from './admission-recorder.js';

export type { WebhookName } from './admission-recorder.js';

export interface Metrics {
  registry: Registry;
  /** Admission reviews answered, by webhook, operation and outcome (`allowed` "true"/"false"). */
  admissionRequests: Counter<'webhook' | 'operation' | 'allowed'>;
  /** Time from a parsed review to its response. */
  admissionDuration: Histogram<'webhook' | 'operation'>;
  /** Reviews answered without a full decision: internal error, timeout, or malformed input. */
  admissionErrors: Counter<'webhook' | 'reason'>;
  /** Reviews passed through untouched (not a ClusterLink, sub-resource, deleting, other operation). */
  admissionSkipped: Counter<'webhook' | 'reason'>;
  admissionInFlight: Gauge<'webhook'>;
  /**
   * What the review handler records into admissionRequests, admissionDuration and admissionInFlight: plain numbers the
   * three take when collected (docs/performance.md#the-hot-path).
   */
  admission: AdmissionRecorder;
  /** Incremented by the secret checker (src/secrets) whenever a lookup fails. */
  secretLookupFailures: Counter<'reason'>;
  /** Serving certificate reloads by result ("success" / "error"). */
  tlsReloads: Counter<'result'>;
  /** notAfter of the serving certificate, seconds since the epoch. */
  tlsCertificateExpiry: Gauge;
  /** Exceptions asked for by the skip-rules annotation (docs/rules.md#exceptions), by result. */
  exceptions: Counter<'result'>;
  /** Errors the last audit pass found, by namespace and rule (docs/audit.md). */
  auditViolations: Gauge<'namespace' | 'rule'>;
  /** Audit passes, by result (success, error). */
  auditRuns: Counter<'result'>;
}

export interface CreateMetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC); default true. */
  defaultMetrics?: boolean;
  prefix?: string;
}

/** Latency buckets in seconds: ms-level resolution up to the 2 s response budget and beyond. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5];

/** What every family builder needs: the name prefix and the registry (prom-client registers on construction). */
interface Family {
  prefix: string;
  registers: Registry[];
}

type AdmissionMetrics = Pick<
  Metrics,
  'admissionRequests' | 'admissionDuration' | 'admissionErrors' | 'admissionSkipped' | 'admissionInFlight' | 'admission'
>;

function admissionMetrics({ prefix, registers }: Family): AdmissionMetrics {
  const hot = createAdmissionRecorder(LATENCY_BUCKETS);
  return {
    admission: hot.recorder,
    admissionRequests: new Counter({
      name: `${prefix}admission_requests_total`,
      help: 'Admission reviews answered, by webhook, operation and whether the request was allowed.',
      labelNames: ['webhook', 'operation', 'allowed'],
      registers,
      collect() {
        hot.collectRequests(this);
      },
    }),
    admissionDuration: new Histogram({
      name: `${prefix}admission_duration_seconds`,
      help: 'Time to answer an admission review, from parsed body to response.',
      labelNames: ['webhook', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
      collect() {
        hot.collectDuration(this);
      },
    }),
    admissionErrors: new Counter({
      name: `${prefix}admission_errors_total`,
      help: 'Admission reviews answered without a full decision (reason: internal, timeout, malformed, too_large).',
      labelNames: ['webhook', 'reason'],
      registers,
    }),
    admissionSkipped: new Counter({
      name: `${prefix}admission_skipped_total`,
      help: 'Admission reviews allowed untouched because they are out of scope.',
      labelNames: ['webhook', 'reason'],
      registers,
    }),
    admissionInFlight: new Gauge({
      name: `${prefix}admission_requests_in_flight`,
      help: 'Admission reviews being processed.',
      labelNames: ['webhook'],
      registers,
      collect() {
        hot.collectInFlight(this);
      },
    }),
  };
}

function secretMetrics({ prefix, registers }: Family): Pick<Metrics, 'secretLookupFailures'> {
  return {
    secretLookupFailures: new Counter({
      name: `${prefix}secret_lookup_failures_total`,
      help: 'Secret lookups by the validating webhook that failed, by reason.',
      labelNames: ['reason'],
      registers,
    }),
  };
}

function tlsReloadMetrics({ prefix, registers }: Family): Pick<Metrics, 'tlsReloads'> {
  return {
    tlsReloads: new Counter({
      name: `${prefix}tls_reloads_total`,
      help: 'Serving certificate reload attempts, by result.',
      labelNames: ['result'],
      registers,
    }),
  };
}

function exceptionMetrics({ prefix, registers }: Family): Pick<Metrics, 'exceptions'> {
  return {
    exceptions: new Counter({
      name: `${prefix}exceptions_total`,
      help: 'Exceptions asked for with the skip-rules annotation, by result (granted, refused).',
      labelNames: ['result'],
      registers,
    }),
  };
}

function auditMetrics({ prefix, registers }: Family): Pick<Metrics, 'auditViolations' | 'auditRuns'> {
  return {
    auditViolations: new Gauge({
      name: `${prefix}audit_violations`,
      help: 'Rule violations of stored ClusterLinks found by the last audit pass, by namespace and rule.',
      labelNames: ['namespace', 'rule'],
      registers,
    }),
    auditRuns: new Counter({
      name: `${prefix}audit_runs_total`,
      help: 'Audit passes over the stored ClusterLinks, by result.',
      labelNames: ['result'],
      registers,
    }),
  };
}

function tlsExpiryMetrics({ prefix, registers }: Family): Pick<Metrics, 'tlsCertificateExpiry'> {
  return {
    tlsCertificateExpiry: new Gauge({
      name: `${prefix}tls_certificate_expiry_timestamp_seconds`,
      help: 'Expiry (notAfter) of the serving certificate in use, as a Unix timestamp.',
      registers,
    }),
  };
}

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? 'clusterlink_webhook_';
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const family: Family = { prefix, registers: [registry] };
  // Each metric registers when it is constructed, and /metrics lists them in that order: the spreads run left to
  // right in the order the metrics have always been exposed in (the TLS expiry gauge last, after the audit family),
  // so scrapes and snapshot diffs stay the same.
  return {
    registry,
    ...admissionMetrics(family),
    ...secretMetrics(family),
    ...tlsReloadMetrics(family),
    ...exceptionMetrics(family),
    ...auditMetrics(family),
    ...tlsExpiryMetrics(family),
  };
}

let shared: Metrics | undefined;

/** The process-wide metrics that `serve` exposes on /metrics. */
export function sharedMetrics(): Metrics {
  shared ??= createMetrics();
  return shared;
}
