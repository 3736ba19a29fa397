// What a user sees from kubectl with the webhooks installed by the chart on a real kube-apiserver: the exact
// denial and `Warning:` text, the defaults stored, dry runs, the update rules, DELETE and status writes that
// never reach the webhook, failurePolicy Fail when the webhook is down, the API server's timeout when it
// hangs, and the rule book's fixtures (test/fixtures/clusterlink) through all of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { e2eSkip, startCluster, type Cluster } from './support/cluster.js';
import { exec } from './support/exec.js';
import { installWithLocalWebhook, type Installed } from './support/install.js';
import {
  FIXTURES,
  fixtureNames,
  loadFixture,
  namespaceOf,
  renamed,
  secretRefs,
  toYaml,
  type Obj,
} from './support/objects.js';
import { BIN, REPO_ROOT, type WebhookProcess } from './support/webhook.js';

const skip = e2eSkip();
const NS = 'apps';
const EXEMPT_NS = 'exempt';
const TIMEOUT_SECONDS = 2;

function link(name: string, mirrorTopics: Obj[], extra: Obj = {}): Obj {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name, namespace: NS },
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
      sourceKafkaCluster: { bootstrapEndpoint: 'kafka.src.example:9092', clusterID: 'src-1' },
      mirrorTopics,
      ...extra,
    },
  };
}

/** `* field: …` and one-line denial fields as kubectl prints them, in order. */
function deniedFields(stderr: string): string[] {
  const single = /^The ClusterLink "[^"]+" is invalid: (\S+): /m.exec(stderr);
  const bullets = [...stderr.matchAll(/^\* (\S+): /gm)].map((m) => m[1] ?? '');
  return bullets.length > 0 ? bullets : single ? [single[1] ?? ''] : [];
}

/** The webhook's notation (configs[retention.ms]) in the API server's (configs.retention.ms). */
const apiPath = (field: string): string => field.replace(/\[([^\]\d][^\]]*)\]/g, '.$1');

