// Link configs against the Admin REST simulator, which judges them like Confluent Server
// (docs/reconciler.md#simulator-assumptions): ACL filters, credential rotation, removed spec.configs keys,
// tolerance of the unsettled server answers. Every pass feeds the previous outcome back, as the controller does.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import { createLinkReconciler } from '../../../src/reconciler/kafka/reconcile-link.js';
import type { ClusterCredentials, ReconcileInput, ReconcileOutcome } from '../../../src/reconciler/types.js';
import { SimWorld, startRestSimulator, type RestSimulator } from '../../support/rest-simulator/index.js';

const reconcile = createLinkReconciler({ stopPollBudgetMs: 100, stopPollIntervalMs: 10, pendingRequeueMs: 50 });
after(() => reconcile.close());

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';

function cr(spec: ClusterLinkSpec, generation = 1): ClusterLink {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name: 'lk', namespace: 'ns', uid: 'abcd1234-0000', generation },
    spec,
  };
}

const spec = (extra: Partial<ClusterLinkSpec> = {}): ClusterLinkSpec => ({
  name: 'lk',
  sourceKafkaCluster: {
    clusterID: 'src',
    bootstrapEndpoint: 'src:9092',
    authentication: { type: 'plain', jaasConfig: { secretRef: 'jaas' } },
    tls: { enabled: true, secretRef: 'tls' },
  },
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' } },
  ...extra,
});

interface Harness {
  world: SimWorld;
  sim: RestSimulator;
  /** One pass; previous status and applied-config digests carried over like the controller does. */
  pass(s: ClusterLinkSpec, credentials: { source?: ClusterCredentials }): Promise<ReconcileOutcome>;
  stored(key: string): string | undefined;
}

async function harness(behaviour: ConstructorParameters<typeof SimWorld>[0] = {}): Promise<Harness> {
  const world = new SimWorld(behaviour);
  world.addCluster('src', { bootstrap: 'src:9092' });
  const sim = await startRestSimulator({ world, clusterId: 'dst' });
  after(() => sim.close());
  let status: ClusterLinkStatus | undefined;
  let applied: Record<string, string> | undefined;
  return {
    world,
    sim,
    async pass(s, credentials) {
      const input: ReconcileInput = {
        link: cr(s),
        linkName: 'lk',
        local: { endpoint: sim.url, clusterId: 'dst' },
        credentials,
        ...(status ? { previousStatus: status } : {}),
        ...(applied ? { appliedConfigs: applied } : {}),
        deleting: false,
      };
      const out = await reconcile(input);
      status = out.status;
      if (out.appliedConfigs) applied = out.appliedConfigs;
      // With sensitiveValue: null the simulator deliberately lists values the Cloud document calls strings.
      const nullValues = world.behaviour.sensitiveValue === null;
      const violations = sim.violations.filter((v) => !(nullValues && /\/configs → .*\/value/.test(v)));
      assert.deepEqual(violations, [], 'OpenAPI contract violations');
      return out;
    },
    stored: (key) => world.clusters.get('dst')?.links.get('lk')?.configs.get(key),
  };
}

const ready = (o: ReconcileOutcome): string => {
  const c = o.conditions.find((x) => x.type === 'Ready');
  return `${c?.status} ${c?.reason}: ${c?.message}`;
};
const creds = (password: string, ca = 'CA-1'): { source: ClusterCredentials } => ({
  source: {
    plain: { username: 'u', password },
    tls: { cacertsPem: `-----BEGIN CERTIFICATE-----\n${ca}\n-----END CERTIFICATE-----` },
  },
});

