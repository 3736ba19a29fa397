import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  failureStatus,
  mergeConditions,
  sameStatus,
  successStatus,
} from '../../../src/reconciler/controller/status.js';
import { VALIDATED } from '../../../src/audit/condition.js';
import type { ClusterLinkStatus, Condition } from '../../../src/clusterlink/types.js';
import { CONDITIONS_OWNED_ELSEWHERE } from '../../../src/reconciler/conditions.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:05:00Z';

describe('controller status', () => {
  test('a condition keeps its lastTransitionTime while its status is unchanged', () => {
    const prev = mergeConditions(undefined, [{ type: 'Ready', status: 'True', reason: 'Created' }], 1, T0);
    assert.equal(prev[0]?.lastTransitionTime, T0);
    const same = mergeConditions(
      prev,
      [{ type: 'Ready', status: 'True', reason: 'Created', message: 'new text' }],
      2,
      T1,
    );
    assert.equal(same[0]?.lastTransitionTime, T0);
    assert.equal(same[0]?.observedGeneration, 2);
    const flipped = mergeConditions(prev, [{ type: 'Ready', status: 'False', reason: 'Err' }], 2, T1);
    assert.equal(flipped[0]?.lastTransitionTime, T1);
  });

  test('success status: CFK fields, conditions and observedGeneration; stale conditions dropped', () => {
    const s = successStatus({
      previous: { conditions: [{ type: 'Old', status: 'True', lastTransitionTime: T0 }] },
      status: { appState: 'Created', state: 'CREATED', clusterLinkID: 'id', numMirrorTopics: 0, mirrorTopics: {} },
      conditions: [{ type: 'Ready', status: 'True', reason: 'Created' }],
      generation: 3,
      now: T1,
    });
    assert.deepEqual(s, {
      appState: 'Created',
      state: 'CREATED',
      clusterLinkID: 'id',
      numMirrorTopics: 0,
      mirrorTopics: {},
      conditions: [{ type: 'Ready', status: 'True', reason: 'Created', lastTransitionTime: T1, observedGeneration: 3 }],
      observedGeneration: 3,
    });
  });

  test('failure status keeps what was known and sets Ready=False, observedGeneration untouched', () => {
    const prev = {
      appState: 'Created' as const,
      clusterLinkID: 'id',
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: T0 }],
    };
    const s = failureStatus(prev, 'KafkaRestError', 'connection refused', 2, T1);
    assert.equal(s.clusterLinkID, 'id');
    assert.equal(s.observedGeneration, 1);
    assert.deepEqual(s.conditions, [
      {
        type: 'Ready',
        status: 'False',
        reason: 'KafkaRestError',
        message: 'connection refused',
        lastTransitionTime: T1,
        observedGeneration: 2,
      },
    ]);
    assert.equal(failureStatus(undefined, 'X', 'y', 1, T1).appState, 'Failed');
  });

  test('sameStatus ignores undefined members', () => {
    assert.ok(sameStatus({ state: 'A', clusterLinkID: undefined }, { state: 'A' }));
    assert.ok(!sameStatus({ state: 'A' }, { state: 'B' }));
  });

  describe("another writer's conditions (the audit's Validated) survive every reconciler status", () => {
    const validated: Condition = {
      type: VALIDATED,
      status: 'False',
      reason: 'RuleViolations',
      message: 'spec.name: Invalid value',
      lastTransitionTime: T0,
      observedGeneration: 1,
    };
    const previous: ClusterLinkStatus = {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', lastTransitionTime: T0 }, validated],
    };
    test('the audit condition type is the one the reconciler leaves alone', () => {
      assert.ok(CONDITIONS_OWNED_ELSEWHERE.has(VALIDATED));
    });
    test('success: kept unchanged (not re-stamped with the reconciler generation)', () => {
      const s = successStatus({
        status: { state: 'CREATED' },
        previous,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled' }],
        generation: 3,
        now: T1,
      });
      assert.deepEqual(
        s.conditions?.find((c) => c.type === VALIDATED),
        validated,
      );
      assert.equal(s.conditions?.length, 2);
    });
    test('failure: kept unchanged', () => {
      const s = failureStatus(previous, 'RestError', 'boom', 3, T1);
      assert.deepEqual(
        s.conditions?.find((c) => c.type === VALIDATED),
        validated,
      );
    });
    test('a reconciler never writes the type itself', () => {
      const merged = mergeConditions(undefined, [{ type: VALIDATED, status: 'True' }], 1, T1);
      assert.deepEqual(merged, []);
    });
  });
});
