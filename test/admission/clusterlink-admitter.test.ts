// The ClusterLink admitters: how they drive the core (defaulted object and oldObject, context: each answer is
// the core's own verdict on the defaulted forms), how the SecretChecker is run after the rules under the signal,
// and only the structure of what comes back (the rule book itself is tested in test/clusterlink).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, type Operation } from 'rfc6902';
import { createClusterLinkAdmitters } from '../../src/admission/clusterlink-admitter.js';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { defaultClusterLink, validateClusterLink, type RuleContext } from '../../src/clusterlink/index.js';
import { forbidden, required } from '../../src/clusterlink/field-errors.js';
import type { LookupSignal, SecretChecker, SecretCheckResult } from '../../src/secrets/types.js';
import type { ClusterLink } from '../../src/clusterlink/types.js';
import { clusterLinkReview, decodePatch, postReview, startWebhook } from '../support/webhook-server.js';

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'orders-link', namespace: 'dest' },
  spec: {
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc-dest' } },
    sourceKafkaCluster: {
      bootstrapEndpoint: 'src.kafka:9092',
      clusterID: 'src-id',
      tls: { enabled: true, secretRef: 'src-tls' },
    },
    mirrorTopics: [{ name: 'orders' }],
    'x-kept': { unknown: true },
  },
};
const request = (over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  ...clusterLinkReview(LINK).request,
  namespace: 'dest',
  ...over,
});
const options = () => ({ signal: new AbortController().signal });

const CREATE = { namespace: 'dest', operation: 'CREATE' } as const;
const UPDATE = { namespace: 'dest', operation: 'UPDATE' } as const;
const withSpec = (spec: Record<string, unknown>) => ({ ...LINK, spec: { ...LINK.spec, ...spec } });
/** Errors and a warning from the real rules: a duplicate mirror topic, and clusterID next to a REST class. */
const FLAWED = withSpec({
  mirrorTopics: [{ name: 'a' }, { name: 'a' }],
  sourceKafkaCluster: { ...LINK.spec.sourceKafkaCluster, kafkaRestClassRef: { name: 'krc-src' } },
});
/** The core's verdict on the defaulted object (and defaulted oldObject), as the admitter must reach it. */
const verdictOf = (object: unknown, oldObject: unknown, ctx: RuleContext) =>
  validateClusterLink(
    defaultClusterLink(object, ctx),
    oldObject === undefined ? undefined : defaultClusterLink(oldObject, ctx),
    ctx,
  );

function recordingChecker(result: SecretCheckResult = { errors: [], warnings: [] }) {
  const calls: Array<{ link: ClusterLink; namespace: string; signal: LookupSignal }> = [];
  const checker: SecretChecker = {
    check: async (link, namespace, signal) => {
      calls.push({ link, namespace, signal });
      return result;
    },
  };
  return { checker, calls };
}