describe('ACL sync with the webhook defaults (item 5)', () => {
  test('principal/host/name "*" reach the server as omitted fields, which Kafka accepts', async () => {
    const h = await harness();
    const acl = spec({
      aclFilters: [
        {
          resourceFilter: { resourceType: 'topic', name: '*', patternType: 'literal' },
          accessFilter: { principal: '*', host: '*', operation: 'read', permissionType: 'allow' },
        },
      ],
    });
    const out = await h.pass(acl, creds('p1'));
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.deepEqual(JSON.parse(h.stored('acl.filters') ?? 'null'), {
      aclFilters: [
        {
          resourceFilter: { resourceType: 'topic', patternType: 'literal' },
          accessFilter: { operation: 'read', permissionType: 'allow' },
        },
      ],
    });
    assert.equal((await h.pass(acl, creds('p1'))).writeCalls, 0);
  });
});

describe('credential and certificate rotation (item 3)', () => {
  test('a changed password or CA is SET once; an unchanged one is never written', async () => {
    const h = await harness();
    const s = spec();
    const steps: { name: string; creds: { source: ClusterCredentials }; writes: number; sent?: string[] }[] = [
      { name: 'create', creds: creds('p1'), writes: 1 },
      { name: 'resync, nothing changed', creds: creds('p1'), writes: 0 },
      { name: 'password rotated', creds: creds('p2'), writes: 1, sent: ['sasl.jaas.config'] },
      { name: 'resync after rotation', creds: creds('p2'), writes: 0 },
      { name: 'CA renewed', creds: creds('p2', 'CA-2'), writes: 1, sent: ['ssl.truststore.certificates'] },
      { name: 'resync after renewal', creds: creds('p2', 'CA-2'), writes: 0 },
    ];
    for (const step of steps) {
      const before = h.sim.calls.length;
      const out = await h.pass(s, step.creds);
      assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec', step.name);
      assert.equal(out.writeCalls, step.writes, step.name);
      if (step.sent) {
        const alter = h.sim.calls.slice(before).find((c) => c.path.endsWith('/configs:alter'));
        assert.deepEqual(alter?.alteredConfigs, step.sent, step.name);
      }
      const source = step.creds.source;
      assert.equal(
        h.stored('sasl.jaas.config'),
        `${PLAIN} required username="u" password="${source.plain?.password}";`,
      );
      assert.equal(h.stored('ssl.truststore.certificates'), source.tls?.cacertsPem);
      for (const digest of Object.values(out.appliedConfigs ?? {})) assert.match(digest, /^[0-9a-f]{16}$/);
      assert.ok(!JSON.stringify(out.appliedConfigs).includes(source.plain?.password ?? '?'), 'no value recorded');
    }
  });

  test('no record yet (an existing link, first pass after an upgrade): the secrets are SET once', async () => {
    const h = await harness();
    await h.pass(spec(), creds('p1'));
    const fresh = await harness();
    fresh.world.clusters.get('dst')?.links.set('lk', structuredClone(h.world.clusters.get('dst')!.links.get('lk')!));
    // `fresh` has no appliedConfigs: the link exists with the same values, but nothing says so.
    const first = await fresh.pass(spec(), creds('p1'));
    assert.equal(first.writeCalls, 1);
    assert.equal((await fresh.pass(spec(), creds('p1'))).writeCalls, 0);
  });
});

describe('a key removed from spec.configs is reset (item 7)', () => {
  test('DELETE through configs:alter for keys the spec set; keys set by others are left alone', async () => {
    const h = await harness();
    const withConfigs = spec({ configs: { 'consumer.offset.sync.ms': '1000', 'topic.config.sync.ms': '9000' } });
    await h.pass(withConfigs, creds('p1'));
    assert.equal(h.stored('consumer.offset.sync.ms'), '1000');
    // Someone else (the CLI) sets a key the spec never had.
    h.world.alterLinkConfigs('dst', 'lk', [{ name: 'acl.sync.ms', value: '7000' }], false);
    const before = h.sim.calls.length;
    const out = await h.pass(spec({ configs: { 'topic.config.sync.ms': '9000' } }), creds('p1'));
    assert.equal(out.writeCalls, 1);
    const alter = h.sim.calls.slice(before).find((c) => c.path.endsWith('/configs:alter'));
    assert.deepEqual(alter?.alteredConfigs, ['-consumer.offset.sync.ms']);
    assert.equal(h.stored('consumer.offset.sync.ms'), undefined);
    assert.equal(h.stored('acl.sync.ms'), '7000');
    assert.equal(out.appliedConfigs?.['consumer.offset.sync.ms'], undefined, 'forgotten once reset');
    assert.equal((await h.pass(spec({ configs: { 'topic.config.sync.ms': '9000' } }), creds('p1'))).writeCalls, 0);
  });
});

