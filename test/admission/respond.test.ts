import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalid } from '../../src/clusterlink/field-errors.js';
import { MAX_REPORTED_CAUSES, admissionReviewJson, invalidStatus } from '../../src/admission/respond.js';
import type { AdmissionResponse } from '../../src/admission/types.js';

const topicError = (i: number) => invalid(`spec.mirrorTopics[${i}].name`, '..', 'must not be "." or ".."');

test('a denial with a few errors lists every one of them', () => {
  const status = invalidStatus('link', [topicError(0), topicError(1)]);
  assert.equal(status.details?.causes?.length, 2);
  assert.equal(
    status.message,
    'ClusterLink.platform.confluent.io "link" is invalid: [spec.mirrorTopics[0].name: Invalid value: "..": must not be "." or "..", ' +
      'spec.mirrorTopics[1].name: Invalid value: "..": must not be "." or ".."]',
  );
});

test('a denial with thousands of errors is capped and says how many were left out', () => {
  const errors = Array.from({ length: 5000 }, (_, i) => topicError(i));
  const status = invalidStatus('huge', errors);
  const causes = status.details?.causes ?? [];
  assert.equal(causes.length, MAX_REPORTED_CAUSES + 1);
  assert.equal(causes[MAX_REPORTED_CAUSES - 1]?.field, `spec.mirrorTopics[${MAX_REPORTED_CAUSES - 1}].name`);
  assert.match(causes[MAX_REPORTED_CAUSES]?.message ?? '', /^4900 more field errors not shown/);
  assert.match(status.message ?? '', /\(and 4900 more field errors not shown; fix the ones above first\)$/);
  assert.ok((status.message ?? '').length < 20_000, 'message stays small');
});

// The answer's text is built around the patch instead of passing it through JSON.stringify: the bytes must stay
// JSON.stringify's for every response.
const reviewJsonCases: Array<{ name: string; response: AdmissionResponse }> = [
  { name: 'allowed, nothing else', response: { uid: 'u-1', allowed: true } },
  {
    name: 'a denial',
    response: { uid: 'u-2', allowed: false, status: invalidStatus('link', [topicError(0)]), warnings: ['w "1"'] },
  },
  { name: 'a patch', response: { uid: 'u-3', allowed: true, patchType: 'JSONPatch', patch: 'W3sib3AiOiJhZGQifV0=' } },
  {
    name: 'a patch and warnings with quotes, escapes and non-ASCII',
    response: {
      uid: 'u-4',
      allowed: true,
      patchType: 'JSONPatch',
      patch: 'AAAA+/==',
      warnings: ['spec.name: "x"\n\\ déjà \u2028 \ud800', '"patch":""'],
    },
  },
  { name: 'an empty patch', response: { uid: 'u-5', allowed: true, patchType: 'JSONPatch', patch: '' } },
  {
    name: 'a uid that imitates the patch key',
    response: { uid: 'a","patch":"","b\\"patch":""', allowed: true, patchType: 'JSONPatch', patch: 'QUJD' },
  },
  {
    name: 'a large patch',
    response: { uid: 'u-6', allowed: true, patchType: 'JSONPatch', patch: Buffer.alloc(300_000, 7).toString('base64') },
  },
];
for (const c of reviewJsonCases) {
  test(`admissionReviewJson is JSON.stringify of the review: ${c.name}`, () => {
    const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: c.response };
    assert.equal(admissionReviewJson(c.response), JSON.stringify(review));
  });
}
