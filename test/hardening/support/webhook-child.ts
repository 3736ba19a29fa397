// Child-process entry: runs the real admission server (startWebhook) so the parent can load it from
// outside and watch the process itself — crashes, unhandled rejections, memory after GC.
// Run with `node --expose-gc --import tsx test/hardening/support/webhook-child.ts`; talks over IPC:
//   → { type: 'ready', url, ca, metricsUrl }
//   ← { type: 'memory' }  → { type: 'memory', heapUsed, rss, external, arrayBuffers, rejections, exceptions }
//   ← { type: 'logs' }    → { type: 'logs', lines } (the captured JSON log lines, as text)
//   ← { type: 'stop' }    → graceful shutdown, then exit 0
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

const webhook = await startWebhook({ logLevel: process.env.HARDENING_LOG_LEVEL ?? 'warn' });
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (raw: unknown) => {
  const message = raw as Message;
  if (message.type === 'memory') {
    // Several passes: one full GC can leave garbage that only the next one frees (weak refs, finalizers).
    for (let i = 0; i < 3; i++) gc?.();
    const m = process.memoryUsage();
    send({ type: 'memory', heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, rejections, exceptions, gc: gc !== undefined });
  } else if (message.type === 'logs') {
    send({ type: 'logs', lines: webhook.logs().map((l) => JSON.stringify(l)) });
  } else if (message.type === 'stop') {
    void webhook.close().then(() => process.exit(0));
  }
});

send({ type: 'ready', url: webhook.url, ca: webhook.ca, metricsUrl: webhook.metricsUrl });
