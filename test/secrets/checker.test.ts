import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { formatFieldError } from '../../src/clusterlink/field-errors.js';
import type { ClusterLink } from '../../src/clusterlink/types.js';
import { createLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createSecretChecker, uncheckedSecretChecker, type LookupFailureReason } from '../../src/secrets/checker.js';
import { makeTlsMaterial, sharedKey } from '../support/pem-fixtures.js';
import { assertNoSecretValues } from './leak-scan.js';
import { memorySource, type FakeSecret } from './memory-source.js';
import type { SecretLookup, SecretSource } from '../../src/secrets/types.js';

const NS = 'team-a';
const PASSPHRASE = 'pass-phrase-for-tests';
const material = makeTlsMaterial({ algorithm: 'rsa' });
const PLAIN = { 'plain.txt': Buffer.from('username=link-user\npassword=very-secret-password\n') };
const ENCRYPTED_TLS = {
  ...material.secretData,
  'privkey.pem': Buffer.from(material.leafKey.encryptedPkcs8Pem(PASSPHRASE)),
};

/** Destination-initiated link: plain SASL + one-way TLS on the source, the destination's mtls block ignored. */
const saslLink: ClusterLink = {
  metadata: { name: 'orders-link', namespace: NS },
  spec: {
    sourceKafkaCluster: {
      bootstrapEndpoint: 'src:9092',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
      tls: { enabled: true, secretRef: 'src-tls' },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' } },
  },
};
const mtlsLink: ClusterLink = {
  metadata: { name: 'mtls-link', namespace: NS },
  spec: {
    sourceKafkaCluster: {
      bootstrapEndpoint: 'src:9092',
      authentication: { type: 'mtls' },
      tls: { enabled: true, secretRef: 'src-tls', keyPassword: { secretRef: 'src-key-pass' } },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' } },
  },
};

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } }) };
}

const never = new AbortController().signal;

