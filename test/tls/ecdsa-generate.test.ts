// Generated certificates are ECDSA P-256 (docs/install.md#certificates), written with forge.asn1 and signed by
// node:crypto; a CA the user gives may hold an RSA or ECDSA key (certs generate --ca-cert-file, docs/cli.md#certs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generateCertificateAuthority, generateServingCertificate } from '../../src/tls/generate.js';
import { allowsKeyCertSign, signatureAlgorithmOf, subjectNameDer } from '../../src/tls/x509-build.js';
import { signingCaProblems } from '../../src/tls/ca-checks.js';
import { generateKey, makeCertificate, type KeyAlgorithm } from '../support/pem-fixtures.js';
import { generateKeyPairSync } from 'node:crypto';

const DAY = 86_400_000;

test('a generated CA and serving certificate: P-256 keys, ECDSA-SHA256, the names, CA:TRUE only on the CA', () => {
  const ca = generateCertificateAuthority({ commonName: 'test-ca' });
  const leaf = generateServingCertificate({ hosts: ['svc.ns.svc', '10.1.2.3', '::1'], ca });
  const caCert = new X509Certificate(ca.certPem);
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(caCert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.match(leaf.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(createPrivateKey(leaf.keyPem).asymmetricKeyType, 'ec');
  assert.equal(cert.subjectAltName, 'DNS:svc.ns.svc, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1');
  assert.ok(cert.checkIssued(caCert), 'issuer name equals the CA subject');
  assert.ok(cert.verify(caCert.publicKey), 'signed by the CA');
  assert.equal(caCert.ca, true);
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(allowsKeyCertSign(ca.certPem), true);
  assert.equal(allowsKeyCertSign(leaf.certPem), false);
  assert.doesNotMatch(leaf.certPem + ca.certPem, /\r/);
});

test('lifetimes: lifetimeMs wins over days, and capAtCaExpiry ends the leaf with its CA', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const ca = generateCertificateAuthority({ now, lifetimeMs: 10 * DAY });
  assert.equal(Date.parse(new X509Certificate(ca.certPem).validTo), now.getTime() + 10 * DAY);
  const capped = generateServingCertificate({ hosts: ['a'], ca, now, lifetimeMs: 30 * DAY, capAtCaExpiry: true });
  assert.equal(Date.parse(new X509Certificate(capped.certPem).validTo), now.getTime() + 10 * DAY);
  const uncapped = generateServingCertificate({ hosts: ['a'], ca, now, days: 30 });
  assert.equal(Date.parse(new X509Certificate(uncapped.certPem).validTo), now.getTime() + 30 * DAY);
  const late = new Date('2051-01-01T00:00:00Z');
  const far = generateCertificateAuthority({ now: late, days: 10 });
  assert.equal(new X509Certificate(far.certPem).validTo, 'Jan 11 00:00:00 2051 GMT', 'GeneralizedTime from 2050');
});

const userCaCases: Array<{ key: KeyAlgorithm | 'p384'; ok: boolean }> = [
  { key: 'rsa', ok: true },
  { key: 'ec', ok: true },
  { key: 'p384', ok: true },
  { key: 'ed25519', ok: false },
];
for (const c of userCaCases) {
  test(`a user's ${c.key} CA ${c.ok ? 'signs the ECDSA serving certificate' : 'is refused with a reason'}`, () => {
    const key =
      c.key === 'p384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey : generateKey(c.key).privateKey;
    const certPem = makeCertificate({ subject: `user-ca-${c.key}`, key, isCa: true });
    const ca = { certPem, keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
    assert.deepEqual(signingCaProblems({ ...ca, leafNotAfter: new Date(Date.now() + DAY) }), []);
    if (!c.ok) {
      assert.throws(() => generateServingCertificate({ hosts: ['x'], ca }), /give an RSA or ECDSA/);
      return;
    }
    const leaf = new X509Certificate(generateServingCertificate({ hosts: ['x.ns.svc'], ca }).certPem);
    const caCert = new X509Certificate(certPem);
    assert.ok(leaf.checkIssued(caCert));
    assert.ok(leaf.verify(caCert.publicKey));
    assert.deepEqual(subjectNameDer(leaf.toString()).length > 0, true);
    assert.equal(allowsKeyCertSign(certPem), undefined, 'no keyUsage extension: may sign (RFC 5280)');
  });
}

test('signature algorithms by key', () => {
  assert.equal(signatureAlgorithmOf(generateKey('rsa').privateKey).oid, '1.2.840.113549.1.1.11');
  assert.equal(signatureAlgorithmOf(generateKey('ec').privateKey).oid, '1.2.840.10045.4.3.2');
  const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
  assert.throws(() => signatureAlgorithmOf(p521), /curve secp521r1: give an RSA, P-256 or P-384 key/);
});
