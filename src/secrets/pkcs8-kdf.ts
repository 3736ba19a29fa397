// The key-derivation cost of an `ENCRYPTED PRIVATE KEY` (PKCS#8 EncryptedPrivateKeyInfo, RFC 5958/8018), read
// from its ASN.1 before anything is derived: the cost is the Secret author's choice, so it is capped
// (docs/webhook.md#hostile-input) instead of paid. Pure: DER bytes in, numbers out; never the key material.

export type KdfCost =
  | { kind: 'pbkdf2'; iterations: number }
  | { kind: 'scrypt'; memoryBytes: number; work: number }
  | { kind: 'pbes1'; iterations: number }
  | { kind: 'unknown' };

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER TLV at `offset` of `der`, or undefined when it runs past `limit`. */
function tlv(der: Buffer, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[start + i]!;
    start += octets;
  }
  return start + length > limit ? undefined : { tag, start, end: start + length };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end && out.length < 8;) {
    const child = tlv(der, at, parent.end);
    if (!child) break;
    out.push(child);
    at = child.end;
  }
  return out;
}

function oid(der: Buffer, node: Tlv | undefined): string | undefined {
  if (!node || node.tag !== 0x06 || node.end === node.start) return undefined;
  const first = der[node.start]!;
  const parts = [Math.floor(first / 40), first % 40];
  let value = 0;
  for (let i = node.start + 1; i < node.end; i++) {
    value = value * 128 + (der[i]! & 0x7f);
    if (!(der[i]! & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** A non-negative INTEGER; Infinity when it has more than 6 octets (far beyond any cap). */
function integer(der: Buffer, node: Tlv | undefined): number | undefined {
  if (!node || node.tag !== 0x02) return undefined;
  if (node.end - node.start > 7) return Infinity;
  let value = 0;
  for (let i = node.start; i < node.end; i++) value = value * 256 + der[i]!;
  return value;
}

/** The KDF cost of a DER EncryptedPrivateKeyInfo; `unknown` for anything it cannot read. */
export function encryptedKeyCost(der: Buffer): KdfCost {
  const root = tlv(der, 0, der.length);
  const algorithm = root && children(der, root)[0];
  const [algOid, params] = algorithm ? children(der, algorithm) : [];
  const scheme = oid(der, algOid);
  if (!params || params.tag !== 0x30) return { kind: 'unknown' };
  if (scheme !== OID_PBES2) {
    // PBES1 and PKCS#12 PBE: SEQUENCE { salt OCTET STRING, iterations INTEGER }.
    const iterations = integer(der, children(der, params)[1]);
    return iterations === undefined ? { kind: 'unknown' } : { kind: 'pbes1', iterations };
  }
  const kdf = children(der, params)[0];
  const [kdfOid, kdfParams] = kdf ? children(der, kdf) : [];
  const fields = kdfParams ? children(der, kdfParams) : [];
  switch (oid(der, kdfOid)) {
    case OID_PBKDF2: {
      const iterations = integer(der, fields[1]);
      return iterations === undefined ? { kind: 'unknown' } : { kind: 'pbkdf2', iterations };
    }
    case OID_SCRYPT: {
      const [n, r, p] = [integer(der, fields[1]), integer(der, fields[2]), integer(der, fields[3])];
      if (n === undefined || r === undefined || p === undefined) return { kind: 'unknown' };
      return { kind: 'scrypt', memoryBytes: 128 * n * r * p, work: n * r * p };
    }
    default:
      return { kind: 'unknown' };
  }
}

/** DER bytes of a PEM block's base64 body (headers and markers dropped). */
export function pemBody(text: string): Buffer {
  const lines = text.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith('-----') && !line.includes(':'));
  return Buffer.from(lines.join(''), 'base64');
}
