// JSON Patch onto a YAML Document: comments and order survive, every operation lands where RFC 6902 says.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from 'fast-json-patch';
import YAML from 'yaml';
import {
  applyOperationToDocument,
  applyPatchToDocument,
  detectStyle,
  documentTexts,
  restoreOriginalLines,
} from '../../src/offline/yaml-edit.js';

const BASE = `# head
spec:
  name: x   # trailing
  list:
    - a
    - b
  labels:
    a/b: "1"
`;

function edit(ops: Operation[], text = BASE): { js: unknown; text: string } {
  const doc = YAML.parseDocument(text, { version: '1.1' });
  applyPatchToDocument(doc, ops);
  return { js: doc.toJS(), text: doc.toString() };
}

describe('applyOperationToDocument', () => {
  const cases: Array<{ name: string; op: Operation; expect: unknown }> = [
    {
      name: 'add a key to a map',
      op: { op: 'add', path: '/spec/state', value: 'ACTIVE' },
      expect: { name: 'x', list: ['a', 'b'], labels: { 'a/b': '1' }, state: 'ACTIVE' },
    },
    {
      name: 'add a whole object',
      op: { op: 'add', path: '/spec/ref', value: { name: 'r', namespace: 'n' } },
      expect: { name: 'x', list: ['a', 'b'], labels: { 'a/b': '1' }, ref: { name: 'r', namespace: 'n' } },
    },
    {
      name: 'append to a sequence',
      op: { op: 'add', path: '/spec/list/-', value: 'c' },
      expect: { name: 'x', list: ['a', 'b', 'c'], labels: { 'a/b': '1' } },
    },
    {
      name: 'insert into a sequence',
      op: { op: 'add', path: '/spec/list/1', value: 'z' },
      expect: { name: 'x', list: ['a', 'z', 'b'], labels: { 'a/b': '1' } },
    },
    {
      name: 'replace a scalar',
      op: { op: 'replace', path: '/spec/name', value: 'y' },
      expect: { name: 'y', list: ['a', 'b'], labels: { 'a/b': '1' } },
    },
    {
      name: 'replace a sequence item',
      op: { op: 'replace', path: '/spec/list/0', value: 'q' },
      expect: { name: 'x', list: ['q', 'b'], labels: { 'a/b': '1' } },
    },
    {
      name: 'an escaped key',
      op: { op: 'add', path: '/spec/labels/c~1d', value: '2' },
      expect: { name: 'x', list: ['a', 'b'], labels: { 'a/b': '1', 'c/d': '2' } },
    },
    { name: 'remove', op: { op: 'remove', path: '/spec/labels' }, expect: { name: 'x', list: ['a', 'b'] } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = edit([c.op]);
      assert.deepEqual(result.js, { spec: c.expect });
      assert.match(result.text, /^# head\n/);
    });
  }

  test('comments and key order survive an add', () => {
    const { text } = edit([
      { op: 'add', path: '/spec/list/0', value: 'first' },
      { op: 'add', path: '/spec/z', value: 1 },
    ]);
    assert.match(text, /name: x # trailing/);
    assert.ok(text.indexOf('name:') < text.indexOf('list:') && text.indexOf('labels:') < text.indexOf('z: 1'));
  });

  test('operations a diff of defaults never produces are refused', () => {
    const doc = YAML.parseDocument(BASE);
    assert.throws(
      () => applyOperationToDocument(doc, { op: 'move', from: '/spec/name', path: '/spec/n' }),
      /unsupported patch operation "move"/,
    );
    assert.throws(() => applyOperationToDocument(doc, { op: 'replace', path: '', value: {} }), /document root/);
  });
});

describe('documentTexts', () => {
  test('splits a stream into exact per-document texts', () => {
    const text = '# lead\na: 1\n---\n# c\nb: 2\n---\n';
    const texts = documentTexts(text, YAML.parseAllDocuments(text).length);
    assert.ok(texts);
    assert.equal(texts.join(''), text);
    assert.equal(texts[0], '# lead\na: 1\n');
  });

  test('refuses when the document count does not match', () => {
    assert.equal(documentTexts('a: 1\n---\nb: 2\n', 3), undefined);
  });
});

describe('detectStyle', () => {
  const cases = [
    { name: 'indented sequences, 2 spaces', text: 'a:\n  - x\nb:\n  c: 1\n', expect: { indent: 2, indentSeq: true } },
    { name: 'sequences at the key column', text: 'a:\n- x\nb:\n  c: 1\n', expect: { indent: 2, indentSeq: false } },
    { name: '4 spaces', text: 'a:\n    b:\n        - x\n', expect: { indent: 4, indentSeq: true } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const style = detectStyle(c.text);
      assert.deepEqual({ indent: style.indent, indentSeq: style.indentSeq }, c.expect);
    });
  }
});

describe('restoreOriginalLines', () => {
  test('puts back the user spacing where only spacing differs, keeps new lines', () => {
    const original = 'a: 1     # note\nb:\n  - x   # item\n';
    const printed = 'a: 1 # note\nb:\n  - x # item\n    y: 2\n';
    assert.equal(restoreOriginalLines(original, printed), 'a: 1     # note\nb:\n  - x   # item\n    y: 2\n');
  });

  test('a changed line stays as printed', () => {
    assert.equal(restoreOriginalLines('a: 1   # c\n', 'a: 2 # c\n'), 'a: 2 # c\n');
  });
});
