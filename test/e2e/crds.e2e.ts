// The chart's CRDs on a real kube-apiserver, no webhook installed: the API server itself judges their
// structural schemas, defaults, CEL rules (create and transition rules) and status pruning — the checks
// test/chart/crds.test.ts makes with ajv and a CEL interpreter, here made by the code every cluster runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { e2eSkip, startCluster, type Cluster } from './support/cluster.js';
import { CRDS_DIR, fixtureNames, loadFixture, namespaceOf, toYaml, type Obj } from './support/objects.js';

const skip = e2eSkip();
const NS = 'crd-checks';

/**
 * kubectl's text with its `* field: …` lines sorted: the API server reports several OpenAPI errors in no fixed
 * order (seen both ways on the same object), while each line's text is fixed.
 */
function bulletsSorted(text: string): string {
  const lines = text.split('\n');
  const bullets = lines.filter((l) => l.startsWith('* ')).sort();
  return [...lines.filter((l) => !l.startsWith('* ')), ...bullets].join('\n');
}

/** A minimal destination-initiated link; `spec` entries replace the defaults'. */
function link(name: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name, namespace: NS },
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
      sourceKafkaCluster: { bootstrapEndpoint: 'kafka.src.example:9092', kafkaRestClassRef: { name: 'src-rest' } },
      ...spec,
    },
  };
}

