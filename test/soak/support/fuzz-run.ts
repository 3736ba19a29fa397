// Drives a batch of generated hostile bodies against a running webhook over HTTPS with a few keep-alive
// connections, checks every answer against the contract and tallies the figures the report quotes.
import fc from 'fast-check';
import { checkAnswer, type AnswerClass } from './answer-contract.js';
import { keepAliveAgent, postRaw } from './client.js';
import { fuzzCase, type FuzzCase } from './review-arbitraries.js';

export interface FuzzFigures {
  seed: number;
  cases: number;
  bytesSent: number;
  byFamily: Record<string, number>;
  byStatus: Record<string, number>;
  byClass: Partial<Record<AnswerClass, number>>;
  /** Contract violations, transport errors and timeouts: each with the case that caused it (cut short). */
  failures: Array<{ family: string; path: string; problem: string; body: string }>;
}

export interface FuzzRunOptions {
  url: string;
  ca: string;
  cases: number;
  seed?: number;
  concurrency?: number;
  /** Per-request hard timeout: a hang is a failure (default 10 s). */
  timeoutMs?: number;
  /** Called after every batch (progress, memory samples). */
  onBatch?: (done: number, figures: FuzzFigures) => void | Promise<void>;
}

const BATCH = 500;

export async function runFuzz(options: FuzzRunOptions): Promise<FuzzFigures> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const concurrency = options.concurrency ?? 4;
  const agent = keepAliveAgent(options.ca, concurrency);
  const figures: FuzzFigures = { seed, cases: 0, bytesSent: 0, byFamily: {}, byStatus: {}, byClass: {}, failures: [] };
  const bump = (record: Record<string, number>, key: string): void => {
    record[key] = (record[key] ?? 0) + 1;
  };
  try {
    let batchIndex = 0;
    while (figures.cases < options.cases) {
      const size = Math.min(BATCH, options.cases - figures.cases);
      // Each batch has its own derived seed, so any failing batch can be regenerated on its own.
      const batch: FuzzCase[] = fc.sample(fuzzCase, { numRuns: size, seed: seed + batchIndex++ });
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < batch.length; i = next++) {
          const c = batch[i]!;
          figures.bytesSent += c.body.length;
          bump(figures.byFamily, c.family);
          try {
            const res = await postRaw(options.url, options.ca, c.path, c.body, {
              contentType: c.contentType,
              agent,
              timeoutMs: options.timeoutMs ?? 10_000,
            });
            bump(figures.byStatus, String(res.status));
            const verdict = checkAnswer(res.status, res.text, c.body, c.path);
            if (verdict.kind) figures.byClass[verdict.kind] = (figures.byClass[verdict.kind] ?? 0) + 1;
            for (const problem of verdict.problems)
              figures.failures.push({
                family: c.family,
                path: c.path,
                problem,
                body: c.body.subarray(0, 300).toString('utf8'),
              });
          } catch (err) {
            bump(figures.byStatus, 'transport-error');
            figures.failures.push({
              family: c.family,
              path: c.path,
              problem: `transport: ${(err as Error).message}`,
              body: c.body.subarray(0, 300).toString('utf8'),
            });
          }
          figures.cases++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      await options.onBatch?.(figures.cases, figures);
    }
  } finally {
    agent.destroy();
  }
  return figures;
}