describe('kubectl against the installed webhooks', { skip }, () => {
  let cluster: Cluster;
  let installed: Installed;
  let webhook: WebhookProcess;
  const apply = (object: Obj, flags: string[] = []) =>
    cluster.kubectl(['apply', ...flags, '-f', '-'], { input: toYaml(object) });
  const create = (object: Obj, flags: string[] = []) =>
    cluster.kubectl(['create', ...flags, '-f', '-'], { input: toYaml(object) });
  const getLink = async (name: string, namespace = NS): Promise<Obj | undefined> => {
    const run = await cluster.kubectl(['get', 'clusterlink', name, '-n', namespace, '-o', 'json']);
    return run.status === 0 ? (JSON.parse(run.stdout) as Obj) : undefined;
  };
  const mutatingName = (): string => `mutate.${installed.fullname}.${installed.namespace}.svc`;
  const webhookUrl = (path: string): string => `https://127.0.0.1:${installed.port}${path}?timeout=${TIMEOUT_SECONDS}s`;

  before(async () => {
    cluster = await startCluster();
    installed = await installWithLocalWebhook(cluster, { values: { webhook: { timeoutSeconds: TIMEOUT_SECONDS } } });
    webhook = await installed.startWebhook();
    const namespaces = new Set([
      NS,
      ...['valid', 'invalid'].flatMap((k) =>
        fixtureNames(k as 'valid').map((f) => namespaceOf(loadFixture(`${k}/${f}`))),
      ),
    ]);
    for (const ns of [...namespaces, EXEMPT_NS]) await cluster.kubectlOk(['create', 'namespace', ns]);
    await cluster.kubectlOk(['label', 'namespace', EXEMPT_NS, 'clusterlink-webhook/exempt=true']);
  });
  after(async () => {
    await webhook?.stop();
    await cluster?.stop();
  });

  test('a good ClusterLink: created, no warnings, the webhook defaults stored as `mutate` computes them', async () => {
    const object = loadFixture('valid/plaintext-apache-kafka-source.yaml');
    const name = String((object['metadata'] as Obj)['name']);
    const run = await apply(object);
    assert.deepEqual(
      [run.status, run.stdout, run.stderr],
      [0, `clusterlink.platform.confluent.io/${name} created\n`, ''],
    );
    const stored = (await cluster.kubectlOk(['get', 'clusterlink', name, '-n', namespaceOf(object), '-o', 'yaml']))
      .stdout;
    const spec = (parse(stored) as Obj)['spec'] as Obj;
    assert.equal(spec['name'], name, 'spec.name defaulted to metadata.name');
    const offline = await exec(
      process.execPath,
      [BIN, 'mutate', '-f', join(FIXTURES, 'valid/plaintext-apache-kafka-source.yaml')],
      { cwd: REPO_ROOT },
    );
    assert.equal(offline.status, 0, offline.stderr);
    const mutated = (parse(offline.stdout) as Obj)['spec'] as { mirrorTopics?: Obj[] };
    // The API server then applies the CRD schema's own defaults (mirrorTopics[].direction).
    for (const topic of mutated.mirrorTopics ?? []) topic['direction'] ??= 'toDestination';
    assert.deepEqual(spec, mutated, 'the stored spec is the offline `mutate` output plus the schema defaults');
    await cluster.kubectlOk(['delete', 'clusterlink', name, '-n', namespaceOf(object)]);
  });

  test('a bad ClusterLink: kubectl prints the Warning lines, then the denial with one `* field: message` line per error', async () => {
    const run = await apply(loadFixture('invalid/destination-mode-misconfigured.yaml'));
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      [
        'Warning: spec.sourceKafkaCluster.authentication: ignored in Destination mode: it waits for the Source-mode link',
        'Warning: spec.sourceKafkaCluster.bootstrapEndpoint: ignored in Destination mode: it waits for the Source-mode link',
        'Warning: spec.sourceKafkaCluster.tls: ignored in Destination mode: it waits for the Source-mode link',
        'The ClusterLink "dest-mode" is invalid: ',
        '* spec.destinationKafkaCluster.kafkaRestClassRef: Required value: the link is created on the destination cluster through its KafkaRestClass',
        '* spec.mirrorTopicOptions.autoCreateTopics.topicFilters: Required value: auto-create is enabled: add at least one INCLUDE filter (name "*", LITERAL for all topics)',
        '',
      ].join('\n'),
    );
    assert.equal(await getLink('dest-mode', 'destination'), undefined, 'nothing stored');
  });

  test('one error: kubectl prints it on the same line', async () => {
    const run = await create(link('one-error', [{ name: 'orders', replicationFactor: 3 }, { name: 'orders' }]));
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^The ClusterLink "one-error" is invalid: spec\.mirrorTopics\[1\]\.name: Duplicate value: "orders"/,
    );
  });

  test('--dry-run=server: the webhooks answer, nothing is stored', async () => {
    const good = await create(link('dry-good', [{ name: 'orders' }]), ['--dry-run=server']);
    assert.deepEqual(
      [good.status, good.stdout, good.stderr],
      [0, 'clusterlink.platform.confluent.io/dry-good created (server dry run)\n', ''],
    );
    const bad = await create(loadFixture('invalid/destination-mode-misconfigured.yaml'), ['--dry-run=server']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^The ClusterLink "dest-mode" is invalid: $/m);
    assert.equal(await getLink('dry-good'), undefined);
  });

  test('update rules: promote is final, replicationFactor is fixed, removing a topic warns, the prefix cannot be added', async () => {
    const base = link('upd', [{ name: 'orders', state: 'ACTIVE', replicationFactor: 3 }, { name: 'payments' }]);
    assert.equal((await apply(base)).status, 0);
    const promoted = link('upd', [{ name: 'orders', state: 'PROMOTE', replicationFactor: 3 }, { name: 'payments' }]);
    assert.deepEqual(await apply(promoted), {
      status: 0,
      stdout: 'clusterlink.platform.confluent.io/upd configured\n',
      stderr: '',
    });
    const back = await apply(base);
    assert.equal(
      back.stderr,
      'The ClusterLink "upd" is invalid: spec.mirrorTopics[0].state: Forbidden: "orders" was promoted and is no longer a mirror: its state cannot change from PROMOTE\n',
    );
    const rf = await apply(
      link('upd', [{ name: 'orders', state: 'PROMOTE', replicationFactor: 2 }, { name: 'payments' }]),
    );
    assert.equal(
      rf.stderr,
      'The ClusterLink "upd" is invalid: spec.mirrorTopics[0].replicationFactor: Invalid value: 2: field is immutable for an existing mirror topic (was 3)\n',
    );
    // The CRD's transition rule only compares an old and a new prefix; adding one is the webhook's call.
    const prefix = await apply(
      link('upd', [{ name: 'dc1.orders', sourceTopicName: 'orders', state: 'PROMOTE', replicationFactor: 3 }], {
        mirrorTopicOptions: { prefix: 'dc1.' },
      }),
    );
    assert.equal(prefix.status, 1);
    assert.deepEqual(deniedFields(prefix.stderr), ['spec.mirrorTopicOptions.prefix']);
    assert.match(
      prefix.stderr,
      /spec\.mirrorTopicOptions\.prefix: Invalid value: "dc1\.": field is immutable: the link fixes it at creation; delete and recreate the ClusterLink to change it$/m,
    );
    const removed = await apply(link('upd', [{ name: 'orders', state: 'PROMOTE', replicationFactor: 3 }]));
    assert.deepEqual(removed, {
      status: 0,
      stdout: 'clusterlink.platform.confluent.io/upd configured\n',
      stderr:
        'Warning: spec.mirrorTopics: "payments" removed: it will be deleted on the destination (deleteRemovedMirrorTopics)\n',
    });
  });

  for (const name of fixtureNames('valid')) {
    test(`valid fixture ${name} through the API server: created; warnings only for its Secrets that do not exist`, async () => {
      const object = loadFixture(`valid/${name}`);
      const run = await create(object);
      assert.equal(run.status, 0, run.stderr);
      const warnings = run.stderr.split('\n').filter(Boolean);
      const refs = secretRefs(object);
      for (const w of warnings) {
        const m = /^Warning: spec\.\S+: secret "([^"]+)" not found in namespace "([^"]+)"; not checked$/.exec(w);
        assert.ok(m, `unexpected output: ${w}`);
        assert.ok(refs.includes(m[1] ?? ''), `${m[1]} is not referenced by ${name}`);
        assert.equal(m[2], namespaceOf(object));
      }
      assert.equal(warnings.length, refs.length, 'one warning per Secret reference, nothing else');
    });
  }

  const expected = JSON.parse(readFileSync(join(FIXTURES, 'invalid/expected.json'), 'utf8')) as Record<
    string,
    { errors: string[]; warnings: string[] }
  >;
  for (const name of fixtureNames('invalid')) {
    test(`invalid fixture ${name} through the API server: refused, by the webhook with its listed errors or first by the CRD schema`, async () => {
      const object = loadFixture(`invalid/${name}`);
      const run = await create(object);
      assert.equal(run.status, 1);
      const fields = deniedFields(run.stderr).filter((f) => f !== '<nil>');
      const listed = (expected[name]?.errors ?? []).map((e) => apiPath(e.slice(0, e.indexOf(' '))));
      // The same object in a namespace the webhooks skip (the chart's exemption label): the schema alone.
      const schemaOnly = await create(renamed(object, String((object['metadata'] as Obj)['name']), EXEMPT_NS), [
        '--dry-run=server',
      ]);
      if (schemaOnly.status === 0) {
        // The schema accepts it, so the validating webhook refused it: exactly the rule book's errors and warnings.
        assert.deepEqual(fields, listed);
        const warned = [...run.stderr.matchAll(/^Warning: (\S+): /gm)].map((m) => m[1]).sort();
        assert.deepEqual(warned, [...(expected[name]?.warnings ?? [])].sort());
      } else {
        // The API server checks the CRD schema before the validating webhook: the user sees the schema's
        // errors, each of which the rule book lists too.
        assert.deepEqual(
          [...fields].sort(),
          deniedFields(schemaOnly.stderr)
            .filter((f) => f !== '<nil>')
            .sort(),
        );
        for (const f of fields)
          assert.ok(
            listed.includes(f),
            `${f} (from the schema) is not among the rule book's errors ${listed.join(', ')}`,
          );
      }
    });
  }

  test('status writes never reach the webhook; DELETE is never blocked — even with the webhook stopped', async () => {
    assert.equal((await create(link('lifecycle', [{ name: 'orders' }]))).status, 0);
    const metric = async (): Promise<number> => {
      const text = await cluster.get('/metrics');
      const re = new RegExp(
        `^apiserver_admission_webhook_admission_duration_seconds_count\\{[^}]*name="${mutatingName().replace(/\./g, '\\.')}"[^}]*\\} (\\d+)$`,
        'gm',
      );
      return [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const calls = await metric();
    await cluster.kubectlOk([
      'patch',
      'clusterlink',
      'lifecycle',
      '-n',
      NS,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"state":"CREATED"}}',
    ]);
    assert.equal(await metric(), calls, 'the status write was not sent to the webhooks');

    await webhook.stop();
    const status = await cluster.kubectl([
      'patch',
      'clusterlink',
      'lifecycle',
      '-n',
      NS,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"state":"FAILED"}}',
    ]);
    assert.equal(status.status, 0, status.stderr);
    const spec = await cluster.kubectl([
      'patch',
      'clusterlink',
      'lifecycle',
      '-n',
      NS,
      '--type=merge',
      '-p',
      '{"spec":{"configs":{"a":"b"}}}',
    ]);
    assert.equal(spec.status, 1, 'a spec write needs the webhook (failurePolicy Fail)');
    const deleted = await cluster.kubectl(['delete', 'clusterlink', 'lifecycle', '-n', NS]);
    assert.deepEqual([deleted.status, deleted.stdout], [0, 'clusterlink.platform.confluent.io "lifecycle" deleted\n']);
    webhook = await installed.startWebhook();
  });

  test('webhook stopped: failurePolicy Fail denies with the API server message', async () => {
    await webhook.stop();
    try {
      const run = await create(link('while-down', [{ name: 'orders' }]));
      assert.equal(run.status, 1);
      assert.equal(
        run.stderr,
        `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "${mutatingName()}": failed to call webhook: Post "${webhookUrl('/mutate')}": dial tcp 127.0.0.1:${installed.port}: connect: connection refused\n`,
      );
    } finally {
      webhook = await installed.startWebhook();
    }
    assert.equal(
      (await create(link('after-restart', [{ name: 'orders' }]))).status,
      0,
      'back to normal once it serves again',
    );
  });

  test('webhook hung: the API server gives up after timeoutSeconds and fails the write', async () => {
    webhook.child.kill('SIGSTOP');
    try {
      const run = await create(link('while-hung', [{ name: 'orders' }]));
      assert.equal(run.status, 1);
      assert.equal(
        run.stderr,
        `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "${mutatingName()}": failed to call webhook: Post "${webhookUrl('/mutate')}": context deadline exceeded\n`,
      );
    } finally {
      webhook.child.kill('SIGCONT');
    }
    assert.equal(await getLink('while-hung'), undefined);
  });
});
