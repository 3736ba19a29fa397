// Child-process entry: runs the real admission server (startWebhook) so the parent can load it from
// outside and watch the process itself — crashes, unhandled rejections, memory after GC.
// Run with `node --expose-gc --import tsx test/hardening/support/webhook-child.ts`; talks over IPC:
//   → { type: 'ready', url, ca, metricsUrl }
//   ← { type: 'memory' }  → { type: 'memory', heapUsed, rss, external, arrayBuffers, rejections, exceptions }
//   ← { type: 'logs' }    → { type: 'logs', lines, total } (the last 2,000 JSON log lines, and how many in all)
//   ← { type: 'stop' }    → graceful shutdown, then exit 0
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/log.js';
import { startWebhook } from '../../support/webhook-server.js';

interface Message {
  type: string;
}

const send = (message: Record<string, unknown>): void => {
  process.send?.(message);
};

let rejections = 0;
let exceptions = 0;
process.on('unhandledRejection', () => {
  rejections++;
});
process.on('uncaughtException', (err) => {
  exceptions++;
  process.stderr.write(`uncaught exception in the webhook child: ${err.stack ?? String(err)}\n`);
});

// The log is written to a sink that keeps only the last lines: the test harness's default logger keeps every
// line in memory, which a memory-baseline check would mistake for a leak of the server.
const KEEP_LINES = 2_000;
const tail: string[] = [];
let logLines = 0;
const logger = createLogger({
  level: process.env.HARDENING_LOG_LEVEL ?? 'info',
  destination: new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        logLines++;
        tail.push(line);
        if (tail.length > KEEP_LINES) tail.shift();
      }
      cb();
    },
  }),
});
const webhook = await startWebhook({ logger });
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (raw: unknown) => {
  const message = raw as Message;
  if (message.type === 'memory') {
    // Several passes: one full GC can leave garbage that only the next one frees (weak refs, finalizers).
    for (let i = 0; i < 3; i++) gc?.();
    const m = process.memoryUsage();
    send({
      type: 'memory',
      heapUsed: m.heapUsed,
      rss: m.rss,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      rejections,
      exceptions,
      gc: gc !== undefined,
    });
  } else if (message.type === 'logs') {
    send({ type: 'logs', lines: [...tail], total: logLines });
  } else if (message.type === 'stop') {
    void webhook.close().then(() => process.exit(0));
  }
});

send({ type: 'ready', url: webhook.url, ca: webhook.ca, metricsUrl: webhook.metricsUrl });
