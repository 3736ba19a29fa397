import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { formatFieldError } from '../../src/clusterlink/field-errors.js';
import { checkTlsSecret, passwordCandidates } from '../../src/secrets/checks/tls-secret.js';
import type { TlsSecretReference } from '../../src/secrets/referenced-secrets.js';
import {
  EKU,
  KEY_ALGORITHMS,
  days,
  generateKey,
  jksBytes,
  makeCertificate,
  makeTlsMaterial,
  sharedKey,
} from '../support/pem-fixtures.js';
import { assertNoSecretValues } from './leak-scan.js';

const FIELD = 'spec.sourceKafkaCluster.tls.secretRef';
const PASSWORD_FIELD = 'spec.sourceKafkaCluster.tls.keyPassword.secretRef';

function ref(clientAuth: boolean, keyPassword = false): TlsSecretReference {
  return {
    kind: 'tls',
    name: 'link-tls',
    field: FIELD,
    cluster: 'sourceKafkaCluster',
    clientAuth,
    ...(keyPassword
      ? { keyPassword: { name: 'link-key-pass', field: PASSWORD_FIELD, cluster: 'sourceKafkaCluster' } }
      : {}),
  };
}

const material = makeTlsMaterial();
const PASSPHRASE = 'correct horse battery staple';
const encryptedKey = Buffer.from(material.leafKey.encryptedPkcs8Pem(PASSPHRASE));
const withData = (patch: Record<string, Buffer | undefined>): Record<string, Buffer> => {
  const data: Record<string, Buffer> = { ...material.secretData };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete data[key];
    else data[key] = value;
  }
  return data;
};

interface Case {
  name: string;
  clientAuth: boolean;
  data: Record<string, Buffer>;
  keyPassword?: boolean;
  keyPasswordData?: Record<string, Buffer>;
  /** Every expected error, as a substring of its formatted text (and its field). */
  errors?: { field: string; includes: string[]; kind?: string }[];
  warnings?: string[][];
}