describe('unsettled server answers are tolerated', () => {
  for (const existingLink of [409, 400] as const) {
    test(`an existing link answered with ${existingLink} is adopted`, async () => {
      const h = await harness({ existingLink });
      await h.pass(spec(), creds('p1'));
      // A second reconciler that has not observed the link yet: findLink misses it once.
      h.sim.failNext({ method: 'GET', pathIncludes: '/links/lk', status: 404, errorCode: 404, message: 'not found' });
      const out = await h.pass(spec(), creds('p1'));
      assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    });
  }
  test('secret configs listed with value null (Kafka describeConfigs) compare by digest too', async () => {
    const h = await harness({ sensitiveValue: null });
    await h.pass(spec(), creds('p1'));
    const listed = h.world.linkConfigs(h.world.clusters.get('dst')!.links.get('lk')!);
    assert.equal(listed.find((c) => c.name === 'sasl.jaas.config')?.value, null);
    assert.equal((await h.pass(spec(), creds('p1'))).writeCalls, 0);
    assert.equal((await h.pass(spec(), creds('p2'))).writeCalls, 1);
    assert.match(h.stored('sasl.jaas.config') ?? '', /password="p2"/);
  });
  test('filter JSON re-serialised by the server is no change', async () => {
    const h = await harness({ reserializeConfigs: true });
    const s = spec({ consumerGroupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }] });
    await h.pass(s, creds('p1'));
    const listed = h.world.linkConfigs(h.world.clusters.get('dst')!.links.get('lk')!);
    assert.notEqual(
      listed.find((c) => c.name === 'consumer.offset.group.filters')?.value,
      h.stored('consumer.offset.group.filters'),
      'the simulator does re-serialise',
    );
    assert.equal((await h.pass(s, creds('p1'))).writeCalls, 0);
  });
});

describe('OAuth links reach a server that parses their JAAS line (item 4)', () => {
  const oauthSpec = (settings: object): ClusterLinkSpec =>
    spec({
      sourceKafkaCluster: {
        clusterID: 'src',
        bootstrapEndpoint: 'src:9092',
        authentication: {
          type: 'oauth',
          jaasConfig: { secretRef: 'o' },
          oauthSettings: { tokenEndpointUri: 'https://idp/t', ...settings },
        },
      },
    });
  test('client credentials', async () => {
    const h = await harness();
    const out = await h.pass(oauthSpec({ scope: 'a b' }), {
      source: { oauth: { clientId: 'id', clientSecret: 's"x' } },
    });
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.equal(
      h.stored('sasl.jaas.config'),
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="id" clientSecret="s\\"x" scope="a b";',
    );
    assert.equal(h.stored('sasl.oauthbearer.token.endpoint.url'), 'https://idp/t');
  });
  test('client assertion', async () => {
    const h = await harness();
    const out = await h.pass(
      oauthSpec({ clientAssertion: { clientId: 'pk', localClientAssertion: { privateKeyFile: { secretRef: 'k' } } } }),
      { source: {} },
    );
    assert.equal(ready(out), 'True Reconciled: the cluster link matches the spec');
    assert.equal(h.stored('sasl.oauthbearer.assertion.private.key.file'), '/mnt/secrets/k/private-key');
  });
});