describe('validate admitter', () => {
  test('CREATE: validates the defaulted object with no oldObject and the request namespace', async () => {
    const { checker, calls } = recordingChecker();
    const decision = await createClusterLinkAdmitters({ secretChecker: checker }).validate(request(), options());
    assert.deepEqual(decision, { allowed: true, errors: [], warnings: [] });
    // The object the checks read is the core's defaults for CREATE in the request's namespace.
    assert.deepEqual(calls[0]?.link, defaultClusterLink(LINK, CREATE));
    assert.equal(
      (calls[0]?.link.spec?.destinationKafkaCluster?.kafkaRestClassRef as { namespace?: string }).namespace,
      'dest',
    );
  });

  test('UPDATE: the oldObject is defaulted too and passed to the rules', async () => {
    // The old object has no spec.name: only its defaulted form (spec.name = metadata.name) makes a new
    // spec.name an immutable-field change, and only the UPDATE rules report it.
    const changed = withSpec({ name: 'other' });
    const decision = await createClusterLinkAdmitters().validate(
      request({ operation: 'UPDATE', object: changed, oldObject: LINK }),
      options(),
    );
    const verdict = verdictOf(changed, LINK, UPDATE);
    assert.deepEqual(
      verdict.errors.map((e) => e.field),
      ['spec.name'],
    );
    assert.deepEqual(decision, { allowed: false, errors: verdict.errors, warnings: verdict.warnings });
    assert.deepEqual(verdictOf(changed, undefined, UPDATE).errors, [], 'without the old object nothing is wrong');
  });

  test('errors deny; warnings are passed on', async () => {
    const verdict = verdictOf(FLAWED, undefined, CREATE);
    assert.ok(verdict.errors.length > 0 && verdict.warnings.length > 0, 'the fixture has both');
    const decision = await createClusterLinkAdmitters().validate(request({ object: FLAWED }), options());
    assert.deepEqual(decision, {
      allowed: false,
      errors: verdict.errors,
      warnings: verdict.warnings,
      ruleWarnings: verdict.ruleWarnings,
    });
  });

  test('the SecretChecker runs after the rules on the defaulted object, in the namespace, under the signal; results are appended', async () => {
    const verdict = verdictOf(FLAWED, undefined, CREATE);
    const { checker, calls } = recordingChecker({
      errors: [forbidden('spec.sourceKafkaCluster.tls.secretRef', 'JKS')],
      warnings: ['secret warning'],
    });
    const opts = options();
    const decision = await createClusterLinkAdmitters({ secretChecker: checker }).validate(
      request({ object: FLAWED }),
      opts,
    );
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.link, defaultClusterLink(FLAWED, CREATE));
    assert.equal(calls[0]?.namespace, 'dest');
    // The admit options themselves: the checker reads the signal only when a lookup has to wait.
    const passed = calls[0]?.signal;
    assert.equal(passed instanceof AbortSignal ? passed : passed?.signal, opts.signal);
    // Secret findings carry the secret-check rule (docs/rules.md#rule-ids).
    assert.deepEqual(decision, {
      allowed: false,
      errors: [
        ...verdict.errors,
        { ...forbidden('spec.sourceKafkaCluster.tls.secretRef', 'JKS'), rule: 'secret-check' },
      ],
      warnings: [...verdict.warnings, 'secret warning'],
      ruleWarnings: [...(verdict.ruleWarnings ?? []), { text: 'secret warning', field: '', rule: 'secret-check' }],
    });
  });

  test('secret errors alone deny', async () => {
    const { checker } = recordingChecker({
      errors: [required('spec.sourceKafkaCluster.tls.secretRef', 'Secret not found')],
      warnings: [],
    });
    const decision = await createClusterLinkAdmitters({ secretChecker: checker }).validate(request(), options());
    assert.equal(decision.allowed, false);
  });

  test('the mutate admitter never runs the SecretChecker', async () => {
    const { checker, calls } = recordingChecker();
    await createClusterLinkAdmitters({ secretChecker: checker }).mutate(request(), options());
    assert.equal(calls.length, 0);
  });

  test('a SecretChecker that overruns the budget: the server answers with the rules’ verdict', async () => {
    const hanging: SecretChecker = { check: () => new Promise(() => undefined) };
    const wh = await startWebhook({
      admitters: createClusterLinkAdmitters({ secretChecker: hanging }),
      admissionDeadlineMs: 50,
      admissionBudgetMs: 150,
      metricsListener: false,
    });
    try {
      const missing = withSpec({ sourceKafkaCluster: undefined });
      const r = (await postReview(wh.url, wh.ca, '/validate', clusterLinkReview(missing))).body.response;
      assert.equal(r.allowed, false);
      assert.equal(r.status?.details?.causes[0]?.field, 'spec.sourceKafkaCluster');
      assert.deepEqual(r.warnings, ['some ClusterLink checks could not complete in time']);
    } finally {
      await wh.close();
    }
  });
});

describe('through the real core (structure only)', () => {
  test('mutate: the patch applies with rfc6902 and gives exactly the core’s defaulted object; a second pass is empty', async () => {
    const wh = await startWebhook({ metricsListener: false });
    try {
      const review = clusterLinkReview(LINK, { namespace: 'dest' });
      const res = await postReview(wh.url, wh.ca, '/mutate', review);
      assert.equal(res.status, 200);
      const ops = decodePatch(res.body.response);
      const target = structuredClone(LINK);
      assert.deepEqual(
        applyPatch(target, ops as Operation[]),
        ops.map(() => null),
      );
      assert.deepEqual(target, defaultClusterLink(LINK, { namespace: 'dest', operation: 'CREATE' }));
      for (const op of ops) assert.ok(op.op === 'add' || op.op === 'replace', `${op.op} ${op.path}`);
      assert.deepEqual((target as { spec: Record<string, unknown> }).spec['x-kept'], { unknown: true });
      const again = await postReview(wh.url, wh.ca, '/mutate', clusterLinkReview(target, { namespace: 'dest' }));
      assert.deepEqual(again.body.response, { uid: review.request.uid, allowed: true });
    } finally {
      await wh.close();
    }
  });

  test('validate: the answer matches the core’s own verdict on the defaulted object', async () => {
    const wh = await startWebhook({ metricsListener: false });
    try {
      const broken = {
        ...LINK,
        spec: { ...LINK.spec, sourceKafkaCluster: undefined, mirrorTopics: [{ name: 'a' }, { name: 'a' }] },
      };
      const review = clusterLinkReview(broken, { namespace: 'dest' });
      const r = (await postReview(wh.url, wh.ca, '/validate', review)).body.response;
      const ctx = { namespace: 'dest', operation: 'CREATE' as const };
      const verdict = validateClusterLink(defaultClusterLink(JSON.parse(JSON.stringify(broken)), ctx), undefined, ctx);
      assert.equal(r.allowed, verdict.errors.length === 0);
      assert.ok(verdict.errors.length > 0, 'this object is expected to be invalid under any rule book');
      assert.equal(r.status?.code, 422);
      assert.equal(r.status?.reason, 'Invalid');
      assert.deepEqual(
        r.status?.details?.causes.map((c) => c.field),
        verdict.errors.map((e) => e.field),
      );
      assert.match(r.status?.message ?? '', /^ClusterLink\.platform\.confluent\.io "orders-link" is invalid: /);
    } finally {
      await wh.close();
    }
  });
});