describe('createSecretChecker', () => {
  test('valid Secrets: no errors, no warnings, each Secret read once', async () => {
    const source = memorySource({ 'src-plain': PLAIN, 'src-tls': material.secretData });
    const result = await createSecretChecker(source, { strict: false }).check(saslLink, NS, never);
    assert.deepEqual(result, { errors: [], warnings: [] });
    assert.deepEqual(source.calls.sort(), [`${NS}/src-plain`, `${NS}/src-tls`]);
  });

  test('content errors carry the field path and the Secret name', async () => {
    const source = memorySource({
      'src-plain': { 'plain.txt': Buffer.from('username=u\n') },
      'src-tls': { ...material.secretData, 'cacerts.pem': Buffer.from('garbage') },
    });
    const result = await createSecretChecker(source, { strict: false }).check(saslLink, NS, never);
    assert.deepEqual(
      result.errors.map((e) => e.field),
      ['spec.sourceKafkaCluster.tls.secretRef', 'spec.sourceKafkaCluster.authentication.jaasConfig.secretRef'],
    );
    assert.match(formatFieldError(result.errors[0]!), /Invalid value: "src-tls": key "cacerts.pem" is not PEM/);
    assert.match(
      formatFieldError(result.errors[1]!),
      /Invalid value: "src-plain": key "plain.txt" has no "password=" line/,
    );
  });

  const failures: LookupFailureReason[] = ['NotFound', 'Forbidden', 'Unavailable', 'Timeout'];
  for (const reason of failures) {
    for (const strict of [false, true]) {
      test(`${reason} lookup → ${strict ? 'denial (strict)' : 'warning'}${reason === 'NotFound' ? '' : ' and a metric'}`, async () => {
        const metrics = createMetrics({ defaultMetrics: false });
        const seen: string[] = [];
        const secrets: Record<string, FakeSecret> = { 'src-plain': PLAIN, 'src-tls': { fail: reason } };
        const checker = createSecretChecker(memorySource(secrets), {
          strict,
          metrics,
          onLookupFailure: (r) => void seen.push(r),
        });
        const result = await checker.check(saslLink, NS, never);
        const expected = {
          NotFound: `not found in namespace "${NS}"`,
          Forbidden: 'forbidden',
          Unavailable: 'unavailable',
          Timeout: 'timed out',
        }[reason];
        if (strict) {
          assert.equal(result.errors.length, 1);
          assert.equal(result.errors[0]!.field, 'spec.sourceKafkaCluster.tls.secretRef');
          assert.ok(formatFieldError(result.errors[0]!).includes(expected));
          assert.deepEqual(result.warnings, []);
        } else {
          assert.deepEqual(result.errors, []);
          assert.equal(result.warnings.length, 1);
          assert.ok(result.warnings[0]!.startsWith('spec.sourceKafkaCluster.tls.secretRef: secret "src-tls" '));
          assert.ok(result.warnings[0]!.includes(expected), result.warnings[0]);
          assert.ok(result.warnings[0]!.length <= 120, result.warnings[0]);
        }
        assert.deepEqual(seen, [reason]);
        const counted = (await metrics.secretLookupFailures.get()).values;
        assert.deepEqual(
          counted.map((v) => [v.labels.reason, v.value]),
          reason === 'NotFound' ? [] : [[reason, 1]],
        );
      });
    }
  }

  test('a lookup that never answers ends with the caller signal as a Timeout warning', async () => {
    const controller = new AbortController();
    const checker = createSecretChecker(memorySource({ 'src-plain': PLAIN, 'src-tls': 'hang' }), { strict: false });
    const pending = checker.check(saslLink, NS, controller.signal);
    setImmediate(() => controller.abort());
    const result = await pending;
    assert.deepEqual(result.errors, []);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /secret "src-tls" unreadable \(lookup timed out\)/);
  });

  test('an already aborted signal answers without asking the source', async () => {
    const source = memorySource({ 'src-plain': PLAIN, 'src-tls': material.secretData });
    const result = await createSecretChecker(source, { strict: true }).check(saslLink, NS, AbortSignal.abort());
    assert.equal(result.errors.length, 2);
    assert.deepEqual(source.calls, []);
  });

  test('a source that throws counts as Unavailable', async () => {
    const result = await createSecretChecker(memorySource({ 'src-plain': 'throw', 'src-tls': material.secretData }), {
      strict: false,
    }).check(saslLink, NS, never);
    assert.deepEqual(result.errors, []);
    assert.match(result.warnings[0]!, /src-plain" unreadable \(API unavailable\)/);
  });

  test('a bug in a check becomes a "not checked" warning, never an exception', async () => {
    const broken = { found: true, data: null } as unknown as Record<string, Buffer>;
    const source = { get: async () => broken as never };
    const result = await createSecretChecker(source, { strict: true }).check(saslLink, NS, never);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, ['secrets were not checked: internal error in the secret checks']);
  });

  test('a link that references no Secret reads nothing', async () => {
    const source = memorySource({});
    const link: ClusterLink = {
      spec: { sourceKafkaCluster: { bootstrapEndpoint: 'a:1' }, destinationKafkaCluster: {} },
    };
    assert.deepEqual(await createSecretChecker(source, { strict: true }).check(link, NS, never), {
      errors: [],
      warnings: [],
    });
    assert.deepEqual(source.calls, []);
  });

  test('one Secret shared by both clusters is read once and a failure is counted once', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const source = memorySource({ 'shared-tls': { fail: 'Unavailable' } });
    const link: ClusterLink = {
      spec: {
        sourceInitiatedLink: { linkMode: 'Bidirectional' },
        sourceKafkaCluster: { tls: { enabled: true, secretRef: 'shared-tls' } },
        destinationKafkaCluster: { tls: { enabled: true, secretRef: 'shared-tls' } },
      },
    };
    const result = await createSecretChecker(source, { strict: false, metrics }).check(link, NS, never);
    assert.deepEqual(source.calls, [`${NS}/shared-tls`]);
    assert.equal(result.warnings.length, 2);
    assert.equal((await metrics.secretLookupFailures.get()).values[0]?.value, 1);
  });

  test('encrypted key: decrypted with the keyPassword Secret', async () => {
    const source = memorySource({ 'src-tls': ENCRYPTED_TLS, 'src-key-pass': { password: Buffer.from(PASSPHRASE) } });
    assert.deepEqual(await createSecretChecker(source, { strict: false }).check(mtlsLink, NS, never), {
      errors: [],
      warnings: [],
    });
  });

  test('encrypted key: keyPassword Secret missing is reported on its own field', async () => {
    const source = memorySource({ 'src-tls': ENCRYPTED_TLS });
    const result = await createSecretChecker(source, { strict: false }).check(mtlsLink, NS, never);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, [
      `spec.sourceKafkaCluster.tls.keyPassword.secretRef: secret "src-key-pass" not found in namespace "${NS}"; not checked`,
    ]);
  });

  test('expiry warnings use the injected clock', async () => {
    const DAY = 24 * 3600 * 1000;
    const shortLived = makeTlsMaterial({ leafNotAfter: new Date(Date.now() + 100 * DAY) });
    const source = memorySource({ 'src-plain': PLAIN, 'src-tls': shortLived.secretData });
    const leafNotAfter = new Date(new X509Certificate(shortLived.leafPem).validTo);
    const now = () => new Date(leafNotAfter.getTime() - 5 * DAY);
    const result = await createSecretChecker(source, { strict: false, now }).check(saslLink, NS, never);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /fullchain\.pem cert 1 expires in 5 days/);
  });

  test('no Secret value reaches a message or a log line', async () => {
    const { lines, logger } = capture();
    const badKey = { ...material.secretData, 'privkey.pem': Buffer.from(sharedKey('rsa').legacyPem!) };
    const secrets: Record<string, FakeSecret> = {
      'src-plain': { 'plain.txt': Buffer.from('username=link-user\npassword=\n') },
      'src-tls': badKey,
      'src-key-pass': { password: Buffer.from('wrong-password-value') },
    };
    const checker = createSecretChecker(memorySource(secrets), { strict: false, logger });
    const both: ClusterLink = {
      spec: {
        sourceInitiatedLink: { linkMode: 'Bidirectional' },
        sourceKafkaCluster: saslLink.spec!.sourceKafkaCluster!,
        destinationKafkaCluster: {
          ...mtlsLink.spec!.sourceKafkaCluster!,
          tls: { enabled: true, secretRef: 'missing-tls', keyPassword: { secretRef: 'src-key-pass' } },
        },
      },
    };
    const results = [
      await checker.check(both, NS, never),
      await checker.check(mtlsLink, NS, never),
      await checker.check(saslLink, NS, never),
    ];
    const texts = results.flatMap((r) => [...r.errors.map(formatFieldError), ...r.warnings]);
    assert.ok(texts.length >= 3, texts.join('\n'));
    assert.ok(lines.length > 0);
    const all = Object.values(secrets).filter(
      (s): s is Record<string, Buffer> => typeof s === 'object' && !('fail' in s),
    );
    assertNoSecretValues([...texts, ...lines], ...all, PLAIN, ENCRYPTED_TLS);
  });
});

