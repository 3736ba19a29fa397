// The load generator: autocannon over HTTPS keep-alive connections, in this (the parent) process.
// Besides autocannon's own figures we record every 2xx response time ourselves: autocannon's latency
// histogram has 1 ms resolution, too coarse for single-digit-millisecond percentiles.
import autocannon from 'autocannon';
import { latencySummary, type LatencySummary } from './report.js';

export interface LoadRequest {
  path: string;
  body: string;
}

export interface LoadOptions {
  url: string;
  /** Requests cycled through on each connection. */
  requests: LoadRequest[];
  connections: number;
  durationS?: number;
  /** Stop after this many responses instead (with durationS as a cap when both are given). */
  amount?: number;
  /** Fixed rate over all connections (requests/s); undefined = as fast as the server answers. */
  overallRate?: number;
  /** Called about once a second while running (e.g. to sample the server's memory). */
  onTick?: (responses: number) => void;
  /** Keep every response time for percentiles (default true; off for million-request runs). */
  recordLatencies?: boolean;
}

export interface LoadResult {
  /** Completed 2xx responses per second over the run. */
  rps: number;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  latencyMs: LatencySummary;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    let responses = 0;
    const record = options.recordLatencies ?? true;
    const opts: autocannon.Options = {
      url: options.url,
      connections: options.connections,
      pipelining: 1,
      timeout: 10,
      // autocannon stops at its first sample tick after the duration: 100 ms ticks keep short runs short.
      sampleInt: 100,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: options.requests.map((r) => ({
        method: 'POST',
        path: r.path,
        body: r.body,
        headers: { 'content-type': 'application/json' },
      })),
    };
    if (options.amount !== undefined) opts.amount = options.amount;
    else opts.duration = options.durationS ?? 5;
    if (options.overallRate !== undefined) opts.overallRate = options.overallRate;
    const instance = autocannon(opts, (err, result) => {
      clearInterval(ticker);
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      resolve({
        rps: result.duration > 0 ? result['2xx'] / result.duration : 0,
        responses: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        durationS: result.duration,
        latencyMs: latencySummary(times),
      });
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      responses++;
      if (record && statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
    // The duration cap when an amount is given.
    if (options.amount !== undefined && options.durationS !== undefined) {
      setTimeout(() => instance.stop(), options.durationS * 1000).unref();
    }
    const ticker = setInterval(() => options.onTick?.(responses), 1000);
  });
}
