// The TLS key password Secret (`tls.keyPassword.secretRef`, docs/rules.md#secret-checks): shared by the webhook's
// TLS check and the reconciler. CFK's CRD points it at the JKS-password format, a key `jksPassword.txt` holding
// `jksPassword=<password>`; since CFK does not document the key name for ClusterLinks, other keys are tried too.
import { decryptPrivateKey, parsePrivateKey } from './pem.js';

export const KEY_PASSWORD_FILE = 'jksPassword.txt';

/**
 * Passphrases to try, the documented form first: the `jksPassword=` line of `jksPassword.txt`; then every value
 * as is, without a trailing newline, and its `password=` or `jksPassword=` line. No duplicates, no empties.
 */
export function passwordCandidates(data: Record<string, Buffer>): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  const add = (value: Buffer): void => {
    const id = value.toString('base64');
    if (value.length === 0 || seen.has(id)) return;
    seen.add(id);
    out.push(value);
  };
  const line = (text: string, key: string): Buffer | undefined => {
    const m = new RegExp(`^\\s*${key}\\s*=(.*)$`, 'm').exec(text);
    return m ? Buffer.from((m[1] ?? '').replace(/\r$/, '').trim(), 'utf8') : undefined;
  };
  const documented = data[KEY_PASSWORD_FILE];
  const fromDocumented = documented ? line(documented.toString('utf8'), 'jksPassword') : undefined;
  if (fromDocumented) add(fromDocumented);
  for (const value of Object.values(data)) {
    add(value);
    const text = value.toString('utf8');
    add(Buffer.from(text.replace(/\r?\n$/, ''), 'utf8'));
    for (const key of ['password', 'jksPassword']) {
      const v = line(text, key);
      if (v) add(v);
    }
  }
  return out;
}

export type KeyPassword = { password?: string } | { problem: string };

/**
 * The password to send as `ssl.key.password` for `privkeyPem`: only for an encrypted key (Kafka's PEM key store reads
 * a key given a password as encrypted, so an unencrypted key must come without one), and only a candidate that
 * decrypts it. Messages name keys, never values.
 */
export function keyPasswordFor(data: Record<string, Buffer>, privkeyPem: string | undefined): KeyPassword {
  if (privkeyPem === undefined) return {};
  const parsed = parsePrivateKey(Buffer.from(privkeyPem, 'utf8'));
  if (parsed.kind !== 'encrypted') return {};
  for (const candidate of passwordCandidates(data)) {
    if (decryptPrivateKey(parsed.text, candidate)) return { password: candidate.toString('utf8') };
  }
  return {
    problem: `no value in it decrypts privkey.pem: put the password in key "${KEY_PASSWORD_FILE}" as jksPassword=<password>`,
  };
}
