// The diff-based patch the tests hold /mutate to (test/support/diff-patch.ts): minimal, adds/replaces only, parents
// never missing, keys escaped, and an independent JSON Patch implementation (rfc6902) turns the original into exactly
// the defaulted object.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPatch, type Operation } from 'rfc6902';
import { PatchError } from '../../src/admission/patch.js';
import { escapePointerSegment } from '../../src/lib/json.js';
import { diffPatch } from './diff-patch.js';

function applyIndependently(original: unknown, ops: unknown[]): unknown {
  const target = structuredClone(original);
  const results = applyPatch(target, ops as Operation[]);
  assert.deepEqual(
    results,
    ops.map(() => null),
    'every op applies',
  );
  return target;
}

describe('diffPatch', () => {
  const cases: Array<{
    name: string;
    original: Record<string, unknown>;
    defaulted: Record<string, unknown>;
    ops: unknown[];
  }> = [
    { name: 'nothing to change', original: { spec: { a: 1 } }, defaulted: { spec: { a: 1 } }, ops: [] },
    {
      name: 'a missing field',
      original: { spec: {} },
      defaulted: { spec: { name: 'x' } },
      ops: [{ op: 'add', path: '/spec/name', value: 'x' }],
    },
    {
      name: 'a missing parent is added whole',
      original: { spec: {} },
      defaulted: { spec: { ref: { name: 'a', namespace: 'ns' } } },
      ops: [{ op: 'add', path: '/spec/ref', value: { name: 'a', namespace: 'ns' } }],
    },
    {
      name: 'keys with / and ~ are escaped',
      original: { metadata: { annotations: { keep: '1' } } },
      defaulted: { metadata: { annotations: { keep: '1', 'a/b~c': 'v' } } },
      ops: [{ op: 'add', path: '/metadata/annotations/a~1b~0c', value: 'v' }],
    },
    {
      name: 'a field inside an array element',
      original: { spec: { topics: [{ name: 'a' }, { name: 'b', state: 'PAUSE' }] } },
      defaulted: {
        spec: {
          topics: [
            { name: 'a', state: 'ACTIVE' },
            { name: 'b', state: 'PAUSE' },
          ],
        },
      },
      ops: [{ op: 'add', path: '/spec/topics/0/state', value: 'ACTIVE' }],
    },
    {
      name: 'a value fixed in place is a replace',
      original: { spec: { mode: 'source' } },
      defaulted: { spec: { mode: 'Source' } },
      ops: [{ op: 'replace', path: '/spec/mode', value: 'Source' }],
    },
    {
      name: 'unknown fields are untouched',
      original: { spec: { 'x-unknown': { deep: [1, 2] } }, extra: true },
      defaulted: { spec: { 'x-unknown': { deep: [1, 2] }, name: 'n' }, extra: true },
      ops: [{ op: 'add', path: '/spec/name', value: 'n' }],
    },
    {
      name: 'undefined members in the defaulted object are not patched (the wire has no undefined)',
      original: { spec: {} },
      defaulted: { spec: { gone: undefined } },
      ops: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const ops = diffPatch(c.original, c.defaulted);
      assert.deepEqual(ops, c.ops);
      assert.deepEqual(applyIndependently(c.original, ops), JSON.parse(JSON.stringify(c.defaulted)));
    });
  }

  const refused: Array<{ name: string; original: unknown; defaulted: unknown; message: RegExp }> = [
    {
      name: 'a removed field',
      original: { spec: { a: 1, b: 2 } },
      defaulted: { spec: { a: 1 } },
      message: /remove \/spec\/b/,
    },
    {
      name: 'a shortened array',
      original: { spec: { t: [1, 2] } },
      defaulted: { spec: { t: [1] } },
      message: /remove/,
    },
    { name: 'a non-object defaulted value', original: { spec: {} }, defaulted: null, message: /JSON objects/ },
    { name: 'a non-object original', original: [], defaulted: {}, message: /JSON objects/ },
  ];
  for (const c of refused) {
    test(`refuses ${c.name}`, () => {
      assert.throws(
        () => diffPatch(c.original, c.defaulted),
        (err: unknown) => err instanceof PatchError && c.message.test(err.message),
      );
    });
  }

  test('does not modify its inputs', () => {
    const original = { spec: { a: {} } };
    const defaulted = { spec: { a: { b: 1 } } };
    const snapshot = structuredClone({ original, defaulted });
    diffPatch(original, defaulted);
    assert.deepEqual({ original, defaulted }, snapshot);
  });

  test('escapePointerSegment follows RFC 6901 (~ before /)', () => {
    assert.equal(escapePointerSegment('a/b~1'), 'a~1b~01');
  });

  test('property: defaults that only add fields yield add-only patches that rfc6902 applies to the defaulted object', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a/b', '~', '~1', 'x~0/y', ''));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        tie('object'),
        fc.array(tie('value'), { maxLength: 3 }),
      ),
      object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));
    // "Defaulting": deep-merge extra keys into objects (never overwriting what is there).
    const addOnly = (original: unknown, extra: unknown): unknown => {
      if (typeof original !== 'object' || original === null || Array.isArray(original)) return original;
      if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) return original;
      const out: Record<string, unknown> = { ...(original as Record<string, unknown>) };
      for (const [k, v] of Object.entries(extra as Record<string, unknown>)) out[k] = k in out ? addOnly(out[k], v) : v;
      return out;
    };
    fc.assert(
      fc.property(json.object, json.object, (original, extra) => {
        const defaulted = addOnly(original, extra) as Record<string, unknown>;
        const ops = diffPatch(original, defaulted);
        for (const op of ops) assert.equal(op.op, 'add');
        assert.deepEqual(applyIndependently(original, ops), JSON.parse(JSON.stringify(defaulted)));
        assert.deepEqual(diffPatch(defaulted, defaulted), []);
      }),
      { numRuns: 300 },
    );
  });
});
