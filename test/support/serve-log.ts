// The JSON log of a `clusterlink-webhook serve` child process, shared by the source-run helper
// (serve-process.ts) and the e2e suite's built-binary helper (test/e2e/support/webhook.ts).
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One log line: the parsed JSON object, or `{ raw }` for a line that is not JSON. */
export type LogLine = Record<string, unknown>;

export interface ServeLog {
  /** Every stdout line so far; stderr is never part of it (tests assert on these). */
  lines: LogLine[];
  /** The exit code, once the process has exited and all its output is in `lines`. */
  exited: Promise<number | null>;
  running: () => boolean;
  /** The first line (already logged or still to come) that matches; rejects on timeout or exit. */
  waitForLine: (pred: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>;
  /** The tail of the log and the start of stderr, for failure messages. */
  describeOutput: () => string;
}

export function watchServeLog(child: ChildProcess): ServeLog {
  const lines: LogLine[] = [];
  const listeners = new Set<(line: LogLine) => void>();
  let stderr = '';
  // 'close', not 'exit': it comes after stdout is drained, so every line logged before exiting is in `lines`.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  // Kept (the start, where the error is) for failure messages.
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 2_000) stderr = (stderr + chunk.toString('utf8')).slice(0, 2_000);
  });
  if (child.stdout)
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { raw: text };
      }
      lines.push(line);
      for (const listener of [...listeners]) listener(line);
    });
  const describeOutput = (): string => `${JSON.stringify(lines).slice(-1_500)}${stderr ? `\nstderr: ${stderr}` : ''}`;

  const waitForLine = (pred: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(onLine);
      };
      const onLine = (line: LogLine): void => {
        if (!pred(line)) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`serve did not log the awaited line within ${timeoutMs} ms: ${describeOutput()}`));
      }, timeoutMs);
      listeners.add(onLine);
      void exited.then((code) => {
        if (!listeners.has(onLine)) return;
        done();
        reject(new Error(`serve exited with ${code} before logging the awaited line: ${describeOutput()}`));
      });
    });
  };
  return { lines, exited, running, waitForLine, describeOutput };
}