describe('uncheckedSecretChecker', () => {
  test('warns only when the link references Secrets', async () => {
    const checker = uncheckedSecretChecker();
    assert.deepEqual(await checker.check(saslLink, NS, never), {
      errors: [],
      warnings: ['secrets were not checked: no Kubernetes API configured'],
    });
    assert.deepEqual(
      await checker.check({ spec: { sourceKafkaCluster: {}, destinationKafkaCluster: {} } }, NS, never),
      {
        errors: [],
        warnings: [],
      },
    );
  });
});

describe('answers from the source cache', () => {
  /** A signal source that counts how often the signal is asked for (the admitter makes its AbortController then). */
  function countingSignal(): { wait: { readonly signal: AbortSignal }; reads: () => number } {
    let reads = 0;
    const controller = new AbortController();
    return {
      wait: {
        get signal() {
          reads++;
          return controller.signal;
        },
      },
      reads: () => reads,
    };
  }
  /** memorySource plus `cached` for the names in `warm`. */
  function warmSource(secrets: Record<string, FakeSecret>, warm: readonly string[]) {
    const source = memorySource(secrets);
    const cachedCalls: string[] = [];
    const cached = (namespace: string, name: string): SecretLookup | undefined => {
      cachedCalls.push(name);
      const data = secrets[name];
      return warm.includes(name) && data !== undefined && typeof data === 'object' && !('fail' in data)
        ? { found: true, data }
        : undefined;
    };
    const warmed: SecretSource = { get: (namespace, name, signal) => source.get(namespace, name, signal), cached };
    return { source: warmed, calls: source.calls, cachedCalls };
  }
  const secrets = { 'src-plain': PLAIN, 'src-tls': material.secretData };

  const cases = [
    { name: 'every Secret cached: no get, the signal never read', warm: ['src-plain', 'src-tls'], gets: 0, reads: 0 },
    { name: 'one Secret not cached: both asked for, the signal read once', warm: ['src-plain'], gets: 2, reads: 1 },
    { name: 'nothing cached: both asked for', warm: [], gets: 2, reads: 1 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { source, calls } = warmSource(secrets, c.warm);
      const { wait, reads } = countingSignal();
      const result = await createSecretChecker(source, { strict: true }).check(saslLink, NS, wait);
      assert.deepEqual(result, { errors: [], warnings: [] });
      assert.equal(calls.length, c.gets);
      assert.equal(reads(), c.reads);
    });
  }

  test('a cached answer gives the same findings as a looked-up one', async () => {
    const broken = { 'src-plain': { 'plain.txt': Buffer.from('username=u\n') }, 'src-tls': material.secretData };
    const { source } = warmSource(broken, ['src-plain', 'src-tls']);
    const cached = await createSecretChecker(source, { strict: true }).check(saslLink, NS, never);
    const looked = await createSecretChecker(memorySource(broken), { strict: true }).check(saslLink, NS, never);
    assert.ok(cached.errors.length > 0);
    assert.deepEqual(cached, looked);
  });
});

