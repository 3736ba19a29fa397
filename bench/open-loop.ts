// Latency at a fixed rate, measured open-loop: requests fall due at evenly spaced times (rate R → one every 1/R s)
// whether or not earlier ones have been answered, wait for a free keep-alive connection if none is idle, and each
// latency is counted from when its request was due. A stalled server therefore shows in the percentiles instead of
// slowing the sender down (no coordinated omission). autocannon's own rate limit sends each second's quota as fast
// as it can and then pauses (a saturated burst), and node:https costs too much per request to pace thousands of
// requests a second from one core, hence this small client on raw TLS sockets: HTTP/1.1, one request in flight per
// connection, responses framed by Content-Length (both servers measured always send it).
import { connect, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { sleep } from '../src/lib/async.js';
import { latencySummary } from './report.js';
import type { LoadRequest, LoadResult } from './load.js';

export interface OpenLoopOptions {
  url: string;
  requests: LoadRequest[];
  /** Keep-alive connections (a due request waits for a free one, and that wait counts). */
  connections: number;
  rate: number;
  durationS: number;
  /** Sent at the same rate first but not recorded (connections, TLS sessions and JIT settle). */
  warmupS?: number;
  /** Called when the warm-up is over and recording starts (e.g. to read the server's CPU time). */
  onWarm?: () => void;
}

interface Connection {
  socket: TLSSocket;
  busy: boolean;
  dueAt: number;
  buffer: Buffer;
  /** Total bytes of the response being read (headers + body), once the headers are in. */
  expected: number;
  status: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const port = Number(target.port || 443);
  const warmupMs = (options.warmupS ?? 1) * 1000;
  const total = Math.max(1, Math.round((options.rate * (options.durationS * 1000 + warmupMs)) / 1000));
  const intervalMs = 1000 / options.rate;
  const payloads = options.requests.map((r) => {
    const body = Buffer.from(r.body);
    const head = `POST ${r.path} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
    return Buffer.concat([Buffer.from(head), body]);
  });

  const latencies: number[] = [];
  const due: number[] = [];
  let dueHead = 0;
  let sent = 0;
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  let started = 0;

  const connections: Connection[] = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<Connection>((resolve, reject) => {
          const socket = connect(
            { host: target.hostname, port, rejectUnauthorized: false, servername: 'localhost' },
            () => {
              socket.setNoDelay(true);
              resolve({ socket, busy: false, dueAt: 0, buffer: Buffer.alloc(0), expected: -1, status: 0 });
            },
          );
          socket.once('error', reject);
        }),
    ),
  );

  const dispatch = (): void => {
    for (const c of connections) {
      if (dueHead >= due.length) return;
      if (c.busy) continue;
      c.busy = true;
      c.dueAt = due[dueHead++] as number;
      c.socket.write(payloads[sent % payloads.length] as Buffer);
      sent++;
    }
  };

  const finish = (c: Connection): void => {
    if (c.status >= 200 && c.status < 300) {
      if (c.dueAt >= started + warmupMs) latencies.push(performance.now() - c.dueAt);
    } else non2xx++;
    done++;
    c.busy = false;
    c.buffer = c.buffer.subarray(c.expected);
    c.expected = -1;
    dispatch();
  };

  for (const c of connections) {
    c.socket.on('data', (chunk: Buffer) => {
      c.buffer = c.buffer.length === 0 ? chunk : Buffer.concat([c.buffer, chunk]);
      if (c.expected < 0) {
        const end = c.buffer.indexOf(HEADER_END);
        if (end < 0) return;
        const head = c.buffer.subarray(0, end).toString('latin1');
        c.status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        c.expected = end + 4 + (length ? Number(length[1]) : 0);
      }
      if (c.buffer.length >= c.expected) finish(c);
    });
    c.socket.on('error', () => {
      errors++;
      if (c.busy) {
        c.busy = false;
        done++;
      }
    });
  }

  started = performance.now();
  if (options.onWarm) setTimeout(options.onWarm, warmupMs);
  await new Promise<void>((resolve) => {
    // A 1 ms tick queues everything that has fallen due and hands it to idle connections. (Spinning instead would
    // take a whole core from whatever else runs on the machine; the tick adds up to ~1 ms to each latency, the
    // same for every server measured, and the baseline's row shows that floor.)
    const timer = setInterval(() => {
      const now = performance.now();
      while (due.length < total && started + due.length * intervalMs <= now)
        due.push(started + due.length * intervalMs);
      dispatch();
      if (due.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const deadline = performance.now() + 15_000;
  while (done < total && errors < total && performance.now() < deadline) {
    dispatch();
    await sleep(2);
  }
  const durationS = (performance.now() - started - warmupMs) / 1000;
  for (const c of connections) c.socket.destroy();

  return {
    rps: latencies.length / durationS,
    responses: latencies.length,
    non2xx,
    errors,
    timeouts: total - done,
    durationS,
    latencyMs: latencySummary(latencies),
  };
}
