// A small closed-loop load generator over node:https: `concurrency` workers, each sending one review after
// another until stopped. Workers either keep their connection alive (as kube-apiserver does) or open a new
// TLS connection for every request (so every request is a fresh handshake). Every answer is recorded.
import type { Agent } from 'node:https';
import { checkAnswer } from './answer-contract.js';
import { keepAliveAgent, postRaw } from './client.js';

export interface LoadRecord {
  worker: number;
  /** ms since the run started */
  startedAt: number;
  endedAt: number;
  status: number;
  fresh: boolean;
  reused: boolean;
  fingerprint256?: string;
  /** Contract problems or the transport error; empty when the request succeeded. */
  problems: string[];
}

export interface LoadOptions {
  url: string;
  ca: string | string[];
  path?: '/validate' | '/mutate';
  body: Buffer;
  /** Workers on keep-alive connections. */
  keepAliveWorkers: number;
  /** Workers opening a new connection per request. */
  freshWorkers: number;
  timeoutMs?: number;
}

export interface LoadRun {
  records: LoadRecord[];
  /** Resolves once every worker has finished its current request after stop(). */
  stop(): Promise<LoadRecord[]>;
  /** ms since the run started */
  now(): number;
}

export function startLoad(options: LoadOptions): LoadRun {
  const records: LoadRecord[] = [];
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const ca = Array.isArray(options.ca) ? options.ca.join('\n') : options.ca;
  const path = options.path ?? '/validate';
  let stopping = false;
  const agents: Agent[] = [];

  const worker = async (id: number, fresh: boolean): Promise<void> => {
    const agent = fresh ? undefined : keepAliveAgent(ca, 1);
    if (agent) agents.push(agent);
    while (!stopping) {
      const startedAt = now();
      try {
        const res = await postRaw(options.url, ca, path, options.body, {
          contentType: 'application/json',
          timeoutMs: options.timeoutMs ?? 10_000,
          ...(agent ? { agent } : {}),
        });
        const verdict = checkAnswer(res.status, res.text, options.body, path);
        const problems =
          res.status === 200
            ? verdict.problems
            : [`HTTP ${res.status}: ${res.text.slice(0, 120)}`, ...verdict.problems];
        records.push({
          worker: id,
          startedAt,
          endedAt: now(),
          status: res.status,
          fresh,
          reused: res.reused,
          ...(res.fingerprint256 ? { fingerprint256: res.fingerprint256 } : {}),
          problems,
        });
      } catch (err) {
        records.push({
          worker: id,
          startedAt,
          endedAt: now(),
          status: 0,
          fresh,
          reused: false,
          problems: [`transport: ${(err as Error).message}`],
        });
      }
    }
  };
  const workers = [
    ...Array.from({ length: options.keepAliveWorkers }, (_, i) => worker(i, false)),
    ...Array.from({ length: options.freshWorkers }, (_, i) => worker(options.keepAliveWorkers + i, true)),
  ];
  return {
    records,
    now,
    stop: async () => {
      stopping = true;
      await Promise.all(workers);
      for (const agent of agents) agent.destroy();
      return records;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `predicate` holds (polled), or rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
