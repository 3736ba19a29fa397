// One timer for all the reviews in flight instead of two per review (docs/performance.md#the-hot-path). Every review
// of a server waits the same time, so the deadlines fall due in the order the reviews started: a FIFO list per
// delay, and one timer armed for the oldest entry. A review that finishes unlinks its entry at once, so an entry
// lives as long as its review (and dies young, in the GC's sense) instead of until its deadline would have passed.
// The timer keeps the process alive only while a deadline is pending, as a timer per review did: a CLI run ends when
// its last review does.

/** A pending deadline: `fire` runs once at `dueAt` (ms, performance.now()) unless `cancel()` came first. */
export interface Deadline {
  cancel(): void;
}

class Entry implements Deadline {
  prev: Entry | undefined;
  next: Entry | undefined;

  constructor(
    private readonly queue: DeadlineQueue,
    readonly dueAt: number,
    public fire: (() => void) | undefined,
  ) {}

  cancel(): void {
    if (this.fire === undefined) return;
    this.fire = undefined;
    this.queue.unlink(this);
  }
}

/** Deadlines `delayMs` after they are added, in a doubly linked list swept by one timer. */
class DeadlineQueue {
  private head: Entry | undefined;
  private tail: Entry | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs: number) {}

  add(fire: () => void): Deadline {
    const entry = new Entry(this, performance.now() + this.delayMs, fire);
    if (this.tail === undefined) {
      this.head = entry;
      this.timer?.ref();
    } else {
      entry.prev = this.tail;
      this.tail.next = entry;
    }
    this.tail = entry;
    if (this.timer === undefined) this.arm(this.delayMs);
    return entry;
  }

  /** Takes a cancelled or fired entry out; with nothing left pending, the timer no longer holds the process. */
  unlink(entry: Entry): void {
    const { prev, next } = entry;
    if (prev) prev.next = next;
    else this.head = next;
    if (next) next.prev = prev;
    else this.tail = prev;
    entry.prev = entry.next = undefined;
    if (this.head === undefined) this.timer?.unref();
  }

  private arm(inMs: number): void {
    this.timer = setTimeout(() => this.sweep(), Math.max(0, inMs));
    if (this.head === undefined) this.timer.unref();
  }

  /** Fires every entry that is due, then re-arms for the oldest one left. */
  private sweep(): void {
    this.timer = undefined;
    const now = performance.now();
    for (let entry = this.head; entry !== undefined && entry.dueAt <= now; entry = this.head) {
      const fire = entry.fire;
      entry.fire = undefined;
      this.unlink(entry);
      if (fire) fireSafely(fire);
    }
    if (this.head !== undefined) this.arm(this.head.dueAt - now);
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
