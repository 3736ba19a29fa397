// Building and signing X.509 v3 certificates with any key node:crypto signs with (ECDSA P-256/P-384, RSA).
// node-forge writes the ASN.1 (its certificate object signs with RSA only); node:crypto makes the signature.
// Generated keys are ECDSA P-256 (docs/install.md#certificates); a CA a user gives may be RSA or ECDSA.
import { createHash, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

const { asn1, pki } = forge;
/** Exported by node-forge's x509.js, missing from @types/node-forge. */
const extensionsToAsn1 = (exts: unknown[]): forge.asn1.Asn1 =>
  (
    pki as unknown as { certificateExtensionsToAsn1(this: void, e: unknown[]): forge.asn1.Asn1 }
  ).certificateExtensionsToAsn1(exts);
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export interface CertificateTemplate {
  serialHex: string;
  /** The subject's common name (a DNS name or a CA name: no escaping needed, UTF8String). */
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** Public key of the certificate's subject. */
  publicKey: KeyObject;
  /** Key that signs: the subject's own (self-signed CA) or the issuing CA's. */
  signingKey: KeyObject;
  /** DER of the issuer's subject Name, byte for byte (chain building compares it with the CA's subject). */
  issuerNameDer?: Buffer;
  /** Public key of the issuer (authorityKeyIdentifier); the subject's own when self-signed. */
  issuerPublicKey: KeyObject;
  ca: boolean;
  /** DNS names and IP addresses (serving certificates only). */
  hosts?: readonly string[];
}

interface SignatureAlgorithm {
  oid: string;
  hash: 'sha256' | 'sha384';
  /** RSA's AlgorithmIdentifier carries NULL parameters; ECDSA's has none (RFC 5758 3.2). */
  nullParameters: boolean;
}

const EC_HASH: Record<string, SignatureAlgorithm> = {
  prime256v1: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', nullParameters: false },
  'P-256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256', nullParameters: false },
  secp384r1: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false },
  'P-384': { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false },
};

/** The signature algorithm a key signs certificates with; throws for keys the webhook does not sign with. */
export function signatureAlgorithmOf(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return { oid: '1.2.840.113549.1.1.11', hash: 'sha256', nullParameters: true };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const alg = EC_HASH[curve];
    if (alg) return alg;
    throw new Error(`the CA key is on the curve ${curve}: give an RSA, P-256 or P-384 key`);
  }
  throw new Error(
    `the CA key is of type ${key.asymmetricKeyType ?? 'unknown'}: give an RSA or ECDSA (P-256, P-384) key`,
  );
}

const bytes = (buf: Buffer): string => buf.toString('binary');

function algorithmIdentifier(alg: SignatureAlgorithm): forge.asn1.Asn1 {
  const parts = [asn1.create(U, T.OID, false, asn1.oidToDer(alg.oid).getBytes())];
  if (alg.nullParameters) parts.push(asn1.create(U, T.NULL, false, ''));
  return asn1.create(U, T.SEQUENCE, true, parts);
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
function time(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function commonNameDer(commonName: string): forge.asn1.Asn1 {
  return asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.SET, true, [
      asn1.create(U, T.SEQUENCE, true, [
        asn1.create(U, T.OID, false, asn1.oidToDer('2.5.4.3').getBytes()),
        asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(commonName)),
      ]),
    ]),
  ]);
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = asn1.fromDer(bytes(publicKey.export({ type: 'spki', format: 'der' })));
  const bitString = (spki.value as forge.asn1.Asn1[])[1]!.value as string;
  // A BIT STRING's first content byte counts the unused bits; the key is what follows.
  return createHash('sha1')
    .update(Buffer.from(bitString.slice(1), 'binary'))
    .digest();
}

