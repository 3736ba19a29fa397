// One timer for all the reviews in flight instead of two per review (docs/performance.md#the-hot-path). Every review
// of a server waits the same time, so the deadlines fall due in the order the reviews started: a FIFO queue per
// delay, and one timer armed for the oldest live entry. A review that finishes only marks its entry; the sweep drops
// it when it reaches the head. The timer keeps the process alive only while a deadline is live, as a timer per
// review did: a CLI run ends when its last review does, not when the swept entries would have fallen due.

/** A pending deadline: `fire` runs once at `dueAt` (ms, performance.now()) unless `cancel()` came first. */
export interface Deadline {
  cancel(): void;
}

class Entry implements Deadline {
  constructor(
    private readonly queue: DeadlineQueue,
    readonly dueAt: number,
    public fire: (() => void) | undefined,
  ) {}

  cancel(): void {
    if (this.fire === undefined) return;
    this.fire = undefined;
    this.queue.settled();
  }
}

/** Deadlines `delayMs` after they are added, swept by one timer. */
class DeadlineQueue {
  private entries: Entry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Entries neither fired nor cancelled. */
  private live = 0;

  constructor(private readonly delayMs: number) {}

  add(fire: () => void): Deadline {
    const entry = new Entry(this, performance.now() + this.delayMs, fire);
    this.entries.push(entry);
    if (this.live++ === 0) this.timer?.ref();
    if (this.timer === undefined) this.arm(this.delayMs);
    return entry;
  }

  /** An entry was cancelled or fired. */
  settled(): void {
    if (--this.live === 0) this.timer?.unref();
  }

  private arm(inMs: number): void {
    this.timer = setTimeout(() => this.sweep(), Math.max(0, inMs));
    if (this.live === 0) this.timer.unref();
  }

  /** Fires every entry that is due, drops the cancelled ones in front, re-arms for the next live one. */
  private sweep(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      if (entry.fire !== undefined && entry.dueAt > now) break;
      this.head++;
      const fire = entry.fire;
      if (fire) {
        entry.fire = undefined;
        this.settled();
        fireSafely(fire);
      }
    }
    // Compact once the consumed prefix dominates, so the array does not grow with the traffic.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
      return;
    }
    this.arm(this.entries[this.head]!.dueAt - now);
  }
}

/** One failing callback must not stop the other deadlines (ours only abort a signal or settle a promise). */
function fireSafely(fire: () => void): void {
  try {
    fire();
  } catch {
    // nothing to do: the review it belonged to answers through its budget
  }
}

const queues = new Map<number, DeadlineQueue>();

/** Calls `fire` in `delayMs` (a timer shared with every other deadline of the same delay) unless cancelled first. */
export function deadlineIn(delayMs: number, fire: () => void): Deadline {
  let queue = queues.get(delayMs);
  if (!queue) {
    queue = new DeadlineQueue(delayMs);
    queues.set(delayMs, queue);
  }
  return queue.add(fire);
}