const rsaLegacy = sharedKey('rsa');
const rsaMaterial = makeTlsMaterial({ algorithm: 'rsa' });
const ecMaterial = makeTlsMaterial({ algorithm: 'ec' });
const expired = makeTlsMaterial({
  leafNotBefore: new Date(Date.now() - days(60)),
  leafNotAfter: new Date(Date.now() - days(1)),
});
const expiringSoon = makeTlsMaterial({ leafNotAfter: new Date(Date.now() + days(10) - 60_000) });
const notYetValid = makeTlsMaterial({
  leafNotBefore: new Date(Date.now() + days(2)),
  leafNotAfter: new Date(Date.now() + days(400)),
});
const serverOnly = makeTlsMaterial({ extKeyUsage: [EKU.serverAuth] });
const otherKey = generateKey('ec');
const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const cases: Case[] = [
  {
    name: 'one-way TLS with only cacerts.pem',
    clientAuth: false,
    data: { 'cacerts.pem': material.secretData['cacerts.pem']! },
  },
  ...KEY_ALGORITHMS.map((algorithm): Case => ({
    name: `mTLS with a ${algorithm} PKCS#8 key`,
    clientAuth: true,
    data: makeTlsMaterial({ algorithm }).secretData,
  })),
  {
    name: 'mTLS without privkey.pem',
    clientAuth: true,
    data: withData({ 'privkey.pem': undefined }),
    errors: [{ field: FIELD, includes: ['"link-tls"', 'no key "privkey.pem"', 'mutual TLS'] }],
  },
  {
    name: 'one-way TLS without cacerts.pem',
    clientAuth: false,
    data: withData({ 'cacerts.pem': undefined }),
    errors: [{ field: FIELD, includes: ['no key "cacerts.pem"'] }],
  },
  {
    name: 'kubernetes.io/tls key names get a rename hint',
    clientAuth: true,
    data: {
      'tls.crt': material.secretData['fullchain.pem']!,
      'tls.key': material.secretData['privkey.pem']!,
      'ca.crt': material.secretData['cacerts.pem']!,
    },
    errors: [{ field: FIELD, includes: ['tls.crt → fullchain.pem', 'tls.key → privkey.pem', 'ca.crt → cacerts.pem'] }],
  },
  {
    name: 'JKS-only secret is forbidden with a conversion hint',
    clientAuth: true,
    data: {
      'keystore.jks': jksBytes(),
      'truststore.jks': jksBytes(),
      'jksPassword.txt': Buffer.from('jksPassword=changeit\n'),
    },
    errors: [
      {
        field: FIELD,
        kind: 'Forbidden',
        includes: ['"link-tls" holds JKS material', 'only PEM is supported', 'keytool -importkeystore'],
      },
    ],
  },
  {
    name: 'JKS keys next to PEM keys are only a warning',
    clientAuth: true,
    data: withData({ 'keystore.jks': jksBytes() }),
    warnings: [['keystore.jks', 'ignored']],
  },
  {
    name: 'PKCS#1 RSA key is refused with the openssl hint',
    clientAuth: true,
    data: { ...rsaMaterial.secretData, 'privkey.pem': Buffer.from(rsaLegacy.legacyPem!) },
    errors: [{ field: FIELD, includes: ['PKCS#1', 'BEGIN RSA PRIVATE KEY', 'openssl pkcs8 -topk8'] }],
  },
  {
    name: 'SEC1 EC key is refused with the openssl hint',
    clientAuth: true,
    data: { ...ecMaterial.secretData, 'privkey.pem': Buffer.from(sharedKey('ec').legacyPem!) },
    errors: [{ field: FIELD, includes: ['SEC1', 'openssl pkcs8 -topk8'] }],
  },
  {
    name: 'SEC1 key with an EC PARAMETERS block is still SEC1',
    clientAuth: true,
    data: {
      ...ecMaterial.secretData,
      'privkey.pem': Buffer.from(
        `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${sharedKey('ec').legacyPem!}`,
      ),
    },
    errors: [{ field: FIELD, includes: ['SEC1'] }],
  },
  {
    name: 'key that does not match the leaf certificate',
    clientAuth: true,
    data: withData({ 'privkey.pem': Buffer.from(otherKey.pkcs8Pem) }),
    errors: [{ field: FIELD, includes: ['does not match the first certificate of "fullchain.pem"'] }],
  },
  {
    name: 'fullchain.pem with the CA before the leaf',
    clientAuth: true,
    data: withData({ 'fullchain.pem': Buffer.from(material.caPem + material.leafPem) }),
    errors: [{ field: FIELD, includes: ['does not match', 'leaf must come first'] }],
  },
  {
    name: 'garbage in fullchain.pem',
    clientAuth: true,
    data: withData({ 'fullchain.pem': Buffer.from('this is not a certificate at all\n') }),
    errors: [{ field: FIELD, includes: ['"fullchain.pem" is not PEM'] }],
  },
  {
    name: 'a certificate block whose body is not X.509',
    clientAuth: false,
    data: {
      'cacerts.pem': Buffer.from('-----BEGIN CERTIFICATE-----\nQUJDREVGR0hJSktMTU5PUA==\n-----END CERTIFICATE-----\n'),
    },
    errors: [{ field: FIELD, includes: ['"cacerts.pem" certificate 1 does not parse as X.509'] }],
  },
  {
    name: 'JKS bytes stored under cacerts.pem',
    clientAuth: false,
    data: { 'cacerts.pem': jksBytes() },
    errors: [{ field: FIELD, includes: ['"cacerts.pem" is not PEM', 'JKS keystore'] }],
  },
  {
    name: 'a private key inside fullchain.pem',
    clientAuth: true,
    data: withData({ 'fullchain.pem': Buffer.from(material.leafPem + material.leafKey.pkcs8Pem) }),
    errors: [{ field: FIELD, includes: ['block 2 is a private key'] }],
  },
  {
    name: 'privkey.pem holding two keys',
    clientAuth: true,
    data: withData({ 'privkey.pem': Buffer.from(material.leafKey.pkcs8Pem + otherKey.pkcs8Pem) }),
    errors: [{ field: FIELD, includes: ['holds 2 private keys'] }],
  },
  {
    name: 'a key that cannot sign (X25519)',
    clientAuth: true,
    data: withData({ 'privkey.pem': Buffer.from(x25519) }),
    errors: [{ field: FIELD, includes: ['x25519', 'cannot sign'] }],
  },
  {
    name: 'expired certificate is a warning',
    clientAuth: true,
    data: expired.secretData,
    warnings: [['fullchain.pem cert 1 expired on']],
  },
  {
    name: 'certificate expiring in 10 days is a warning',
    clientAuth: true,
    data: expiringSoon.secretData,
    warnings: [['fullchain.pem cert 1 expires in 10 days']],
  },
  {
    name: 'certificate not yet valid is a warning',
    clientAuth: true,
    data: notYetValid.secretData,
    warnings: [['not valid before']],
  },
  {
    name: 'mTLS leaf without the clientAuth usage is a warning',
    clientAuth: true,
    data: serverOnly.secretData,
    warnings: [['clientAuth']],
  },
  {
    name: 'one-way TLS with fullchain.pem but no privkey.pem is a warning',
    clientAuth: false,
    data: withData({ 'privkey.pem': undefined }),
    warnings: [['has fullchain.pem without privkey.pem']],
  },
  {
    name: 'encrypted key without keyPassword',
    clientAuth: true,
    data: withData({ 'privkey.pem': encryptedKey }),
    errors: [{ field: PASSWORD_FIELD, kind: 'Required', includes: ['is encrypted'] }],
  },
  {
    name: 'encrypted key with the right keyPassword',
    clientAuth: true,
    keyPassword: true,
    keyPasswordData: { password: Buffer.from(`${PASSPHRASE}\n`) },
    data: withData({ 'privkey.pem': encryptedKey }),
  },
  {
    name: 'encrypted key with a properties-style keyPassword',
    clientAuth: true,
    keyPassword: true,
    keyPasswordData: { 'keyPassword.txt': Buffer.from(`password=${PASSPHRASE}\n`) },
    data: withData({ 'privkey.pem': encryptedKey }),
  },
  {
    name: 'encrypted key with a wrong keyPassword',
    clientAuth: true,
    keyPassword: true,
    keyPasswordData: { password: Buffer.from('not the passphrase') },
    data: withData({ 'privkey.pem': encryptedKey }),
    errors: [{ field: PASSWORD_FIELD, includes: ['"link-key-pass"', 'decrypts "privkey.pem" of secret "link-tls"'] }],
  },
  {
    name: 'encrypted key with an empty keyPassword secret',
    clientAuth: true,
    keyPassword: true,
    keyPasswordData: {},
    data: withData({ 'privkey.pem': encryptedKey }),
    errors: [{ field: PASSWORD_FIELD, includes: ['no data'] }],
  },
  {
    name: 'encrypted key whose keyPassword secret could not be read (reported by the checker)',
    clientAuth: true,
    keyPassword: true,
    data: withData({ 'privkey.pem': encryptedKey }),
  },
  {
    name: 'encrypted key with the right keyPassword but the wrong certificate',
    clientAuth: true,
    keyPassword: true,
    keyPasswordData: { password: Buffer.from(PASSPHRASE) },
    data: withData({ 'privkey.pem': Buffer.from(otherKey.encryptedPkcs8Pem(PASSPHRASE)) }),
    errors: [{ field: FIELD, includes: ['does not match'] }],
  },
  {
    name: 'unencrypted key with keyPassword set is a warning',
    clientAuth: true,
    keyPassword: true,
    keyPasswordData: { password: Buffer.from(PASSPHRASE) },
    data: material.secretData,
    warnings: [['not encrypted but tls.keyPassword is set']],
  },
];

