// The admission hot path's metrics as plain numbers (docs/performance.md#the-hot-path): a labelled prom-client update
// hashes and validates its labels on every call, four of them per review. Here a review adds to counters indexed by
// webhook and operation, and the prom-client metrics take the totals when they are collected (a /metrics scrape or
// `get()`), so the exported names, labels, values and series order are those the direct updates gave.
import type { Counter, Gauge, Histogram } from 'prom-client';

export type WebhookName = 'mutate' | 'validate';

/** The bounded operation label: whatever a client sends, at most five series per webhook. */
export const OPERATION_LABELS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'other'] as const;
export type OperationLabel = (typeof OPERATION_LABELS)[number];

export function operationLabel(operation: string): OperationLabel {
  switch (operation) {
    case 'CREATE':
    case 'UPDATE':
    case 'DELETE':
    case 'CONNECT':
      return operation;
    default:
      return 'other';
  }
}

export interface AdmissionRecorder {
  /** A review of `webhook` started (the in-flight gauge). */
  started(webhook: WebhookName): void;
  /** It ended, answered or not. */
  ended(webhook: WebhookName): void;
  /** Its answer: the requests counter and the duration histogram. */
  answered(webhook: WebhookName, operation: OperationLabel, allowed: boolean, seconds: number): void;
}

/** One histogram series as prom-client keeps it (lib/histogram.js createBaseValues). */
interface HistogramEntry {
  labels: Record<string, string>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** A series of the duration histogram, with prom-client's own entry once it was created. */
interface DurationSeries {
  labels: { webhook: WebhookName; operation: OperationLabel };
  buckets: number[];
  sum: number;
  count: number;
  entry?: HistogramEntry;
}

interface RequestSeries {
  labels: { webhook: WebhookName; operation: OperationLabel; allowed: 'true' | 'false' };
  total: number;
  exported: number;
}

export interface AdmissionMetricFamilies {
  requests: Counter<'webhook' | 'operation' | 'allowed'>;
  duration: Histogram<'webhook' | 'operation'>;
  inFlight: Gauge<'webhook'>;
  buckets: readonly number[];
}

const webhookIndex = (webhook: WebhookName): number => (webhook === 'mutate' ? 0 : 1);
const operationIndex = (operation: OperationLabel): number => OPERATION_LABELS.indexOf(operation);

/** Plain-number totals of the three admission metrics; series kept in the order they were first touched. */
class AdmissionTotals implements AdmissionRecorder {
  private readonly requests: Array<RequestSeries | undefined> = [];
  private readonly durations: Array<DurationSeries | undefined> = [];
  private readonly requestOrder: RequestSeries[] = [];
  private readonly durationOrder: DurationSeries[] = [];
  private readonly inFlight = [0, 0];
  private readonly inFlightOrder: WebhookName[] = [];

  constructor(private readonly buckets: readonly number[]) {}

  started(webhook: WebhookName): void {
    const i = webhookIndex(webhook);
    if (!this.inFlightOrder.includes(webhook)) this.inFlightOrder.push(webhook);
    this.inFlight[i]!++;
  }

  ended(webhook: WebhookName): void {
    this.inFlight[webhookIndex(webhook)]!--;
  }

  answered(webhook: WebhookName, operation: OperationLabel, allowed: boolean, seconds: number): void {
    const slot = webhookIndex(webhook) * OPERATION_LABELS.length + operationIndex(operation);
    this.observe(this.durations[slot] ?? this.newDuration(slot, webhook, operation), seconds);
    const r = slot * 2 + (allowed ? 1 : 0);
    (this.requests[r] ?? this.newRequests(r, webhook, operation, allowed)).total++;
  }

  /** prom-client's findBound: the first bound the value does not exceed; above the last one only the count grows. */
  private observe(d: DurationSeries, seconds: number): void {
    const { buckets } = this;
    for (let b = 0; b < buckets.length; b++) {
      if (seconds <= buckets[b]!) {
        d.buckets[b]!++;
        break;
      }
    }
    d.sum += seconds;
    d.count++;
  }

  private newDuration(slot: number, webhook: WebhookName, operation: OperationLabel): DurationSeries {
    const d = { labels: { webhook, operation }, buckets: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.durations[slot] = d;
    this.durationOrder.push(d);
    return d;
  }

  private newRequests(r: number, webhook: WebhookName, operation: OperationLabel, allowed: boolean): RequestSeries {
    const s: RequestSeries = {
      labels: { webhook, operation, allowed: allowed ? 'true' : 'false' },
      total: 0,
      exported: 0,
    };
    this.requests[r] = s;
    this.requestOrder.push(s);
    return s;
  }

  collectRequests(counter: Counter<'webhook' | 'operation' | 'allowed'>): void {
    for (const s of this.requestOrder) {
      // inc() even by 0 for a new series, so it is listed as soon as it was counted
      counter.inc(s.labels, s.total - s.exported);
      s.exported = s.total;
    }
  }

  /**
   * Writes the totals into prom-client's own series (created with zero(), found by their labels object): the
   * histogram has no public call to add a bucket count. test/observability/admission-recorder.test.ts checks the
   * result against direct observe() calls, so a prom-client change shows there.
   */
  collectDuration(histogram: Histogram<'webhook' | 'operation'>): void {
    const map = (histogram as unknown as { hashMap: Record<string, HistogramEntry> }).hashMap;
    for (const d of this.durationOrder) {
      if (!d.entry || !Object.values(map).includes(d.entry)) {
        histogram.zero(d.labels);
        d.entry = Object.values(map).find((e) => e.labels === d.labels);
      }
      const entry = d.entry;
      if (!entry) continue;
      this.buckets.forEach((bound, b) => (entry.bucketValues[String(bound)] = d.buckets[b]!));
      entry.sum = d.sum;
      entry.count = d.count;
    }
  }

  collectInFlight(gauge: Gauge<'webhook'>): void {
    for (const webhook of this.inFlightOrder) gauge.set({ webhook }, this.inFlight[webhookIndex(webhook)]!);
  }
}

/** The recorder, and the `collect` functions that hand its totals to the three prom-client metrics. */
export function createAdmissionRecorder(buckets: readonly number[]): {
  recorder: AdmissionRecorder;
  collectRequests(counter: Counter<'webhook' | 'operation' | 'allowed'>): void;
  collectDuration(histogram: Histogram<'webhook' | 'operation'>): void;
  collectInFlight(gauge: Gauge<'webhook'>): void;
} {
  const totals = new AdmissionTotals(buckets);
  return {
    recorder: totals,
    collectRequests: (counter) => totals.collectRequests(counter),
    collectDuration: (histogram) => totals.collectDuration(histogram),
    collectInFlight: (gauge) => totals.collectInFlight(gauge),
  };
}
