// What the server does around the rules: internal errors, the response budget, warnings hygiene, and the
// webhook-specific shape of a response. Fake admitters stand in for the rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { invalid } from '../../src/clusterlink/field-errors.js';
import type { AdmissionDecision, AdmissionRequest, Admitter } from '../../src/admission/types.js';
import {
  clusterLinkReview,
  decodePatch,
  postReview,
  startWebhook,
  type RunningWebhook,
} from '../support/webhook-server.js';

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l1', namespace: 'ns' },
  spec: { name: 'l1' },
};
const allow = (warnings: string[] = []): AdmissionDecision => ({ allowed: true, errors: [], warnings });

/** Each test picks its behaviour through the request uid. */
type Behaviour = (
  req: AdmissionRequest,
  signal: AbortSignal,
  provisional?: (d: AdmissionDecision) => void,
) => Promise<AdmissionDecision>;
const behaviours = new Map<string, Behaviour>();
const seenSignals = new Map<string, AbortSignal>();
const dispatch: Admitter = async (req, { signal, provisional }) => {
  seenSignals.set(req.uid, signal);
  const b = behaviours.get(req.uid);
  return b ? b(req, signal, provisional) : allow();
};
const never = (): Promise<AdmissionDecision> => new Promise(() => undefined);
const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

let counter = 0;
function reviewWith(behaviour: Behaviour, object: unknown = LINK): Record<string, any> {
  const uid = `behaviour-${++counter}`;
  behaviours.set(uid, behaviour);
  return clusterLinkReview(object, { uid });
}