describe('checkTlsSecret', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = checkTlsSecret({
        ref: ref(c.clientAuth, c.keyPassword),
        data: c.data,
        keyPasswordData: c.keyPasswordData,
        now: new Date(),
      });
      const texts = result.errors.map(formatFieldError);
      assert.equal(result.errors.length, c.errors?.length ?? 0, `errors: ${texts.join(' | ')}`);
      for (const [i, expected] of (c.errors ?? []).entries()) {
        const actual = result.errors[i]!;
        assert.equal(actual.field, expected.field);
        if (expected.kind) assert.equal(actual.kind, expected.kind);
        for (const piece of expected.includes) assert.ok(texts[i]!.includes(piece), `"${texts[i]}" lacks "${piece}"`);
      }
      assert.equal(result.warnings.length, c.warnings?.length ?? 0, `warnings: ${result.warnings.join(' | ')}`);
      for (const [i, pieces] of (c.warnings ?? []).entries()) {
        const warning = result.warnings[i]!;
        assert.ok(warning.startsWith(`${FIELD}: secret "link-tls" `), warning);
        for (const piece of pieces) assert.ok(warning.includes(piece), `"${warning}" lacks "${piece}"`);
        assert.ok(warning.length <= 256);
      }
      assertNoSecretValues([...texts, ...result.warnings], c.data, c.keyPasswordData ?? {}, {
        pass: Buffer.from(PASSPHRASE),
      });
    });
  }
});

describe('passwordCandidates', () => {
  test('tries raw, newline-trimmed and password= forms, without duplicates or empties', () => {
    const candidates = passwordCandidates({
      a: Buffer.from('secret1\n'),
      b: Buffer.from('password=secret2\r\nother=x\n'),
      c: Buffer.from(''),
      d: Buffer.from('secret1'),
    }).map((b) => b.toString());
    assert.deepEqual(candidates, [
      'secret1\n',
      'secret1',
      'password=secret2\r\nother=x\n',
      'password=secret2\r\nother=x',
      'secret2',
    ]);
  });

  test('a certificate signed by an Ed25519 CA parses and matches', () => {
    const ca = generateKey('ed25519');
    const leaf = sharedKey('rsa');
    const caPem = makeCertificate({ subject: 'Ed CA', key: ca.privateKey, isCa: true });
    const leafPem = makeCertificate({
      subject: 'leaf',
      key: leaf.privateKey,
      issuer: { subject: 'Ed CA', key: ca.privateKey },
    });
    const result = checkTlsSecret({
      ref: ref(true),
      data: {
        'fullchain.pem': Buffer.from(leafPem + caPem),
        'privkey.pem': Buffer.from(leaf.pkcs8Pem),
        'cacerts.pem': Buffer.from(caPem),
      },
      now: new Date(),
    });
    assert.deepEqual(result, { errors: [], warnings: [] });
  });
});
