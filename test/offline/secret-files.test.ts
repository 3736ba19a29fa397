// Secrets from manifest files: data and stringData as the API server stores them, and clear problems.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecretManifests } from '../../src/offline/secret-files.js';
import { bufferedIO } from './helpers.js';

const never = new AbortController().signal;

async function load(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'clw-secrets-'));
  try {
    writeFileSync(join(dir, 'secrets.yaml'), yaml);
    return await loadSecretManifests([dir], bufferedIO(), 'team');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadSecretManifests', () => {
  test('data is base64-decoded and stringData wins over it', async () => {
    const { source, problems } = await load(`apiVersion: v1
kind: Secret
metadata: {name: s, namespace: ns}
data:
  a.txt: aGVsbG8=
  b.txt: b2xk
stringData:
  b.txt: new
`);
    assert.deepEqual(problems, []);
    const lookup = await source.get('ns', 's', never);
    assert.ok(lookup.found);
    assert.equal(lookup.data['a.txt']?.toString(), 'hello');
    assert.equal(lookup.data['b.txt']?.toString(), 'new');
  });

  test('a Secret without a namespace lives in the default namespace', async () => {
    const { source } = await load('apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n');
    assert.equal((await source.get('team', 's', never)).found, true);
    assert.equal((await source.get('other', 's', never)).found, false);
  });

  test('a missing Secret is NotFound, naming it but nothing of any value', async () => {
    const { source } = await load('apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: hunter2}\n');
    const lookup = await source.get('team', 'absent', never);
    assert.equal(lookup.found, false);
    assert.ok(
      !lookup.found &&
        lookup.reason === 'NotFound' &&
        lookup.message.includes('"absent"') &&
        !lookup.message.includes('hunter2'),
    );
  });

  const problemCases = [
    {
      name: 'invalid base64',
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: "not base64!"}\n',
      match: /data\[k\]: not valid base64/,
    },
    { name: 'no name', yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {}\n', match: /without metadata.name/ },
    {
      name: 'defined twice',
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n',
      match: /team\/s is also defined at/,
    },
  ];
  for (const c of problemCases) {
    test(`problem: ${c.name}`, async () => {
      const { problems } = await load(c.yaml);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!.message, c.match);
    });
  }

  test('other kinds are ignored', async () => {
    const { source, problems } = await load('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {k: v}\n');
    assert.deepEqual(problems, []);
    assert.equal(source.size, 0);
  });
});
