// The command's entry (src/main.ts): `--version`, and `-h`/`--help` on every command answered from a light
// module (no server, no Kubernetes client loaded), exit 0 on stdout; an unknown command is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI_FROM_SOURCE, noClusterEnv, REPO_ROOT } from '../support/serve-process.js';

const cli = (args: string[]) =>
  spawnSync(process.execPath, [...CLI_FROM_SOURCE, ...args], { cwd: REPO_ROOT, env: noClusterEnv(), encoding: 'utf8' });

test('--version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
  const run = cli(['--version']);
  assert.equal(run.status, 0);
  assert.equal(run.stdout, `clusterlink-webhook ${version}\n`);
});

const helps: Array<[string[], RegExp]> = [
  [['serve', '-h'], /--tls-private-key-file/],
  [['serve', '--port', '1', '--help'], /--shutdown-grace/],
  [['validate', '-h'], /^Usage: clusterlink-webhook validate/],
  [['mutate', '-h'], /^Usage: clusterlink-webhook mutate/],
  [['certs', '-h'], /certs generate --service/],
];
for (const [args, expected] of helps) {
  test(`${args.join(' ')}: help on stdout, exit 0`, () => {
    const run = cli(args);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, expected);
    assert.equal(run.stderr, '');
  });
}

test('an unknown command: exit 2, the message on stderr', () => {
  const run = cli(['serv']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /unknown command "serv"/);
});
