// `validate --pair A B` (docs/cli.md#pairs): the two halves each, then together; usage errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/commands/validate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const V = 'test/fixtures/clusterlink/valid';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await run(argv, {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    readStdin: async () => '',
    cwd: ROOT,
  });
  return { code, ...out };
}

describe('validate --pair', () => {
  test('a source-initiated pair: OK, with the creation order', async () => {
    const r = await cli('--pair', `${V}/source-initiated-source.yaml`, `${V}/source-initiated-destination.yaml`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Pair .*\(Source mode\) \+ .*\(Destination mode\): OK/);
    assert.match(r.stdout, /Create first: .*source-initiated-destination\.yaml:1/);
  });
  test('a bidirectional pair: OK, the Inbound half first', async () => {
    const r = await cli('--pair', `${V}/bidirectional-east.yaml`, `${V}/bidirectional-west.yaml`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Create first: .*bidirectional-west\.yaml:1/);
  });
  test('halves that do not match: exit 1 with the pair errors and their rules', async () => {
    const r = await cli(
      '--pair',
      `${V}/bidirectional-east.yaml`,
      `${V}/source-initiated-destination.yaml`,
      '-o',
      'json',
    );
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { pair: { errors: Array<{ rule: string }> }; summary: { exitCode: number } };
    assert.deepEqual(
      json.pair.errors.map((e) => e.rule),
      ['pair-link-name', 'pair-link-modes'],
    );
  });
  const usage: Array<[string, string[]]> = [
    ['one file', ['--pair', `${V}/mtls.yaml`]],
    ['with -f', ['--pair', `${V}/mtls.yaml`, `${V}/mtls.yaml`, '-f', `${V}/mtls.yaml`]],
    ['twice', ['--pair', 'a', 'b', '--pair', 'c', 'd']],
  ];
  for (const [name, argv] of usage) {
    test(`usage error: ${name}`, async () => assert.equal((await cli(...argv)).code, 2));
  }
  test('a file without exactly one ClusterLink: exit 2', async () => {
    const r = await cli('--pair', 'test/fixtures/cli/inputs/mixed.yaml', `${V}/mtls.yaml`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /exactly one ClusterLink per file/);
  });
});
