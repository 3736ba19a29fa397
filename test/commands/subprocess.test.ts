// The CLI as a user runs it: a real process, real stdin/stdout, real exit codes (through src/main.ts main).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INPUTS, REPO_ROOT } from '../offline/helpers.js';

const ENTRY = "import { main } from './src/main.ts'; process.exitCode = await main(process.argv.slice(1));";

function runProcess(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, '--', ...args], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

// Each process pays tsx's start-up, so a few cases only, run concurrently; the in-process goldens cover the rest.
describe('clusterlink-webhook as a process', { concurrency: true }, () => {
  const cases = [
    { name: 'valid file → 0', args: ['validate', '-f', `${INPUTS}/valid.yaml`], code: 0, out: /dc1-orders: OK/ },
    {
      name: 'unreadable input → 2',
      args: ['validate', '-f', `${INPUTS}/nope.yaml`],
      code: 2,
      out: /1 input unreadable/,
    },
    // issue 18: a misspelt field is an error, a run that checks nothing is exit 2, usage errors go to stderr
    {
      name: 'misspelt field → 1',
      args: ['validate', `${INPUTS}/kinds/typo.yaml`],
      code: 1,
      out: /unknown field "spec\.sourceKafkaCluster\.authentcation"/,
      err: /^$/,
    },
    {
      name: 'nothing checked → 2, unless --allow-empty',
      args: ['validate', `${INPUTS}/kinds/not-objects.yaml`],
      code: 2,
      out: /5 other documents skipped/,
      err: /^error: no ClusterLink was checked/,
    },
    {
      name: '--allow-empty → 0',
      args: ['validate', '--allow-empty', `${INPUTS}/kinds/not-objects.yaml`],
      code: 0,
      out: /skipped/,
    },
    {
      name: 'usage error → 2 on stderr',
      args: ['validate', '--colour'],
      code: 2,
      out: /^$/,
      err: /Unknown option '--colour'/,
    },
    { name: '-h on validate → 0', args: ['validate', '-h'], code: 0, out: /^Usage: clusterlink-webhook validate/ },
    {
      name: 'sarif on stdout',
      args: ['validate', '-o', 'sarif', `${INPUTS}/kinds/typo.yaml`],
      code: 1,
      out: /"version": "2\.1\.0"/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const result = await runProcess(c.args);
      assert.equal(result.code, c.code, result.stderr);
      assert.match(result.stdout, c.out);
      if ('err' in c && c.err) assert.match(result.stderr, c.err);
    });
  }

  test('invalid input on stdin → 1, JSON on stdout', async () => {
    const result = await runProcess(
      ['validate', '-f', '-', '-o', 'json'],
      readFileSync(join(REPO_ROOT, INPUTS, 'invalid.yaml'), 'utf8'),
    );
    assert.equal(result.code, 1, result.stderr);
    const parsed = JSON.parse(result.stdout) as {
      summary: { invalid: number; exitCode: number };
      documents: Array<{ ref: string }>;
    };
    assert.equal(parsed.summary.invalid, 1);
    assert.equal(parsed.summary.exitCode, 1);
    assert.equal(parsed.documents[0]?.ref, '<stdin>:1');
  });

  test('the top-level help lists both offline commands', async () => {
    const result = await runProcess(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^ {2}validate /m);
    assert.match(result.stdout, /^ {2}mutate /m);
  });
});
