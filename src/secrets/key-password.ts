// The TLS key password Secret (`tls.keyPassword.secretRef`, docs/rules.md#secret-checks): shared by the webhook's
// TLS check and the reconciler. CFK's CRD points it at the JKS-password format, a key `jksPassword.txt` holding
// `jksPassword=<password>`; since CFK does not document the key name for ClusterLinks, other keys are tried too.
import { MAX_KDF_ITERATIONS, MAX_PASSWORD_CANDIDATES, MAX_SCRYPT_BYTES } from './limits.js';
import { decryptPrivateKey, parsePrivateKey } from './pem.js';
import { encryptedKeyCost, pemBody } from './pkcs8-kdf.js';

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
    // [ \t], not \s: \s also matches line ends, and backtracks across every blank line (quadratic).
    const m = new RegExp(`^[ \\t]*${key}[ \\t]*=(.*)$`, 'm').exec(text);
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

/**
 * Why an `ENCRYPTED PRIVATE KEY` block is too expensive to decrypt (its KDF parameters, read from the ASN.1
 * before deriving anything), or undefined when it is within the caps (docs/webhook.md#hostile-input).
 */
export function keyDerivationProblem(encryptedPem: string): string | undefined {
  const cost = encryptedKeyCost(pemBody(encryptedPem));
  const iterations = cost.kind === 'pbkdf2' || cost.kind === 'pbes1' ? cost.iterations : 0;
  if (iterations > MAX_KDF_ITERATIONS)
    return `its key derivation asks for ${iterations} iterations, more than the ${MAX_KDF_ITERATIONS} the webhook performs`;
  if (cost.kind === 'scrypt' && cost.memoryBytes > MAX_SCRYPT_BYTES)
    return `its scrypt key derivation needs ${Math.round(cost.memoryBytes / 1048576)} MiB, more than the ${MAX_SCRYPT_BYTES / 1048576} MiB the webhook allows`;
  return undefined;
}

/** The first MAX_PASSWORD_CANDIDATES candidates, and whether some were left out. */
export function cappedCandidates(data: Record<string, Buffer>): { candidates: Buffer[]; capped: boolean } {
  const all = passwordCandidates(data);
  return { candidates: all.slice(0, MAX_PASSWORD_CANDIDATES), capped: all.length > MAX_PASSWORD_CANDIDATES };
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
  const tooCostly = keyDerivationProblem(parsed.text);
  if (tooCostly !== undefined) return { problem: `privkey.pem cannot be decrypted here: ${tooCostly}` };
  for (const candidate of cappedCandidates(data).candidates) {
    if (decryptPrivateKey(parsed.text, candidate)) return { password: candidate.toString('utf8') };
  }
  return {
    problem: `no value in it decrypts privkey.pem: put the password in key "${KEY_PASSWORD_FILE}" as jksPassword=<password>`,
  };
}
