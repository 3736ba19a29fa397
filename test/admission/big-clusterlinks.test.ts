// Issue 17 point 3 (docs/webhook.md#limits): at most 10,000 mirror topics per ClusterLink; beyond it both webhooks
// deny with a message that says why, before any rule runs; a maximal review is answered (not timed out).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jsonpatch from 'fast-json-patch';
import { MAX_MIRROR_TOPICS } from '../../src/admission/size-limit.js';
import { mutatePatch } from '../../src/admission/patch.js';
import { defaultClusterLink } from '../../src/clusterlink/index.js';
import { clusterLinkObject, NAMESPACE } from '../../bench/fixtures.js';
import { clusterLinkReview, postReview, startWebhook, type RunningWebhook } from '../support/webhook-server.js';

let webhook: RunningWebhook;
before(async () => {
  webhook = await startWebhook();
});
after(() => webhook.close());

const post = (path: string, topics: number) =>
  postReview(webhook.url, webhook.ca, path, JSON.stringify(clusterLinkReview(clusterLinkObject(topics))), {
    timeoutMs: 30_000,
  });

describe(`mirror topic limit (${MAX_MIRROR_TOPICS})`, () => {
  for (const path of ['/mutate', '/validate']) {
    test(`${path}: ${MAX_MIRROR_TOPICS + 1} topics are denied, naming the limit and why`, async () => {
      const res = await post(path, MAX_MIRROR_TOPICS + 1);
      assert.equal(res.status, 200);
      const response = res.body.response;
      assert.equal(response.allowed, false);
      assert.deepEqual(
        response.status?.details?.causes?.map((c) => c.field),
        ['spec.mirrorTopics'],
      );
      assert.match(response.status?.message ?? '', /10001 mirror topics, more than the 10000 .*split the topics/);
    });
    test(`${path}: a maximal link (${MAX_MIRROR_TOPICS} topics) is judged by the rules, not timed out`, async () => {
      const res = await post(path, MAX_MIRROR_TOPICS);
      assert.equal(res.status, 200);
      assert.equal(res.body.response.allowed, true, JSON.stringify(res.body.response.status));
      const errors = await webhook.metrics.admissionErrors.get();
      assert.deepEqual(
        errors.values.filter((v) => v.labels.reason === 'timeout'),
        [],
      );
    });
  }
});

// A maximal patch is written as bytes (src/admission/patch.ts, BYTES_FROM_OPS) and spliced into the answer
// (admissionReviewJson): over HTTPS it must still be exactly JSON.stringify of the recorded operations, and it must
// turn the object into its defaulted form.
test(`/mutate: the patch of a maximal link (${MAX_MIRROR_TOPICS} topics) is the recorded operations, byte for byte`, async () => {
  const object = clusterLinkObject(MAX_MIRROR_TOPICS);
  const res = await post('/mutate', MAX_MIRROR_TOPICS);
  assert.equal(res.status, 200);
  const patchText = Buffer.from(res.body.response.patch ?? '', 'base64').toString('utf8');
  const ctx = { namespace: NAMESPACE, operation: 'CREATE' as const };
  assert.equal(patchText, JSON.stringify(mutatePatch(object, ctx)));
  const patched = jsonpatch.applyPatch(structuredClone(object), JSON.parse(patchText), true, false).newDocument;
  assert.deepEqual(patched, defaultClusterLink(object, ctx));
});
