// The validating admitter through the real rule book: ratcheting (docs/rules.md#ratcheting), terminating objects,
// rule actions (docs/rules.md#rule-actions), exceptions (docs/rules.md#exceptions) and dry runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createValidateAdmitter } from '../../src/admission/clusterlink-admitter.js';
import type { AdmissionRequest, ExceptionAuthorizer, ExceptionOutcome, UserInfo } from '../../src/admission/types.js';
import { parseRuleActions, type RulePolicy } from '../../src/clusterlink/index.js';
import { destinationInitiated, edit, type Json } from '../clusterlink/support.js';

const S = 'spec.sourceKafkaCluster';
const gvk = { group: 'platform.confluent.io', version: 'v1beta1', kind: 'ClusterLink' };
const gvr = { group: 'platform.confluent.io', version: 'v1beta1', resource: 'clusterlinks' };

function review(object: Json, oldObject?: Json, over: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'u1',
    kind: gvk,
    resource: gvr,
    namespace: 'ns1',
    operation: oldObject ? 'UPDATE' : 'CREATE',
    object,
    ...(oldObject ? { oldObject } : {}),
    userInfo: { username: 'alice', groups: ['devs'] },
    ...over,
  };
}
const options = () => ({ signal: new AbortController().signal });
const policy = (text: string): (() => RulePolicy) => {
  const parsed = parseRuleActions(text);
  return () => parsed.policy;
};

/** Stored before a stricter rule: an empty clusterID, which the rule book now refuses. */
const legacy = edit(destinationInitiated(), { [`${S}.clusterID`]: '', [`${S}.kafkaRestClassRef`]: { name: 'r' } });
const label = (o: Json, value: string): Json => edit(o, { 'metadata.labels': { team: value } });

describe('ratcheting', () => {
  const cases: Array<{ name: string; old?: Json; object: Json; allowed: boolean; ratchetWarnings: number }> = [
    { name: 'CREATE of the legacy object is denied', object: legacy, allowed: false, ratchetWarnings: 0 },
    {
      name: 'a label change on the legacy object passes, with a warning',
      old: legacy,
      object: label(legacy, 'payments'),
      allowed: true,
      ratchetWarnings: 1,
    },
    {
      name: 'a finalizer change on the legacy object passes',
      old: legacy,
      object: edit(legacy, { 'metadata.finalizers': ['example.com/keep'] }),
      allowed: true,
      ratchetWarnings: 1,
    },
    {
      name: 'changing the offending field to another bad value is denied',
      old: edit(legacy, { [`${S}.bootstrapEndpoint`]: 'kafka' }),
      object: edit(legacy, { [`${S}.bootstrapEndpoint`]: 'kafka2' }),
      allowed: false,
      ratchetWarnings: 1,
    },
    {
      name: 'a new error in an unchanged object that the old one did not have is denied',
      old: destinationInitiated(),
      object: edit(destinationInitiated(), { 'spec.name': 'bad name!' }),
      allowed: false,
      ratchetWarnings: 0,
    },
    {
      name: 'immutable fields still deny, whatever the old object looked like',
      old: legacy,
      object: edit(legacy, { 'spec.name': 'renamed' }),
      allowed: false,
      ratchetWarnings: 1,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const decision = await createValidateAdmitter()(review(c.object, c.old), options());
      assert.equal(decision.allowed, c.allowed, JSON.stringify(decision.errors));
      assert.equal(
        decision.warnings.filter((w) => w.includes('(not enforced: the stored object')).length,
        c.ratchetWarnings,
      );
    });
  }
});

describe('a terminating object', () => {
  const deleting = (o: Json): Json => edit(o, { 'metadata.deletionTimestamp': '2026-11-24T01:00:00Z' });
  test('removing the finalizers of an invalid object passes', async () => {
    const old = deleting(edit(legacy, { 'metadata.finalizers': ['f'] }));
    const decision = await createValidateAdmitter()(review(deleting(legacy), old), options());
    assert.deepEqual([decision.allowed, decision.errors], [true, []]);
  });
  test('a change to an immutable field is still denied', async () => {
    const old = deleting(destinationInitiated());
    const object = deleting(edit(destinationInitiated(), { [`${S}.clusterID`]: 'other-id' }));
    const decision = await createValidateAdmitter()(review(object, old), options());
    assert.equal(decision.allowed, false);
    assert.deepEqual(
      decision.errors.map((e) => `${e.field} ${e.rule}`),
      [`${S}.clusterID immutable-cluster-id`],
    );
  });
});

