// Issue 17 point 10 (docs/performance.md#memory): open HTTPS connections are capped (each idle keep-alive
// connection costs ~27 KiB); one over the cap is closed at once, the ones within keep working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type TLSSocket } from 'node:tls';
import { DEFAULT_MAX_CONNECTIONS } from '../../src/admission/server.js';
import { startWebhook, type RunningWebhook } from '../support/webhook-server.js';

let wh: RunningWebhook;
before(async () => {
  wh = await startWebhook({ maxConnections: 2, metricsListener: false });
});
after(() => wh.close());

/** A TLS connection's fate: 'open' after the handshake and a moment without being closed, else 'closed'. */
function open(): Promise<{ socket: TLSSocket; fate: Promise<'open' | 'closed'> }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: wh.port, ca: wh.ca, servername: 'localhost' });
    const fate = new Promise<'open' | 'closed'>((settle) => {
      socket.once('secureConnect', () => setTimeout(() => settle(socket.destroyed ? 'closed' : 'open'), 300));
      socket.once('close', () => settle('closed'));
      socket.once('error', () => settle('closed'));
    });
    resolve({ socket, fate });
  });
}

describe('connection cap', () => {
  test('the default is set', () => assert.equal(DEFAULT_MAX_CONNECTIONS, 256));
  test('a third connection is refused when the cap is two', async () => {
    const first = await open();
    const second = await open();
    assert.equal(await first.fate, 'open');
    assert.equal(await second.fate, 'open');
    const third = await open();
    assert.equal(await third.fate, 'closed');
    for (const c of [first, second, third]) c.socket.destroy();
  });
});
