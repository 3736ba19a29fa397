// The shared fixtures: every realistic user shape passes as-is (with or without /mutate first),
// every invalid one fails with exactly the errors listed in invalid/expected.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultClusterLink, type RuleContext } from '../../src/clusterlink/index.js';
import { check, errorKeys, FIXTURES, fixtureNames, loadFixture, type Json } from './support.js';

const ctxOf = (object: Json): RuleContext => ({
  namespace: (object['metadata'] as { namespace?: string } | undefined)?.namespace,
  operation: 'CREATE',
});

describe('valid fixtures', () => {
  const names = fixtureNames('valid');
  test('the expected shapes are all there', () => assert.ok(names.length >= 12, names.join(', ')));
  for (const name of names) {
    test(name, () => {
      const object = loadFixture(`valid/${name}`);
      const ctx = ctxOf(object);
      const result = check(object, undefined, ctx);
      assert.deepEqual(result, { errors: [], warnings: [] });
      // the same answer after the mutating webhook ran
      assert.deepEqual(check(defaultClusterLink(object, ctx), undefined, ctx), result);
      // and re-applying an unchanged object is a valid update
      assert.deepEqual(check(object, object, { ...ctx, operation: 'UPDATE' }), result);
    });
  }
});

describe('invalid fixtures', () => {
  const expected = JSON.parse(readFileSync(`${FIXTURES}invalid/expected.json`, 'utf8')) as Record<
    string,
    { errors: string[]; warnings: string[] }
  >;
  const names = fixtureNames('invalid');
  test('every invalid fixture has an expectation', () => assert.deepEqual(Object.keys(expected).sort(), names));
  for (const name of names) {
    test(name, () => {
      const object = loadFixture(`invalid/${name}`);
      const ctx = ctxOf(object);
      const result = check(object, undefined, ctx);
      assert.deepEqual(errorKeys(result), expected[name]!.errors);
      assert.deepEqual(
        result.warnings.map((w) => w.slice(0, w.indexOf(': '))),
        expected[name]!.warnings,
      );
      assert.ok(result.errors.length >= 2, 'each invalid fixture shows several errors at once');
      assert.deepEqual(check(defaultClusterLink(object, ctx), undefined, ctx), result);
    });
  }
});
