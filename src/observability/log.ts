// The one logger factory: JSON lines through pino, with anything secret-like redacted before it is
// written, whoever logs it (docs/rules.md#secret-checks: never a secret value in a log line).
import { writeSync } from 'node:fs';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** The `name` of every line. */
const LOGGER_NAME = 'clusterlink-webhook';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Property names whose values are never written, at the top level and one or two levels down. */
const SECRET_KEYS = [
  'password',
  'passwd',
  'token',
  'accessToken',
  'bearerToken',
  'secret',
  'clientSecret',
  'authorization',
  'cookie',
  'privateKey',
  'privkey',
  'keyPem',
  'key',
  'jaas',
  'jaasConfig',
  'plain.txt',
  'plain-jaas.conf',
  'basic.txt',
  'privkey.pem',
  'sasl.jaas.config',
  'ssl.keystore.key',
  'ssl.key.password',
  'stringData',
  'data',
];

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);
const REDACTED = '[REDACTED]';
/** Levels below the logged object whose keys are checked: 0 = its own keys, 2 = like `*.*.key`. */
const SCRUB_DEPTH = 2;

/**
 * `object` with the value of every secret-like key at depth ≤ 2 replaced by "[REDACTED]". Never mutates: objects on
 * the way to a redacted value are shallow-copied (keeping prototype and non-enumerable fields, so an Error stays
 * an Error for pino's serializer); untouched objects are returned as they are.
 */
function scrubSecrets<T>(object: T, depth = 0): T {
  if (object === null || typeof object !== 'object') return object;
  let copy: Record<string, unknown> | undefined;
  const source = object as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const value = source[key];
    const next = SECRET_KEY_SET.has(key) ? REDACTED : depth < SCRUB_DEPTH ? scrubSecrets(value, depth + 1) : value;
    if (next === value) continue;
    copy ??= Array.isArray(object)
      ? (object.slice() as unknown as Record<string, unknown>)
      : (Object.create(
          Object.getPrototypeOf(object) as object | null,
          Object.getOwnPropertyDescriptors(object),
        ) as Record<string, unknown>);
    copy[key] = next;
  }
  return (copy ?? object) as T;
}

export interface CreateLoggerOptions {
  level?: LogLevel | string;
  /** Where lines go (default stdout); tests pass a stream to capture them. */
  destination?: DestinationStream;
  /** Static fields on every line. */
  base?: Record<string, unknown>;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { name: LOGGER_NAME, ...options.base },
    timestamp: isoTimestamp,
    // Redaction by a plain walk of the first three levels (the secret-like keys above, at depths 0, 1 and 2): pino's
    // wildcard `redact` paths cost ~100 µs per line, more than answering a review; this walk costs ~1 µs.
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrubSecrets(object),
      bindings: (bindings) => scrubSecrets(bindings),
    },
  };
  return pino(pinoOptions, options.destination ?? stdoutBatched());
}

/** Lines wait at most this long for the write that carries them. */
const LOG_FLUSH_MS = 20;
/** ... or until this many characters are pending. */
const FLUSH_AT_CHARS = 16 * 1024;
/** Log text held while stdout is not read (a stuck log collector); beyond it lines are dropped, and counted. */
const MAX_UNWRITTEN_LOG_BYTES = 8 * 1024 * 1024;
/** At exit, how long a full stdout pipe is waited for before the rest is given up. */
const EXIT_FLUSH_MS = 2000;

/**
 * stdout, batched and never blocking: the lines logged within LOG_FLUSH_MS (or until 16 KiB are pending) are joined
 * into one write, handed to pino's SonicBoom in its asynchronous mode. Writing each review's line, or each event-loop
 * turn's lines, on its own cost a system call per review or two, and in a pod each write to the container's log pipe
 * also wakes the runtime's reader. A synchronous write that finds the pipe full sleeps 100 ms (SonicBoom's EAGAIN
 * retry), i.e. stops every review; asynchronous writes wait off the event loop, and past MAX_UNWRITTEN_LOG_BYTES
 * lines are dropped and the count is logged once stdout moves again (docs/webhook.md#logs). At exit, crash included,
 * everything pending is written synchronously, waiting at most EXIT_FLUSH_MS for a full pipe.
 */
