// PEM parsing helpers for the Secret checks (docs/rules.md#secret-checks). Pure: bytes in, facts out.
// Nothing here ever returns or formats the bytes it was given; callers build messages from the facts only.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { MAX_PEM_BLOCKS } from './limits.js';

export interface PemBlock {
  /** The word(s) between `BEGIN` and the dashes, e.g. `CERTIFICATE`, `RSA PRIVATE KEY`. */
  label: string;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`) of legacy OpenSSL encrypted keys; empty otherwise. */
  headers: Record<string, string>;
  /** The whole block, BEGIN to END, as Node's crypto wants it. */
  text: string;
}

// Kafka's own PEM reader finds blocks with a regular expression and ignores text around them (e.g. openssl's
// "Bag Attributes"), so stray text is tolerated here too. The scan is one pass over the lines (a backtracking
// regular expression is quadratic on BEGIN lines without an END, docs/webhook.md#hostile-input): a BEGIN seen
// inside an open block restarts the block, and it stops after `maxBlocks` + 1 blocks so callers can tell "too many".
const BEGIN = '-----BEGIN ';
const END = '-----END ';
const LABEL = /^[A-Z0-9 ]+$/;
const HEADER_LINE = /^([A-Za-z-]+):\s*(.*)$/;

/** Every PEM block in `text`, in order; at most `maxBlocks` + 1 of them. */
export function pemBlocks(text: string, maxBlocks = MAX_PEM_BLOCKS): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { label: string; start: number; headers: Record<string, string> } | undefined;
  let lineStart = 0;
  while (lineStart < text.length && blocks.length <= maxBlocks) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const begin = beginLabel(line);
    if (begin !== undefined) {
      open = { label: begin.label, start: lineStart + begin.at, headers: {} };
    } else if (open) {
      const endMarker = `${END}${open.label}-----`;
      const at = line.indexOf(endMarker);
      if (at !== -1) {
        const end = lineStart + at + endMarker.length;
        blocks.push({ label: open.label, headers: open.headers, text: text.slice(open.start, end) });
        open = undefined;
      } else {
        const header = HEADER_LINE.exec(line.trim());
        if (header) open.headers[header[1] ?? ''] = header[2] ?? '';
      }
    }
    lineStart = lineEnd + 1;
  }
  return blocks;
}

/** The label of a `-----BEGIN X-----` marker ending the line, and where the marker starts. */
function beginLabel(line: string): { label: string; at: number } | undefined {
  const at = line.indexOf(BEGIN);
  if (at === -1) return undefined;
  const rest = line.slice(at + BEGIN.length).trimEnd();
  if (!rest.endsWith('-----')) return undefined;
  const label = rest.slice(0, -5);
  return LABEL.test(label) ? { label, at } : undefined;
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
