// PEM parsing helpers for the Secret checks (docs/rules.md#secret-checks). Pure: bytes in, facts out.
// Nothing here ever returns or formats the bytes it was given; callers build messages from the facts only.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { pemBlocks as scanPemBlocks, type PemBlock } from '../lib/pem-blocks.js';
import { MAX_PEM_BLOCKS } from './limits.js';

export type { PemBlock };

/** Every PEM block in `text`, in order; at most `maxBlocks` + 1 of them (src/lib/pem-blocks.ts). */
export function pemBlocks(text: string, maxBlocks = MAX_PEM_BLOCKS): PemBlock[] {
  return scanPemBlocks(text, maxBlocks);
}

/** What a value that is not PEM most likely is, for a helpful hint (never its content). */
function describeNonPem(value: Buffer): string {
  if (value.length === 0) return 'it is empty';
  if (value.length >= 4 && value.readUInt32BE(0) === 0xfeedfeed) return 'it looks like a JKS keystore';
  if (value[0] === 0x30) return 'it looks like binary DER or PKCS#12, not PEM text';
  return 'no "-----BEGIN" block found';
}

export type CertificateParse = { ok: true; certificates: X509Certificate[] } | { ok: false; problem: string };

/** Parses a PEM bundle that must hold one or more certificates and nothing else. */
export function parseCertificates(value: Buffer): CertificateParse {
  const text = value.toString('utf8');
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { ok: false, problem: `is not PEM: ${describeNonPem(value)}` };
  if (blocks.length > MAX_PEM_BLOCKS)
    return { ok: false, problem: `holds more than ${MAX_PEM_BLOCKS} PEM blocks, the most the webhook checks` };
  const certificates: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    if (block.label !== 'CERTIFICATE') {
      const what = block.label.includes('PRIVATE KEY') ? 'a private key' : `a "${block.label}" block`;
      return { ok: false, problem: `block ${i + 1} is ${what}; only CERTIFICATE blocks belong here` };
    }
    try {
      certificates.push(new X509Certificate(block.text));
    } catch {
      return { ok: false, problem: `certificate ${i + 1} does not parse as X.509` };
    }
  }
  return { ok: true, certificates };
}

/** PKCS#8 labels; the others are legacy or foreign formats the brokers reject. */
const PKCS8_LABEL = 'PRIVATE KEY';
const PKCS8_ENCRYPTED_LABEL = 'ENCRYPTED PRIVATE KEY';
const LEGACY_KEY_FORMATS: Record<string, string> = {
  'RSA PRIVATE KEY': 'PKCS#1',
  'EC PRIVATE KEY': 'SEC1',
  'DSA PRIVATE KEY': 'a legacy DSA format',
  'OPENSSH PRIVATE KEY': 'the OpenSSH format',
};
/** Key types that can sign a TLS handshake (X25519/X448/DH keys cannot). */
const SIGNING_KEY_TYPES = new Set(['rsa', 'rsa-pss', 'ec', 'ed25519', 'ed448', 'dsa']);

export type PrivateKeyParse =
  | { kind: 'key'; key: KeyObject; keyType: string }
  | { kind: 'encrypted'; text: string }
  | { kind: 'problem'; problem: string; legacyFormat?: string };

/** Reads `privkey.pem`: exactly one PKCS#8 key block (other blocks such as "EC PARAMETERS" are ignored). */
export function parsePrivateKey(value: Buffer): PrivateKeyParse {
  const text = value.toString('utf8');
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { kind: 'problem', problem: `is not PEM: ${describeNonPem(value)}` };
  const keyBlocks = blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (keyBlocks.length === 0) return { kind: 'problem', problem: 'holds no PRIVATE KEY block' };
  if (keyBlocks.length > 1)
    return { kind: 'problem', problem: `holds ${keyBlocks.length} private keys; exactly one is expected` };
  const block = keyBlocks[0]!;
  const legacy = LEGACY_KEY_FORMATS[block.label];
  if (legacy !== undefined) {
    const encrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
    return {
      kind: 'problem',
      legacyFormat: legacy,
      problem: `is in ${legacy} format ("BEGIN ${block.label}")${encrypted ? ', encrypted' : ''}; brokers need PKCS#8`,
    };
  }
  if (block.label === PKCS8_ENCRYPTED_LABEL) return { kind: 'encrypted', text: block.text };
  if (block.label !== PKCS8_LABEL)
    return { kind: 'problem', problem: `has an unknown key block "BEGIN ${block.label}"` };
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.text, format: 'pem' });
  } catch {
    return { kind: 'problem', problem: 'does not parse as a PKCS#8 private key' };
  }
  return checkKeyType(key);
}

/** Decrypts an `ENCRYPTED PRIVATE KEY` block; undefined when the passphrase is wrong. */
export function decryptPrivateKey(text: string, passphrase: Buffer): PrivateKeyParse | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem', passphrase });
  } catch {
    return undefined;
  }
  return checkKeyType(key);
}

export function checkKeyType(key: KeyObject): PrivateKeyParse {
  const keyType = key.asymmetricKeyType ?? 'unknown';
  if (!SIGNING_KEY_TYPES.has(keyType)) {
    return { kind: 'problem', problem: `holds a ${keyType} key, which cannot sign a TLS handshake` };
  }
  return { kind: 'key', key, keyType };
}

/** True when `key` is the private half of `certificate`'s public key. */
export function keyMatchesCertificate(key: KeyObject, certificate: X509Certificate): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** Extended key usage OID for TLS client authentication. */
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** False only when the certificate restricts its extended key usage and leaves out clientAuth. */
export function allowsClientAuth(certificate: X509Certificate): boolean {
  const usages = certificate.keyUsage as string[] | undefined;
  if (!usages || usages.length === 0) return true;
  return usages.includes(EKU_CLIENT_AUTH) || usages.includes('2.5.29.37.0');
}

/** ISO date (day precision) for messages. */
export function isoDay(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an unknown date' : date.toISOString().slice(0, 10);
}