class StdoutBatched implements DestinationStream {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private droppedBytes = 0;
  private exitDeadline: number | undefined;
  private readonly out = pino.destination({
    dest: 1,
    sync: false,
    maxLength: MAX_UNWRITTEN_LOG_BYTES,
    retryEAGAIN: () => this.exitDeadline === undefined || Date.now() < this.exitDeadline,
  });

  constructor() {
    this.out.on('drop', (data: string | Buffer) => (this.droppedBytes += Buffer.byteLength(data)));
    // Said once stdout has moved (a write completed), not at every batch: while the buffer is full the line would
    // only take the room of the lines it reports.
    this.out.on('write', () => {
      const dropped = this.takeDropped();
      if (dropped !== '') this.out.write(dropped);
    });
    // A write that fails for good (stdout closed) must not crash the webhook: the lines are lost, nothing else.
    this.out.on('error', () => undefined);
  }

  write(line: string): void {
    this.pending += line;
    if (this.pending.length >= FLUSH_AT_CHARS) this.drain();
    else if (this.timer === undefined) {
      // Unref'd: a pending line never keeps the process alive; the exit handler writes it.
      this.timer = setTimeout(this.drain, LOG_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** pino's logger.flush(cb). */
  flush(cb?: (err?: Error) => void): void {
    this.drain();
    cb?.();
  }

  readonly drain = (): void => {
    this.stopTimer();
    if (this.pending === '') return;
    const lines = this.pending;
    this.pending = '';
    this.out.write(lines);
  };

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The line reporting what was dropped since the last report, or '' when nothing was. */
  private takeDropped(): string {
    if (this.droppedBytes === 0) return '';
    const line = droppedLine(this.droppedBytes);
    this.droppedBytes = 0;
    return line;
  }

  /**
   * Everything pending, written before the process ends: what SonicBoom queued, then our batch, both synchronously
   * (an asynchronous write started now would never finish). A write already in flight finishes on its own.
   */
  readonly drainAtExit = (): void => {
    this.stopTimer();
    const deadline = Date.now() + EXIT_FLUSH_MS;
    this.exitDeadline = deadline;
    try {
      this.out.flushSync();
    } catch {
      // stdout gone or still full after EXIT_FLUSH_MS: nothing left to do at exit
    }
    const lines = this.pending + this.takeDropped();
    this.pending = '';
    if (lines !== '') writeAllSync(1, Buffer.from(lines), deadline);
  };
}

/** Writes `data` to `fd`, waiting (at exit only) for a full non-blocking pipe until `deadline`, then giving up. */
function writeAllSync(fd: number, data: Buffer, deadline: number): void {
  let rest = data;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() >= deadline) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** The line saying how much log text was dropped while stdout was not read (pino's format, written directly). */
function droppedLine(bytes: number): string {
  return `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), name: LOGGER_NAME, droppedBytes: bytes, msg: 'log lines dropped: stdout was not read fast enough' })}\n`;
}

/**
 * pino's isoTime (`,"time":"<ISO 8601 UTC, ms>"`), with the date and time up to the second made once per second:
 * `toISOString` on every line cost a third of the line (docs/performance.md#the-hot-path).
 */
export function isoTimestamp(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    // "2026-12-02T03:40:12." — toISOString of a whole second ends in ".000Z"; the milliseconds replace "000Z".
    isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  }
  const ms = now - second * 1000;
  return `,"time":"${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}
let isoSecond = Number.NaN;
let isoPrefix = '';

let stdout: StdoutBatched | undefined;

/** One batching stdout destination per process, whatever the number of loggers, drained on exit. */
function stdoutBatched(): StdoutBatched {
  if (!stdout) {
    const created = new StdoutBatched();
    process.on('exit', created.drainAtExit);
    stdout = created;
  }
  return stdout;
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
