// Bearer authentication with username/password (CFK's bearer.txt, docs/reconciler.md#rest-endpoint): the client
// exchanges them for a token at MDS once, reuses it, and fetches a new one once when the server answers 401.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaRestClient } from '../../src/kafka-rest/index.js';
import { SimWorld, startRestSimulator } from '../support/rest-simulator/index.js';

test('MDS token login: one exchange, reused, renewed once after a revocation; wrong credentials fail clearly', async () => {
  const sim = await startRestSimulator({
    world: new SimWorld(),
    clusterId: 'c1',
    mds: { username: 'kafka', password: 'kafka-secret' },
  });
  const ok = new KafkaRestClient({
    endpoint: sim.url,
    auth: { mdsLogin: { username: 'kafka', password: 'kafka-secret' } },
  });
  const bad = new KafkaRestClient({
    endpoint: sim.url,
    auth: { mdsLogin: { username: 'kafka', password: 'nope' } },
    readAttempts: 1,
  });
  const plain = new KafkaRestClient({ endpoint: sim.url, readAttempts: 1 });
  try {
    const logins = () => sim.calls.filter((c) => c.path === '/security/1.0/authenticate').length;
    assert.equal(await ok.discoverClusterId(), 'c1');
    assert.equal(await ok.discoverClusterId(), 'c1');
    assert.equal(logins(), 1, 'the token is cached');
    sim.revokeMdsTokens();
    assert.equal(await ok.discoverClusterId(), 'c1');
    assert.equal(logins(), 2, 'a 401 fetches one new token');
    await assert.rejects(bad.discoverClusterId(), /MDS token exchange failed \(check bearer\.txt\)/);
    await assert.rejects(plain.discoverClusterId(), /HTTP 401/);
    assert.deepEqual(sim.violations, []);
  } finally {
    for (const c of [ok, bad, plain]) c.close();
    await sim.close();
  }
});
