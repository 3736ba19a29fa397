// A tiny DER writer for tests: builds EncryptedPrivateKeyInfo structures with any KDF parameters (no tool makes
// a key with 15 million iterations without paying for them first).
import { randomBytes } from 'node:crypto';

const length = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const node = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(body.length), body]);
export const seq = (...items: Buffer[]): Buffer => node(0x30, Buffer.concat(items));
export const octets = (b: Buffer): Buffer => node(0x04, b);
export function int(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return node(0x02, Buffer.from(bytes));
}
export function oid(text: string): Buffer {
  const [a, b, ...rest] = text.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const part of rest) {
    const septets: number[] = [];
    for (let v = part; ; v = Math.floor(v / 128)) {
      septets.unshift(v % 128);
      if (v < 128) break;
    }
    out.push(...septets.map((s, i) => (i < septets.length - 1 ? s | 0x80 : s)));
  }
  return node(0x06, Buffer.from(out));
}

const pem = (der: Buffer): string =>
  `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;

/** PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with `iterations`, over random bytes: no password decrypts it. */
export function pbkdf2EncryptedKey(iterations: number): string {
  const kdf = seq(
    oid('1.2.840.113549.1.5.12'),
    seq(octets(randomBytes(16)), int(iterations), seq(oid('1.2.840.113549.2.9'))),
  );
  const cipher = seq(oid('2.16.840.1.101.3.4.1.42'), octets(randomBytes(16)));
  return pem(seq(seq(oid('1.2.840.113549.1.5.13'), seq(kdf, cipher)), octets(randomBytes(1216))));
}

/** PBES2 with scrypt (N, r, p). */
export function scryptEncryptedKey(n: number, r: number, p: number): string {
  const kdf = seq(oid('1.3.6.1.4.1.11591.4.11'), seq(octets(randomBytes(16)), int(n), int(r), int(p)));
  const cipher = seq(oid('2.16.840.1.101.3.4.1.42'), octets(randomBytes(16)));
  return pem(seq(seq(oid('1.2.840.113549.1.5.13'), seq(kdf, cipher)), octets(randomBytes(1216))));
}