describe('around the rules', () => {
  let wh: RunningWebhook;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    wh = await startWebhook({
      admitters: { mutate: dispatch, validate: dispatch },
      admissionDeadlineMs: 100,
      admissionBudgetMs: 300,
    });
  });
  after(async () => {
    await wh.close();
    process.off('unhandledRejection', onUnhandled);
  });

  describe('internal errors (a thrown exception in the rules)', () => {
    const throwing: Array<[string, Behaviour]> = [
      [
        'throws synchronously',
        () => {
          throw new Error('boom');
        },
      ],
      ['rejects later', () => new Promise((_, reject) => setTimeout(() => reject(new Error('late boom')), 5))],
      ['returns something that is not a decision', async () => null as unknown as AdmissionDecision],
    ];
    for (const [name, behaviour] of throwing) {
      test(`/validate when the admitter ${name}: 200, allowed false, code 500`, async () => {
        const review = reviewWith(behaviour);
        const res = await postReview(wh.url, wh.ca, '/validate', review);
        assert.equal(res.status, 200);
        const r = res.body.response;
        assert.equal(r.uid, review.request.uid);
        assert.equal(r.allowed, false);
        assert.equal(r.status?.code, 500);
        assert.equal(r.status?.reason, 'InternalError');
        assert.match(r.status?.message ?? '', /internal error/);
        assert.equal(r.patch, undefined);
        const logged = wh.logs().find((l) => l.uid === review.request.uid && l.level === 'error');
        assert.ok(logged, 'the internal error is logged');
      });
      test(`/mutate when the admitter ${name}: allowed, no patch, a warning`, async () => {
        const review = reviewWith(behaviour);
        const res = await postReview(wh.url, wh.ca, '/mutate', review);
        assert.equal(res.status, 200);
        const r = res.body.response;
        assert.deepEqual(Object.keys(r).sort(), ['allowed', 'uid', 'warnings']);
        assert.equal(r.allowed, true);
        assert.equal(r.warnings?.length, 1);
        assert.match(r.warnings?.[0] ?? '', /internal error/);
      });
    }

    test('internal errors are counted per webhook', async () => {
      const values = (await wh.metrics.admissionErrors.get()).values.filter((v) => v.labels.reason === 'internal');
      const by = (w: string): number => values.find((v) => v.labels.webhook === w)?.value ?? 0;
      assert.ok(by('validate') >= throwing.length);
      assert.ok(by('mutate') >= throwing.length);
    });
  });

  describe('the response budget', () => {
    test('validate: an admitter that never answers → allowed with a warning, and its signal was aborted', async () => {
      const review = reviewWith(() => never());
      const res = await postReview(wh.url, wh.ca, '/validate', review);
      const r = res.body.response;
      assert.equal(res.status, 200);
      assert.equal(r.allowed, true);
      assert.equal(r.patch, undefined);
      assert.match(r.warnings?.join(' ') ?? '', /could not complete in time/);
      assert.equal(seenSignals.get(review.request.uid)?.aborted, true);
    });

    test('validate: a provisional denial recorded before the slow part is what the server answers', async () => {
      const review = reviewWith(async (_req, _signal, provisional) => {
        provisional?.({ allowed: false, errors: [invalid('spec.name', 'X', 'must be lower case')], warnings: ['w1'] });
        return never();
      });
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      assert.equal(r.allowed, false);
      assert.equal(r.status?.code, 422);
      assert.equal(
        r.status?.message,
        'ClusterLink.platform.confluent.io "l1" is invalid: spec.name: Invalid value: "X": must be lower case',
      );
      assert.deepEqual(r.warnings, ['w1', 'some ClusterLink checks could not complete in time']);
    });

    test('mutate: an admitter that never answers → allowed without a patch, with a warning', async () => {
      const review = reviewWith(() => never());
      const r = (await postReview(wh.url, wh.ca, '/mutate', review)).body.response;
      assert.equal(r.allowed, true);
      assert.equal(r.patch, undefined);
      assert.equal(r.patchType, undefined);
      assert.match(r.warnings?.[0] ?? '', /no defaults were applied/);
    });

    test('an admitter that gives up when its signal fires answers itself (deadline before budget)', async () => {
      const review = reviewWith(async (_req, signal) => {
        await untilAborted(signal);
        return allow(['secret lookups timed out']);
      });
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      assert.deepEqual(r, { uid: review.request.uid, allowed: true, warnings: ['secret lookups timed out'] });
    });

    test('an admitter that rejects after the budget causes no unhandled rejection', async () => {
      const review = reviewWith(async (_req, signal) => {
        await untilAborted(signal);
        await new Promise((resolve) => setTimeout(resolve, 300));
        throw new Error('too late');
      });
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      assert.equal(r.allowed, true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.deepEqual(unhandled, []);
    });

    test('timeouts are counted', async () => {
      const values = (await wh.metrics.admissionErrors.get()).values.filter((v) => v.labels.reason === 'timeout');
      assert.ok(values.reduce((n, v) => n + v.value, 0) >= 3);
    });
  });

  describe('response shape', () => {
    test('a validating response never carries a patch, even if the admitter returns one', async () => {
      const review = reviewWith(async () => ({ ...allow(), patch: [{ op: 'add', path: '/spec/x', value: 1 }] }));
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      assert.deepEqual(r, { uid: review.request.uid, allowed: true });
    });

    test('an empty patch means no patch fields at all', async () => {
      const review = reviewWith(async () => ({ ...allow(), patch: [] }));
      const r = (await postReview(wh.url, wh.ca, '/mutate', review)).body.response;
      assert.deepEqual(r, { uid: review.request.uid, allowed: true });
    });

    test('a mutate patch is base64 JSON Patch with patchType JSONPatch', async () => {
      const ops = [{ op: 'add' as const, path: '/spec/a~1b', value: 'x' }];
      const review = reviewWith(async () => ({ ...allow(), patch: ops }));
      const r = (await postReview(wh.url, wh.ca, '/mutate', review)).body.response;
      assert.equal(r.patchType, 'JSONPatch');
      assert.match(r.patch ?? '', /^[A-Za-z0-9+/]+=*$/);
      assert.deepEqual(decodePatch(r), ops);
    });

    test('a denial without field errors is a 403 Forbidden status', async () => {
      const review = reviewWith(async () => ({ allowed: false, errors: [], warnings: [] }));
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      assert.deepEqual(r.status, {
        status: 'Failure',
        code: 403,
        reason: 'Forbidden',
        message: 'ClusterLink.platform.confluent.io "l1" is forbidden',
      });
    });

    test('a single field error is printed without brackets; the name comes from generateName-less metadata', async () => {
      const review = reviewWith(
        async () => ({ allowed: false, errors: [invalid('spec.name', 'a b', 'bad')], warnings: [] }),
        {
          ...LINK,
          metadata: { generateName: 'link-', namespace: 'ns' },
        },
      );
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      assert.equal(
        r.status?.message,
        'ClusterLink.platform.confluent.io "" is invalid: spec.name: Invalid value: "a b": bad',
      );
      assert.deepEqual(r.status?.details, {
        group: 'platform.confluent.io',
        kind: 'ClusterLink',
        name: '',
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "a b": bad', field: 'spec.name' }],
      });
    });

    test('warnings are sanitised on the wire: no control characters, ≤256 each, ≤4096 in all, no duplicates', async () => {
      const noisy = [
        'a\r\nb',
        'tab\there',
        'a\r\nb',
        `long ${'x'.repeat(1000)}`,
        ...Array.from({ length: 60 }, (_, i) => `w${i} ${'y'.repeat(100)}`),
      ];
      const review = reviewWith(async () => allow(noisy));
      const warnings = (await postReview(wh.url, wh.ca, '/validate', review)).body.response.warnings ?? [];
      assert.equal(warnings[0], 'a b');
      assert.equal(warnings[1], 'tab here');
      assert.equal([...(warnings[2] ?? '')].length, 256);
      assert.equal(new Set(warnings).size, warnings.length);
      for (const w of warnings) {
        assert.ok([...w].length <= 256);
        assert.doesNotMatch(w, /\p{Cc}/u);
      }
      assert.ok(warnings.reduce((n, w) => n + [...w].length, 0) <= 4096);
      assert.match(warnings.at(-1) ?? '', /^\d+ more warnings not shown$/);
    });

    test('the AdmissionReview envelope is echoed for any ClusterLink version', async () => {
      const review = reviewWith(async () => allow());
      review.request.kind = { group: 'platform.confluent.io', version: 'v1', kind: 'ClusterLink' };
      const res = await postReview(wh.url, wh.ca, '/validate', review);
      assert.deepEqual(res.body, {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: review.request.uid, allowed: true },
      });
      assert.ok(seenSignals.has(review.request.uid), 'another version of ClusterLink still goes through the rules');
    });
  });
});