function extensions(t: CertificateTemplate): forge.asn1.Asn1 {
  // A throw-away forge certificate fills in the extension values (it needs no key when the identifiers are given).
  const holder = pki.createCertificate();
  const list: object[] = [{ name: 'basicConstraints', cA: t.ca, critical: true }];
  if (t.ca) list.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  else {
    // ECDSA keys sign the handshake; keyEncipherment only makes sense for RSA key transport.
    const rsa = t.publicKey.asymmetricKeyType === 'rsa';
    list.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: rsa, critical: true });
    list.push({ name: 'extKeyUsage', serverAuth: true });
    list.push({
      name: 'subjectAltName',
      altNames: (t.hosts ?? []).map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    });
  }
  // Given as values: forge would derive the identifier from an RSA key.
  const octets = (b: Buffer): forge.asn1.Asn1 => asn1.create(U, T.OCTETSTRING, false, bytes(b));
  list.push({ name: 'subjectKeyIdentifier', value: octets(keyIdentifier(t.publicKey)) });
  if (!t.ca || t.issuerNameDer !== undefined)
    list.push({ name: 'authorityKeyIdentifier', keyIdentifier: bytes(keyIdentifier(t.issuerPublicKey)) });
  holder.setExtensions(list);
  return extensionsToAsn1(holder.extensions as unknown[]);
}

/** The certificate, PEM (LF line ends), signed by `signingKey`. */
export function buildCertificate(t: CertificateTemplate): string {
  const alg = signatureAlgorithmOf(t.signingKey);
  const subject = commonNameDer(t.commonName);
  const issuer = t.issuerNameDer ? asn1.fromDer(bytes(t.issuerNameDer)) : subject;
  const tbs = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(U, T.INTEGER, false, asn1.integerToDer(2).getBytes()),
    ]),
    asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(t.serialHex)),
    algorithmIdentifier(alg),
    issuer,
    asn1.create(U, T.SEQUENCE, true, [time(t.notBefore), time(t.notAfter)]),
    subject,
    asn1.fromDer(bytes(t.publicKey.export({ type: 'spki', format: 'der' }))),
    extensions(t),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  // ECDSA: node gives the DER ECDSA-Sig-Value X.509 wants; RSA: PKCS#1 v1.5.
  const signature = sign(alg.hash, tbsDer, { key: t.signingKey, dsaEncoding: 'der' });
  const certificate = asn1.create(U, T.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(alg),
    asn1.create(U, T.BITSTRING, false, `\0${bytes(signature)}`),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), 'binary');
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** DER of a certificate's subject Name, byte for byte (the issuer of the certificates it signs). */
export function subjectNameDer(certPem: string): Buffer {
  const cert = asn1.fromDer(bytes(pemBody(certPem)));
  const tbs = (cert.value as forge.asn1.Asn1[])[0]!;
  const fields = tbs.value as forge.asn1.Asn1[];
  // With the explicit [0] version first, the subject is the sixth field; without it (v1), the fifth.
  const offset = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return Buffer.from(asn1.toDer(fields[4 + offset]!).getBytes(), 'binary');
}

function pemBody(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no PEM certificate');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

/** keyUsage allows keyCertSign; undefined when the certificate has no keyUsage extension. Any key type. */
export function allowsKeyCertSign(certPem: string): boolean | undefined {
  const cert = asn1.fromDer(bytes(pemBody(certPem)));
  const fields = (cert.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const explicit = fields.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && Number(f.type) === 3);
  const list = ((explicit?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value ?? []) as forge.asn1.Asn1[];
  for (const ext of list) {
    const parts = ext.value as forge.asn1.Asn1[];
    if (asn1.derToOid(parts[0]!.value as string) !== '2.5.29.15') continue;
    const octets = parts[parts.length - 1]!.value as string;
    const bits = asn1.fromDer(octets).value as string;
    // Content: the count of unused bits, then the bits; keyCertSign is bit 5 (0x04 of the first byte).
    return ((bits.charCodeAt(1) || 0) & 0x04) !== 0;
  }
  return undefined;
}
