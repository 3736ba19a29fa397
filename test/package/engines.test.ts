// `engines` in package.json agrees with the lockfile: every locked package (runtime and tooling) accepts the
// lowest Node.js version of each line the project claims, so `npm ci` never warns EBADENGINE on a supported Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((n) => (/^\d+$/.test(n) ? Number(n) : 0));
  return [a, b, c];
};
const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The npm range subset the lockfile uses: `a || b`, `>=x`, `>x`, `<x`, `^x.y.z`, `~x.y`, bare `x[.y]`, `*`. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/([<>]=?)\s+/g, '$1')
      .split(/\s+/)
      .filter((p) => p !== '')
      .every((part) => {
        const m = /^(>=|>|<=|<|\^|~|=)?v?([\d.x*]+)$/.exec(part);
        if (!m) throw new Error(`range part "${part}" is not understood`);
        const [, op = '', raw = ''] = m;
        if (raw === '*' || raw === 'x') return true;
        const want = parse(raw);
        const fields = raw.split('.').filter((f) => /^\d+$/.test(f)).length;
        const c = cmp(version, want);
        if (op === '>=') return c >= 0;
        if (op === '>') return c > 0;
        if (op === '<=') return c <= 0;
        if (op === '<') return c < 0;
        if (op === '^') return c >= 0 && version[0] === want[0];
        if (op === '~') return c >= 0 && version[0] === want[0] && version[1] === want[1];
        // bare "20" or "20.9": that major (and minor)
        return (
          version[0] === want[0] && (fields < 2 || version[1] === want[1]) && (fields < 3 || version[2] === want[2])
        );
      }),
  );
}

test('the range check reads npm ranges', () => {
  const cases: Array<[string, string, boolean]> = [
    ['20.19.0', '^20.19.0 || ^22.13.0 || >=24', true],
    ['22.12.0', '^20.19.0 || ^22.13.0 || >=24', false],
    ['20.11.0', '>=22', false],
    ['20.19.0', '18 || 20 || >=22', true],
    ['21.0.0', '18 || 20 || >=22', false],
    ['20.19.0', '>= 0.8', true],
  ];
  for (const [v, range, expected] of cases) assert.equal(satisfies(parse(v), range), expected, `${v} ${range}`);
});

test('every locked package accepts the lowest version of each Node.js line in engines', () => {
  const lowest = pkg.engines.node.split('||').map((alt) => parse(alt.trim().replace(/^[\^>=~]+/, '')));
  assert.ok(lowest.length >= 1);
  const refusals: string[] = [];
  for (const [name, entry] of Object.entries(lock.packages)) {
    const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    if (name === '' || range === undefined) continue;
    for (const v of lowest) if (!satisfies(v, range)) refusals.push(`${name} (node ${range}) refuses ${v.join('.')}`);
  }
  assert.deepEqual(refusals, []);
});
