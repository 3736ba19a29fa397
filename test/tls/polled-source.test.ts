// The Secret-backed TlsSource of the managed mode (src/tls/polled-source.ts): not ready (and serving a throw-away
// certificate) until the first valid pair, then every valid new pair adopted without a restart; a broken pair or
// a failed read keeps the current one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { polledTlsSource } from '../../src/tls/polled-source.js';
import { generateSelfSignedServing } from '../../src/tls/generate.js';
import { createLogger } from '../../src/observability/log.js';
import type { TlsMaterial } from '../../src/tls/source.js';

const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const a = generateSelfSignedServing(['svc.ns.svc']);
const b = generateSelfSignedServing(['svc.ns.svc']);

test('not ready until a pair exists; then ready, each new valid pair adopted and announced', async () => {
  let next: TlsMaterial | undefined | Error;
  const source = polledTlsSource({
    description: 'Secret ns/tls',
    intervalMs: 3_600_000,
    logger,
    read: async () => {
      if (next instanceof Error) throw next;
      return next;
    },
  });
  try {
    const seen: string[] = [];
    source.subscribe((m) => seen.push(m.certPem));
    assert.equal(await source.refresh(), false);
    assert.equal(source.ready(), false, 'no Secret yet: not ready');
    const placeholder = source.current().certPem;
    assert.match(placeholder, /BEGIN CERTIFICATE/, 'a throw-away certificate lets the listener start');

    next = { certPem: a.certPem, keyPem: a.keyPem };
    assert.equal(await source.refresh(), true);
    assert.equal(source.ready(), true);
    assert.equal(source.current().certPem, a.certPem);

    next = { certPem: b.certPem, keyPem: a.keyPem };
    assert.equal(await source.refresh(), false, 'a key that does not match is refused');
    assert.equal(source.current().certPem, a.certPem);

    next = new Error('HTTP 503');
    assert.equal(await source.refresh(), false, 'a failed read keeps the current pair');
    assert.equal(source.ready(), true);

    next = { certPem: b.certPem, keyPem: b.keyPem };
    assert.equal(await source.refresh(), true);
    assert.deepEqual(seen, [a.certPem, b.certPem]);
  } finally {
    source.close();
  }
});
