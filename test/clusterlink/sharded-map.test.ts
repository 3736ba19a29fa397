// ShardedStringMap and ShardedStringSet must answer exactly like a Map<string, V> and a Set<string>, whether they
// have one shard or many.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShardedStringMap, ShardedStringSet } from '../../src/clusterlink/rules/sharded-map.js';

const SIZES: Array<[string, number]> = [
  ['one shard', 10],
  ['many shards', 20_000],
];

/** Short, empty, non-ASCII and astral keys, then `size` topic-like names. */
function keysFor(size: number): string[] {
  return ['', 'a', 'a.b', 'a_b', 'ü-ñ', '\u{1F600}', ...Array.from({ length: size }, (_, i) => `dc1.orders-${i}`)];
}

/** Keys that were never added, next to ones that were. */
const ABSENT = ['missing', 'dc1.orders-'];

describe('ShardedStringMap', () => {
  for (const [name, size] of SIZES) {
    test(`behaves like a Map: ${name}`, () => {
      const keys = keysFor(size);
      const map = new ShardedStringMap<number>(size);
      const reference = new Map<string, number>();
      keys.forEach((key, i) => {
        assert.equal(map.get(key), reference.get(key));
        map.set(key, i);
        reference.set(key, i);
      });
      map.set('a', -1);
      reference.set('a', -1);
      for (const key of [...keys, ...ABSENT]) assert.equal(map.get(key), reference.get(key), key);
    });
  }
});

describe('ShardedStringSet', () => {
  for (const [name, size] of SIZES) {
    test(`behaves like a Set: ${name}`, () => {
      const keys = keysFor(size);
      const set = new ShardedStringSet(size);
      const reference = new Set<string>();
      // every key twice: the first add is new, the second is not
      for (const key of [...keys, ...keys]) {
        assert.equal(set.has(key), reference.has(key), key);
        assert.equal(set.add(key), !reference.has(key), key);
        reference.add(key);
      }
      for (const key of [...keys, ...ABSENT]) assert.equal(set.has(key), reference.has(key), key);
    });
  }
});
