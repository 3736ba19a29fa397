// Running the offline commands in-process with captured streams, and golden-file comparison.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/commands/io.js';
import { run as runMutate } from '../../src/commands/mutate.js';
import { run as runValidate } from '../../src/commands/validate.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const INPUTS = 'test/fixtures/cli/inputs';
export const GOLDEN_DIR = join(REPO_ROOT, 'test/fixtures/cli/golden');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function bufferedIO(stdin = ''): CliIO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    readStdin: async () => stdin,
    cwd: REPO_ROOT,
    out: () => out,
    err: () => err,
  };
}

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  validate: runValidate,
  mutate: runMutate,
};

/** `clusterlink-webhook <command> ...argv`, in-process, from the repository root. */
export async function runCli(argv: readonly string[], stdin = ''): Promise<CliRun> {
  const [command, ...rest] = argv;
  const runCommand = COMMANDS[command ?? ''];
  assert.ok(runCommand, `unknown command ${command}`);
  const io = bufferedIO(stdin);
  const code = await runCommand(rest, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

export function renderRun(argv: readonly string[], result: CliRun): string {
  return `$ clusterlink-webhook ${argv.join(' ')}\nexit: ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}

/** Compares with test/fixtures/cli/golden/<name>.txt; UPDATE_GOLDEN=1 rewrites the file instead. */
export function assertGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`golden file ${path} is missing; run with UPDATE_GOLDEN=1 to create it, then review it`);
  }
  if (actual === expected) return;
  assert.fail(
    `output differs from ${path} (UPDATE_GOLDEN=1 regenerates it; review the diff)\n${firstDifference(expected, actual)}`,
  );
}

/** The first differing line with a little context: enough to see what changed without two full dumps. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const context = (lines: string[]) =>
    lines
      .slice(Math.max(0, i - 2), i + 3)
      .map((l, k) => `  ${Math.max(0, i - 2) + k + 1}: ${l}`)
      .join('\n');
  return `first difference at line ${i + 1}\nexpected:\n${context(want)}\nactual:\n${context(got)}`;
}