describe('leak scan', () => {
  test('catches a Secret value in a text', () => {
    assert.throws(() => assertNoSecretValues(['oops: very-secret-password'], PLAIN), /leaked/);
    assert.throws(
      () =>
        assertNoSecretValues(
          [`x ${material.secretData['privkey.pem']!.toString().split('\n')[3]}`],
          material.secretData,
        ),
      /leaked/,
    );
    assert.doesNotThrow(() => assertNoSecretValues(['key "plain.txt" has no "password=" line'], PLAIN));
  });
});

describe('robustness', () => {
  test('any JSON shape under spec: the checker answers, never throws', async () => {
    const fc = (await import('fast-check')).default;
    const block = fc.oneof(
      fc.anything(),
      fc.record({
        tls: fc.oneof(
          fc.anything(),
          fc.record({
            enabled: fc.oneof(fc.boolean(), fc.anything()),
            secretRef: fc.oneof(fc.constantFrom('src-tls', 'x'), fc.anything()),
            keyPassword: fc.anything(),
          }),
        ),
        authentication: fc.oneof(
          fc.anything(),
          fc.record({
            type: fc.oneof(fc.constantFrom('plain', 'mtls', 'oauth', 'oauthbearer'), fc.anything()),
            jaasConfig: fc.anything(),
            oauthSettings: fc.anything(),
          }),
        ),
      }),
    );
    const spec = fc.record({
      sourceInitiatedLink: fc.anything(),
      sourceKafkaCluster: block,
      destinationKafkaCluster: block,
    });
    const checker = createSecretChecker(memorySource({ 'src-tls': material.secretData, x: { fail: 'Forbidden' } }), {
      strict: false,
    });
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const result = await checker.check({ spec: s } as ClusterLink, NS, never);
        assert.ok(Array.isArray(result.errors) && Array.isArray(result.warnings));
        assert.ok(!result.warnings.some((w) => w.includes('internal error')), result.warnings.join('|'));
      }),
      { numRuns: 300 },
    );
  });
});