describe('rule actions', () => {
  const bad = edit(destinationInitiated(), { 'spec.name': 'bad name!' });
  const cases: Array<{ name: string; actions: string; allowed: boolean; warning?: RegExp }> = [
    { name: 'deny by default', actions: '', allowed: false },
    {
      name: 'warn: the error is a warning',
      actions: 'link-name=warn',
      allowed: true,
      warning: /rule link-name is set to warn/,
    },
    { name: 'off: the error is gone', actions: 'link-name=off', allowed: true },
    { name: 'another rule set to warn changes nothing', actions: 'acl-principal=warn', allowed: false },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const decision = await createValidateAdmitter({ rulePolicy: policy(c.actions) })(review(bad), options());
      assert.equal(decision.allowed, c.allowed);
      if (c.warning)
        assert.ok(
          decision.warnings.some((w) => c.warning!.test(w)),
          decision.warnings.join('\n'),
        );
      if (c.actions.endsWith('=off')) assert.deepEqual(decision.warnings, []);
    });
  }
  test('off drops a warning rule', async () => {
    const object = edit(destinationInitiated(), { [`${S}.bootstrapEndpoint`]: 'https://kafka:9092' });
    const on = await createValidateAdmitter()(review(object), options());
    const off = await createValidateAdmitter({ rulePolicy: policy('bootstrap-url-scheme=off') })(
      review(object),
      options(),
    );
    assert.equal(on.warnings.length, 1);
    assert.deepEqual(off.warnings, []);
  });
});

describe('exceptions', () => {
  const annotated = edit(destinationInitiated(), {
    'spec.name': 'bad name!',
    'metadata.annotations': { 'clusterlink-webhook.io/skip-rules': 'link-name, nonsense, immutable-link-name' },
  });
  const authorizer = (allowed: boolean, seen: Array<[UserInfo, string | undefined]> = []): ExceptionAuthorizer => ({
    mayGrant: async (user, namespace) => {
      seen.push([user, namespace]);
      return { allowed, reason: allowed ? 'alice may' : 'alice may not skip-rules' };
    },
  });

  test('granted: the skipped error is a warning; the user and namespace were asked about', async () => {
    const seen: Array<[UserInfo, string | undefined]> = [];
    const outcomes: ExceptionOutcome[] = [];
    const admit = createValidateAdmitter({
      exceptionAuthorizer: authorizer(true, seen),
      onException: (o) => outcomes.push(o),
    });
    const decision = await admit(review(annotated), options());
    assert.equal(decision.allowed, true);
    assert.ok(decision.warnings.some((w) => w.includes('(skipped: exception for link-name)')));
    assert.ok(decision.warnings.some((w) => w.includes('"nonsense" is not a rule an exception can skip')));
    assert.ok(decision.warnings.some((w) => w.includes('"immutable-link-name" is not a rule')));
    assert.deepEqual(seen, [[{ username: 'alice', groups: ['devs'] }, 'ns1']]);
    assert.deepEqual(outcomes, [{ rules: ['link-name'], granted: true, reason: 'alice may', skipped: 1 }]);
  });
  test('refused by the access review: denied, with a warning saying why', async () => {
    const decision = await createValidateAdmitter({ exceptionAuthorizer: authorizer(false) })(
      review(annotated),
      options(),
    );
    assert.equal(decision.allowed, false);
    assert.ok(decision.warnings.some((w) => w.includes('exception for link-name refused: alice may not skip-rules')));
  });
  test('without a Kubernetes API: refused with a message', async () => {
    const decision = await createValidateAdmitter()(review(annotated), options());
    assert.equal(decision.allowed, false);
    assert.ok(decision.warnings.some((w) => w.includes('refused: no Kubernetes API is configured')));
  });
  test('without the annotation the authorizer is never asked', async () => {
    const seen: Array<[UserInfo, string | undefined]> = [];
    await createValidateAdmitter({ exceptionAuthorizer: authorizer(true, seen) })(
      review(destinationInitiated()),
      options(),
    );
    assert.deepEqual(seen, []);
  });
});

describe('dry run', () => {
  const objects: Array<[string, Json, Json?]> = [
    ['valid CREATE', destinationInitiated()],
    [
      'invalid CREATE',
      edit(destinationInitiated(), { 'spec.name': 'bad name!', [`${S}.bootstrapEndpoint`]: 'https://k:1' }),
    ],
    ['ratcheted UPDATE', label(legacy, 'x'), legacy],
    ['immutable UPDATE', edit(destinationInitiated(), { 'spec.name': 'x' }), destinationInitiated()],
  ];
  for (const [name, object, old] of objects) {
    test(`${name}: dryRun true is judged exactly like a real request`, async () => {
      const admit = createValidateAdmitter();
      const real = await admit(review(object, old, { dryRun: false }), options());
      const dry = await admit(review(object, old, { dryRun: true }), options());
      assert.deepEqual(dry, real);
    });
  }
});
