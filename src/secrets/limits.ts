// Caps on the work one Secret can cause in the webhook (docs/webhook.md#hostile-input). Any namespace user can
// create a Secret and a ClusterLink that references it, so the cost of checking it must not depend on what they
// put in it: beyond a cap the Secret's content is reported as not checked (a warning naming the Secret and the cap).

/** Total bytes of a Secret's data the content checks read: twice Mozilla's CA bundle (~220 KiB). */
export const MAX_CHECKED_SECRET_BYTES = 512 * 1024;
/** PEM blocks in one key (fullchain.pem, cacerts.pem): a trust bundle with every public root CA has ~150. */
export const MAX_PEM_BLOCKS = 500;
/** Password candidates tried against an encrypted privkey.pem (keyPassword Secrets hold one or two values). */
export const MAX_PASSWORD_CANDIDATES = 8;
/**
 * Key-derivation iterations of an encrypted privkey.pem (PBKDF2, PKCS#12 PBE). openssl uses 2,048 and keytool
 * 10,000; OWASP recommends 600,000 for PBKDF2-SHA256. One million costs ~0.7 s of one core here.
 */
export const MAX_KDF_ITERATIONS = 1_000_000;
/** scrypt memory (128·N·r·p bytes) of an encrypted privkey.pem: 64 MiB (openssl's default N=16384, r=8 uses 16). */
export const MAX_SCRYPT_BYTES = 64 * 1024 * 1024;

export const kib = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;
