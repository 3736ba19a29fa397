// The one logger factory: JSON lines through pino, with anything secret-like redacted before it is
// written, whoever logs it (docs/rules.md#secret-checks: never a secret value in a log line).
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

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
    base: { name: 'clusterlink-webhook', ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Redaction by a plain walk of the first three levels (the secret-like keys above, at depths 0, 1 and 2): pino's
    // wildcard `redact` paths cost ~100 µs per line, more than answering a review; this walk costs ~1 µs.
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrubSecrets(object),
      bindings: (bindings) => scrubSecrets(bindings),
    },
  };
  return pino(pinoOptions, options.destination ?? stdoutPerTick());
}

/**
 * stdout, one write per event-loop turn: the lines logged during a turn are joined and handed to pino's own stdout
 * destination (synchronous SonicBoom, which deals with EAGAIN) when the turn ends. Writing each review's line on its
 * own cost a system call per review, more than the rest of the line (docs/performance.md#the-hot-path); a line is
 * now at most one turn late, and whatever is pending is written when the process exits, crash included.
 */
class StdoutPerTick implements DestinationStream {
  private pending = '';
  private scheduled = false;
  private readonly out = pino.destination({ dest: 1, sync: true });

  write(line: string): void {
    this.pending += line;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  /** pino's logger.flush(cb). */
  flush(cb?: (err?: Error) => void): void {
    this.drain();
    cb?.();
  }

  readonly drain = (): void => {
    this.scheduled = false;
    if (this.pending === '') return;
    const lines = this.pending;
    this.pending = '';
    this.out.write(lines);
  };
}

let stdout: StdoutPerTick | undefined;

/** One batching stdout destination per process, whatever the number of loggers, drained on exit. */
function stdoutPerTick(): StdoutPerTick {
  if (!stdout) {
    const created = new StdoutPerTick();
    process.on('exit', created.drain);
    stdout = created;
  }
  return stdout;
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
