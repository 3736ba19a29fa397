// The Secret cache's store (issue 17 point 2): bounded by bytes, LRU order, entries gone when they expire.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ByteLru } from '../../src/lib/byte-lru.js';
import { createSecretSourceFromReader } from '../../src/kube/secret-source.js';

describe('ByteLru', () => {
  test('never holds more than maxBytes; the least recently used goes first', () => {
    const lru = new ByteLru<string>({ maxBytes: 300 });
    lru.set('a', 'A', 70, 60_000);
    lru.set('b', 'B', 70, 60_000);
    lru.set('c', 'C', 70, 60_000);
    lru.get('a'); // a is now the most recent
    lru.set('d', 'D', 70, 60_000);
    lru.set('e', 'E', 70, 60_000);
    assert.ok(lru.bytes <= 300);
    assert.equal(lru.get('b'), undefined);
    assert.equal(lru.get('a'), 'A');
    assert.equal(lru.get('e'), 'E');
    lru.clear();
  });
  const rejected = [
    { name: 'bigger than maxEntryBytes', bytes: 76, ttl: 1000 },
    { name: 'no TTL', bytes: 10, ttl: 0 },
  ];
  for (const c of rejected) {
    test(`not kept: ${c.name}`, () => {
      const lru = new ByteLru<string>({ maxBytes: 300 });
      assert.equal(lru.set('x', 'X', c.bytes, c.ttl), false);
      assert.equal(lru.bytes, 0);
    });
  }
  test('an expired entry is dropped by its timer, without a lookup', async () => {
    const lru = new ByteLru<string>({ maxBytes: 1000 });
    lru.set('a', 'A', 100, 30);
    lru.set('b', 'B', 100, 60_000);
    await sleep(300);
    assert.equal(lru.size, 1);
    assert.equal(lru.bytes, 100);
    lru.clear();
  });
});

describe('Secret source cache', () => {
  const MiB = 1024 * 1024;
  test('200 distinct 1 MiB Secrets: the cache holds at most its byte bound, and nothing after the TTL', async () => {
    const reader = {
      readNamespacedSecret: async ({ name }: { name: string }) => ({
        data: { 'cacerts.pem': Buffer.alloc(MiB, name).toString('base64') },
      }),
    };
    const source = createSecretSourceFromReader(reader, { maxCacheBytes: 16 * MiB, cacheTtlMs: 100 });
    const never = new AbortController().signal;
    let peak = 0;
    for (let i = 0; i < 200; i++) {
      const got = await source.get('ns', `s${i}`, never);
      assert.equal(got.found, true);
      peak = Math.max(peak, source.cachedBytes());
    }
    assert.ok(peak <= 16 * MiB, `peak ${peak}`);
    assert.ok(peak > 0);
    await sleep(500);
    assert.equal(source.cachedBytes(), 0);
  });
});
