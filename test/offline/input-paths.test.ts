// Which files an input names (docs/cli.md#inputs): globs, --exclude, directories without node_modules and .git; and
// the real line numbers of documents and fields that the reports point at.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { excluder, expandInput, globToRegExp } from '../../src/offline/input-paths.js';
import { manifestsOf, parseSource } from '../../src/offline/manifests.js';

describe('globToRegExp', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'dir/a.yaml', false],
    ['**/*.yaml', 'a.yaml', true],
    ['**/*.yaml', 'x/y/a.yaml', true],
    ['deploy/**', 'deploy/a/b.yml', true],
    ['a?.yaml', 'ab.yaml', true],
    ['a?.yaml', 'a/.yaml', false],
    ['*.{yaml,yml}', 'a.yml', true],
    ['*.{yaml,yml}', 'a.json', false],
    ['[ab].yaml', 'b.yaml', true],
    ['[!ab].yaml', 'b.yaml', false],
    ['a.b', 'axb', false],
    ['(x)+.yaml', '(x)+.yaml', true],
  ];
  for (const [glob, path, matches] of cases)
    test(`${glob} ${matches ? 'matches' : 'does not match'} ${path}`, () =>
      assert.equal(globToRegExp(glob).test(path), matches));
});

describe('excluder', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['kustomization.yaml'], 'deploy/overlays/kustomization.yaml', true],
    [['overlays'], 'deploy/overlays/prod/a.yaml', true],
    [['deploy/*/tmp'], 'deploy/x/tmp', true],
    [['deploy/*/tmp'], 'other/x/tmp', false],
    [['*.json'], './a/b.json', true],
    [[], 'a.yaml', false],
  ];
  for (const [patterns, path, excluded] of cases)
    test(`${patterns.join(',') || '(none)'} on ${path}: ${excluded}`, () =>
      assert.equal(excluder(patterns)(path), excluded));
});

describe('expandInput', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clw-inputs-'));
    for (const file of [
      'deploy/a.yaml',
      'deploy/b.yml',
      'deploy/c.json',
      'deploy/README.md',
      'deploy/tmp/x.yaml',
      'deploy/node_modules/pkg/chart.yaml',
      'deploy/.git/config.yaml',
    ]) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), 'a: 1\n');
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const displayed = async (input: string, exclude: string[] = []) =>
    (await expandInput(input, dir, exclude)).map((f) => f.display);

  test('a directory: manifests only, recursively, never node_modules or .git', async () =>
    assert.deepEqual(await displayed('deploy'), [
      'deploy/a.yaml',
      'deploy/b.yml',
      'deploy/c.json',
      'deploy/tmp/x.yaml',
    ]));
  test('a directory minus --exclude', async () =>
    assert.deepEqual(await displayed('deploy', ['tmp', '*.json']), ['deploy/a.yaml', 'deploy/b.yml']));
  test('a glob', async () =>
    assert.deepEqual(await displayed('deploy/**/*.yaml'), ['deploy/a.yaml', 'deploy/tmp/x.yaml']));
  test('a glob from the current directory never walks node_modules either', async () =>
    assert.deepEqual(
      await displayed('**/chart.yaml').catch((e: Error) => e.message),
      'no manifest file matches the pattern **/chart.yaml',
    ));
  test('a named file is taken whatever its extension, unless excluded', async () => {
    assert.deepEqual(await displayed('deploy/README.md'), ['deploy/README.md']);
    assert.deepEqual(await displayed('deploy/README.md', ['*.md']), []);
  });
  test('a missing file is an error', async () =>
    assert.rejects(expandInput('deploy/nope.yaml', dir, []), { code: 'ENOENT' }));
});

describe('line numbers', () => {
  const text = [
    '# leading comment', // 1
    '---', // 2
    'apiVersion: v1', // 3
    'kind: List', // 4
    'items:', // 5
    '  - kind: ClusterLink', // 6
    '    spec:', // 7
    '      mirrorTopics:', // 8
    '        - name: a', // 9
    '        - name: b', // 10
    '          state: X', // 11
    '  - kind: Other', // 12
    '',
  ].join('\n');
  const [doc] = parseSource({ path: 'l.yaml', text, json: false }).documents;
  const [first, second] = manifestsOf(doc!);

  test('a document starts at its first content line, a List item at its own line', () => {
    assert.equal(doc!.line, 3);
    assert.deepEqual([first!.line, second!.line], [6, 12]);
  });
  test('a field is found by its path, list indexes included', () =>
    assert.equal(first!.locate(['spec', 'mirrorTopics', 1, 'state']), 11));
  test('a missing field points at its nearest ancestor', () =>
    assert.equal(first!.locate(['spec', 'mirrorTopics', 0, 'sourceTopicName']), 9));
  test('JSON gets lines too', () => {
    const [json] = parseSource({
      path: 'l.json',
      text: '{\n  "kind": "X",\n  "spec": {\n    "a": 1\n  }\n}\n',
      json: true,
    }).documents;
    assert.equal(json!.locate(['spec', 'a']), 4);
  });
});
