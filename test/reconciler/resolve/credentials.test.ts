// Link credentials from Secrets (and mounted directories) → ClusterCredentials (docs/reconciler.md#link-credentials):
// the pass-through JAAS forms CFK documents, OAuth Secrets, the TLS key password, directoryPathInContainer.
import { after, describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { resolveCredentials } from '../../../src/reconciler/resolve/credentials.js';
import type { KubeReads } from '../../../src/kube/kube-reads.js';
import { ResolutionError } from '../../../src/reconciler/resolve/resolution-error.js';
import type { ClusterLink, KafkaClusterRef } from '../../../src/clusterlink/types.js';

export function secretReads(secrets: Record<string, Record<string, string>>): KubeReads {
  return {
    async getKafkaRestClass() {
      return undefined;
    },
    async getSecretData(ns, name) {
      const s = secrets[`${ns}/${name}`];
      return s ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Buffer.from(v)])) : undefined;
    },
  };
}

export const linkWithSource = (source: KafkaClusterRef): ClusterLink => ({
  metadata: { name: 'l', namespace: 'ns' },
  spec: {
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
    sourceKafkaCluster: { bootstrapEndpoint: 's:9092', ...source },
  },
});

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const passThrough = linkWithSource({ authentication: { type: 'plain', jaasConfigPassThrough: { secretRef: 'jaas' } } });

describe('pass-through JAAS (plain-jaas.conf)', () => {
  const accepted: { name: string; content: string; value: string }[] = [
    {
      name: 'CFK ccloud-as-destination form: sasl.jaas.config= prefix',
      content: `sasl.jaas.config=${PLAIN} required username="KEY" password="SECRET";\n`,
      value: `${PLAIN} required username="KEY" password="SECRET";`,
    },
    {
      name: 'bare value (CFK gateway form)',
      content: `${PLAIN} required username="KEY" password="SECRET";`,
      value: `${PLAIN} required username="KEY" password="SECRET";`,
    },
    {
      name: 'prefix, continued over lines',
      content: `sasl.jaas.config=${PLAIN} required \\\n  username="KEY" \\\n  password="SECRET";\n`,
      value: `${PLAIN} required  username="KEY"  password="SECRET";`,
    },
  ];
  for (const c of accepted) {
    test(c.name, async () => {
      const creds = await resolveCredentials(
        passThrough,
        'ns',
        secretReads({ 'ns/jaas': { 'plain-jaas.conf': c.content } }),
      );
      assert.equal(creds.source?.jaasPassThrough, c.value);
    });
  }
  const refused: { name: string; content: string; pattern: RegExp }[] = [
    { name: 'username/password lines', content: 'username=KEY\npassword=SECRET', pattern: /property name/ },
    { name: 'no semicolon', content: `${PLAIN} required username="KEY" password="SECRET"`, pattern: /terminated/ },
    { name: 'empty', content: '\n', pattern: /empty/ },
  ];
  for (const c of refused) {
    test(`refused: ${c.name}`, async () => {
      await assert.rejects(
        resolveCredentials(passThrough, 'ns', secretReads({ 'ns/jaas': { 'plain-jaas.conf': c.content } })),
        (err: unknown) => {
          assert.ok(err instanceof ResolutionError);
          assert.equal(err.reason, 'InvalidSecret');
          assert.match(err.message, c.pattern);
          assert.ok(!err.message.includes('SECRET'), 'no secret in the message');
          return true;
        },
      );
    });
  }
});

describe('TLS key password (tls.keyPassword.secretRef, item 6)', () => {
  const { privateKey: encrypted } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key-pw' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const { privateKey: plainKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const link = linkWithSource({
    authentication: { type: 'mtls' },
    tls: { enabled: true, secretRef: 'tls', keyPassword: { secretRef: 'kp' } },
  });
  const cases: { name: string; key: string; kp: Record<string, string>; password?: string; error?: RegExp }[] = [
    {
      name: 'CFK format: jksPassword.txt with jksPassword=',
      key: encrypted,
      kp: { 'jksPassword.txt': 'jksPassword=key-pw\n' },
      password: 'key-pw',
    },
    { name: 'a bare value under another key', key: encrypted, kp: { password: 'key-pw\n' }, password: 'key-pw' },
    { name: 'a password= line', key: encrypted, kp: { 'key.txt': 'password=key-pw' }, password: 'key-pw' },
    {
      name: 'wrong password',
      key: encrypted,
      kp: { 'jksPassword.txt': 'jksPassword=nope' },
      error: /jksPassword\.txt/,
    },
    {
      name: 'unencrypted key: no ssl.key.password (Kafka would read it as encrypted)',
      key: plainKey,
      kp: { 'jksPassword.txt': 'jksPassword=key-pw' },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const reads = secretReads({
        'ns/tls': { 'fullchain.pem': 'CERT', 'privkey.pem': c.key, 'cacerts.pem': 'CA' },
        'ns/kp': c.kp,
      });
      if (c.error) {
        await assert.rejects(resolveCredentials(link, 'ns', reads), (err: unknown) => {
          assert.ok(err instanceof ResolutionError);
          assert.equal(err.reason, 'InvalidSecret');
          assert.match(err.message, c.error!);
          assert.ok(!err.message.includes('nope'));
          return true;
        });
        return;
      }
      const creds = await resolveCredentials(link, 'ns', reads);
      assert.equal(creds.source?.tls?.keyPassword, c.password);
    });
  }
});

