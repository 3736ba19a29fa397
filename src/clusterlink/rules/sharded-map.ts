// A string-keyed map and set that stay fast with tens of thousands of keys (one entry per mirror topic).
//
// V8 keeps a Map's hash table in one block; past ~4,000 entries that block lands in large-object space, where
// every growth is a fresh allocation that only a full GC gives back. With 10,000 mirror topics that made each
// lookup about five times slower than with 1,000 and was most of the rules' superlinear growth. Splitting the
// keys over small Maps keeps every table in the young generation.

/** Keys per shard we aim for: small enough that a shard's table never reaches large-object space. */
const SHARD_TARGET = 1024;

/** How many shards (a power of two) for `expectedSize` keys. */
function shardCount(expectedSize: number): number {
  let count = 1;
  while (count * SHARD_TARGET * 2 < expectedSize) count *= 2;
  return count;
}

/**
 * The shard index of `key` under `mask` (shard count − 1), from its length and three of its characters (the last two
 * and the middle one), where names in one list mostly differ (`orders-00017`, `team-b.events`). Hashing every
 * character (FNV-1a) cost more at 10,000 topics than the lookups it spread. Names that agree in those places share
 * a shard, which then behaves like one plain Map or Set: slower, never wrong.
 */
function shardIndex(key: string, mask: number): number {
  const n = key.length;
  if (mask === 0 || n === 0) return 0;
  const hash = (key.charCodeAt(n - 1) * 31 + (n > 1 ? key.charCodeAt(n - 2) : 0)) * 31 + key.charCodeAt(n >> 1) + n;
  return hash & mask;
}

export class ShardedStringMap<V> {
  private readonly shards: Array<Map<string, V>> = [];
  private readonly mask: number;

  /** `expectedSize`: how many keys may come (only sizes the shards; any number of keys works). */
  constructor(expectedSize: number) {
    const count = shardCount(expectedSize);
    this.mask = count - 1;
    // a plain loop: this runs once per review (Array.from with a callback cost more than a small review's lookups)
    for (let i = 0; i < count; i++) this.shards.push(new Map<string, V>());
  }

  get(key: string): V | undefined {
    return this.shards[shardIndex(key, this.mask)]!.get(key);
  }

  set(key: string, value: V): void {
    this.shards[shardIndex(key, this.mask)]!.set(key, value);
  }
}

/** The same for a set of strings, where one hash operation per key answers "seen before?". */
export class ShardedStringSet {
  private readonly shards: Array<Set<string>> = [];
  private readonly mask: number;

  /** `expectedSize`: how many keys may come (only sizes the shards; any number of keys works). */
  constructor(expectedSize: number) {
    const count = shardCount(expectedSize);
    this.mask = count - 1;
    for (let i = 0; i < count; i++) this.shards.push(new Set<string>());
  }

  /** Adds `key`; true when it was not there before. */
  add(key: string): boolean {
    const shard = this.shards[shardIndex(key, this.mask)]!;
    const before = shard.size;
    return shard.add(key).size !== before;
  }

  has(key: string): boolean {
    return this.shards[shardIndex(key, this.mask)]!.has(key);
  }
}
