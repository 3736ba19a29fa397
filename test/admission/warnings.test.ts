import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  WARNING_MAX_CHARS,
  WARNINGS_TOTAL_MAX_CHARS,
  sanitizeWarning,
  sanitizeWarnings,
} from '../../src/admission/warnings.js';

describe('sanitizeWarning', () => {
  const cases: Array<[string, unknown, string]> = [
    ['plain text is kept', 'spec.name: ignored', 'spec.name: ignored'],
    ['newlines become spaces', 'line one\nline two', 'line one line two'],
    ['CR LF and tabs become one space', 'a\r\n\tb', 'a b'],
    ['NUL and DEL are removed', 'a\u0000b\u007fc', 'a b c'],
    ['C1 control characters are removed', 'a\u0085b', 'a b'],
    ['line/paragraph separators are removed', 'a\u2028b\u2029c', 'a b c'],
    ['lone surrogates become U+FFFD (valid UTF-8)', 'a\uD800b', 'a\uFFFDb'],
    ['a surrogate pair is kept', 'emoji 😀', 'emoji 😀'],
    ['surrounding space is trimmed', '  x  ', 'x'],
    ['non-strings are stringified', 42, '42'],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(sanitizeWarning(input), expected));

  test(`cut at ${WARNING_MAX_CHARS} characters (counted as code points) with an ellipsis`, () => {
    const out = sanitizeWarning('😀'.repeat(300));
    assert.equal([...out].length, WARNING_MAX_CHARS);
    assert.ok(out.endsWith('…'));
  });
  test('exactly 256 characters is not cut', () => {
    assert.equal(sanitizeWarning('x'.repeat(256)), 'x'.repeat(256));
  });
});

describe('sanitizeWarnings', () => {
  test('deduplicates after cleaning and drops empty ones', () => {
    assert.deepEqual(sanitizeWarnings(['a\nb', 'a b', '', '  ', 'c']), ['a b', 'c']);
  });
  test(`stays within ${WARNINGS_TOTAL_MAX_CHARS} characters and says how many were left out`, () => {
    const input = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(3, '0')} ${'z'.repeat(196)}`);
    const out = sanitizeWarnings(input);
    const total = out.reduce((n, w) => n + [...w].length, 0);
    assert.ok(total <= WARNINGS_TOTAL_MAX_CHARS, `total ${total}`);
    assert.equal(out.at(-1), `${40 - (out.length - 1)} more warnings not shown`);
    assert.deepEqual(out.slice(0, -1), input.slice(0, out.length - 1));
  });
  test('order is preserved', () => {
    assert.deepEqual(sanitizeWarnings(['b', 'a', 'b']), ['b', 'a']);
  });
  test('nothing in, nothing out', () => assert.deepEqual(sanitizeWarnings([]), []));
});

describe('sanitizeWarning: the ASCII fast path gives what the full pass gives', () => {
  /** The full pass as it was before the fast path (docs/performance.md#the-hot-path), as the oracle. */
  const fullPass = (text: string): string => {
    const s = text
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
      .replace(/ {2,}/g, ' ')
      .trim();
    const chars = [...s];
    return chars.length <= WARNING_MAX_CHARS ? s : `${chars.slice(0, WARNING_MAX_CHARS - 1).join('')}…`;
  };
  const edges = [
    '',
    ' ',
    'a',
    ' a',
    'a ',
    'a  b',
    'a b',
    '~',
    '\u007f',
    'x'.repeat(WARNING_MAX_CHARS),
    'x'.repeat(WARNING_MAX_CHARS + 1),
    `${'x'.repeat(WARNING_MAX_CHARS - 1)} `,
    'spec.mirrorTopics[3].name: collides with "a.b" in Kafka metric names ("." and "_" are the same there)',
  ];
  for (const text of edges) {
    test(`edge case ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`, () => {
      assert.equal(sanitizeWarning(text), fullPass(text));
    });
  }
  test('random strings of ASCII, controls, spaces and surrogates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'Z', ' ', '  ', '\t', '\n', '\u007f', '~', '\uD800', '\uDC00', 'é', '😀'), {
          maxLength: 300,
        }),
        (parts) => {
          const text = parts.join('');
          assert.equal(sanitizeWarning(text), fullPass(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
