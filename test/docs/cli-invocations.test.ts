// The command is not on PATH (docs/cli.md, "Running it"): every example in the README and docs/ that runs it says
// how — `npx clusterlink-webhook …` in a checkout, `node bin/clusterlink-webhook.js …`, or the image's arguments —
// so a copied line works. `npx clusterlink-webhook --version` is never suggested: npx answers it with npm's own
// version. package.json's bin is what npx runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/serve-process.js';

const FILES = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The usage synopsis the program prints itself (docs/cli.md): a description, not a line to run. */
const SYNOPSIS = 'clusterlink-webhook <command> [flags]';

/** Lines inside fenced code blocks, with their file and line number. */
function codeLines(file: string): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  let fenced = false;
  readFileSync(join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/^\s*```/.test(line)) fenced = !fenced;
      else if (fenced) out.push({ where: `${file}:${i + 1}`, text: line });
    });
  return out;
}

/** Commands of a shell line that start with the bare name (at the start, after a pipe, `&&`, `;` or `$(`). */
export function bareInvocations(line: string): string[] {
  const text = line.trim().replace(/^\$\s+/, '');
  if (text === SYNOPSIS) return [];
  return [...text.matchAll(/(?:^|\||&&|;|\$\()\s*(clusterlink-webhook\s+[a-z-]+)/g)].map((m) => m[1] ?? '');
}

describe('docs run the CLI the way it is installed', () => {
  const cases: Array<[string, string[]]> = [
    ['npx clusterlink-webhook validate -f x.yaml', []],
    ['node bin/clusterlink-webhook.js serve', []],
    ['kustomize build . | npx clusterlink-webhook validate -f -', []],
    ['clusterlink-webhook serve --port 1', ['clusterlink-webhook serve']],
    ['$ clusterlink-webhook validate -f x', ['clusterlink-webhook validate']],
    ['kustomize build . | clusterlink-webhook validate -f -', ['clusterlink-webhook validate']],
    ['helm install clusterlink-webhook charts/clusterlink-webhook', []],
    [SYNOPSIS, []],
  ];
  for (const [line, want] of cases)
    test(`the check reads ${JSON.stringify(line)}`, () => assert.deepEqual(bareInvocations(line), want));

  test('no code block in the README or docs/ runs the bare command', () => {
    const found = FILES.flatMap(codeLines).flatMap((l) => bareInvocations(l.text).map((c) => `${l.where}: ${c}`));
    assert.deepEqual(found, []);
  });

  test('no doc suggests `npx clusterlink-webhook --version`', () => {
    for (const file of FILES)
      assert.doesNotMatch(
        readFileSync(join(REPO_ROOT, file), 'utf8'),
        /npx clusterlink-webhook (--version|-v)\b/,
        file,
      );
  });

  test("package.json's bin is the node entry npx runs", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.deepEqual(pkg.bin, { 'clusterlink-webhook': 'bin/clusterlink-webhook.js' });
    assert.match(readFileSync(join(REPO_ROOT, 'bin', 'clusterlink-webhook.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });
});
