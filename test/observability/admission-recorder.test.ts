// The admission recorder (plain numbers on the hot path, handed to prom-client when collected) must expose exactly
// what direct prom-client updates expose: same names, labels, values, series order, at every scrape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATION_LABELS, operationLabel } from '../../src/observability/admission-recorder.js';
import { createMetrics, type Metrics, type WebhookName } from '../../src/observability/metrics.js';

type Step =
  | { start: WebhookName }
  | { end: WebhookName }
  | { answer: WebhookName; operation: string; allowed: boolean; seconds: number }
  | 'scrape';

/** What the server did before the recorder: four labelled prom-client updates per review. */
function direct(metrics: Metrics, step: Exclude<Step, 'scrape'>): void {
  if ('start' in step) metrics.admissionInFlight.inc({ webhook: step.start });
  else if ('end' in step) metrics.admissionInFlight.dec({ webhook: step.end });
  else {
    const operation = operationLabel(step.operation);
    metrics.admissionDuration.observe({ webhook: step.answer, operation }, step.seconds);
    metrics.admissionRequests.inc({ webhook: step.answer, operation, allowed: String(step.allowed) });
  }
}

function recorded(metrics: Metrics, step: Exclude<Step, 'scrape'>): void {
  if ('start' in step) metrics.admission.started(step.start);
  else if ('end' in step) metrics.admission.ended(step.end);
  else metrics.admission.answered(step.answer, operationLabel(step.operation), step.allowed, step.seconds);
}

const review = (webhook: WebhookName, operation: string, allowed: boolean, seconds: number): Step[] => [
  { start: webhook },
  { end: webhook },
  { answer: webhook, operation, allowed, seconds },
];

const SCENARIOS: Array<[string, Step[]]> = [
  ['nothing recorded', ['scrape']],
  ['one review', [...review('validate', 'CREATE', false, 0.0021), 'scrape']],
  [
    'mutate before validate, every operation, bucket bounds and beyond the last bucket',
    [
      ...review('mutate', 'UPDATE', true, 0.0005),
      ...review('validate', 'CREATE', true, 0.001),
      ...review('mutate', 'DELETE', true, 7.5),
      ...review('validate', 'CONNECT', true, 2),
      ...review('validate', 'PATCH', true, 0.03),
      ...review('validate', 'CREATE', false, 0),
      'scrape',
      ...review('validate', 'CREATE', true, 0.000123456789),
      ...review('mutate', 'UPDATE', true, 0.1 + 0.2),
      'scrape',
      'scrape',
    ],
  ],
  [
    'reviews in flight at a scrape',
    [{ start: 'validate' }, { start: 'validate' }, { start: 'mutate' }, 'scrape', { end: 'validate' }, 'scrape'],
  ],
  [
    'many reviews (sums add up in the same order)',
    Array.from({ length: 500 }, (_, i) =>
      review(i % 3 === 0 ? 'mutate' : 'validate', OPERATION_LABELS[i % 5]!, i % 7 !== 0, (i % 13) * 0.00137),
    ).flat(),
  ],
];

describe('admission recorder: the same /metrics as direct prom-client updates', () => {
  for (const [name, steps] of SCENARIOS) {
    test(name, async () => {
      const expected = createMetrics({ defaultMetrics: false });
      const actual = createMetrics({ defaultMetrics: false });
      for (const step of [...steps, 'scrape' as const]) {
        if (step === 'scrape') {
          assert.equal(await actual.registry.metrics(), await expected.registry.metrics());
          assert.deepEqual(await actual.registry.getMetricsAsJSON(), await expected.registry.getMetricsAsJSON());
          continue;
        }
        direct(expected, step);
        recorded(actual, step);
      }
      // get() of a single metric collects too.
      assert.deepEqual(await actual.admissionRequests.get(), await expected.admissionRequests.get());
      assert.deepEqual(await actual.admissionDuration.get(), await expected.admissionDuration.get());
    });
  }

  test('operation labels are bounded', () => {
    const cases: Array<[string, string]> = [
      ['CREATE', 'CREATE'],
      ['UPDATE', 'UPDATE'],
      ['DELETE', 'DELETE'],
      ['CONNECT', 'CONNECT'],
      ['PATCH', 'other'],
      ['create', 'other'],
      ['', 'other'],
    ];
    for (const [operation, label] of cases) assert.equal(operationLabel(operation), label);
  });
});
