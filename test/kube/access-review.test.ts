// The SubjectAccessReview of exceptions (docs/rules.md#exceptions): what is asked, caching, failures as refusals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1SubjectAccessReview } from '@kubernetes/client-node';
import { createSkipRulesAuthorizer, type ReviewSender } from '../../src/kube/access-review.js';

function sender(answers: Array<boolean | Error>): { send: ReviewSender; bodies: V1SubjectAccessReview[] } {
  const bodies: V1SubjectAccessReview[] = [];
  const send: ReviewSender = async (body) => {
    bodies.push(body);
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return { ...body, status: { allowed: next === true } };
  };
  return { send, bodies };
}
const signal = () => new AbortController().signal;
const alice = { username: 'alice', groups: ['b', 'a'], uid: 'u-1' };

describe('skip-rules access review', () => {
  test('asks for skip-rules on clusterlinks/exceptions in the namespace, as the requesting user', async () => {
    const { send, bodies } = sender([true]);
    const verdict = await createSkipRulesAuthorizer(send).mayGrant(alice, 'ns1', signal());
    assert.equal(verdict.allowed, true);
    assert.deepEqual(bodies[0]?.spec, {
      resourceAttributes: {
        group: 'platform.confluent.io',
        resource: 'clusterlinks',
        subresource: 'exceptions',
        verb: 'skip-rules',
        namespace: 'ns1',
      },
      user: 'alice',
      uid: 'u-1',
      groups: ['b', 'a'],
    });
  });

  const cases: Array<{ name: string; answers: Array<boolean | Error>; calls: number; allowed: boolean[] }> = [
    { name: 'an answer is cached', answers: [true], calls: 1, allowed: [true, true] },
    { name: 'a refusal is cached too', answers: [false], calls: 1, allowed: [false, false] },
    {
      name: 'a failure is a refusal and is not cached',
      answers: [new Error('boom'), true],
      calls: 2,
      allowed: [false, true],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { send, bodies } = sender([...c.answers]);
      const authorizer = createSkipRulesAuthorizer(send);
      const got = [];
      for (let i = 0; i < c.allowed.length; i++) got.push((await authorizer.mayGrant(alice, 'ns1', signal())).allowed);
      assert.deepEqual(got, c.allowed);
      assert.equal(bodies.length, c.calls);
    });
  }

  test('the cache expires and is per namespace', async () => {
    let now = 0;
    const { send, bodies } = sender([true, true, true]);
    const authorizer = createSkipRulesAuthorizer(send, { ttlMs: 10, now: () => now });
    await authorizer.mayGrant(alice, 'ns1', signal());
    await authorizer.mayGrant(alice, 'ns2', signal());
    now = 11;
    await authorizer.mayGrant(alice, 'ns1', signal());
    assert.equal(bodies.length, 3);
  });

  test('a request without a user is refused without asking', async () => {
    const { send, bodies } = sender([true]);
    const verdict = await createSkipRulesAuthorizer(send).mayGrant({}, 'ns1', signal());
    assert.deepEqual([verdict.allowed, bodies.length], [false, 0]);
  });
});
