// End to end through the real HTTPS server: what a user applying these objects would see.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from 'rfc6902';
import type { Operation } from 'rfc6902';
import { defaultClusterLink } from '../../src/clusterlink/index.js';
import type { AdmissionResponse } from '../../src/admission/types.js';
import {
  clusterLinkReview,
  decodePatch,
  postReview,
  startWebhook,
  type RunningWebhook,
} from '../support/webhook-server.js';
import { edit, loadFixture } from './support.js';

/** How kubectl prints a 422 "Invalid" with details (kubectl's helpers.go, for apply/create). */
function kubectlOutput(response: AdmissionResponse): string {
  const details = response.status?.details;
  assert.ok(details, 'a denial needs status.details for kubectl to list the field errors');
  const causes = details.causes.map((c) => `${c.field}: ${c.message}`);
  const head = `The ${details.kind} "${details.name}" is invalid: `;
  return causes.length === 1 ? head + causes[0] : `${head}\n${causes.map((c) => `* ${c}`).join('\n')}`;
}

describe('ClusterLink admission end to end', () => {
  let webhook: RunningWebhook;
  before(async () => {
    webhook = await startWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  test('a link with typos is denied with every field error and a near-miss hint', async () => {
    const object = loadFixture('invalid/typos-and-case.yaml');
    const res = await postReview(webhook.url, webhook.ca, '/validate', clusterLinkReview(object));
    assert.equal(res.status, 200);
    const response = res.body.response;
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 422);
    assert.equal(response.status?.reason, 'Invalid');
    assert.match(
      response.status?.message ?? '',
      /^ClusterLink\.platform\.confluent\.io "typo-link" is invalid: \[spec\.sourceInitiatedLink\.linkMode: /,
    );
    assert.equal(
      kubectlOutput(response),
      [
        'The ClusterLink "typo-link" is invalid: ',
        '* spec.sourceInitiatedLink.linkMode: Unsupported value: "destination": supported values: "Source", "Destination", "Bidirectional" (did you mean "Destination"? values are case-sensitive)',
        '* spec.sourceKafkaCluster.authentication.type: Unsupported value: "PLAIN": supported values: "plain", "oauthbearer", "digest", "mtls", "oauth", "none" (did you mean "plain"? values are case-sensitive)',
        '* spec.mirrorTopics[0].state: Unsupported value: "ACTVE": supported values: "ACTIVE", "PAUSE", "PROMOTE", "FAILOVER" (did you mean "ACTIVE"?)',
        '* spec.mirrorTopics[1].state: Unsupported value: "RESUME": supported values: "ACTIVE", "PAUSE", "PROMOTE", "FAILOVER"',
        '* spec.consumerGroupFilters[0].patternType: Unsupported value: "literal": supported values: "PREFIXED", "LITERAL" (did you mean "LITERAL"? values are case-sensitive)',
      ].join('\n'),
    );
    assert.deepEqual(
      response.status?.details?.causes.map((c) => c.reason),
      Array(5).fill('FieldValueNotSupported'),
    );
  });

  test('a Destination-mode link with source credentials: denied for the missing REST class, warned for the rest', async () => {
    const object = loadFixture('invalid/destination-mode-misconfigured.yaml');
    const res = await postReview(webhook.url, webhook.ca, '/validate', clusterLinkReview(object));
    const response = res.body.response;
    assert.equal(response.allowed, false);
    assert.deepEqual(
      response.status?.details?.causes.map((c) => [c.field, c.reason]),
      [
        ['spec.destinationKafkaCluster.kafkaRestClassRef', 'FieldValueRequired'],
        ['spec.mirrorTopicOptions.autoCreateTopics.topicFilters', 'FieldValueRequired'],
      ],
    );
    assert.deepEqual(response.warnings, [
      'spec.sourceKafkaCluster.bootstrapEndpoint: ignored in Destination mode: it waits for the Source-mode link',
      'spec.sourceKafkaCluster.authentication: ignored in Destination mode: it waits for the Source-mode link',
      'spec.sourceKafkaCluster.tls: ignored in Destination mode: it waits for the Source-mode link',
    ]);
  });

  test('/mutate sends the minimal patch that turns the object into its defaulted form', async () => {
    const object = loadFixture('valid/mirror-topics-with-prefix.yaml');
    const res = await postReview(webhook.url, webhook.ca, '/mutate', clusterLinkReview(object));
    const response = res.body.response;
    assert.equal(response.allowed, true);
    const patch = decodePatch(response);
    assert.deepEqual(patch.map((op) => `${op.op} ${op.path}`).sort(), [
      'add /spec/destinationKafkaCluster/kafkaRestClassRef/namespace',
      'add /spec/mirrorTopics/0/state',
      'add /spec/name',
    ]);
    const patched = structuredClone(object);
    assert.ok(applyPatch(patched, patch as Operation[]).every((r) => r === null));
    assert.deepEqual(patched, defaultClusterLink(object, { namespace: 'destination', operation: 'CREATE' }));
    // the patched object is accepted, and a second /mutate has nothing to add
    const again = await postReview(webhook.url, webhook.ca, '/mutate', clusterLinkReview(patched));
    assert.equal(again.body.response.patch, undefined);
    const validated = await postReview(webhook.url, webhook.ca, '/validate', clusterLinkReview(patched));
    assert.equal(validated.body.response.allowed, true);
  });

  test('an update that un-promotes a topic and removes another is denied, naming both', async () => {
    const oldObject = edit(loadFixture('valid/destination-initiated-sasl-plain-tls.yaml'), {
      'spec.mirrorTopics[0].state': 'PROMOTE',
    });
    const object = edit(oldObject, { 'spec.mirrorTopics[0].state': 'ACTIVE', 'spec.mirrorTopics[1]': undefined });
    const res = await postReview(
      webhook.url,
      webhook.ca,
      '/validate',
      clusterLinkReview(object, { operation: 'UPDATE', oldObject }),
    );
    const response = res.body.response;
    assert.equal(response.allowed, false);
    assert.equal(
      kubectlOutput(response),
      'The ClusterLink "orders-link" is invalid: spec.mirrorTopics[0].state: Forbidden: "orders" was promoted and is no longer a mirror: its state cannot change from PROMOTE',
    );
    assert.deepEqual(response.warnings, [
      'spec.mirrorTopics: "payments" removed: it will be deleted on the destination (deleteRemovedMirrorTopics)',
    ]);
  });
});
