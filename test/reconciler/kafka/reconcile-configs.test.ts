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
      assert.deepEqual(sim.violations, [], 'OpenAPI contract violations');
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
