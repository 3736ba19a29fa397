// The default destination joins the lines logged within LOG_FLUSH_MS into one stdout write
// (docs/performance.md#the-hot-path): no line may be lost or reordered, whether the process ends normally, calls
// process.exit or crashes, and a running process writes its lines without waiting for its end.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { isoTimestamp } from '../../src/observability/log.js';

const LOG_MODULE = fileURLToPath(new URL('../../src/observability/log.ts', import.meta.url));

const CASES: Array<{ name: string; script: string; status: number; messages: string[] }> = [
  {
    name: 'lines of several turns, then a normal end',
    script: `log.info('a'); log.warn({ n: 1 }, 'b'); setTimeout(() => { log.info('c'); setImmediate(() => log.error('d')); }, 5);`,
    status: 0,
    messages: ['a', 'b', 'c', 'd'],
  },
  {
    name: 'process.exit right after logging',
    script: `log.info('a'); setTimeout(() => { log.info('b'); log.error('exiting'); process.exit(3); }, 5);`,
    status: 3,
    messages: ['a', 'b', 'exiting'],
  },
  {
    name: 'an uncaught exception right after logging',
    script: `setTimeout(() => { log.fatal('about to crash'); throw new Error('crash'); }, 5);`,
    status: 1,
    messages: ['about to crash'],
  },
  {
    name: 'many lines in one turn stay in order',
    script: `for (let i = 0; i < 2000; i++) log.info(String(i));`,
    status: 0,
    messages: Array.from({ length: 2000 }, (_, i) => String(i)),
  },
  {
    name: 'more than one batch of characters in one turn stays in order',
    script: `for (let i = 0; i < 1000; i++) log.info({ pad: 'x'.repeat(200) }, String(i));`,
    status: 0,
    messages: Array.from({ length: 1000 }, (_, i) => String(i)),
  },
  {
    name: 'nothing below the level',
    script: `log.debug('hidden'); log.info('shown');`,
    status: 0,
    messages: ['shown'],
  },
];

describe('logging to stdout', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const source = `import { createLogger } from ${JSON.stringify(LOG_MODULE)}; const log = createLogger({ level: 'info' }); ${c.script}`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
        encoding: 'utf8',
      });
      assert.equal(run.status, c.status, run.stderr);
      const lines = run.stdout.split('\n').filter((l) => l !== '');
      assert.deepEqual(
        lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
        c.messages,
      );
    });
  }
});

describe('a running process', () => {
  test('writes its lines while it runs, not only at its end', async () => {
    // The child exits only when told to, and it is told once its line has arrived: were the line held until exit,
    // the test would time out instead of passing.
    const source = `import { createLogger } from ${JSON.stringify(LOG_MODULE)}; const log = createLogger({ level: 'info' }); log.info('while running'); process.stdin.on('data', () => process.exit(0));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('\n')) resolve();
      });
    });
    assert.equal((JSON.parse(out.split('\n')[0]!) as { msg: string }).msg, 'while running');
    child.stdin.end('exit\n');
    assert.equal(await exited, 0);
  });
});

describe('a stdout nobody reads', () => {
  test('does not stop the process: lines beyond the bound are dropped and the count is logged', async () => {
    // 20 MB of lines while the parent reads nothing: the pipe fills after 64 KiB. The child says "done" on stderr
    // only after logging all of it and seeing its event loop turn; were a write to block (or sleep on EAGAIN), it
    // would never get there and the test would time out.
    const source = `import { createLogger } from ${JSON.stringify(LOG_MODULE)}; const log = createLogger({ level: 'info' });
      const pad = 'x'.repeat(500); let i = 0;
      const burst = () => { for (let n = 0; n < 1000; n++) log.info({ pad }, String(i++)); if (i < 40000) setImmediate(burst); else setTimeout(() => process.stderr.write('done\\n'), 50); };
      burst();
      process.stdin.on('data', (d) => { if (String(d).includes('go')) log.info('after the burst'); if (String(d).includes('exit')) process.exit(0); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    const closed = new Promise((resolve) => child.stdout.on('close', resolve));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (c: Buffer) => c.toString().includes('done') && resolve()),
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stdout.resume();
    // Let the child write what it held, log once more, then exit (it writes the rest at exit).
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.write('go\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.stdin.end('exit\n');
    assert.equal(await exited, 0);
    await closed;
    const lines = out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { msg: string; droppedBytes?: number });
    const drops = lines.filter((l) => l.msg.startsWith('log lines dropped'));
    assert.ok(drops.length > 0 && drops.every((d) => (d.droppedBytes ?? 0) > 0), 'the drop is reported with its size');
    // Reported when stdout moves again, not with every batch (which would fill the room it reports on).
    assert.ok(drops.length <= 3, `${drops.length} drop lines`);
    assert.ok(lines.length < 40_000, 'lines beyond the bound were dropped, not held');
    assert.ok(
      lines.some((l) => l.msg === 'after the burst'),
      'logging goes on once stdout is read again',
    );
    // What was kept stays in order.
    const numbers = lines.map((l) => Number(l.msg)).filter((n) => Number.isInteger(n));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    );
  });
});

describe('isoTimestamp', () => {
  const times = [
    0,
    5,
    50,
    999,
    1000,
    1_764_645_612_000,
    1_764_645_612_007,
    1_764_645_612_042,
    1_764_645_612_999,
    1_764_645_613_000,
    Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    Date.UTC(2027, 0, 1, 0, 0, 0, 1),
    Date.UTC(2028, 1, 29, 12, 0, 0, 100),
  ];
  for (const at of times) {
    test(`${at}: what pino's isoTime writes`, () => {
      assert.equal(isoTimestamp(at), `,"time":"${new Date(at).toISOString()}"`);
    });
  }
  test('the same second again, then a later one, then an earlier one', () => {
    for (const at of [1_764_645_612_001, 1_764_645_612_500, 1_764_645_700_250, 1_764_645_612_003])
      assert.equal(isoTimestamp(at), `,"time":"${new Date(at).toISOString()}"`);
  });
});
