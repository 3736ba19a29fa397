// End to end: AdmissionReview over HTTPS → real server → ClusterLink admitter → SecretChecker → client-node →
// fake Kubernetes API. A hanging API must still give an answer (warning, or denial in strict mode).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { buildSecretChecking } from '../../src/commands/serve-secret-checking.js';
import { createKubeSecretSource } from '../../src/kube/secret-source.js';
import { createLogger } from '../../src/observability/log.js';
import { createSecretChecker } from '../../src/secrets/checker.js';
import type { SecretChecker } from '../../src/secrets/types.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { makeTlsMaterial, sharedKey } from '../support/pem-fixtures.js';
import { clusterLinkReview, postReview, startWebhook } from '../support/webhook-server.js';
import { assertNoSecretValues } from './leak-scan.js';

const NS = 'links';
const material = makeTlsMaterial({ algorithm: 'rsa' });
const PLAIN = { 'plain.txt': Buffer.from('username=link-user\npassword=e2e-link-password\n') };

const secretObject = (name: string, data: Record<string, Buffer>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: NS },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
});

/** A destination-initiated link the pure rules accept, with plain SASL and one-way TLS to the source. */
const linkObject = (tlsSecret: string, plainSecret: string) => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'orders', namespace: NS },
  spec: {
    name: 'orders',
    sourceKafkaCluster: {
      bootstrapEndpoint: 'kafka.source.svc:9092',
      clusterID: 'src-cluster-id',
      authentication: { type: 'plain', jaasConfig: { secretRef: plainSecret } },
      tls: { enabled: true, secretRef: tlsSecret },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'destination-krc', namespace: NS } },
  },
});

let api: FakeKubeApi;
before(async () => {
  api = await startFakeKubeApi();
  api.seed(secretObject('good-tls', material.secretData));
  api.seed(
    secretObject('pkcs1-tls', { ...material.secretData, 'privkey.pem': Buffer.from(sharedKey('rsa').legacyPem!) }),
  );
  api.seed(secretObject('good-plain', PLAIN));
  api.intercept((req) => (req.path.includes('/secrets/hang-') ? 'hang' : undefined));
});
after(async () => {
  await api.close();
});

async function validate(checker: SecretChecker, object: unknown) {
  const webhook = await startWebhook({ secretChecker: checker });
  try {
    const res = await postReview(webhook.url, webhook.ca, '/validate', clusterLinkReview(object));
    assert.equal(res.status, 200);
    return { response: res.body.response, text: res.text, logs: webhook.logs() };
  } finally {
    await webhook.close();
  }
}

describe('validating webhook with Secret checks', () => {
  test('valid Secrets: allowed, no Secret warning', async () => {
    const checker = createSecretChecker(createKubeSecretSource(api.kubeConfig()), { strict: true });
    const { response } = await validate(checker, linkObject('good-tls', 'good-plain'));
    assert.equal(response.allowed, true, JSON.stringify(response.status));
    assert.ok(!(response.warnings ?? []).some((w) => w.includes('secret')), String(response.warnings));
  });

  test('a PKCS#1 key is denied with the field path, the hint and no key material', async () => {
    const checker = createSecretChecker(createKubeSecretSource(api.kubeConfig()), { strict: false });
    const { response, text, logs } = await validate(checker, linkObject('pkcs1-tls', 'good-plain'));
    assert.equal(response.allowed, false);
    const causes = response.status?.details?.causes ?? [];
    assert.deepEqual(
      causes.map((c) => c.field),
      ['spec.sourceKafkaCluster.tls.secretRef'],
    );
    assert.match(causes[0]!.message ?? '', /PKCS#1.*openssl pkcs8 -topk8/);
    assertNoSecretValues(
      [text, JSON.stringify(logs)],
      material.secretData,
      { k: Buffer.from(sharedKey('rsa').legacyPem!) },
      PLAIN,
    );
  });

  for (const strict of [false, true]) {
    for (const lookupTimeoutMs of [300, 60_000]) {
      const bound = lookupTimeoutMs < 1000 ? 'per-lookup deadline' : 'admission deadline';
      test(`hanging API (${bound}) → ${strict ? 'denied' : 'allowed with a warning'}`, async () => {
        const checker = createSecretChecker(createKubeSecretSource(api.kubeConfig(), { timeoutMs: lookupTimeoutMs }), {
          strict,
        });
        const { response } = await validate(checker, linkObject('hang-tls', 'good-plain'));
        if (strict) {
          assert.equal(response.allowed, false);
          const causes = response.status?.details?.causes ?? [];
          assert.deepEqual(
            causes.map((c) => c.field),
            ['spec.sourceKafkaCluster.tls.secretRef'],
          );
          assert.match(causes[0]!.message ?? '', /unreadable \(lookup timed out\)/);
        } else {
          assert.equal(response.allowed, true);
          assert.ok(
            (response.warnings ?? []).some((w) => w.includes('secret "hang-tls" unreadable (lookup timed out)')),
            String(response.warnings),
          );
        }
      });
    }
  }

  test('no Kubernetes API: allowed, with the "not checked" warning, and the start-up log says so', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({ write: (c: Buffer, _e, cb) => void (lines.push(c.toString()), cb()) }),
    });
    const checking = await buildSecretChecking({ strict: true, lookupTimeoutMs: 500, logger, kube: null });
    assert.equal(checking.enabled, false);
    assert.ok(lines.some((l) => l.includes('Secret checks are off')));
    const { response } = await validate(checking.checker, linkObject('good-tls', 'good-plain'));
    assert.equal(response.allowed, true);
    assert.ok(
      (response.warnings ?? []).includes('secrets were not checked: no Kubernetes API configured'),
      String(response.warnings),
    );
  });

  test('buildSecretChecking with a kubeconfig reads Secrets through it', async () => {
    const logger = createLogger({ level: 'silent' });
    const checking = await buildSecretChecking({
      strict: true,
      lookupTimeoutMs: 500,
      logger,
      kube: { kubeConfig: api.kubeConfig(), source: 'kubeconfig' },
    });
    assert.equal(checking.enabled, true);
    const { response } = await validate(checking.checker, linkObject('missing-tls', 'good-plain'));
    assert.equal(response.allowed, false);
    assert.match(
      response.status?.message ?? '',
      /spec\.sourceKafkaCluster\.tls\.secretRef: Invalid value: "missing-tls": secret not found in namespace "links"/,
    );
  });
});
