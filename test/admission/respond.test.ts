import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalid } from '../../src/clusterlink/field-errors.js';
import { MAX_REPORTED_CAUSES, invalidStatus } from '../../src/admission/respond.js';

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
