// Golden outputs of `validate` and `mutate`: what a user sees, byte for byte, with the exit code.
// Regenerate after a deliberate change with `UPDATE_GOLDEN=1 node --import tsx --test test/cli/golden.test.ts`
// and review every changed file before committing it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden, INPUTS, renderRun, REPO_ROOT, runCli } from './helpers.js';

interface GoldenCase {
  name: string;
  argv: string[];
  /** A fixture file fed to stdin. */
  stdinFrom?: string;
  exit: number;
}

const CASES: GoldenCase[] = [
  { name: 'validate-valid', argv: ['validate', '-f', `${INPUTS}/valid.yaml`], exit: 0 },
  { name: 'validate-invalid', argv: ['validate', '-f', `${INPUTS}/invalid.yaml`], exit: 1 },
  { name: 'validate-mixed', argv: ['validate', '-f', `${INPUTS}/mixed.yaml`], exit: 1 },
  { name: 'validate-stdin-yaml', argv: ['validate', '-f', '-'], stdinFrom: `${INPUTS}/valid.yaml`, exit: 0 },
  {
    name: 'validate-stdin-json',
    argv: ['validate', '-f', '-', '-n', 'from-flag'],
    stdinFrom: `${INPUTS}/stdin-link.json`,
    exit: 1,
  },
  { name: 'validate-json-output', argv: ['validate', '-o', 'json', '-f', `${INPUTS}/mixed.yaml`], exit: 1 },
  { name: 'validate-directory', argv: ['validate', '-f', `${INPUTS}/tree`, '-f', `${INPUTS}/link.json`], exit: 1 },
  { name: 'validate-update', argv: ['validate', '-f', `${INPUTS}/update.yaml`, '--old', `${INPUTS}/old`], exit: 1 },
  {
    name: 'validate-secrets',
    argv: ['validate', '-f', `${INPUTS}/secret-refs.yaml`, '--secrets-dir', `${INPUTS}/secrets`],
    exit: 1,
  },
  {
    name: 'validate-secrets-strict-json',
    argv: [
      'validate',
      '-f',
      `${INPUTS}/secret-refs.yaml`,
      '--secrets-dir',
      `${INPUTS}/secrets`,
      '--strict-secrets',
      '-o',
      'json',
    ],
    exit: 1,
  },
  {
    name: 'validate-unreadable',
    argv: ['validate', '-f', `${INPUTS}/broken.yaml`, '-f', `${INPUTS}/does-not-exist.yaml`],
    exit: 2,
  },
  { name: 'validate-no-input', argv: ['validate'], exit: 2 },
  // issue 18: the CRD check, near-miss kinds, skipped documents, kubeconform's conventions
  { name: 'validate-kinds', argv: ['validate', `${INPUTS}/kinds`], exit: 1 },
  { name: 'validate-kinds-json', argv: ['validate', '-o', 'json', `${INPUTS}/kinds/typo.yaml`], exit: 1 },
  { name: 'validate-nothing-checked', argv: ['validate', `${INPUTS}/kinds/not-objects.yaml`], exit: 2 },
  {
    name: 'validate-allow-empty',
    argv: ['validate', '--allow-empty', '-o', 'json', `${INPUTS}/kinds/not-objects.yaml`],
    exit: 0,
  },
  { name: 'validate-quiet', argv: ['validate', '-q', `${INPUTS}/mixed.yaml`, `${INPUTS}/valid.yaml`], exit: 1 },
  { name: 'validate-quiet-valid', argv: ['validate', '--quiet', `${INPUTS}/valid.yaml`], exit: 0 },
  {
    name: 'validate-glob-exclude',
    argv: ['validate', `${INPUTS}/tree/**/*.y*ml`, '--exclude', 'b-link.yml', '-f', `${INPUTS}/valid.yaml`],
    exit: 0,
  },
  {
    name: 'validate-junit',
    argv: ['validate', '-o', 'junit', `${INPUTS}/mixed.yaml`, `${INPUTS}/kinds/typo.yaml`, `${INPUTS}/broken.yaml`],
    exit: 2,
  },
  {
    name: 'validate-sarif',
    argv: ['validate', '-o', 'sarif', `${INPUTS}/mixed.yaml`, `${INPUTS}/kinds/typo.yaml`, `${INPUTS}/broken.yaml`],
    exit: 2,
  },
  { name: 'mutate-positional', argv: ['mutate', `${INPUTS}/valid.yaml`], exit: 0 },
  { name: 'validate-unknown-flag', argv: ['validate', '-f', `${INPUTS}/valid.yaml`, '--colour'], exit: 2 },
  { name: 'validate-help', argv: ['validate', '--help'], exit: 0 },
  { name: 'mutate-comments', argv: ['mutate', '-f', `${INPUTS}/commented.yaml`], exit: 0 },
  { name: 'mutate-patch', argv: ['mutate', '--patch', '-f', `${INPUTS}/commented.yaml`], exit: 0 },
  {
    name: 'mutate-list-and-json',
    argv: ['mutate', '-f', `${INPUTS}/mixed.yaml`, '-f', `${INPUTS}/link.json`],
    exit: 0,
  },
  { name: 'mutate-unreadable', argv: ['mutate', '-f', `${INPUTS}/broken.yaml`], exit: 2 },
  { name: 'mutate-help', argv: ['mutate', '--help'], exit: 0 },
];

describe('golden outputs', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const stdin = c.stdinFrom === undefined ? '' : readFileSync(join(REPO_ROOT, c.stdinFrom), 'utf8');
      const result = await runCli(c.argv, stdin);
      assert.equal(result.code, c.exit, `exit code of ${c.argv.join(' ')}\n${result.stdout}${result.stderr}`);
      assertGolden(c.name, renderRun(c.argv, result));
    });
  }
});
