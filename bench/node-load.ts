// The second load client (docs/performance.md#how-it-measures): node:https over a keep-alive Agent, closed loop —
// `connections` workers, each sending its next request as soon as its previous response has ended, for a fixed
// time. It costs more CPU per request than autocannon (so it can become the bottleneck against the fastest
// servers: the caller reports the client's own CPU share), but it is the client the held-out figures also use,
// and it speaks HTTP the way Node programs do (chunked parsing, header objects, the Agent's socket pool).
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { latencySummary } from './report.js';
import type { LoadRequest, LoadResult } from './load.js';

export interface NodeLoadOptions {
  url: string;
  requests: LoadRequest[];
  connections: number;
  durationS: number;
  /** Keep every response time for percentiles (default true). */
  recordLatencies?: boolean;
}

interface Tally {
  times: number[];
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Prepared {
  path: string;
  body: Buffer;
}

function once(agent: Agent, url: URL, req: Prepared, tally: Tally, record: boolean): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const r = request(
      url,
      {
        method: 'POST',
        path: req.path,
        agent,
        timeout: 10_000,
        headers: { 'content-type': 'application/json', 'content-length': req.body.length },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            tally.ok++;
            if (record) tally.times.push(performance.now() - started);
          } else tally.non2xx++;
          resolve();
        });
        res.on('error', () => {
          tally.errors++;
          resolve();
        });
      },
    );
    r.on('timeout', () => {
      tally.timeouts++;
      r.destroy(new Error('timeout'));
    });
    r.on('error', () => {
      tally.errors++;
      resolve();
    });
    r.end(req.body);
  });
}

export async function runNodeLoad(options: NodeLoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  // The bench servers use a self-signed certificate made for this run; the client trusts it as autocannon does.
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
    rejectUnauthorized: false,
  });
  const tally: Tally = { times: [], ok: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const record = options.recordLatencies ?? true;
  const bodies: Prepared[] = options.requests.map((r) => ({ path: r.path, body: Buffer.from(r.body) }));
  const started = performance.now();
  const end = started + options.durationS * 1000;
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await once(agent, url, bodies[sent++ % bodies.length] as Prepared, tally, record);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const durationS = (performance.now() - started) / 1000;
  return {
    rps: durationS > 0 ? tally.ok / durationS : 0,
    responses: tally.ok,
    non2xx: tally.non2xx,
    errors: tally.errors,
    timeouts: tally.timeouts,
    durationS,
    latencyMs: latencySummary(tally.times),
  };
}
