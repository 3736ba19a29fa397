// The default destination joins the lines of one event-loop turn into one stdout write (docs/performance.md#the-hot-path):
// no line may be lost or reordered, whether the process ends normally, calls process.exit or crashes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
