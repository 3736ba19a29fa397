// Decrypting `privkey.pem` with its keyPassword Secret, before the (synchronous) TLS check runs: the KDF cost is
// read and capped first, at most MAX_PASSWORD_CANDIDATES values are tried, and the derivation runs in the
// decrypt pool under the admission signal (docs/webhook.md#hostile-input).
import { createPrivateKey } from 'node:crypto';
import { cappedCandidates, keyDerivationProblem } from '../key-password.js';
import { MAX_PASSWORD_CANDIDATES } from '../limits.js';
import { checkKeyType, parsePrivateKey, type PrivateKeyParse } from '../pem.js';
import type { KeyDecryptor } from '../decrypt-pool.js';

export type KeyDecryption =
  | { kind: 'key'; parse: PrivateKeyParse; capped: boolean }
  | { kind: 'wrong-password'; capped: boolean }
  | { kind: 'no-candidates' }
  /** Not decrypted: too costly or out of time; `why` completes "privkey.pem was not decrypted: …". */
  | { kind: 'not-checked'; why: string };

/** Undefined when `privkey` is not an encrypted PKCS#8 key (nothing to decrypt). */
export async function decryptWithSecret(
  privkey: Buffer,
  passwordData: Record<string, Buffer>,
  decryptor: KeyDecryptor,
  signal: AbortSignal,
): Promise<KeyDecryption | undefined> {
  const parsed = parsePrivateKey(privkey);
  if (parsed.kind !== 'encrypted') return undefined;
  const tooCostly = keyDerivationProblem(parsed.text);
  if (tooCostly !== undefined) return { kind: 'not-checked', why: tooCostly };
  const { candidates, capped } = cappedCandidates(passwordData);
  if (candidates.length === 0) return { kind: 'no-candidates' };
  const outcome = await decryptor.decrypt(parsed.text, candidates, signal);
  switch (outcome.kind) {
    case 'decrypted':
      return {
        kind: 'key',
        parse: checkKeyType(createPrivateKey({ key: outcome.der, format: 'der', type: 'pkcs8' })),
        capped,
      };
    case 'wrong-password':
      return { kind: 'wrong-password', capped };
    case 'timeout':
      return { kind: 'not-checked', why: 'decrypting it did not finish within the admission deadline' };
  }
}

export const CANDIDATES_CAPPED = `only its first ${MAX_PASSWORD_CANDIDATES} values were tried as the password`;
