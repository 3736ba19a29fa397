// Decrypting an encrypted privkey.pem off the event loop (docs/webhook.md#hostile-input): the key derivation is
// CPU-bound and synchronous in node:crypto, so it runs in a small pool of worker threads, and a job that outlives
// its caller's signal (the admission deadline) is stopped by terminating its worker. /healthz and every other
// review keep being answered meanwhile. Workers start on first use and end after a minute without work.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type DecryptOutcome =
  /** `der`: the decrypted key as unencrypted PKCS#8 DER (kept in memory only); `index`: the candidate that worked. */
  { kind: 'decrypted'; der: Buffer; index: number } | { kind: 'wrong-password' } | { kind: 'timeout' };

export interface KeyDecryptor {
  /** Tries `candidates` in order on the PEM `text`; never throws, never outlives `signal`. */
  decrypt(text: string, candidates: readonly Buffer[], signal: AbortSignal): Promise<DecryptOutcome>;
  /** Ends the workers (idle ones end by themselves). */
  close(): Promise<void>;
}

// Plain CommonJS so that it runs the same from the sources (tsx) and from the build.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPrivateKey } = require('node:crypto');
parentPort.on('message', ({ text, candidates }) => {
  for (let index = 0; index < candidates.length; index++) {
    try {
      const key = createPrivateKey({ key: text, format: 'pem', passphrase: Buffer.from(candidates[index]) });
      parentPort.postMessage({ index, der: key.export({ type: 'pkcs8', format: 'der' }) });
      return;
    } catch {}
  }
  parentPort.postMessage({ index: -1 });
});
`;

interface Job {
  text: string;
  candidates: Uint8Array[];
  signal: AbortSignal;
  resolve: (outcome: DecryptOutcome) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
}

export interface DecryptPoolOptions {
  /** Worker threads (default: 2, or 1 on a single core). */
  size?: number;
  /** An idle worker ends after this long (default 60 s). */
  idleMs?: number;
}

export function createDecryptPool(options: DecryptPoolOptions = {}): KeyDecryptor {
  return new DecryptPool(
    options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1)),
    options.idleMs ?? 60_000,
  );
}

class DecryptPool implements KeyDecryptor {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];

  constructor(
    private readonly size: number,
    private readonly idleMs: number,
  ) {}

  decrypt(text: string, candidates: readonly Buffer[], signal: AbortSignal): Promise<DecryptOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'timeout' });
    return new Promise<DecryptOutcome>((resolve) => {
      const job: Job = { text, candidates: candidates.map((c) => new Uint8Array(c)), signal, resolve };
      this.queue.push(job);
      // A queued job whose caller gives up leaves the queue at once.
      signal.addEventListener(
        'abort',
        () => {
          const at = this.queue.indexOf(job);
          if (at !== -1) {
            this.queue.splice(at, 1);
            resolve({ kind: 'timeout' });
          }
        },
        { once: true },
      );
      this.next();
    });
  }

  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.resolve({ kind: 'timeout' });
    await Promise.all([...this.slots].map(async (slot) => this.retire(slot)));
  }

  private retire(slot: Slot): void {
    this.slots.delete(slot);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    void slot.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { worker, busy: false };
    worker.on('error', () => this.retire(slot));
    this.slots.add(slot);
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    slot.busy = true;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    const finish = (outcome: DecryptOutcome, healthy: boolean): void => {
      job.signal.removeEventListener('abort', onAbort);
      slot.worker.off('message', onMessage);
      slot.busy = false;
      if (healthy) {
        slot.idleTimer = setTimeout(() => this.retire(slot), this.idleMs);
        slot.idleTimer.unref();
      } else this.retire(slot);
      job.resolve(outcome);
      this.next();
    };
    const onMessage = (message: { index: number; der?: Uint8Array }): void =>
      finish(
        message.index >= 0 && message.der
          ? { kind: 'decrypted', der: Buffer.from(message.der), index: message.index }
          : { kind: 'wrong-password' },
        true,
      );
    // The derivation cannot be interrupted inside the worker: the worker goes, a new one comes when needed.
    const onAbort = (): void => finish({ kind: 'timeout' }, false);
    slot.worker.on('message', onMessage);
    job.signal.addEventListener('abort', onAbort, { once: true });
    slot.worker.postMessage({ text: job.text, candidates: job.candidates });
  }

  private next(): void {
    while (this.queue.length > 0) {
      const job = this.queue[0]!;
      if (job.signal.aborted) {
        this.queue.shift();
        job.resolve({ kind: 'timeout' });
        continue;
      }
      const free =
        [...this.slots].find((slot) => !slot.busy) ?? (this.slots.size < this.size ? this.spawn() : undefined);
      if (!free) return;
      this.queue.shift();
      this.run(free, job);
    }
  }
}

let shared: KeyDecryptor | undefined;
/** The process-wide pool (the webhook and the offline CLI share one). */
export function sharedDecryptPool(): KeyDecryptor {
  shared ??= createDecryptPool();
  return shared;
}
