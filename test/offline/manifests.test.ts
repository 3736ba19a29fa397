// Manifest loading: files, directories, stdin, multi-document YAML, JSON, List kinds, document references.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayName,
  identify,
  loadManifests,
  manifestsOf,
  parseSource,
  readSources,
} from '../../src/offline/manifests.js';
import { bufferedIO, INPUTS } from './helpers.js';

const yamlSource = (text: string, path = 'x.yaml') => ({ path, text, json: false });

describe('parseSource', () => {
  test('numbers documents by position, keeping empty ones out of the objects', () => {
    const { documents, problems } = parseSource(yamlSource('---\n# only a comment\n---\na: 1\n---\n---\nb: 2\n'));
    assert.deepEqual(problems, []);
    const objects = documents.flatMap(manifestsOf);
    assert.deepEqual(
      objects.map((m) => [m.ref, m.object]),
      [
        ['x.yaml:2', { a: 1 }],
        ['x.yaml:4', { b: 2 }],
      ],
    );
  });

  test('reads YAML 1.1 scalars as kubectl does', () => {
    const [doc] = parseSource(yamlSource('enabled: yes\nverify: off\nport: 0777\n')).documents;
    assert.deepEqual(doc?.value, { enabled: true, verify: false, port: 511 });
  });

  test('a syntax error is a problem of that document only', () => {
    const { documents, problems } = parseSource(yamlSource('a: 1\n---\nb: [1\n---\nc: 3\n'));
    assert.deepEqual(
      documents.flatMap(manifestsOf).map((m) => m.ref),
      ['x.yaml:1', 'x.yaml:3'],
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.ref, 'x.yaml:2');
    assert.match(problems[0].message, /^invalid YAML: .* at line \d+, column \d+$/);
  });

  test('duplicate keys are an error (kubectl refuses them too)', () => {
    const { problems } = parseSource(yamlSource('a: 1\na: 2\n'));
    assert.equal(problems.length, 1);
  });

  test('JSON: one value; a .json file that does not parse is a problem', () => {
    assert.deepEqual(parseSource({ path: 'l.json', text: '{"kind":"X"}', json: true }).documents[0]?.value, {
      kind: 'X',
    });
    const bad = parseSource({ path: 'l.json', text: '{"kind":', json: true });
    assert.equal(bad.documents.length, 0);
    assert.match(bad.problems[0]!.message, /^invalid JSON/);
  });

  test('stdin that only looks like JSON is read as YAML (a flow mapping)', () => {
    const { documents, problems } = parseSource({ path: '<stdin>', text: '{kind: X, spec: {a: 1}}\n', json: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(documents[0]?.value, { kind: 'X', spec: { a: 1 } });
  });
});

describe('List kinds', () => {
  const cases = [
    { name: 'kind: List', kind: 'List' },
    { name: 'a typed list (ClusterLinkList)', kind: 'ClusterLinkList' },
  ];
  for (const c of cases) {
    test(`${c.name} is flattened into its items with their own references`, () => {
      const text = `apiVersion: v1\nkind: ${c.kind}\nitems:\n  - kind: A\n  - kind: B\n`;
      const [doc] = parseSource(yamlSource(text, 'l.yaml')).documents;
      const items = manifestsOf(doc!);
      assert.deepEqual(
        items.map((m) => [m.ref, m.pointer, m.item, m.object]),
        [
          ['l.yaml:1.items[0]', '/items/0', 0, { kind: 'A' }],
          ['l.yaml:1.items[1]', '/items/1', 1, { kind: 'B' }],
        ],
      );
    });
  }

  test('a kind ending in List without items is an ordinary object', () => {
    const [doc] = parseSource(yamlSource('kind: PlayList\nspec: {}\n')).documents;
    assert.equal(manifestsOf(doc!).length, 1);
  });
});

describe('reading inputs', () => {
  test('a directory is walked recursively, sorted, .yaml/.yml/.json only', async () => {
    const { sources, problems } = await readSources([`${INPUTS}/tree`], bufferedIO());
    assert.deepEqual(problems, []);
    assert.deepEqual(
      sources.map((s) => [s.path, s.json]),
      [
        [`${INPUTS}/tree/a-link.yaml`, false],
        [`${INPUTS}/tree/nested/b-link.yml`, false],
        [`${INPUTS}/tree/nested/c-link.json`, true],
      ],
    );
  });

  test('a missing file is a problem, not an exception', async () => {
    const { sources, problems } = await readSources([`${INPUTS}/missing.yaml`], bufferedIO());
    assert.equal(sources.length, 0);
    assert.deepEqual(problems, [
      {
        ref: `${INPUTS}/missing.yaml`,
        message: 'cannot read: no such file or directory',
        file: `${INPUTS}/missing.yaml`,
      },
    ]);
  });

  test('- reads stdin; JSON on stdin is recognised', async () => {
    const { manifests } = await loadManifests(['-'], bufferedIO('{"kind":"ClusterLink","metadata":{"name":"n"}}'));
    assert.deepEqual(
      manifests.map((m) => [m.ref, m.object]),
      [['<stdin>:1', { kind: 'ClusterLink', metadata: { name: 'n' } }]],
    );
  });

  test('problems are reported in input order', async () => {
    const { problems } = await loadManifests([`${INPUTS}/broken.yaml`, `${INPUTS}/missing.yaml`], bufferedIO());
    assert.deepEqual(
      problems.map((p) => p.ref),
      [`${INPUTS}/broken.yaml:2`, `${INPUTS}/missing.yaml`],
    );
  });
});

describe('identify', () => {
  const cases = [
    { name: 'namespace from the manifest', object: { metadata: { name: 'a', namespace: 'ns' } }, shown: 'ns/a' },
    { name: 'default namespace when absent', object: { metadata: { name: 'a' } }, shown: 'default/a' },
    { name: 'generateName', object: { metadata: { generateName: 'link-' } }, shown: 'default/link-<generated>' },
    { name: 'no metadata at all', object: { kind: 'ClusterLink' }, shown: 'default/<no name>' },
    { name: 'not an object', object: 'text', shown: 'default/<no name>' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(displayName(identify(c.object, 'default')), c.shown));
  }
});
