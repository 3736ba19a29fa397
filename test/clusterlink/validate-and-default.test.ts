// validateAndDefault: the validate admitter's one-pass entry point must give exactly what defaultClusterLink and
// validateClusterLink give separately, on valid and invalid objects, CREATE and UPDATE, and never touch its input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultClusterLink,
  validateAndDefault,
  validateClusterLink,
  type RuleContext,
} from '../../src/clusterlink/index.js';
import { applyDefaults, needsDefaults } from '../../src/clusterlink/defaults.js';
import { isDeepEqual } from '../../src/lib/json.js';
import { CREATE, UPDATE, destinationInitiated, fixtureNames, loadFixture, type Json } from './support.js';

const fixtures: Array<[string, Json]> = [
  ...fixtureNames('valid').map((n): [string, Json] => [`valid/${n}`, loadFixture(`valid/${n}`)]),
  ...fixtureNames('invalid').map((n): [string, Json] => [`invalid/${n}`, loadFixture(`invalid/${n}`)]),
];

/** A link whose mirror topics break several rules at once, plus nulls the API server treats as unset. */
function brokenTopics(): Json {
  const link = destinationInitiated();
  const spec = link['spec'] as Json;
  spec['mirrorTopicOptions'] = { prefix: 'dc1.' };
  spec['mirrorTopics'] = [
    { name: 'dc1.orders', state: 'PAUSED', direction: 'toSource' },
    { name: 'dc1.orders', replicationFactor: 0 },
    { name: 'other', sourceTopicName: 'x y' },
    { name: 'dc1.a', sourceTopicName: 'b', state: null },
    { name: 'dc1_a' },
    null,
  ];
  return link;
}

function expectSame(object: unknown, oldObject: unknown, ctx: RuleContext): void {
  const before = structuredClone(object);
  const oldBefore = structuredClone(oldObject);
  const { result, defaulted } = validateAndDefault(object, oldObject, ctx);
  assert.deepEqual(object, before, 'the input is never mutated');
  assert.deepEqual(oldObject, oldBefore, 'the old object is never mutated');
  assert.deepEqual(defaulted, defaultClusterLink(object, ctx));
  assert.deepEqual(result, validateClusterLink(object, oldObject, ctx));
  // the admitter's former two-step path: default both, then validate the defaulted forms (which the rules read
  // uncopied, as nothing is left to default)
  const oldDefaulted = oldObject === undefined || oldObject === null ? undefined : defaultClusterLink(oldObject, ctx);
  const defaultedAgain = defaultClusterLink(object, ctx);
  const defaultedBefore = structuredClone(defaultedAgain);
  assert.deepEqual(result, validateClusterLink(defaultedAgain, oldDefaulted, ctx));
  assert.deepEqual(defaultedAgain, defaultedBefore, 'validating never mutates an already defaulted object');
  assert.deepEqual(object, before, 'nor the raw one');
}

describe('validateAndDefault', () => {
  for (const [name, fixture] of fixtures) {
    test(`CREATE: same as defaultClusterLink + validateClusterLink: ${name}`, () =>
      expectSame(fixture, undefined, CREATE));
  }

  test('invalid mirror topics: the same errors and warnings, in the same order', () => {
    const link = brokenTopics();
    expectSame(link, undefined, CREATE);
    assert.ok(validateAndDefault(link, undefined, CREATE).result.errors.length >= 4);
  });

  test('UPDATE against an older object (raw or defaulted): same verdict', () => {
    const old = brokenTopics();
    const current = brokenTopics();
    ((current['spec'] as Json)['mirrorTopics'] as Json[]).splice(0, 1, {
      name: 'dc1.orders',
      replicationFactor: 5,
      state: 'ACTIVE',
    });
    ((old['spec'] as Json)['mirrorTopics'] as Json[]).splice(0, 1, { name: 'dc1.orders', state: 'PROMOTE' });
    expectSame(current, old, UPDATE);
    expectSame(current, defaultClusterLink(old, UPDATE), UPDATE);
    assert.ok(
      validateAndDefault(current, old, UPDATE).result.errors.some((e) => e.field === 'spec.mirrorTopics[0].state'),
    );
  });

  test('a null oldObject is no oldObject', () => expectSame(brokenTopics(), null, UPDATE));

  test('copy on write: the object itself when nothing needs defaulting, a copy when a default applies', () => {
    const link = defaultClusterLink(destinationInitiated(), CREATE) as Json;
    const before = structuredClone(link);
    assert.equal(validateAndDefault(link, undefined, CREATE).defaulted, link);
    assert.deepEqual(link, before, 'and it is left as it was');
    const raw = destinationInitiated();
    const { defaulted } = validateAndDefault(raw, undefined, CREATE);
    assert.notEqual(defaulted, raw);
    assert.notEqual((defaulted as Json)['spec'], raw['spec']);
    assert.deepEqual(defaulted, defaultClusterLink(raw, CREATE));
  });

  test('an object being deleted: no findings, the copy comes back undefaulted', () => {
    const link = destinationInitiated();
    (link['metadata'] as Json)['deletionTimestamp'] = '2026-01-01T00:00:00Z';
    expectSame(link, undefined, UPDATE);
    assert.deepEqual(validateAndDefault(link, undefined, UPDATE), {
      result: { errors: [], warnings: [] },
      defaulted: link,
    });
  });

  test('not an object: the shape error, and the value back', () => {
    for (const value of [null, 42, 'text', [1, 2]]) expectSame(value, undefined, CREATE);
  });
});

describe('needsDefaults', () => {
  const cases: Array<[string, unknown, RuleContext]> = [
    ...fixtures.map(([name, fixture]): [string, unknown, RuleContext] => [name, fixture, CREATE]),
    ...fixtures.map(([name, fixture]): [string, unknown, RuleContext] => [
      `${name}, defaulted`,
      defaultClusterLink(fixture, CREATE),
      CREATE,
    ]),
    ['broken mirror topics', brokenTopics(), CREATE],
    ['broken mirror topics, defaulted', defaultClusterLink(brokenTopics(), UPDATE), UPDATE],
    [
      'only the namespace missing',
      { ...destinationInitiated(), metadata: { name: 'link-a' } },
      { operation: 'CREATE' },
    ],
    ['not an object', 42, CREATE],
  ];
  for (const [name, object, ctx] of cases) {
    test(`true exactly when applyDefaults changes something: ${name}`, () => {
      assert.equal(needsDefaults(object, ctx), !isDeepEqual(applyDefaults(object, ctx), object));
    });
  }

  test('a defaulted object needs nothing more; a raw one with a mirror topic does', () => {
    assert.equal(needsDefaults(brokenTopics(), CREATE), true);
    assert.equal(needsDefaults(defaultClusterLink(brokenTopics(), CREATE), CREATE), false);
  });
});
