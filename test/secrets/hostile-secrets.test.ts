// Issue 17 point 1 (docs/webhook.md#hostile-input): Secret content chosen by any namespace user must not stall
// the server. Each hostile Secret gets an answer within the admission budget while /healthz keeps answering; the
// bounds are generous (the test machine is shared) but far below what the unbounded code took (seconds).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretChecker } from '../../src/secrets/checker.js';
import { createDecryptPool } from '../../src/secrets/decrypt-pool.js';
import { encryptedKeyCost, pemBody } from '../../src/secrets/pkcs8-kdf.js';
import { MAX_KDF_ITERATIONS, MAX_PASSWORD_CANDIDATES, MAX_PEM_BLOCKS } from '../../src/secrets/limits.js';
import { pemBlocks } from '../../src/secrets/pem.js';
import { keyPasswordFor } from '../../src/secrets/key-password.js';
import { makeTlsMaterial, sharedKey } from '../support/pem-fixtures.js';
import { clusterLinkReview, httpCall, postReview, startWebhook } from '../support/webhook-server.js';
import { memorySource, type FakeSecret } from './memory-source.js';
import { pbkdf2EncryptedKey, scryptEncryptedKey } from './der-builder.js';

const NS = 'links';
const BUDGET_MS = 1800;
const material = makeTlsMaterial({ algorithm: 'rsa' });

const link = (tlsSecret: string, keyPassword?: string) => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'orders', namespace: NS },
  spec: {
    name: 'orders',
    sourceKafkaCluster: {
      bootstrapEndpoint: 'kafka.source.svc:9092',
      clusterID: 'src-cluster-id',
      tls: { enabled: true, secretRef: tlsSecret, ...(keyPassword ? { keyPassword: { secretRef: keyPassword } } : {}) },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'destination-krc', namespace: NS } },
  },
});

const manyPasswords = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, Buffer.from(`wrong-${i}`)]));

const HOSTILE: Array<{ name: string; secrets: Record<string, FakeSecret>; keyPassword?: string; expect: RegExp }> = [
  {
    name: '400 KiB of BEGIN lines without END in cacerts.pem',
    secrets: { tls: { 'cacerts.pem': Buffer.from('-----BEGIN A-----\n'.repeat(23_000)) } },
    expect: /cacerts\.pem\\" is not PEM/,
  },
  {
    name: '1 MiB cacerts.pem (over the size cap)',
    secrets: { tls: { 'cacerts.pem': Buffer.from('-----BEGIN A-----\n'.repeat(60_000)) } },
    expect: /secret \\"tls\\" holds \d+ KiB of data, more than the 512 KiB the webhook checks/,
  },
  {
    name: 'an encrypted key with 15 million PBKDF2 iterations',
    secrets: {
      tls: { ...material.secretData, 'privkey.pem': Buffer.from(pbkdf2EncryptedKey(15_000_000)) },
      pass: { 'jksPassword.txt': Buffer.from('jksPassword=x') },
    },
    keyPassword: 'pass',
    expect: /15000000 iterations, more than the 1000000/,
  },
  {
    name: 'an encrypted key under the cap that is still too slow for the deadline (8 × 900k iterations)',
    secrets: {
      tls: { ...material.secretData, 'privkey.pem': Buffer.from(pbkdf2EncryptedKey(900_000)) },
      pass: manyPasswords,
    },
    keyPassword: 'pass',
    expect:
      /not decrypted: decrypting it did not finish within the admission deadline|no value in this secret decrypts/,
  },
  {
    name: 'a keyPassword Secret with 5,000 lines',
    secrets: {
      tls: { ...material.secretData, 'privkey.pem': Buffer.from(sharedKey('rsa').encryptedPkcs8Pem('right')) },
      pass: { ...manyPasswords, z: Buffer.from('right') },
    },
    keyPassword: 'pass',
    expect: new RegExp(`only its first ${MAX_PASSWORD_CANDIDATES} values were tried`),
  },
];

describe('hostile Secrets: answered within the budget, /healthz responsive meanwhile', () => {
  for (const c of HOSTILE) {
    test(c.name, async () => {
      const checker = createSecretChecker(memorySource(c.secrets), { strict: false });
      const webhook = await startWebhook({
        secretChecker: checker,
        admissionBudgetMs: BUDGET_MS,
        admissionDeadlineMs: 1500,
      });
      try {
        let done = false;
        const started = Date.now();
        const review = postReview(
          webhook.url,
          webhook.ca,
          '/validate',
          clusterLinkReview(link('tls', c.keyPassword)),
        ).finally(() => (done = true));
        let worstProbeMs = 0;
        while (!done) {
          const probeStart = Date.now();
          const probe = await httpCall(webhook.metricsUrl!, '/healthz');
          assert.equal(probe.status, 200);
          worstProbeMs = Math.max(worstProbeMs, Date.now() - probeStart);
          await new Promise((r) => setTimeout(r, 20));
        }
        const res = await review;
        const tookMs = Date.now() - started;
        assert.equal(res.status, 200);
        const text = JSON.stringify(res.body.response);
        assert.match(text, c.expect);
        // Generous bounds: the targets are < 100 ms and the budget; the unbounded code took 2.5–18 s.
        assert.ok(worstProbeMs < 1000, `/healthz took ${worstProbeMs} ms while the Secret was checked`);
        assert.ok(tookMs < BUDGET_MS + 1200, `the review took ${tookMs} ms`);
      } finally {
        await webhook.close();
      }
    });
  }
});