describe('CRDs judged by the API server', { skip }, () => {
  let cluster: Cluster;
  const createDry = (object: Obj) =>
    cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: toYaml(object) });

  before(async () => {
    cluster = await startCluster();
    await cluster.kubectlOk(['apply', '--server-side', '-f', CRDS_DIR]);
    await cluster.kubectlOk([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      ...readdirSync(CRDS_DIR).map(
        (f) => `crd/${f.replace(/^platform\.confluent\.io_(.*)\.yaml$/, '$1.platform.confluent.io')}`,
      ),
    ]);
    const namespaces = new Set([NS, ...fixtureNames('valid').map((f) => namespaceOf(loadFixture(`valid/${f}`)))]);
    for (const ns of namespaces) await cluster.kubectlOk(['create', 'namespace', ns]);
  });
  after(() => cluster?.stop());

  test('every CRD is established, its names accepted and its schema structural', async () => {
    const crds = JSON.parse((await cluster.kubectlOk(['get', 'crd', '-o', 'json'])).stdout) as { items: Obj[] };
    const names = crds.items.map((c) => String((c['metadata'] as Obj)['name'])).sort();
    assert.deepEqual(names, [
      'clusterlinks.platform.confluent.io',
      'kafkarestclasses.platform.confluent.io',
      'kafkatopics.platform.confluent.io',
    ]);
    for (const crd of crds.items) {
      const conditions = ((crd['status'] as Obj)['conditions'] as Array<{ type: string; status: string }>)
        .map((c) => `${c.type}=${c.status}`)
        .sort();
      assert.deepEqual(
        conditions,
        ['Established=True', 'NamesAccepted=True'],
        `${String((crd['metadata'] as Obj)['name'])}: no NonStructuralSchema or other condition`,
      );
    }
  });

  for (const name of fixtureNames('valid')) {
    test(`valid fixture ${name}: accepted by the schema and its CEL rules`, async () => {
      const run = await createDry(loadFixture(`valid/${name}`));
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^clusterlink\.platform\.confluent\.io\/\S+ created \(server dry run\)\n$/);
      assert.equal(run.stderr, '', 'no warnings from the schema');
    });
  }

  const createCases: Array<{ name: string; object: Obj; output: string }> = [
    {
      name: 'connectionMode without linkMode Bidirectional',
      object: link('cel-connection', { sourceInitiatedLink: { linkMode: 'Destination', connectionMode: 'Inbound' } }),
      output:
        'The ClusterLink "cel-connection" is invalid: spec.sourceInitiatedLink.connectionMode: Invalid value: "object": connectionMode is only allowed with linkMode Bidirectional\n',
    },
    {
      name: 'tls enabled with both secretRef and directoryPathInContainer',
      object: link('cel-tls', {
        sourceKafkaCluster: {
          bootstrapEndpoint: 'a.example:9092',
          kafkaRestClassRef: { name: 's' },
          tls: { enabled: true, secretRef: 'ca', directoryPathInContainer: '/mnt/ca' },
        },
      }),
      output:
        'The ClusterLink "cel-tls" is invalid: spec.sourceKafkaCluster.tls: Invalid value: "object": enabled: true needs exactly one of secretRef or directoryPathInContainer\n',
    },
    {
      name: 'mtls without tls',
      object: link('cel-mtls', {
        sourceKafkaCluster: {
          bootstrapEndpoint: 'a.example:9092',
          kafkaRestClassRef: { name: 's' },
          authentication: { type: 'mtls' },
        },
      }),
      output:
        'The ClusterLink "cel-mtls" is invalid: spec.sourceKafkaCluster.authentication.type: Invalid value: "object": authentication.type mtls needs tls.enabled: true (the client certificate comes from tls)\n',
    },
    {
      name: 'an enum in the wrong case and a bootstrap endpoint without port (OpenAPI checks, CEL not reached)',
      object: link('schema-enum', {
        sourceKafkaCluster: {
          bootstrapEndpoint: 'no-port',
          kafkaRestClassRef: { name: 's' },
          authentication: { type: 'PLAIN' },
        },
      }),
      output: [
        'The ClusterLink "schema-enum" is invalid: ',
        '* spec.sourceKafkaCluster.authentication.type: Unsupported value: "PLAIN": supported values: "plain", "oauthbearer", "digest", "mtls", "oauth", "none"',
        '* spec.sourceKafkaCluster.bootstrapEndpoint: Invalid value: "no-port": spec.sourceKafkaCluster.bootstrapEndpoint in body should match \'.+:[0-9]+\'',
        '* <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        '',
      ].join('\n'),
    },
  ];
  for (const c of createCases) {
    test(`create refused: ${c.name}`, async () => {
      const run = await createDry(c.object);
      assert.equal(run.status, 1);
      assert.equal(bulletsSorted(run.stderr), bulletsSorted(c.output));
    });
  }

  const transitionCases: Array<{ name: string; from: Obj; to: Obj; output: string }> = [
    {
      name: 'spec.name changed',
      from: link('tr-name', { name: 'orders-link' }),
      to: link('tr-name', { name: 'orders-link-2' }),
      output:
        'The ClusterLink "tr-name" is invalid: spec.name: Invalid value: "string": the link name cannot be changed: create a new link\n',
    },
    {
      name: 'linkMode changed',
      from: link('tr-mode', { sourceInitiatedLink: { linkMode: 'Destination' } }),
      to: link('tr-mode', { sourceInitiatedLink: { linkMode: 'Bidirectional' } }),
      output:
        'The ClusterLink "tr-mode" is invalid: spec.sourceInitiatedLink.linkMode: Invalid value: "string": linkMode cannot be changed\n',
    },
    {
      name: 'sourceInitiatedLink removed',
      from: link('tr-remove', { sourceInitiatedLink: { linkMode: 'Destination' } }),
      to: link('tr-remove'),
      output:
        'The ClusterLink "tr-remove" is invalid: spec.sourceInitiatedLink: Invalid value: "object": sourceInitiatedLink cannot be added or removed: the link type is fixed when the link is created\n',
    },
    {
      name: 'mirror topic prefix changed',
      from: link('tr-prefix', { mirrorTopicOptions: { prefix: 'dc1.' } }),
      to: link('tr-prefix', { mirrorTopicOptions: { prefix: 'dc2.' } }),
      output:
        'The ClusterLink "tr-prefix" is invalid: spec.mirrorTopicOptions.prefix: Invalid value: "string": the prefix cannot be changed: create a new link\n',
    },
  ];
  for (const c of transitionCases) {
    test(`update refused by a transition rule: ${c.name}`, async () => {
      await cluster.kubectlOk(['apply', '-f', '-'], { input: toYaml(c.from) });
      const run = await cluster.kubectl(['apply', '-f', '-'], { input: toYaml(c.to) });
      assert.equal(run.stderr, c.output);
      assert.equal(run.status, 1);
    });
  }

  test('schema defaults are filled in by the API server and visible in kubectl get -o yaml', async () => {
    const object = link('defaults', {
      mirrorTopicOptions: { prefix: 'dc1.' },
      consumerGroupFilters: [{ filterType: 'INCLUDE' }],
      mirrorTopics: [{ name: 'dc1.orders' }],
    });
    await cluster.kubectlOk(['create', '-f', '-'], { input: toYaml(object) });
    const stored = JSON.parse(
      (await cluster.kubectlOk(['get', 'clusterlink', '-n', NS, 'defaults', '-o', 'json'])).stdout,
    ) as Obj;
    const spec = stored['spec'] as { mirrorTopicOptions: Obj; consumerGroupFilters: Obj[]; mirrorTopics: Obj[] };
    assert.deepEqual(spec.consumerGroupFilters, [{ filterType: 'INCLUDE', name: '*', patternType: 'LITERAL' }]);
    assert.deepEqual(spec.mirrorTopicOptions, { prefix: 'dc1.', deleteRemovedMirrorTopics: true });
    assert.equal(spec.mirrorTopics[0]?.['direction'], 'toDestination');
    assert.equal((stored['status'] as Obj | undefined)?.['appState'], undefined, 'no status until one is written');
  });

  test('status sub-resource: unknown fields are pruned (with a warning), spec writes there are ignored', async () => {
    await cluster.kubectlOk(['create', '-f', '-'], { input: toYaml(link('status-prune')) });
    const run = await cluster.kubectlOk([
      'patch',
      'clusterlink',
      '-n',
      NS,
      'status-prune',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { state: 'CREATED', bogus: 1 }, spec: { name: 'ignored' } }),
    ]);
    assert.match(run.stderr, /^Warning: unknown field "status\.bogus"$/m);
    const stored = JSON.parse(
      (await cluster.kubectlOk(['get', 'clusterlink', '-n', NS, 'status-prune', '-o', 'json'])).stdout,
    ) as Obj;
    assert.deepEqual(stored['status'], { appState: 'Unknown', state: 'CREATED' });
    assert.equal((stored['spec'] as Obj)['name'], undefined, 'the status endpoint never changes spec');
  });
});
