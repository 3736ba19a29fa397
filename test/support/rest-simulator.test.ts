// The Admin REST simulator itself: OpenAPI contract enforcement (requests and responses), routing
// like the server (404/405), and the server behaviours of the simulator's README as seen through the client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { KafkaRestClient, KafkaRestError } from '../../src/kafka-rest/index.js';
import {
  contractAvailable,
  CONTRACT_SKIP_MESSAGE,
  loadContract,
  SimWorld,
  startRestSimulator,
  type RestSimulator,
} from './rest-simulator/index.js';

const skipContract = contractAvailable() ? false : CONTRACT_SKIP_MESSAGE;

function raw(url: string, method: string, path: string, body?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      { method, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function rejects(p: Promise<unknown>): Promise<KafkaRestError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KafkaRestError, `expected a KafkaRestError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('OpenAPI contract enforcement', { skip: skipContract }, () => {
  let sim: RestSimulator;
  before(async () => {
    sim = await startRestSimulator({ clusterId: 'c1' });
  });
  after(() => sim.close());

  test('a request that breaks the contract is answered 400 and recorded as a violation', async () => {
    sim.world.addCluster('src');
    const client = new KafkaRestClient({ endpoint: sim.url });
    const bad = { source_cluster_id: 'src', configs: [{ name: 'bootstrap.servers' }] } as unknown as Parameters<
      KafkaRestClient['createLink']
    >[2];
    const e = await rejects(client.createLink('c1', 'l', bad));
    assert.equal(e.status, 400);
    assert.match(e.serverMessage ?? '', /OpenAPI contract.*value/);
    assert.equal(sim.violations.length, 1, 'a test asserting an empty list would fail here');
    assert.match(sim.violations[0] ?? '', /POST \/kafka\/v3\/clusters\/c1\/links ← request body/);
    const missingQuery = await raw(sim.url, 'POST', '/kafka/v3/clusters/c1/links', '{}');
    assert.equal(missingQuery.status, 400);
    assert.match(sim.violations.at(-1) ?? '', /link_name is required/);
    client.close();
    sim.violations.splice(0);
  });

  test('undeclared query parameters and wrong types are violations', async () => {
    const r = await raw(sim.url, 'GET', '/kafka/v3/clusters/c1/links/x?include_tasks=maybe');
    assert.equal(r.status, 400);
    assert.match(sim.violations.join('\n'), /include_tasks=maybe/);
    sim.violations.splice(0);
  });

  test('responses are validated too (a bad body is reported)', () => {
    const contract = loadContract();
    assert.ok(contract);
    const m = contract.match('GET', '/kafka/v3/clusters/c1/links/l/mirrors');
    assert.ok(m?.operation);
    assert.deepEqual(
      contract.checkResponse(m.operation, 200, {
        kind: 'KafkaMirrorDataList',
        metadata: { self: 'x', next: null },
        data: [],
      }),
      [],
    );
    assert.match(
      contract
        .checkResponse(m.operation, 200, {
          kind: 'KafkaMirrorDataList',
          metadata: { self: 'x' },
          data: [{ mirror_topic_name: 1 }],
        })
        .join(),
      /must have required property/,
    );
    assert.match(contract.checkResponse(m.operation, 201, undefined).join(), /not declared/);
    assert.match(contract.checkResponse(m.operation, 409, { message: 'x' }).join(), /error_code/);
  });

  test('unknown paths → 404 and undeclared methods → 405, like the server', async () => {
    assert.deepEqual(await raw(sim.url, 'GET', '/kafka/v3/nope'), {
      status: 404,
      body: { error_code: 404, message: 'HTTP 404 Not Found' },
    });
    assert.equal((await raw(sim.url, 'PATCH', '/kafka/v3/clusters/c1/links')).status, 405);
    assert.deepEqual(sim.violations, []);
  });
});

describe("server behaviours (the simulator's README) through the client", () => {
  const world = new SimWorld({ pendingStoppedReads: 0 });
  world.addCluster('src', { bootstrap: 'src:9092' });
  world.addTopic('src', 'orders', { partitions: 2, endOffset: 40 });
  world.addTopic('src', 'other');
  let sim: RestSimulator;
  let client: KafkaRestClient;
  before(async () => {
    sim = await startRestSimulator({ world, clusterId: 'dst' });
    client = new KafkaRestClient({ endpoint: sim.url, retryBaseMs: 1, retryCapMs: 2 });
    await client.createLink('dst', 'lk', {
      source_cluster_id: 'src',
      configs: [
        { name: 'bootstrap.servers', value: 'src:9092' },
        { name: 'cluster.link.prefix', value: 'p.' },
      ],
    });
  });
  after(async () => {
    client.close();
    await sim.close();
    assert.deepEqual(sim.violations, []);
  });

  test('GET /clusters discovers the id', async () => {
    assert.equal(await client.discoverClusterId(), 'dst');
  });
  test('missing link → 404 with the server message; findLink → undefined', async () => {
    const e = await rejects(client.getLink('dst', 'missing'));
    assert.deepEqual(
      [e.status, e.errorCode, e.serverMessage],
      [404, 404, "The cluster link doesn't exist: Cluster link 'missing' does not exist."],
    );
    assert.equal(await client.findLink('dst', 'missing'), undefined);
    const unknownCluster = await rejects(client.findLink('nope', 'lk'));
    assert.deepEqual([unknownCluster.status, unknownCluster.serverMessage], [404, 'Cluster nope cannot be found.']);
  });
  test('link name taken → 409 / 40902', async () => {
    const e = await rejects(
      client.createLink('dst', 'lk', {
        source_cluster_id: 'src',
        configs: [{ name: 'bootstrap.servers', value: 'src:9092' }],
      }),
    );
    assert.deepEqual([e.status, e.errorCode], [409, 40902]);
  });
  test('link to self → 400 / 40002', async () => {
    const e = await rejects(
      client.createLink('dst', 'self', {
        source_cluster_id: 'dst',
        configs: [{ name: 'bootstrap.servers', value: 'x:1' }],
      }),
    );
    assert.match(e.serverMessage ?? '', /Cannot create cluster link to self/);
  });
  test('renamed mirror → 400 / 40035', async () => {
    const e = await rejects(
      client.createMirror('dst', 'lk', { source_topic_name: 'orders', mirror_topic_name: 'orders' }),
    );
    assert.deepEqual(
      [e.status, e.errorCode, e.serverMessage],
      [400, 40035, 'Topic renaming for mirroring not yet supported.'],
    );
  });
  test('mirror create, list with lags, topic already exists → 400 / 40002', async () => {
    await client.createMirror('dst', 'lk', { source_topic_name: 'orders', mirror_topic_name: 'p.orders' });
    const [m] = await client.listMirrors('dst', 'lk');
    assert.equal(m?.mirror_status, 'ACTIVE');
    assert.deepEqual(
      m?.mirror_lags.map((l) => l.last_source_fetch_offset),
      [40, 41],
    );
    const e = await rejects(client.createMirror('dst', 'lk', { source_topic_name: 'orders' }));
    assert.deepEqual([e.status, e.errorCode], [400, 40002]);
  });
  test('link configs: sensitive values are not echoed; configs:alter SET/DELETE', async () => {
    await client.alterLinkConfigs('dst', 'lk', [
      {
        name: 'sasl.jaas.config',
        value: 'org.apache.kafka.common.security.plain.PlainLoginModule required password="secret";',
        operation: 'SET',
      },
      { name: 'consumer.offset.sync.ms', value: '1000', operation: 'SET' },
    ]);
    let cfgs = await client.listLinkConfigs('dst', 'lk');
    const jaas = cfgs.find((c) => c.name === 'sasl.jaas.config');
    assert.deepEqual([jaas?.sensitive, jaas?.value, jaas?.isDefault], [true, '', false]);
    await client.alterLinkConfigs('dst', 'lk', [{ name: 'consumer.offset.sync.ms', operation: 'DELETE' }]);
    cfgs = await client.listLinkConfigs('dst', 'lk');
    assert.equal(cfgs.find((c) => c.name === 'consumer.offset.sync.ms')?.isDefault, true);
    const e = await rejects(
      client.alterLinkConfigs('dst', 'lk', [{ name: 'cluster.link.prefix', value: 'q.', operation: 'SET' }]),
    );
    assert.equal(e.status, 400);
  });
  test('a server that answers 405 to configs:alter gets one PUT/DELETE per key', async () => {
    sim.failNext({
      method: 'PUT',
      pathIncludes: 'configs:alter',
      status: 405,
      errorCode: 405,
      message: 'HTTP 405 Method Not Allowed',
    });
    await client.alterLinkConfigs('dst', 'lk', [
      { name: 'consumer.offset.sync.ms', value: '2000', operation: 'SET' },
      { name: 'acl.sync.ms', operation: 'DELETE' },
    ]);
    const counts = sim.counts();
    assert.equal(counts['PUT /kafka/v3/clusters/{cluster_id}/links/{link_name}/configs/{config_name}'], 1);
    assert.equal(counts['DELETE /kafka/v3/clusters/{cluster_id}/links/{link_name}/configs/{config_name}'], 1);
    assert.equal(world.clusters.get('dst')?.links.get('lk')?.configs.get('consumer.offset.sync.ms'), '2000');
    await client.alterLinkConfigs('dst', 'lk', [{ name: 'consumer.offset.sync.ms', operation: 'DELETE' }]);
  });

  test('delete a link with live mirrors → 403', async () => {
    const e = await rejects(client.deleteLink('dst', 'lk'));
    assert.equal(e.status, 403);
    assert.match(e.serverMessage ?? '', /in used by topics: p\.orders/);
  });
  test('batched actions surface per-item errors; offsets read -1 after the stop', async () => {
    let out = await client.alterMirrors('dst', 'lk', 'failover', ['p.orders', 'nope']);
    assert.deepEqual(out.accepted, ['p.orders']);
    assert.deepEqual(out.failed, [{ mirrorTopicName: 'nope', errorCode: 404, message: 'Topic nope not found' }]);
    const m = await client.getMirror('dst', 'lk', 'p.orders');
    assert.equal(m.mirror_status, 'STOPPED');
    assert.deepEqual(
      m.mirror_lags.map((l) => l.last_source_fetch_offset),
      [-1, -1],
    );
    out = await client.alterMirrors('dst', 'lk', 'promote', ['p.orders']);
    assert.deepEqual(out.failed, [
      {
        mirrorTopicName: 'p.orders',
        errorCode: 400,
        message: "Topic 'p.orders' has already stopped its mirror from 'lk'",
      },
    ]);
  });
  test('link tasks in error are reported with include_tasks', async () => {
    await client.alterLinkConfigs('dst', 'lk', [{ name: 'acl.sync.enable', value: 'true', operation: 'SET' }]);
    const l = await client.getLink('dst', 'lk', { includeTasks: true });
    const acl = l.tasks?.find((t) => t.task_name === 'AclSync');
    assert.equal(acl?.state, 'IN_ERROR');
    assert.equal(acl?.errors[0]?.error_code, 'MISCONFIGURATION_ERROR');
    assert.equal((await client.getLink('dst', 'lk')).tasks, undefined);
  });
  test('delete link once mirrors are stopped; deleting again → false (404)', async () => {
    assert.equal(await client.deleteLink('dst', 'lk'), true);
    assert.equal(await client.deleteLink('dst', 'lk'), false);
    assert.equal((await client.getTopic('dst', 'p.orders')).topic_name, 'p.orders');
    assert.equal(await client.deleteTopic('dst', 'p.orders'), true);
    assert.equal(await client.deleteTopic('dst', 'p.orders'), false);
  });
  test('source-initiated: SOURCE half before the INBOUND half → the transient 400', async () => {
    const e = await rejects(
      client.createLink('dst', 'si', {
        configs: [
          { name: 'link.mode', value: 'SOURCE' },
          { name: 'bootstrap.servers', value: 'src:9092' },
        ],
      }),
    );
    assert.equal(e.status, 400);
    assert.match(e.serverMessage ?? '', /does not have a link named si/);
  });
  test('counters by method/route and writing calls', () => {
    const counts = sim.counts();
    assert.ok((counts['POST /kafka/v3/clusters/{cluster_id}/links'] ?? 0) >= 3);
    assert.equal(sim.writeCalls(), sim.calls.filter((c) => c.method !== 'GET').length);
  });
});

describe('fault injection and running without the contract', () => {
  test('injected failures, failure rate and latency', async () => {
    let n = 0;
    const sim = await startRestSimulator({
      clusterId: 'f',
      contract: false,
      latencyMs: 5,
      failureRate: 0.5,
      random: () => (n++ % 2 === 0 ? 0.1 : 0.9),
    });
    try {
      assert.equal(sim.contractChecked, false);
      const client = new KafkaRestClient({ endpoint: sim.url, readAttempts: 3, retryBaseMs: 1, retryCapMs: 2 });
      // Every second request fails with 500/50003; reads retry through it.
      assert.equal(await client.discoverClusterId(), 'f');
      assert.deepEqual(
        sim.calls.map((c) => c.status),
        [500, 200],
        'the transient failure was retried',
      );
      sim.failNext({ method: 'GET', pathIncludes: '/links', status: 503, errorCode: 50302, message: 'down', times: 5 });
      const e = await rejects(client.listLinks('f'));
      assert.deepEqual([e.status, e.transient], [503, true]);
      client.close();
    } finally {
      await sim.close();
    }
  });
});
