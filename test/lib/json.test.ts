// The shared JSON helpers: pointer segments, equality, and the two deep copies with their one depth policy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deepCopy,
  escapePointerSegment,
  isDeepEqual,
  isPlainObject,
  jsonCopy,
  pointerSegments,
  unescapePointerSegment,
} from '../../src/lib/json.js';

describe('pointerSegments', () => {
  test('unescapes ~1 and ~0 (in that order)', () => {
    assert.deepEqual(pointerSegments('/a~1b/~01/0'), ['a/b', '~1', '0']);
    assert.deepEqual(pointerSegments(''), []);
  });

  test('escape and unescape are inverse', () => {
    for (const segment of ['plain', 'a/b', '~', '~1', '/~0/', '']) {
      assert.equal(unescapePointerSegment(escapePointerSegment(segment)), segment);
    }
  });
});

describe('isPlainObject', () => {
  const cases: Array<[unknown, boolean]> = [
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['x', false],
    [undefined, false],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value) ?? 'undefined'} → ${expected}`, () => assert.equal(isPlainObject(value), expected));
  }
});

describe('isDeepEqual', () => {
  const cases: Array<[string, unknown, unknown, boolean]> = [
    ['key order does not matter', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    ['item order does', [1, 2], [2, 1], false],
    ['an extra key', { a: 1 }, { a: 1, b: 2 }, false],
    ['an array is not an object', [], {}, false],
    ['null is not an object', null, {}, false],
  ];
  for (const [name, a, b, expected] of cases) test(name, () => assert.equal(isDeepEqual(a, b), expected));
});

/** `{"a":{"a":…}}` `depth` levels deep around `leaf`, built without recursion. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  for (let node = value; isPlainObject(node); node = node['a']) depth++;
  return depth;
}

describe('deepCopy and jsonCopy', () => {
  test('a copy is equal and shares nothing with its source', () => {
    const source = { spec: { list: [{ a: 1 }, 'b'], n: null } };
    for (const copy of [deepCopy(source), jsonCopy(source)]) {
      assert.deepEqual(copy, source);
      assert.notEqual(copy.spec.list[0], source.spec.list[0]);
    }
  });

  test('jsonCopy is what a JSON round trip gives; deepCopy keeps every member', () => {
    const date = new Date(0);
    const source = { gone: undefined, nan: Number.NaN, list: [undefined, 1], when: date };
    assert.deepEqual(jsonCopy(source), JSON.parse(JSON.stringify(source)));
    assert.deepEqual(deepCopy(source), source);
    assert.ok((deepCopy(source) as { when: unknown }).when instanceof Date);
    assert.equal(jsonCopy(undefined), undefined);
  });

  test('a "__proto__" key stays plain data', () => {
    const source = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    for (const copy of [deepCopy(source), jsonCopy(source)]) {
      assert.equal(Object.getPrototypeOf(copy), Object.prototype);
      assert.deepEqual(Object.keys(copy as object), ['__proto__']);
    }
  });

  // Deeper than recursion or structuredClone reach (docs/reliability.md): the same policy for both copies.
  for (const depth of [5, 150, 20_000]) {
    test(`${depth} levels deep`, () => {
      const source = nested(depth, [undefined, 1]);
      assert.equal(depthOf(deepCopy(source)), depth);
      assert.equal(depthOf(jsonCopy(source)), depth);
    });
  }

  test('past the recursion depth a cycle is copied as a cycle (a YAML alias)', () => {
    const inner: Record<string, unknown> = {};
    inner['self'] = inner;
    const copy = deepCopy(nested(200, inner));
    let node = copy;
    for (let i = 0; i < 200; i++) node = (node as { a: unknown }).a;
    assert.equal((node as { self: unknown }).self, node);
    assert.notEqual(node, inner);
  });
});
