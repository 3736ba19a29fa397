// docs/gitops.md: the ignoreDifferences example covers every field the mutating webhook can default, so following
// it really stops Argo CD from reporting a defaulted ClusterLink as OutOfSync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mutatePatch } from '../../src/admission/patch.js';
import { everyDefaultClusterLink } from '../support/builders.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/gitops.md', import.meta.url)), 'utf8');

const everyDefault = everyDefaultClusterLink();

/** `/spec/mirrorTopics/0/state` as the doc writes it: a JSON pointer, or a jq path with `[]?` for lists. */
function documented(pointer: string): boolean {
  if (DOC.includes(`- ${pointer}\n`)) return true;
  const jq = pointer
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? '[]?' : `.${s}`))
    .join('')
    .replace(/\.\[\]\?/g, '[]?');
  return DOC.includes(`- ${jq}\n`);
}

test('every defaulted field is in the ignoreDifferences example of docs/gitops.md', () => {
  const patch = mutatePatch(everyDefault, { namespace: 'ns', operation: 'CREATE' });
  const paths = patch.map((op) => op.path);
  assert.equal(paths.length, 11, `expected every default to apply, got ${paths.join(', ')}`);
  assert.deepEqual(
    paths.filter((p) => !documented(p)),
    [],
  );
});
