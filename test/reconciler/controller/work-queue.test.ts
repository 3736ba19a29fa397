import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/reconciler/controller/work-queue.js';
import { failureBackoff } from '../../../src/lib/backoff.js';

describe('failureBackoff', () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1600],
    [6, 2000],
    [50, 2000],
  ];
  for (const [failures, expected] of cases) {
    test(`failure ${failures} → ${expected} ms (base 100, cap 2000)`, () => {
      assert.equal(failureBackoff(failures, { baseMs: 100, capMs: 2000 }), expected);
    });
  }
});

describe('WorkQueue', () => {
  test('a key is queued once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    q.shutdown();
  });

  test('a key being processed is not handed out again; a change meanwhile re-queues it after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    assert.equal(first, 'a');
    q.add('a');
    assert.equal(q.length, 0, 'not queued while processing');
    assert.equal(q.isProcessing('a'), true);
    q.done('a');
    assert.equal(q.length, 1);
    assert.equal(await q.get(), 'a');
    q.done('a');
    assert.equal(q.length, 0);
    q.shutdown();
  });

  test('a waiting worker gets the next key added', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    assert.equal(await waiting, 'x');
    assert.equal(q.isProcessing('x'), true);
    q.shutdown();
  });

  test('addAfter delivers later; an earlier deadline wins; add cancels the timer', async () => {
    const q = new WorkQueue();
    q.addAfter('k', 10_000);
    q.addAfter('k', 5);
    assert.equal(await q.get(), 'k');
    q.done('k');
    q.addAfter('m', 10_000);
    q.add('m');
    assert.equal(await q.get(), 'm');
    q.shutdown();
  });

  test('failures back off per key and forget resets', () => {
    const q = new WorkQueue({ baseMs: 50, capMs: 400 });
    assert.equal(q.addRateLimited('k'), 50);
    assert.equal(q.addRateLimited('k'), 100);
    assert.equal(q.addRateLimited('other'), 50);
    assert.equal(q.numFailures('k'), 2);
    q.forget('k');
    assert.equal(q.numFailures('k'), 0);
    assert.equal(q.addRateLimited('k'), 50);
    q.shutdown();
  });

  test('shutdown releases waiting workers and ignores new keys', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutdown();
    assert.equal(await waiting, undefined);
    q.add('late');
    assert.equal(await q.get(), undefined);
  });
});
