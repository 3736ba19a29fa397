// The shared deadline timers (src/admission/deadlines.ts) and runAdmitter on top of them: every deadline fires once
// unless cancelled, in the order they were set; an admitter's signal aborts at the deadline whether it asked for it
// before or after; the budget answers without a hanging admitter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineIn } from '../../src/admission/deadlines.js';
import { runAdmitter } from '../../src/admission/run-admitter.js';
import type { AdmissionDecision, AdmissionRequest, Admitter } from '../../src/admission/types.js';

const allow: AdmissionDecision = { allowed: true, errors: [], warnings: [] };
const request = { uid: 'u1', kind: { group: '', version: 'v1', kind: 'X' }, operation: 'CREATE' } as AdmissionRequest;
const never = (): Promise<AdmissionDecision> => new Promise(() => undefined);
const nextDeadline = (ms: number): Promise<void> => new Promise((resolve) => deadlineIn(ms, resolve));

describe('deadlineIn', () => {
  test('fires every live deadline once, in the order set, and never a cancelled one', async () => {
    const fired: string[] = [];
    const set = (name: string, ms: number) => deadlineIn(ms, () => fired.push(name));
    set('a', 15);
    const b = set('b', 15);
    set('c', 5);
    set('d', 15);
    b.cancel();
    b.cancel();
    await nextDeadline(30);
    assert.deepEqual(fired, ['c', 'a', 'd']);
  });

  test('a throwing callback does not stop the others', async () => {
    const fired: string[] = [];
    deadlineIn(5, () => {
      throw new Error('boom');
    });
    deadlineIn(5, () => fired.push('after'));
    await nextDeadline(10);
    assert.deepEqual(fired, ['after']);
  });

  test('many reviews finishing before their deadline leave nothing behind that fires', async () => {
    let fired = 0;
    for (let i = 0; i < 5000; i++) deadlineIn(10, () => fired++).cancel();
    await nextDeadline(20);
    assert.equal(fired, 0);
  });
});

describe('runAdmitter', () => {
  test('holds the process open only while a review runs (a CLI run ends with its last review)', async () => {
    const refTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refTimers();
    let during = -1;
    const outcome = await runAdmitter(
      () =>
        new Promise((resolve) => {
          during = refTimers();
          setImmediate(() => resolve(allow));
        }),
      request,
      { deadlineMs: 60_000, budgetMs: 120_000 },
    );
    assert.equal(outcome.kind, 'decided');
    assert.ok(during > before, 'the deadlines hold the process while the admitter runs');
    assert.equal(refTimers(), before, 'and no longer once it answered');
  });

  const cases: Array<{ name: string; admitter: Admitter; kind: string; aborted?: boolean }> = [
    { name: 'an admitter that never reads the signal', admitter: async () => allow, kind: 'decided' },
    {
      name: 'the signal read at once aborts at the deadline',
      admitter: (_r, { signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve(allow), { once: true })),
      kind: 'decided',
      aborted: true,
    },
    {
      name: 'the signal read after the deadline is already aborted',
      admitter: async (_r, options) => {
        await nextDeadline(30);
        return { ...allow, warnings: [options.signal.aborted ? String(options.signal.reason) : 'not aborted'] };
      },
      kind: 'decided',
    },
    { name: 'a hanging admitter: the budget answers', admitter: () => never(), kind: 'timeout' },
    {
      name: 'a synchronous throw is an internal error',
      admitter: () => {
        throw new Error('sync boom');
      },
      kind: 'internal-error',
    },
    {
      name: 'a late rejection is an internal error',
      admitter: async () => Promise.reject(new Error('x')),
      kind: 'internal-error',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      let seen: AbortSignal | undefined;
      const admitter: Admitter = (r, options) => {
        if (c.aborted !== undefined) seen = options.signal;
        return c.admitter(r, options);
      };
      const outcome = await runAdmitter(admitter, request, { deadlineMs: 10, budgetMs: 50 });
      assert.equal(outcome.kind, c.kind);
      if (c.aborted !== undefined) assert.equal(seen?.aborted, c.aborted);
      if (c.name.includes('after the deadline') && outcome.kind === 'decided')
        assert.match(outcome.decision.warnings[0] ?? '', /admission deadline of 10 ms reached/);
    });
  }

  test('the provisional decision is the timeout answer', async () => {
    const provisional: AdmissionDecision = { allowed: false, errors: [], warnings: ['p'] };
    const outcome = await runAdmitter(
      (_r, options) => {
        options.provisional?.(provisional);
        return never();
      },
      request,
      { deadlineMs: 5, budgetMs: 10 },
    );
    assert.deepEqual(outcome, { kind: 'timeout', provisional });
  });

  const made: AdmissionDecision = { allowed: false, errors: [], warnings: ['made late'] };
  const lazyCases: Array<{
    name: string;
    make: () => AdmissionDecision;
    finishes: boolean;
    calls: number;
    provisional?: AdmissionDecision;
  }> = [
    { name: 'made only when the budget runs out', make: () => made, finishes: false, calls: 1, provisional: made },
    { name: 'never made when the admitter finishes in time', make: () => made, finishes: true, calls: 0 },
    {
      name: 'a throwing one gives no provisional answer',
      make: () => {
        throw new Error('bug');
      },
      finishes: false,
      calls: 1,
    },
    {
      name: 'a non-decision gives no provisional answer',
      make: () => ({ allowed: 'yes' }) as unknown as AdmissionDecision,
      finishes: false,
      calls: 1,
    },
  ];
  for (const c of lazyCases) {
    test(`a provisional decision given as a function: ${c.name}`, async () => {
      let calls = 0;
      const outcome = await runAdmitter(
        (_r, options) => {
          options.provisional?.(() => {
            calls++;
            return c.make();
          });
          return c.finishes ? Promise.resolve({ allowed: true, errors: [], warnings: [] }) : never();
        },
        request,
        { deadlineMs: 5, budgetMs: 10 },
      );
      assert.equal(calls, c.calls);
      if (c.finishes) assert.equal(outcome.kind, 'decided');
      else
        assert.deepEqual(
          outcome,
          c.provisional ? { kind: 'timeout', provisional: c.provisional } : { kind: 'timeout' },
        );
    });
  }
});
