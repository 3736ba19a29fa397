// Key and certificate material generated at test time (nothing secret is checked in).
// Keys come from node:crypto (RSA, EC P-256, Ed25519); certificates are DER built with node-forge's ASN.1
// encoder and signed with node:crypto, because forge itself only signs with RSA keys.
import { createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export type KeyAlgorithm = 'rsa' | 'ec' | 'ed25519';
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['rsa', 'ec', 'ed25519'];

export interface TestKey {
  algorithm: KeyAlgorithm;
  privateKey: KeyObject;
  /** `BEGIN PRIVATE KEY`. */
  pkcs8Pem: string;
  /** `BEGIN RSA PRIVATE KEY` (PKCS#1) or `BEGIN EC PRIVATE KEY` (SEC1); undefined for Ed25519 (no such format). */
  legacyPem?: string;
  /** `BEGIN ENCRYPTED PRIVATE KEY` (PKCS#8, AES-256-CBC). */
  encryptedPkcs8Pem(passphrase: string): string;
}

export function generateKey(algorithm: KeyAlgorithm): TestKey {
  const { privateKey } =
    algorithm === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : algorithm === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('ed25519');
  const legacyType = algorithm === 'rsa' ? 'pkcs1' : algorithm === 'ec' ? 'sec1' : undefined;
  return {
    algorithm,
    privateKey,
    pkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    legacyPem: legacyType ? privateKey.export({ type: legacyType, format: 'pem' } as never).toString() : undefined,
    encryptedPkcs8Pem: (passphrase) =>
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString(),
  };
}

const cache = new Map<KeyAlgorithm, TestKey>();
/** A key shared by the tests of one process (RSA generation is the slow part). */
export function sharedKey(algorithm: KeyAlgorithm): TestKey {
  let key = cache.get(algorithm);
  if (!key) {
    key = generateKey(algorithm);
    cache.set(algorithm, key);
  }
  return key;
}

export interface CertificateOptions {
  /** Common name of the subject. */
  subject: string;
  /** The subject's key: its public half goes into the certificate. */
  key: KeyObject;
  /** Who signs; omitted = self-signed with `key`. */
  issuer?: { subject: string; key: KeyObject };
  notBefore?: Date;
  notAfter?: Date;
  isCa?: boolean;
  /** Extended key usage OIDs; omitted = no EKU extension. */
  extKeyUsage?: string[];
}

export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

const seq = (items: Asn1[]): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (value: string): Asn1 =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
const bool = (value: boolean): Asn1 =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, value ? '\xff' : '\x00');
const octets = (der: string): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, der);
const bits = (bytes: Buffer): Asn1 =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${bytes.toString('binary')}`);
const integer = (bytes: Buffer): Asn1 =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bytes.toString('binary'));
const time = (date: Date): Asn1 =>
  date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
const name = (cn: string): Asn1 =>
  seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
      seq([oid('2.5.4.3'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(cn))]),
    ]),
  ]);

/** Signature algorithm identifier and digest for a signing key. */
function signatureAlgorithm(key: KeyObject): { id: Asn1; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return {
        id: seq([oid('1.2.840.113549.1.1.11'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
        digest: 'sha256',
      };
    case 'ec':
      return { id: seq([oid('1.2.840.10045.4.3.2')]), digest: 'sha256' };
    case 'ed25519':
      return { id: seq([oid('1.3.101.112')]), digest: null };
    default:
      throw new Error(`unsupported signing key ${key.asymmetricKeyType}`);
  }
}

/** An X.509 v3 certificate in PEM. */
export function makeCertificate(options: CertificateOptions): string {
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * DAY_MS);
  const issuer = options.issuer ?? { subject: options.subject, key: options.key };
  const algorithm = signatureAlgorithm(issuer.key);
  const spki = createPublicKey(options.key).export({ type: 'spki', format: 'der' });
  const serial = randomBytes(12);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive INTEGER
  const extensions: Asn1[] = [];
  if (options.isCa) {
    extensions.push(seq([oid('2.5.29.19'), bool(true), octets(asn1.toDer(seq([bool(true)])).getBytes())]));
  }
  if (options.extKeyUsage) {
    extensions.push(seq([oid('2.5.29.37'), octets(asn1.toDer(seq(options.extKeyUsage.map(oid))).getBytes())]));
  }
  const tbsItems: Asn1[] = [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [integer(Buffer.from([2]))]),
    integer(serial),
    algorithm.id,
    name(issuer.subject),
    seq([time(notBefore), time(notAfter)]),
    name(options.subject),
    asn1.fromDer(forge.util.createBuffer(spki.toString('binary'))),
  ];
  if (extensions.length > 0) tbsItems.push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [seq(extensions)]));
  const tbs = seq(tbsItems);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign(algorithm.digest, tbsDer, issuer.key);
  const certificate = seq([tbs, signatureAlgorithm(issuer.key).id, bits(signature)]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), 'binary');
  return toPem('CERTIFICATE', der);
}

export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export interface TlsMaterial {
  caKey: TestKey;
  caPem: string;
  leafKey: TestKey;
  leafPem: string;
  /** The Secret data CFK expects: fullchain.pem (leaf + CA), privkey.pem (PKCS#8), cacerts.pem. */
  secretData: Record<string, Buffer>;
}

export interface TlsMaterialOptions {
  algorithm?: KeyAlgorithm;
  /** Use a fresh leaf key instead of the shared one. */
  freshKey?: boolean;
  leafNotBefore?: Date;
  leafNotAfter?: Date;
  extKeyUsage?: string[];
}

let caKeyCache: TestKey | undefined;

/** A CA and a leaf signed by it, with the leaf key in PKCS#8. */
export function makeTlsMaterial(options: TlsMaterialOptions = {}): TlsMaterial {
  const algorithm = options.algorithm ?? 'ec';
  caKeyCache ??= generateKey('ec');
  const caKey = caKeyCache;
  const caPem = makeCertificate({ subject: 'Test CA', key: caKey.privateKey, isCa: true });
  const leafKey = options.freshKey ? generateKey(algorithm) : sharedKey(algorithm);
  const leafPem = makeCertificate({
    subject: 'kafka.example.test',
    key: leafKey.privateKey,
    issuer: { subject: 'Test CA', key: caKey.privateKey },
    notBefore: options.leafNotBefore,
    notAfter: options.leafNotAfter,
    extKeyUsage: options.extKeyUsage ?? [EKU.serverAuth, EKU.clientAuth],
  });
  return {
    caKey,
    caPem,
    leafKey,
    leafPem,
    secretData: {
      'fullchain.pem': Buffer.from(leafPem + caPem),
      'privkey.pem': Buffer.from(leafKey.pkcs8Pem),
      'cacerts.pem': Buffer.from(caPem),
    },
  };
}

/** Bytes that start like a Java KeyStore (magic 0xFEEDFEED). */
export function jksBytes(): Buffer {
  return Buffer.concat([Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), randomBytes(64)]);
}

export const days = (n: number): number => n * DAY_MS;