describe('pemBlocks: one pass, same blocks as before', () => {
  const cert = material.caPem.trim();
  const cases: Array<{ name: string; text: string; labels: string[] }> = [
    { name: 'one certificate', text: cert, labels: ['CERTIFICATE'] },
    {
      name: 'text around blocks (Bag Attributes)',
      text: `Bag Attributes\n${cert}\nfoo\n${cert}\n`,
      labels: ['CERTIFICATE', 'CERTIFICATE'],
    },
    { name: 'CRLF line ends', text: cert.replace(/\n/g, '\r\n'), labels: ['CERTIFICATE'] },
    { name: 'BEGIN without END', text: '-----BEGIN CERTIFICATE-----\nAAAA\n', labels: [] },
    { name: 'END with another label', text: '-----BEGIN A-----\nAAAA\n-----END B-----\n', labels: [] },
    { name: 'unterminated BEGIN before a good block', text: `-----BEGIN A-----\nxx\n${cert}`, labels: ['CERTIFICATE'] },
    { name: 'lower-case label', text: '-----BEGIN x-----\nAA\n-----END x-----', labels: [] },
    { name: 'not PEM', text: 'hello', labels: [] },
  ];
  for (const c of cases) {
    test(c.name, () =>
      assert.deepEqual(
        pemBlocks(c.text).map((b) => b.label),
        c.labels,
      ),
    );
  }
  test('legacy headers are read', () => {
    const [block] = pemBlocks(
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES\n\nAAAA\n-----END RSA PRIVATE KEY-----',
    );
    assert.equal(block?.headers['Proc-Type'], '4,ENCRYPTED');
  });
  test(`stops after ${MAX_PEM_BLOCKS} + 1 blocks`, () => {
    assert.equal(pemBlocks(`${cert}\n`.repeat(MAX_PEM_BLOCKS + 50)).length, MAX_PEM_BLOCKS + 1);
  });
});

describe('encryptedKeyCost: the KDF parameters, read before deriving', () => {
  const cases = [
    {
      name: 'node-made PBES2 key',
      pem: sharedKey('ec').encryptedPkcs8Pem('pw'),
      cost: { kind: 'pbkdf2', iterations: 2048 },
    },
    { name: '15M iterations', pem: pbkdf2EncryptedKey(15_000_000), cost: { kind: 'pbkdf2', iterations: 15_000_000 } },
    {
      name: 'scrypt',
      pem: scryptEncryptedKey(1 << 20, 8, 1),
      cost: { kind: 'scrypt', memoryBytes: 128 * (1 << 20) * 8, work: (1 << 20) * 8 },
    },
    {
      name: 'garbage',
      pem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----',
      cost: { kind: 'unknown' },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(encryptedKeyCost(pemBody(c.pem)), c.cost));

  test('the reconciler path refuses an over-cap key without deriving', () => {
    const result = keyPasswordFor({ p: Buffer.from('x') }, pbkdf2EncryptedKey(MAX_KDF_ITERATIONS + 1));
    assert.ok('problem' in result && /more than the 1000000/.test(result.problem));
  });
  test('the reconciler path still finds the right password', () => {
    assert.deepEqual(keyPasswordFor({ p: Buffer.from('right') }, sharedKey('ec').encryptedPkcs8Pem('right')), {
      password: 'right',
    });
  });
});

describe('decrypt pool', () => {
  const encrypted = sharedKey('ec').encryptedPkcs8Pem('right');
  test('decrypts with the right candidate, says wrong-password otherwise', async () => {
    const pool = createDecryptPool({ size: 1 });
    try {
      const ok = await pool.decrypt(encrypted, [Buffer.from('no'), Buffer.from('right')], AbortSignal.timeout(10_000));
      assert.equal(ok.kind, 'decrypted');
      assert.equal(ok.kind === 'decrypted' && ok.index, 1);
      const wrong = await pool.decrypt(encrypted, [Buffer.from('no')], AbortSignal.timeout(10_000));
      assert.equal(wrong.kind, 'wrong-password');
    } finally {
      await pool.close();
    }
  });
  test('a job that outlives its signal ends as timeout, and the pool keeps working', async () => {
    const pool = createDecryptPool({ size: 1 });
    try {
      const slow = pbkdf2EncryptedKey(50_000_000);
      const controller = new AbortController();
      const pending = pool.decrypt(slow, [Buffer.from('x')], controller.signal);
      setTimeout(() => controller.abort(), 100);
      assert.deepEqual(await pending, { kind: 'timeout' });
      const ok = await pool.decrypt(encrypted, [Buffer.from('right')], AbortSignal.timeout(10_000));
      assert.equal(ok.kind, 'decrypted');
    } finally {
      await pool.close();
    }
  });
});
