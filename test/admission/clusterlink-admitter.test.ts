// The ClusterLink admitters: how they drive the core (defaulted object and oldObject, context), how the
// SecretChecker is run after the rules under the signal, and — through the real core — only the structure
// of what comes back (the rule book itself is tested in test/clusterlink).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, type Operation } from 'rfc6902';
import { createClusterLinkAdmitters, type ClusterLinkCore } from '../../src/admission/clusterlink-admitter.js';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { defaultClusterLink, validateClusterLink, type RuleContext } from '../../src/clusterlink/index.js';
import { forbidden, invalid, required } from '../../src/clusterlink/field-errors.js';
import type { SecretChecker, SecretCheckResult } from '../../src/secrets/types.js';
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

/** A recording stand-in for the core: marks what it defaulted so the test can see which object went where. */
function recordingCore(
  result: { errors: ReturnType<typeof required>[]; warnings: string[] } = { errors: [], warnings: [] },
) {
  const defaulted: Array<{ object: unknown; ctx: RuleContext }> = [];
  const validated: Array<{ object: unknown; oldObject: unknown; ctx: RuleContext }> = [];
  const defaultClusterLink: ClusterLinkCore['defaultClusterLink'] = (object, ctx) => {
    defaulted.push({ object, ctx });
    return { ...(object as object), defaulted: true };
  };
  const core: ClusterLinkCore = {
    defaultClusterLink,
    // Records the defaulted object and oldObject the rules would judge, like the real one-pass core.
    validateAndDefault: (object, oldObject, ctx) => {
      const defaultedObject = defaultClusterLink(object, ctx);
      const defaultedOld = oldObject === undefined ? undefined : defaultClusterLink(oldObject, ctx);
      validated.push({ object: defaultedObject, oldObject: defaultedOld, ctx });
      return { result: { errors: [...result.errors], warnings: [...result.warnings] }, defaulted: defaultedObject };
    },
  };
  return { core, defaulted, validated };
}

function recordingChecker(result: SecretCheckResult = { errors: [], warnings: [] }) {
  const calls: Array<{ link: ClusterLink; namespace: string; signal: AbortSignal }> = [];
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
    const { core, defaulted, validated } = recordingCore();
    const { validate } = createClusterLinkAdmitters({ core });
    const decision = await validate(request(), options());
    assert.deepEqual(decision, { allowed: true, errors: [], warnings: [] });
    assert.deepEqual(
      defaulted.map((d) => d.ctx),
      [{ namespace: 'dest', operation: 'CREATE' }],
    );
    assert.deepEqual(validated, [
      { object: { ...LINK, defaulted: true }, oldObject: undefined, ctx: { namespace: 'dest', operation: 'CREATE' } },
    ]);
  });

  test('UPDATE: the oldObject is defaulted too and passed to the rules', async () => {
    const { core, validated } = recordingCore();
    const old = { ...LINK, metadata: { ...LINK.metadata, generation: 1 } };
    await createClusterLinkAdmitters({ core }).validate(request({ operation: 'UPDATE', oldObject: old }), options());
    assert.deepEqual(validated[0]?.oldObject, { ...old, defaulted: true });
    assert.equal(validated[0]?.ctx.operation, 'UPDATE');
  });

  test('errors deny; warnings are passed on', async () => {
    const { core } = recordingCore({ errors: [required('spec.sourceKafkaCluster')], warnings: ['w'] });
    const decision = await createClusterLinkAdmitters({ core }).validate(request(), options());
    assert.deepEqual(decision, { allowed: false, errors: [required('spec.sourceKafkaCluster')], warnings: ['w'] });
  });

  test('the SecretChecker runs after the rules on the defaulted object, in the namespace, under the signal; results are appended', async () => {
    const { core } = recordingCore({ errors: [invalid('spec.name', 'x', 'rule')], warnings: ['rule warning'] });
    const { checker, calls } = recordingChecker({
      errors: [forbidden('spec.sourceKafkaCluster.tls.secretRef', 'JKS')],
      warnings: ['secret warning'],
    });
    const opts = options();
    const decision = await createClusterLinkAdmitters({ core, secretChecker: checker }).validate(request(), opts);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.link, { ...LINK, defaulted: true });
    assert.equal(calls[0]?.namespace, 'dest');
    assert.equal(calls[0]?.signal, opts.signal);
    // Secret findings carry the secret-check rule (docs/rules.md#rule-ids).
    assert.deepEqual(decision, {
      allowed: false,
      errors: [
        invalid('spec.name', 'x', 'rule'),
        { ...forbidden('spec.sourceKafkaCluster.tls.secretRef', 'JKS'), rule: 'secret-check' },
      ],
      warnings: ['rule warning', 'secret warning'],
      ruleWarnings: [
        { text: 'rule warning', field: '' },
        { text: 'secret warning', field: '', rule: 'secret-check' },
      ],
    });
  });

  test('secret errors alone deny', async () => {
    const { core } = recordingCore();
    const { checker } = recordingChecker({
      errors: [required('spec.sourceKafkaCluster.tls.secretRef', 'Secret not found')],
      warnings: [],
    });
    const decision = await createClusterLinkAdmitters({ core, secretChecker: checker }).validate(request(), options());
    assert.equal(decision.allowed, false);
  });

  test('the mutate admitter never runs the SecretChecker', async () => {
    const { checker, calls } = recordingChecker();
    await createClusterLinkAdmitters({ core: recordingCore().core, secretChecker: checker }).mutate(
      request(),
      options(),
    );
    assert.equal(calls.length, 0);
  });

  test('a SecretChecker that overruns the budget: the server answers with the rules’ verdict', async () => {
    const { core } = recordingCore({ errors: [required('spec.sourceKafkaCluster')], warnings: [] });
    const hanging: SecretChecker = { check: () => new Promise(() => undefined) };
    const wh = await startWebhook({
      admitters: createClusterLinkAdmitters({ core, secretChecker: hanging }),
      admissionDeadlineMs: 50,
      admissionBudgetMs: 150,
      metricsListener: false,
    });
    try {
      const r = (await postReview(wh.url, wh.ca, '/validate', clusterLinkReview(LINK))).body.response;
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
