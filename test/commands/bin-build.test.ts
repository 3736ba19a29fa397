// bin/clusterlink-webhook.js compiles only when it must (docs/cli.md#start-time-help-and-version): in a checkout
// when dist/ is missing or older than a file under src/, never when dist/ is fresh, never in an installed package
// (no src/); a failed compile is its exit code and nothing runs. The real bin file runs in a scratch layout with a
// stand-in tsc that records each call and writes dist/main.js; file times are set, never waited for.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/serve-process.js';

// CommonJS, extensionless, like the real node_modules/typescript/bin/tsc.
const FAKE_TSC = `const { appendFileSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..', '..', '..');
appendFileSync(join(root, 'compiled.log'), 'compiled\\n');
if (process.env.FAKE_TSC_FAIL) process.exit(3);
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'main.js'), 'export async function main(argv) { console.log("ran " + argv.join(" ")); return 0; }\\n');
`;

function layout(withSrc: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'bin-build-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin', 'clusterlink-webhook.js'), join(root, 'bin', 'clusterlink-webhook.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  mkdirSync(join(root, 'node_modules', 'typescript', 'bin'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'typescript', 'bin', 'tsc'), FAKE_TSC);
  writeFileSync(join(root, 'node_modules', 'typescript', 'package.json'), '{}\n');
  if (withSrc) {
    mkdirSync(join(root, 'src', 'commands'), { recursive: true });
    writeFileSync(join(root, 'src', 'commands', 'serve.ts'), 'export {};\n');
  }
  return root;
}

const run = (root: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(root, 'bin', 'clusterlink-webhook.js'), 'validate', '-h'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
const compiles = (root: string): number =>
  existsSync(join(root, 'compiled.log')) ? readFileSync(join(root, 'compiled.log'), 'utf8').split('\n').length - 1 : 0;
const setTime = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);

describe('bin/clusterlink-webhook.js builds only a stale checkout', () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  const T = 1_800_000_000;

  test('a checkout without dist/: compiles once, says so on stderr, then runs the command', () => {
    const root = layout(true);
    roots.push(root);
    const r = run(root);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(compiles(root), 1);
    assert.match(r.stderr, /dist\/ is older than src\/; compiling/);
    assert.equal(r.stdout, 'ran validate -h\n');
  });

  const cases: Array<[string, number, number, number]> = [
    // [name, src mtime, dist mtime, compiles expected]
    ['dist/ newer than every source: no compile', T - 10, T, 0],
    ['dist/ as new as the newest source: no compile', T, T, 0],
    ['a source edited after the build: compiles', T + 10, T, 1],
  ];
  for (const [name, srcTime, distTime, expected] of cases)
    test(name, () => {
      const root = layout(true);
      roots.push(root);
      mkdirSync(join(root, 'dist'));
      writeFileSync(join(root, 'dist', 'main.js'), 'export async function main() { console.log("old build"); }\n');
      setTime(join(root, 'src', 'commands', 'serve.ts'), srcTime);
      setTime(join(root, 'dist', 'main.js'), distTime);
      const r = run(root);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(compiles(root), expected);
      assert.equal(r.stdout, expected === 0 ? 'old build\n' : 'ran validate -h\n');
      assert.equal(r.stderr === '', expected === 0);
    });

  test('an installed package (no src/): runs dist/ as shipped, never compiles', () => {
    const root = layout(false);
    roots.push(root);
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'main.js'), 'export async function main() { console.log("shipped"); }\n');
    setTime(join(root, 'dist', 'main.js'), T - 1_000_000);
    const r = run(root);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(compiles(root), 0);
    assert.equal(r.stdout, 'shipped\n');
  });

  test('a compile that fails: its exit code, and the command does not run', () => {
    const root = layout(true);
    roots.push(root);
    const r = run(root, { FAKE_TSC_FAIL: '1' });
    assert.equal(r.status, 3);
    assert.equal(compiles(root), 1);
    assert.equal(r.stdout, '');
  });
});
