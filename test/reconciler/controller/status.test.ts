import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  failureStatus,
  mergeConditions,
  sameStatus,
  successStatus,
} from '../../../src/reconciler/controller/status.js';

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
});
