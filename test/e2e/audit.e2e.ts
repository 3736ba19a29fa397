// The audit of stored ClusterLinks (docs/audit.md) with the reconciler off, on a real kube-apiserver with the chart's
// RBAC: `serve` runs with a token of the chart's ServiceAccount and writes the Validated condition and its Event,
// which needs the grants the chart gives the audit alone (docs/install.md#permissions); with
// server.auditInterval=0 those grants are gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, startCluster, type Cluster } from './support/cluster.js';
import { installWithLocalWebhook, type Installed } from './support/install.js';
import { toYaml, type Obj } from './support/objects.js';
import type { WebhookProcess } from './support/webhook.js';

const skip = e2eSkip();
const NS = 'apps';

const link: Obj = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'orders', namespace: NS },
  spec: {
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
    sourceKafkaCluster: { bootstrapEndpoint: 'kafka.src.example:9092', clusterID: 'src-1' },
    mirrorTopics: [{ name: 'orders' }],
  },
};

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the audit with the reconciler off, under the chart RBAC', { skip }, () => {
  let cluster: Cluster;
  let installed: Installed;
  let quiet: Installed;
  let webhook: WebhookProcess | undefined;
  const can = async (who: Installed, verb: string, target: string): Promise<boolean> => {
    const [resource = '', subresource] = target.split('/');
    const run = await cluster.kubectl([
      'auth',
      'can-i',
      verb,
      resource,
      ...(subresource ? [`--subresource=${subresource}`] : []),
      '-n',
      NS,
      `--as=system:serviceaccount:${who.namespace}:${who.fullname}`,
    ]);
    return run.stdout.trim() === 'yes';
  };

  before(async () => {
    cluster = await startCluster();
    installed = await installWithLocalWebhook(cluster, { values: { reconciler: { enabled: false } } });
    await cluster.kubectlOk(['create', 'namespace', NS]);
    webhook = await installed.startWebhook(['--reconciler', 'false', '--audit-interval', '2s']);
    await cluster.kubectlOk(['apply', '-f', '-'], { input: toYaml(link) });
    // a second release only for its RBAC: nobody serves its webhooks, so they must not block writes
    quiet = await installWithLocalWebhook(cluster, {
      release: 'quiet',
      namespace: 'quiet-admission',
      values: { reconciler: { enabled: false }, server: { auditInterval: '0' }, webhook: { failurePolicy: 'Ignore' } },
    });
  });
  after(async () => {
    await webhook?.stop();
    await cluster?.stop();
  });

  test('the chart grants the audit list, status patch and Events, and nothing of the reconciler', async () => {
    const granted = {
      'list clusterlinks': await can(installed, 'list', 'clusterlinks.platform.confluent.io'),
      'patch clusterlinks/status': await can(installed, 'patch', 'clusterlinks.platform.confluent.io/status'),
      'create events': await can(installed, 'create', 'events'),
      'watch clusterlinks': await can(installed, 'watch', 'clusterlinks.platform.confluent.io'),
      'patch clusterlinks': await can(installed, 'patch', 'clusterlinks.platform.confluent.io'),
      'create kafkatopics': await can(installed, 'create', 'kafkatopics.platform.confluent.io'),
    };
    assert.deepEqual(granted, {
      'list clusterlinks': true,
      'patch clusterlinks/status': true,
      'create events': true,
      'watch clusterlinks': false,
      'patch clusterlinks': false,
      'create kafkatopics': false,
    });
  });

  test('serve writes the Validated condition and records its Event with those grants', async () => {
    const condition = await until('the Validated condition', async () => {
      const run = await cluster.kubectl(['get', 'clusterlink', 'orders', '-n', NS, '-o', 'json']);
      const obj = run.status === 0 ? (JSON.parse(run.stdout) as { status?: { conditions?: Obj[] } }) : undefined;
      return obj?.status?.conditions?.find((c) => c['type'] === 'Validated');
    });
    assert.equal(condition['status'], 'True');
    assert.equal(condition['reason'], 'Valid');
    const events = await until('the Validated Event', async () => {
      const run = await cluster.kubectlOk(['get', 'events', '-n', NS, '-o', 'json']);
      const items = (JSON.parse(run.stdout) as { items: Obj[] }).items.filter(
        (e) => (e['involvedObject'] as Obj | undefined)?.['name'] === 'orders' && e['reason'] === 'Validated',
      );
      return items.length > 0 ? items : undefined;
    });
    assert.equal(events[0]?.['type'], 'Normal');
    const forbidden = (webhook?.lines ?? []).filter((l) => /forbidden/i.test(JSON.stringify(l)));
    assert.deepEqual(forbidden, []);
  });

  test('server.auditInterval=0: no audit grants', async () => {
    assert.equal(await can(quiet, 'list', 'clusterlinks.platform.confluent.io'), false);
    assert.equal(await can(quiet, 'patch', 'clusterlinks.platform.confluent.io/status'), false);
  });
});
