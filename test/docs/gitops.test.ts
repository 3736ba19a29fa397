// docs/gitops.md: the ignoreDifferences example covers every field the mutating webhook can default, so following
// it really stops Argo CD from reporting a defaulted ClusterLink as OutOfSync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mutatePatch } from '../../src/admission/patch.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/gitops.md', import.meta.url)), 'utf8');

/** An object in which every default of docs/rules.md#defaults applies. */
const everyDefault = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l', namespace: 'ns' },
  spec: {
    sourceInitiatedLink: { linkMode: 'Bidirectional' },
    sourceKafkaCluster: { kafkaRestClassRef: { name: 'a' }, bootstrapEndpoint: 'k:9092' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'b' } },
    mirrorTopicOptions: { prefix: 'p.' },
    mirrorTopics: [{ name: 'p.orders' }],
    consumerGroupFilters: [{ filterType: 'INCLUDE' }],
    aclFilters: [
      {
        resourceFilter: { resourceType: 'topic', patternType: 'literal' },
        accessFilter: { operation: 'read', permissionType: 'allow' },
      },
    ],
  },
};

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
