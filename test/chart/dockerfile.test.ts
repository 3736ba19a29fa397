// The Dockerfile, read as text (no Docker engine here): a multi-stage build on a current Node LTS slim image,
// production dependencies only in the final image, a numeric non-root USER, node as PID 1 through exec-form
// ENTRYPOINT/CMD, no HEALTHCHECK; and a .dockerignore that keeps the build context to what is copied.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT, readText } from './support.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  from: string;
  name: string;
  instructions: Instruction[];
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(src: string): { args: Map<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  src.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') start = index + 1;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (!line.endsWith('\\')) {
      const [keyword = '', ...rest] = pending.trim().split(/\s+/);
      instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start });
      pending = '';
    }
  });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = ins.args.split('=');
      args.set(name, value);
    } else if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      assert.ok(m, `line ${ins.line}: FROM ${ins.args}`);
      const from = (m[1] ?? '').replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? `\${${n}}`);
      stages.push({ from, name: m[2] ?? String(stages.length), instructions: [] });
    } else {
      const stage = stages[stages.length - 1];
      assert.ok(stage, `line ${ins.line}: ${ins.keyword} before FROM`);
      stage.instructions.push(ins);
    }
  }
  return { args, stages };
}

const { stages } = parseDockerfile(readText(join(REPO_ROOT, 'Dockerfile')));
const final = stages[stages.length - 1];
const runs = (stage: Stage | undefined): string[] =>
  (stage?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
const last = (stage: Stage | undefined, keyword: string): Instruction | undefined =>
  [...(stage?.instructions ?? [])].reverse().find((i) => i.keyword === keyword);

describe('the Dockerfile reader', () => {
  test('joins continuation lines, resolves ARGs in FROM and names stages', () => {
    const parsed = parseDockerfile(
      'ARG BASE=node:24-slim\nFROM ${BASE} AS one\nRUN a \\\n  # note\n  b\nFROM one\nCMD ["x"]\n',
    );
    assert.deepEqual(
      parsed.stages.map((s) => [s.from, s.name]),
      [
        ['node:24-slim', 'one'],
        ['one', '1'],
      ],
    );
    assert.equal(parsed.stages[0]?.instructions[0]?.args, 'a b');
  });
});

describe('Dockerfile', () => {
  test('multi-stage: build, production dependencies, runtime', () => {
    assert.ok(stages.length >= 2, 'at least a build and a runtime stage');
    assert.deepEqual(
      stages.map((s) => s.name),
      ['build', 'deps', 'runtime'],
    );
  });
  test('every stage starts from a current Node LTS slim image (Node 24)', () => {
    for (const s of stages) assert.match(s.from, /^node:24(\.\d+)*-slim$/, `${s.name} uses ${s.from}`);
  });
  test('the build stage installs the dev dependencies with npm ci and runs the build', () => {
    const build = stages.find((s) => s.name === 'build');
    const commands = runs(build).join(' && ');
    assert.match(commands, /npm ci(?! [^&]*--omit=dev)/);
    assert.match(commands, /npm run build/);
  });
  test('the final image gets node_modules from a stage that ran npm ci --omit=dev, and dist from the build', () => {
    const copies = (final?.instructions ?? []).filter((i) => i.keyword === 'COPY' && /--from=/.test(i.args));
    const nodeModules = copies.find((i) => /node_modules/.test(i.args));
    const source = /--from=(\S+)/.exec(nodeModules?.args ?? '')?.[1];
    const deps = stages.find((s) => s.name === source);
    assert.ok(deps, 'node_modules must come from a named stage');
    assert.ok(
      runs(deps).some((r) => /npm ci\b.*--omit=dev/.test(r)),
      `stage ${source} must run npm ci --omit=dev`,
    );
    assert.ok(
      copies.some((i) => /--from=build\s+\S*dist/.test(i.args)),
      'dist comes from the build stage',
    );
    assert.ok(!runs(final).some((r) => /npm (ci|install)/.test(r)), 'the final stage installs nothing');
  });
  test('the final image runs as a numeric non-root user', () => {
    const user = last(final, 'USER');
    assert.ok(user, 'USER is set in the final stage');
    const uid = user.args.split(':')[0] ?? '';
    assert.match(uid, /^\d+$/, 'numeric, so runAsNonRoot can verify it');
    assert.notEqual(Number(uid), 0);
    const userIndex = final?.instructions.indexOf(user) ?? -1;
    assert.ok(!final?.instructions.slice(userIndex + 1).some((i) => i.keyword === 'USER'), 'no USER after it');
  });
  test('exec-form ENTRYPOINT runs node directly (PID 1, gets SIGTERM), CMD is exec form too', () => {
    const entrypoint = last(final, 'ENTRYPOINT');
    const cmd = last(final, 'CMD');
    assert.ok(entrypoint && cmd);
    const ep = JSON.parse(entrypoint.args) as unknown;
    const c = JSON.parse(cmd.args) as unknown;
    assert.ok(Array.isArray(ep) && Array.isArray(c), 'both are JSON arrays');
    assert.equal(ep[0], 'node');
    assert.equal(ep[1], 'bin/clusterlink-webhook.js');
    assert.deepEqual(c, ['serve']);
    assert.ok(!ep.some((x) => /^(sh|bash|\/bin\/sh)$/.test(String(x))), 'no shell wrapper');
  });
  test('no HEALTHCHECK (Kubernetes probes /healthz and /readyz)', () => {
    assert.ok(!stages.some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK')));
  });
  test('NODE_ENV is production in the final image and the ports are declared', () => {
    assert.ok(final?.instructions.some((i) => i.keyword === 'ENV' && /NODE_ENV=production/.test(i.args)));
    assert.match(last(final, 'EXPOSE')?.args ?? '', /8443/);
  });
  test('the entry point and the compiled code it loads are copied', () => {
    const copied = (final?.instructions ?? [])
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args)
      .join('\n');
    assert.match(copied, /\bbin\b/);
    assert.match(copied, /package\.json/);
    const bin = readText(join(REPO_ROOT, 'bin', 'clusterlink-webhook.js'));
    assert.match(bin, /\.\.\/dist\/main\.js/);
  });
});

describe('.dockerignore', () => {
  const ignore = readText(join(REPO_ROOT, '.dockerignore'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  test('an allow-list: everything ignored, then what the Dockerfile copies re-included', () => {
    assert.equal(ignore[0], '*');
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/', 'bin/'])
      assert.ok(ignore.includes(`!${needed}`), needed);
  });
  test('node_modules never enters the context', () => {
    assert.ok(ignore.includes('**/node_modules'));
  });
  test('every file the Dockerfile copies from the context is allowed', () => {
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const src of sources) {
      const name = src.replace(/\/$/, '');
      assert.ok(ignore.includes(`!${name}`) || ignore.includes(`!${name}/`), `${src} is copied but ignored`);
    }
  });
});
