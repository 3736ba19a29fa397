// The Admin REST client's edges: auth (basic, bearer), TLS trust from a CA bundle, mTLS with PEM,
// bounded timeouts, abort, which calls are retried (reads, the source-initiated 400) and which not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoffDelay, KafkaRestClient, KafkaRestError, retry } from '../../src/kafka-rest/index.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../support/rest-simulator/index.js';
import { makeTestPki, type TestPki } from './test-certs.js';

async function rejects(p: Promise<unknown>): Promise<KafkaRestError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KafkaRestError, `expected a KafkaRestError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('authentication', () => {
  const cases = [
    {
      name: 'basic',
      server: { basic: { username: 'u', password: 'p:w' } },
      good: { basic: { username: 'u', password: 'p:w' } },
      bad: { basic: { username: 'u', password: 'x' } },
    },
    { name: 'bearer', server: { bearer: 'tok' }, good: { bearer: 'tok' }, bad: { bearer: 'nope' } },
  ];
  for (const c of cases) {
    test(`${c.name}: accepted with the right credentials, 401/40101 otherwise`, async () => {
      const sim = await startRestSimulator({ clusterId: 'a', auth: c.server });
      try {
        const ok = new KafkaRestClient({ endpoint: sim.url, auth: c.good });
        assert.equal(await ok.discoverClusterId(), 'a');
        const ko = new KafkaRestClient({ endpoint: sim.url, auth: c.bad, readAttempts: 1 });
        const e = await rejects(ko.discoverClusterId());
        assert.deepEqual([e.status, e.errorCode, e.transient], [401, 40101, false]);
        assert.doesNotMatch(e.message, /p:w|tok/, 'no credential in the message');
        ok.close();
        ko.close();
        assert.deepEqual(sim.violations, [], 'the 401 body conforms to the Error schema');
      } finally {
        await sim.close();
      }
    });
  }
});

describe('TLS', () => {
  let pki: TestPki;
  let oneWay: RestSimulator;
  let mutual: RestSimulator;
  before(async () => {
    pki = makeTestPki();
    oneWay = await startRestSimulator({
      clusterId: 't1',
      contract: false,
      tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem },
    });
    mutual = await startRestSimulator({
      clusterId: 't2',
      contract: false,
      tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caPem, requestCert: true },
    });
  });
  after(() => Promise.all([oneWay.close(), mutual.close()]));

  test('trusts the server through the CA bundle', async () => {
    const c = new KafkaRestClient({ endpoint: oneWay.url, tls: { caPem: pki.caPem } });
    assert.equal(await c.discoverClusterId(), 't1');
    c.close();
  });
  test('without the CA bundle the handshake fails as a network error', async () => {
    const c = new KafkaRestClient({ endpoint: oneWay.url, readAttempts: 1 });
    const e = await rejects(c.discoverClusterId());
    assert.equal(e.kind, 'network');
    c.close();
  });
  test('mTLS: the PEM client certificate is presented', async () => {
    const c = new KafkaRestClient({
      endpoint: mutual.url,
      tls: { caPem: pki.caPem, certPem: pki.client.certPem, keyPem: pki.client.keyPem },
    });
    assert.equal(await c.discoverClusterId(), 't2');
    c.close();
    const anon = new KafkaRestClient({ endpoint: mutual.url, tls: { caPem: pki.caPem }, readAttempts: 1 });
    assert.equal((await rejects(anon.discoverClusterId())).kind, 'network');
    anon.close();
  });
});

describe('timeouts, abort and retries', () => {
  let hang: http.Server;
  let hangUrl = '';
  before(async () => {
    hang = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
  });
  after(() => {
    hang.closeAllConnections();
    hang.close();
  });

  test('a silent server ends in a timeout error', async () => {
    const c = new KafkaRestClient({ endpoint: hangUrl, timeoutMs: 100, readAttempts: 1 });
    const e = await rejects(c.listClusters());
    assert.deepEqual([e.kind, e.transient], ['timeout', true]);
    c.close();
  });
  test("a link create gets its own, longer budget: the server's own error arrives after the request timeout", async () => {
    // The create is answered after several request budgets (the server validating the remote cluster); anything
    // else is never answered.
    const slow = http.createServer((req, res) => {
      if (req.method !== 'POST') return;
      setTimeout(() => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error_code: 40002,
            message: 'Unable to validate cluster link: Timed out waiting for a node assignment.',
          }),
        );
      }, 400);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    try {
      const c = new KafkaRestClient({ endpoint: url, timeoutMs: 50, createLinkTimeoutMs: 10_000, readAttempts: 1 });
      const created = await rejects(c.createLink('dst', 'lk', { source_cluster_id: 'src', configs: [] }));
      assert.deepEqual([created.kind, created.status, created.errorCode], ['http', 400, 40002]);
      assert.match(created.serverMessage ?? '', /Timed out waiting for a node assignment/);
      const read = await rejects(c.listLinks('dst'));
      assert.equal(read.kind, 'timeout', 'other requests keep the request budget');
      c.close();
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  test('an aborted call ends at once with kind aborted', async () => {
    const c = new KafkaRestClient({ endpoint: hangUrl, timeoutMs: 60_000 });
    const ac = new AbortController();
    const p = c.listClusters(ac.signal);
    ac.abort();
    assert.equal((await rejects(p)).kind, 'aborted');
    c.close();
  });

  test('reads retry transient errors; writes are not retried', async () => {
    const sim = await startRestSimulator({ clusterId: 'r', contract: false });
    try {
      const c = new KafkaRestClient({ endpoint: sim.url, retryBaseMs: 1, retryCapMs: 2 });
      sim.failNext({ method: 'GET', status: 503, errorCode: 50302, message: 'busy', times: 2 });
      assert.deepEqual(await c.listLinks('r'), []);
      assert.equal(sim.calls.length, 3);
      sim.world.addCluster('s', { bootstrap: 's:1' });
      sim.failNext({ method: 'POST', status: 500, errorCode: 50003, message: 'timeout' });
      const e = await rejects(
        c.createLink('r', 'l', { source_cluster_id: 's', configs: [{ name: 'bootstrap.servers', value: 's:1' }] }),
      );
      assert.equal(e.errorCode, 50003);
      assert.equal(sim.calls.filter((x) => x.method === 'POST').length, 1);
      assert.equal(c.writeCalls, 1);
      c.close();
    } finally {
      await sim.close();
    }
  });

  test('the Source half retries only the "does not have a link named" 400', async () => {
    const world = new SimWorld({ destinationPropagationFailures: 2 });
    const src = await startRestSimulator({ world, clusterId: 'src', contract: false });
    world.addCluster('dst', { bootstrap: 'dst:9092' });
    world.createLink(
      'dst',
      'si',
      { source_cluster_id: 'src', configs: [{ name: 'connection.mode', value: 'INBOUND' }] },
      false,
    );
    try {
      const c = new KafkaRestClient({ endpoint: src.url });
      const body = {
        destination_cluster_id: 'dst',
        configs: [
          { name: 'link.mode', value: 'SOURCE' },
          { name: 'bootstrap.servers', value: 'dst:9092' },
        ],
      };
      await c.createLink('src', 'si', body, { retryDestinationMissingMs: 10_000 });
      assert.deepEqual(
        src.calls.map((x) => x.status),
        [400, 400, 204],
      );
      const e = await rejects(c.createLink('src', 'si', body, { retryDestinationMissingMs: 10_000 }));
      assert.equal(e.status, 409, 'other errors are not retried');
      assert.equal(src.calls.length, 4);
      c.close();
    } finally {
      await src.close();
    }
  });
});

describe('backoff', () => {
  const cases = [
    { attempt: 0, r: 1, expect: 100 },
    { attempt: 3, r: 1, expect: 800 },
    { attempt: 10, r: 1, expect: 1000 },
    { attempt: 3, r: 0, expect: 400 },
  ];
  for (const c of cases) {
    test(`attempt ${c.attempt}, random ${c.r} → ${c.expect} ms (base 100, cap 1000, jitter 0.5)`, () => {
      assert.equal(backoffDelay(c.attempt, { baseMs: 100, capMs: 1000, jitter: 0.5, random: () => c.r }), c.expect);
    });
  }
  test('retry stops on a non-retryable error and after the attempts', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error('fatal');
        },
        { baseMs: 1, capMs: 1, attempts: 5, shouldRetry: () => false },
      ),
      /fatal/,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error('again');
        },
        { baseMs: 1, capMs: 1, attempts: 3, shouldRetry: () => true },
      ),
      /again/,
    );
    assert.equal(calls, 3);
    assert.equal(
      await retry(
        async (n) => {
          if (n < 2) throw new Error('x');
          return n;
        },
        { baseMs: 1, capMs: 1, shouldRetry: () => true },
      ),
      2,
    );
  });
});
