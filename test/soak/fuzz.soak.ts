// Soak: ≥100,000 generated hostile AdmissionReview bodies (SOAK_FUZZ_CASES) against the real server running
// in a child process. Every answer must meet the contract (test/hardening/support/answer-contract.ts); the
// child must not crash or see an unhandled rejection; its heap after GC must come back to the warmed-up
// baseline. Figures go to soak/results/fuzz.json.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebhookChild, type MemorySample, type WebhookChild } from './support/child-process.js';
import { runFuzz, type FuzzFigures } from './support/fuzz-run.js';
import { writeResult } from './results.js';

const CASES = Number(process.env.SOAK_FUZZ_CASES ?? 100_000);
const WARMUP = Number(process.env.SOAK_FUZZ_WARMUP ?? 3_000);
const SEED = process.env.SOAK_FUZZ_SEED !== undefined ? Number(process.env.SOAK_FUZZ_SEED) : undefined;
const MiB = 1024 * 1024;

let webhook: WebhookChild;
before(async () => {
  webhook = await startWebhookChild();
});
after(async () => {
  await webhook?.stop();
});

test(
  `fuzz soak: ${CASES} cases, contract held, no crash, memory back to baseline`,
  { timeout: 30 * 60_000 },
  async () => {
    const started = Date.now();
    const warm = await runFuzz({ url: webhook.url, ca: webhook.ca, cases: WARMUP, concurrency: 4, seed: 7 });
    assert.deepEqual(warm.failures.slice(0, 5), []);
    const baseline = await webhook.memory();
    const samples: Array<{ cases: number; heapUsedMiB: number; rssMiB: number }> = [];
    const figures: FuzzFigures = await runFuzz({
      url: webhook.url,
      ca: webhook.ca,
      cases: CASES,
      concurrency: 8,
      ...(SEED !== undefined ? { seed: SEED } : {}),
      onBatch: async (done) => {
        if (done % 10_000 === 0 || done === CASES) {
          const m = await webhook.memory();
          samples.push({ cases: done, heapUsedMiB: round(m.heapUsed / MiB), rssMiB: round(m.rss / MiB) });
          process.stdout.write(
            `# fuzz soak: ${done}/${CASES} cases, heap ${round(m.heapUsed / MiB)} MiB, rss ${round(m.rss / MiB)} MiB, ${Math.round((Date.now() - started) / 1000)} s\n`,
          );
        }
      },
    });
    const final: MemorySample = await webhook.memory();
    const growth = final.heapUsed - baseline.heapUsed;
    writeResult('fuzz', {
      seed: figures.seed,
      warmupCases: WARMUP,
      cases: figures.cases,
      megabytesSent: round(figures.bytesSent / MiB),
      byFamily: figures.byFamily,
      byStatus: figures.byStatus,
      byClass: figures.byClass,
      failures: figures.failures.length,
      firstFailures: figures.failures.slice(0, 10),
      heapBaselineMiB: round(baseline.heapUsed / MiB),
      heapFinalMiB: round(final.heapUsed / MiB),
      heapGrowthMiB: round(growth / MiB),
      rssFinalMiB: round(final.rss / MiB),
      samples,
      unhandledRejections: final.rejections,
      uncaughtExceptions: final.exceptions,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    assert.deepEqual(figures.failures.slice(0, 10), [], `seed ${figures.seed}`);
    assert.equal(figures.cases, CASES);
    assert.equal(final.gc, true, 'the child must run with --expose-gc');
    assert.equal(final.rejections, 0);
    assert.equal(final.exceptions, 0);
    // Back to baseline: what remains after GC is within 8 MiB (or 20 %) of the warmed-up heap.
    assert.ok(
      growth < Math.max(8 * MiB, baseline.heapUsed * 0.2),
      `heap grew by ${round(growth / MiB)} MiB (baseline ${round(baseline.heapUsed / MiB)} MiB)`,
    );
    assert.equal(await webhook.stop(), 0);
  },
);

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
