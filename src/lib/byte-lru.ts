// A small cache bounded by bytes, least recently used out first, every entry dropped when it expires (a timer,
// not on the next lookup: docs/webhook.md#hostile-input — memory must come back even when nobody asks again).

export interface ByteLruOptions {
  /** Upper bound on the sum of the entries' sizes. */
  maxBytes: number;
  /** Entries bigger than this are not kept at all (default maxBytes / 4). */
  maxEntryBytes?: number;
  /** Clock for the expiry check on read (tests); the timers use real time. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  expires: number;
  timer: NodeJS.Timeout;
}

export class ByteLru<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private total = 0;
  private readonly maxEntryBytes: number;
  private readonly now: () => number;

  constructor(private readonly options: ByteLruOptions) {
    this.maxEntryBytes = options.maxEntryBytes ?? Math.floor(options.maxBytes / 4);
    this.now = options.now ?? Date.now;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.delete(key);
      return undefined;
    }
    // Re-insert: Map order is the recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `ttlMs`; false when it is too big to keep. */
  set(key: string, value: V, bytes: number, ttlMs: number): boolean {
    this.delete(key);
    if (ttlMs <= 0 || bytes > this.maxEntryBytes) return false;
    while (this.total + bytes > this.options.maxBytes && this.entries.size > 0) {
      this.delete(this.entries.keys().next().value as string);
    }
    const timer = setTimeout(() => this.delete(key), ttlMs);
    timer.unref();
    this.entries.set(key, { value, bytes, expires: this.now() + ttlMs, timer });
    this.total += bytes;
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }
}
