// `mutate` on every fixture: the output is the input plus exactly the webhook's patch, comments survive,
// and running it again changes nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fastJsonPatch from 'fast-json-patch';
import { loadManifests } from '../../src/offline/manifests.js';
import type { DocumentPatch } from '../../src/offline/mutate-manifests.js';
import { isClusterLink } from '../../src/offline/offline-admission.js';
import { bufferedIO, INPUTS, REPO_ROOT, runCli } from '../offline/helpers.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir))
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(join(REPO_ROOT, path)).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(name) && name !== 'broken.yaml' ? [path] : [];
    });
}

const FILES = [...yamlFiles('test/fixtures/clusterlink'), ...yamlFiles(INPUTS)];

async function objectsOf(args: string[], stdin = ''): Promise<Array<{ object: unknown; index: number }>> {
  const io = bufferedIO(stdin);
  const { manifests, problems } = await loadManifests(args, io);
  assert.deepEqual(problems, []);
  return manifests.map((m, index) => ({ object: m.object, index }));
}

const comments = (text: string) => text.split('\n').flatMap((line) => (line.match(/#.*$/) ?? []).map((c) => c.trim()));

describe('mutate on every fixture', () => {
  test('there are fixtures', () => assert.ok(FILES.length >= 15, `only ${FILES.length} fixture files`));

  for (const file of FILES) {
    test(file, async () => {
      const input = readFileSync(join(REPO_ROOT, file), 'utf8');
      const mutated = await runCli(['mutate', '-f', file]);
      assert.equal(mutated.code, 0, mutated.stderr);
      const patchRun = await runCli(['mutate', '--patch', '-f', file]);
      const patches = JSON.parse(patchRun.stdout) as DocumentPatch[];

      // The output holds the same objects in the same order: ClusterLinks with their patch applied, the rest as is.
      const before = await objectsOf([file]);
      const after = await objectsOf(['-'], mutated.stdout);
      assert.equal(after.length, before.length);
      let patchIndex = 0;
      for (const { object, index } of before) {
        let expected = object;
        if (isClusterLink(object)) {
          const patch = patches[patchIndex++]?.patch ?? [];
          expected = fastJsonPatch.applyPatch(structuredClone(object), patch, false, false).newDocument;
        }
        assert.deepEqual(after[index]?.object, expected, `object ${index + 1} of ${file}`);
      }
      assert.equal(patchIndex, patches.length);

      // Every comment of the input is still there.
      const kept = new Set(comments(mutated.stdout));
      for (const comment of comments(input)) assert.ok(kept.has(comment), `comment lost: ${comment}`);

      // Idempotent: the defaulted output needs no further defaults.
      const again = await runCli(['mutate', '--patch', '-f', '-'], mutated.stdout);
      for (const entry of JSON.parse(again.stdout) as DocumentPatch[])
        assert.deepEqual(entry.patch, [], `${file}: second run patched ${entry.ref}`);
    });
  }

  test('--namespace fills kafkaRestClassRef.namespace for manifests without one', async () => {
    const result = await runCli(['mutate', '-n', 'team-x', '--patch', '-f', `${INPUTS}/tree/a-link.yaml`]);
    const [entry] = JSON.parse(result.stdout) as DocumentPatch[];
    assert.equal(entry?.namespace, 'team-x');
    assert.deepEqual(
      entry?.patch?.find((op) => op.path === '/spec/destinationKafkaCluster/kafkaRestClassRef/namespace'),
      { op: 'add', path: '/spec/destinationKafkaCluster/kafkaRestClassRef/namespace', value: 'team-x' },
    );
  });

  test('a file without ClusterLinks is printed byte for byte', async () => {
    const text = '# keep   me\napiVersion: v1\nkind: ConfigMap   # spaced\nmetadata: {name: c}\n';
    const result = await runCli(['mutate', '-f', '-'], text);
    assert.equal(result.stdout, text);
  });

  test('Windows line endings stay Windows line endings', async () => {
    const input = readFileSync(join(REPO_ROOT, INPUTS, 'commented.yaml'), 'utf8');
    const unix = await runCli(['mutate', '-f', '-'], input);
    const windows = await runCli(['mutate', '-f', '-'], input.replace(/\n/g, '\r\n'));
    assert.equal(windows.stdout, unix.stdout.replace(/\n/g, '\r\n'));
  });

  test('an edit through a YAML alias lands on its anchor, comments kept', async () => {
    const text = `# anchors
apiVersion: platform.confluent.io/v1beta1
kind: ClusterLink
metadata: {name: a, namespace: ns}
spec:
  destinationKafkaCluster:
    kafkaRestClassRef: &rest {name: dest-rest}
  sourceKafkaCluster:
    bootstrapEndpoint: b:9092
    clusterID: c1
    kafkaRestClassRef: *rest
`;
    const result = await runCli(['mutate', '-f', '-'], text);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^# anchors\n/);
    assert.match(result.stdout, /kafkaRestClassRef: &rest \{name: dest-rest, namespace: ns\}\n/);
    assert.match(result.stdout, /kafkaRestClassRef: \*rest\n/);
    const [after] = await objectsOf(['-'], result.stdout);
    const spec = (after?.object as { spec: { sourceKafkaCluster: { kafkaRestClassRef: unknown }; name: string } }).spec;
    assert.deepEqual(spec.sourceKafkaCluster.kafkaRestClassRef, { name: 'dest-rest', namespace: 'ns' });
    assert.equal(spec.name, 'a');
  });
});