describe('OAuth Secrets (item 4)', () => {
  const oauth = (assertion: boolean): ClusterLink =>
    linkWithSource({
      authentication: {
        type: 'oauth',
        jaasConfig: { secretRef: 'oauth-jass' },
        oauthSettings: {
          tokenEndpointUri: 'https://idp/token',
          ...(assertion
            ? {
                clientAssertion: {
                  localClientAssertion: { privateKeyFile: { secretRef: 'pk', encryptedPrivateKey: true } },
                },
              }
            : {}),
        },
      },
    });
  const cases: {
    name: string;
    assertion: boolean;
    secrets: Record<string, Record<string, string>>;
    expect?: object;
    error?: RegExp;
  }[] = [
    {
      name: "oauth.txt (CFK's clientId=/clientSecret= form)",
      assertion: false,
      secrets: { 'ns/oauth-jass': { 'oauth.txt': 'clientId=ssologin\nclientSecret=W8V4\n' } },
      expect: { oauth: { clientId: 'ssologin', clientSecret: 'W8V4' } },
    },
    {
      name: 'oauth.txt without clientSecret',
      assertion: false,
      secrets: { 'ns/oauth-jass': { 'oauth.txt': 'clientId=ssologin\n' } },
      error: /clientSecret=/,
    },
    {
      name: 'client assertion: clientId only, the passphrase of the encrypted key',
      assertion: true,
      secrets: {
        'ns/oauth-jass': { 'oauth.txt': 'clientId=pk-client' },
        'ns/pk': { 'private-key': 'PEM', 'private-key-passphrase': 'privateKeyPassphrase: abcde12345\n' },
      },
      expect: { oauth: { clientId: 'pk-client' }, assertionKeyPassphrase: 'abcde12345' },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const p = resolveCredentials(oauth(c.assertion), 'ns', secretReads(c.secrets));
      if (c.error) {
        await assert.rejects(p, (err: unknown) => err instanceof ResolutionError && c.error!.test(err.message));
        return;
      }
      assert.deepEqual((await p).source, c.expect);
    });
  }
  test('oauthbearer reads bearer.txt', async () => {
    const link = linkWithSource({ authentication: { type: 'oauthbearer', oauthbearer: { secretRef: 'ob' } } });
    const creds = await resolveCredentials(
      link,
      'ns',
      secretReads({ 'ns/ob': { 'bearer.txt': 'username=kafka\npassword=kafka-secret\n', 'other.txt': 'x=y' } }),
    );
    assert.deepEqual(creds.source?.oauthbearer, { username: 'kafka', password: 'kafka-secret' });
  });
});

describe('directoryPathInContainer is read in the reconciler pod (item 13)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clink-dir-'));
  const empty = mkdtempSync(join(tmpdir(), 'clink-empty-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'tls.crt'), 'CERT');
  writeFileSync(join(dir, 'tls.key'), 'KEY');
  writeFileSync(join(dir, 'ca.crt'), 'CA');
  writeFileSync(join(dir, 'bearer.txt'), 'username=kafka\npassword=kafka-secret\n');

  test('TLS files in the kubernetes.io/tls layout become the PEM credentials', async () => {
    const link = linkWithSource({
      authentication: { type: 'mtls' },
      tls: { enabled: true, directoryPathInContainer: dir },
    });
    const creds = await resolveCredentials(link, 'ns', secretReads({}));
    assert.deepEqual(creds.source?.tls, { fullchainPem: 'CERT', privkeyPem: 'KEY', cacertsPem: 'CA' });
  });
  test('oauthbearer bearer.txt from a directory', async () => {
    const link = linkWithSource({
      authentication: { type: 'oauthbearer', oauthbearer: { directoryPathInContainer: dir } },
    });
    const creds = await resolveCredentials(link, 'ns', secretReads({}));
    assert.deepEqual(creds.source?.oauthbearer, { username: 'kafka', password: 'kafka-secret' });
  });
  for (const [name, path] of [
    ['an empty directory', empty],
    ['a missing directory', join(empty, 'nope')],
  ] as const) {
    test(`${name} is an error that says where the files must be mounted`, async () => {
      const link = linkWithSource({ tls: { enabled: true, directoryPathInContainer: path } });
      await assert.rejects(resolveCredentials(link, 'ns', secretReads({})), (err: unknown) => {
        assert.ok(err instanceof ResolutionError);
        assert.equal(err.reason, 'CredentialFilesNotFound');
        assert.match(err.message, /spec\.sourceKafkaCluster\.tls\.directoryPathInContainer: .* mount the same files/);
        return true;
      });
    });
  }
});
