import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRestTarget } from '../../../src/reconciler/resolve/rest-class.js';
import { resolveCredentials } from '../../../src/reconciler/resolve/credentials.js';
import type { KafkaRestClassObject, KubeReads } from '../../../src/kube/kube-reads.js';
import { ResolutionError } from '../../../src/reconciler/resolve/resolution-error.js';
import type { ClusterLink } from '../../../src/clusterlink/types.js';

function reads(
  classes: Record<string, KafkaRestClassObject>,
  secrets: Record<string, Record<string, string>>,
): KubeReads & { secretReads: string[] } {
  const secretReads: string[] = [];
  return {
    secretReads,
    async getKafkaRestClass(ns, name) {
      return classes[`${ns}/${name}`];
    },
    async getSecretData(ns, name) {
      secretReads.push(`${ns}/${name}`);
      const s = secrets[`${ns}/${name}`];
      if (!s) return undefined;
      return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Buffer.from(v)]));
    },
  };
}

const krc = (kafkaRest: NonNullable<KafkaRestClassObject['spec']>['kafkaRest']): KafkaRestClassObject => ({
  metadata: { name: 'rest' },
  spec: { kafkaRest },
});

async function rejects(p: Promise<unknown>, reason: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ResolutionError, String(err));
    assert.equal(err.reason, reason);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('resolveRestTarget', () => {
  const ref = { name: 'rest', namespace: 'ns' };

  test('endpoint and cluster id, trailing /kafka/v3 removed, no auth', async () => {
    const t = await resolveRestTarget(
      ref,
      reads({ 'ns/rest': krc({ endpoint: 'https://kafka.ns.svc:8090/kafka/v3/', kafkaClusterID: 'lkc-1' }) }, {}),
    );
    assert.deepEqual(t, { endpoint: 'https://kafka.ns.svc:8090', clusterId: 'lkc-1' });
  });

  test('basic: basic.txt username=/password= (value may contain =)', async () => {
    const r = reads(
      {
        'ns/rest': krc({
          endpoint: 'http://k:8090',
          authentication: { type: 'basic', basic: { secretRef: 'rest-cred' } },
        }),
      },
      { 'ns/rest-cred': { 'basic.txt': 'username=kafka\npassword=s3cr=t\n' } },
    );
    assert.deepEqual((await resolveRestTarget(ref, r)).auth, { type: 'basic', username: 'kafka', password: 's3cr=t' });
  });

  test('basic from directoryPathInContainer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krc-'));
    try {
      writeFileSync(join(dir, 'basic.txt'), 'username=u\npassword=p');
      const r = reads(
        {
          'ns/rest': krc({
            endpoint: 'http://k:8090',
            authentication: { type: 'basic', basic: { directoryPathInContainer: dir } },
          }),
        },
        {},
      );
      assert.deepEqual((await resolveRestTarget(ref, r)).auth, { type: 'basic', username: 'u', password: 'p' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bearer: token= line or a bare token', async () => {
    for (const content of ['token=abc', 'abc\n']) {
      const r = reads(
        { 'ns/rest': krc({ endpoint: 'http://k', authentication: { type: 'bearer', bearer: { secretRef: 'b' } } }) },
        { 'ns/b': { 'bearer.txt': content } },
      );
      assert.deepEqual((await resolveRestTarget(ref, r)).auth, { type: 'bearer', token: 'abc' });
    }
  });

  test('mtls: client certificate, key and CA from the tls Secret', async () => {
    const r = reads(
      { 'ns/rest': krc({ endpoint: 'https://k', authentication: { type: 'mtls' }, tls: { secretRef: 'tls' } }) },
      { 'ns/tls': { 'fullchain.pem': 'CERT', 'privkey.pem': 'KEY', 'cacerts.pem': 'CA' } },
    );
    assert.deepEqual((await resolveRestTarget(ref, r)).tls, { caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' });
  });

  test('kafkaClusterRef only: the stated rule <name>.<namespace>.svc.cluster.local:8090, https with tls', async () => {
    const cases: [KafkaRestClassObject, string][] = [
      [{ spec: { kafkaClusterRef: { name: 'kafka' } } }, 'http://kafka.ns.svc.cluster.local:8090'],
      [
        { spec: { kafkaClusterRef: { name: 'kafka', namespace: 'confluent' } } },
        'http://kafka.confluent.svc.cluster.local:8090',
      ],
      [
        { spec: { kafkaClusterRef: { name: 'kafka' }, kafkaRest: { tls: { secretRef: 'tls' } } } },
        'https://kafka.ns.svc.cluster.local:8090',
      ],
      [
        { spec: { kafkaClusterRef: { name: 'kafka' }, kafkaRest: { endpoint: 'https://explicit:443' } } },
        'https://explicit:443',
      ],
    ];
    for (const [cls, want] of cases) {
      const r = reads({ 'ns/rest': cls }, { 'ns/tls': { 'cacerts.pem': 'CA' } });
      assert.equal((await resolveRestTarget(ref, r)).endpoint, want);
    }
  });

  test('bearer with username/password (CFK bearer.txt): an MDS token login', async () => {
    const r = reads(
      { 'ns/rest': krc({ endpoint: 'http://k', authentication: { type: 'bearer', bearer: { secretRef: 'b' } } }) },
      { 'ns/b': { 'bearer.txt': 'username=kafka\npassword=kafka-secret\n' } },
    );
    assert.deepEqual((await resolveRestTarget(ref, r)).auth, {
      type: 'mds',
      username: 'kafka',
      password: 'kafka-secret',
    });
  });

  test('one-way TLS: only the CA', async () => {
    const r = reads(
      { 'ns/rest': krc({ endpoint: 'https://k', tls: { secretRef: 'tls' } }) },
      { 'ns/tls': { 'cacerts.pem': 'CA' } },
    );
    assert.deepEqual((await resolveRestTarget(ref, r)).tls, { caPem: 'CA' });
  });

  const failures: [string, KafkaRestClassObject | undefined, Record<string, Record<string, string>>, string, RegExp][] =
    [
      ['class missing', undefined, {}, 'KafkaRestClassNotFound', /KafkaRestClass ns\/rest not found/],
      [
        'neither endpoint nor kafkaClusterRef',
        { spec: { kafkaRest: {} } },
        {},
        'KafkaRestClassUnsupported',
        /neither spec\.kafkaRest\.endpoint nor spec\.kafkaClusterRef: .*set one of them/,
      ],
      [
        'basic secret missing',
        krc({ endpoint: 'http://k', authentication: { type: 'basic', basic: { secretRef: 'gone' } } }),
        {},
        'SecretNotFound',
        /Secret ns\/gone not found/,
      ],
      [
        'basic.txt without password',
        krc({ endpoint: 'http://k', authentication: { type: 'basic', basic: { secretRef: 'c' } } }),
        { 'ns/c': { 'basic.txt': 'username=u' } },
        'InvalidSecret',
        /basic\.txt needs/,
      ],
      [
        'bearer.txt with neither a token nor username/password',
        krc({ endpoint: 'http://k', authentication: { type: 'bearer', bearer: { secretRef: 'b' } } }),
        { 'ns/b': { 'bearer.txt': 'username=u' } },
        'InvalidSecret',
        /bearer\.txt needs username= and password= lines/,
      ],
      [
        'mtls without tls',
        krc({ endpoint: 'https://k', authentication: { type: 'mtls' } }),
        {},
        'KafkaRestClassInvalid',
        /needs spec\.kafkaRest\.tls/,
      ],
      [
        'JKS tls secret',
        krc({ endpoint: 'https://k', tls: { secretRef: 'jks' } }),
        { 'ns/jks': { 'truststore.jks': 'x', 'jksPassword.txt': 'p' } },
        'UnsupportedTLS',
        /only PEM/,
      ],
      [
        'oauth',
        krc({ endpoint: 'https://k', authentication: { type: 'oauth' } }),
        {},
        'UnsupportedAuthentication',
        /spec\.kafkaRest\.authentication\.type "oauth" is not supported .*\(supported: basic, bearer, mtls\)/,
      ],
    ];
  for (const [title, cls, secrets, reason, pattern] of failures) {
    test(`fails clearly: ${title}`, async () => {
      await rejects(resolveRestTarget(ref, reads(cls ? { 'ns/rest': cls } : {}, secrets)), reason, pattern);
    });
  }

  test('no secret value appears in an error message', async () => {
    const r = reads(
      { 'ns/rest': krc({ endpoint: 'http://k', authentication: { type: 'basic', basic: { secretRef: 'c' } } }) },
      { 'ns/c': { 'basic.txt': 'username=\npassword=TOPSECRET' } },
    );
    await assert.rejects(resolveRestTarget(ref, r), (err: Error) => !err.message.includes('TOPSECRET'));
  });
});

describe('resolveCredentials', () => {
  const base: ClusterLink = {
    metadata: { name: 'l', namespace: 'ns' },
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
      sourceKafkaCluster: { bootstrapEndpoint: 's:9092' },
    },
  };

  test('destination-initiated: SASL/PLAIN and TLS of the source block', async () => {
    const link: ClusterLink = {
      ...base,
      spec: {
        ...base.spec,
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'plain' } },
          tls: { enabled: true, secretRef: 'tls', keyPassword: { secretRef: 'kp' } },
        },
      },
    };
    const r = reads(
      {},
      {
        'ns/plain': { 'plain.txt': 'username=alice\npassword=pw' },
        'ns/tls': { 'cacerts.pem': 'CA', 'fullchain.pem': 'C', 'privkey.pem': 'K' },
        'ns/kp': { 'keyPassword.txt': 'kpw\n' },
      },
    );
    assert.deepEqual(await resolveCredentials(link, 'ns', r), {
      source: {
        // 'K' is not an encrypted PKCS#8 key: no ssl.key.password (credentials.test.ts has the encrypted cases).
        tls: { fullchainPem: 'C', privkeyPem: 'K', cacertsPem: 'CA' },
        plain: { username: 'alice', password: 'pw' },
      },
    });
  });

  test('pass-through JAAS and oauthbearer', async () => {
    const link: ClusterLink = {
      ...base,
      spec: {
        ...base.spec,
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfigPassThrough: { secretRef: 'jaas' } },
        },
      },
    };
    const r = reads(
      {},
      {
        'ns/jaas': {
          'plain-jaas.conf':
            'org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";\n',
        },
      },
    );
    assert.match((await resolveCredentials(link, 'ns', r)).source?.jaasPassThrough ?? '', /^org\.apache.*;$/);
    const ob: ClusterLink = {
      ...base,
      spec: {
        ...base.spec,
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'oauthbearer', oauthbearer: { secretRef: 'ob' } },
        },
      },
    };
    const r2 = reads({}, { 'ns/ob': { 'oauthbearer.txt': 'clientId=c\nclientSecret=s' } });
    assert.deepEqual((await resolveCredentials(ob, 'ns', r2)).source, {
      oauthbearer: { clientId: 'c', clientSecret: 's' },
    });
  });

  test('Destination-mode CR: credentials are ignored, no Secret is read', async () => {
    const link: ClusterLink = {
      ...base,
      spec: {
        ...base.spec,
        sourceInitiatedLink: { linkMode: 'Destination' },
        sourceKafkaCluster: { authentication: { type: 'plain', jaasConfig: { secretRef: 'plain' } } },
      },
    };
    const r = reads({}, {});
    assert.deepEqual(await resolveCredentials(link, 'ns', r), {});
    assert.deepEqual(r.secretReads, []);
  });

  test('missing Secret and malformed plain.txt fail with the field path', async () => {
    const link: ClusterLink = {
      ...base,
      spec: {
        ...base.spec,
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'plain' } },
        },
      },
    };
    await rejects(
      resolveCredentials(link, 'ns', reads({}, {})),
      'SecretNotFound',
      /^spec\.sourceKafkaCluster\.authentication\.jaasConfig\.secretRef: Secret ns\/plain not found/,
    );
    await rejects(
      resolveCredentials(link, 'ns', reads({}, { 'ns/plain': { 'plain.txt': 'user=x' } })),
      'InvalidSecret',
      /plain\.txt with username= and password=/,
    );
  });
});
