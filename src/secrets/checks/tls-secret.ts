// Checks the content of a `tls.secretRef` Secret the way the brokers will read it (docs/rules.md#secret-checks):
// PEM only, PKCS#8 keys, key ↔ leaf certificate match, expiry. Messages name the Secret and its keys, never a value.
import { cappedCandidates, keyDerivationProblem, passwordCandidates } from '../key-password.js';
import { CANDIDATES_CAPPED, type KeyDecryption } from './encrypted-key.js';
import type { X509Certificate, KeyObject } from 'node:crypto';
import { forbidden, invalid, required, type FieldError } from '../../clusterlink/field-errors.js';
import { hasOwn } from '../../lib/json.js';
import type { SecretCheckResult } from '../types.js';
import type { TlsSecretReference } from '../referenced-secrets.js';
import {
  allowsClientAuth,
  decryptPrivateKey,
  isoDay,
  keyMatchesCertificate,
  parseCertificates,
  parsePrivateKey,
  type PrivateKeyParse,
} from '../pem.js';

const FULLCHAIN = 'fullchain.pem';
export const PRIVKEY = 'privkey.pem';
const CACERTS = 'cacerts.pem';
const PEM_KEYS = [FULLCHAIN, PRIVKEY, CACERTS] as const;
const JKS_KEYS = ['keystore.jks', 'truststore.jks', 'jksPassword.txt'] as const;
/** kubernetes.io/tls and cert-manager names, and what CFK wants instead. */
const RENAMES: Record<string, string> = { 'tls.crt': FULLCHAIN, 'tls.key': PRIVKEY, 'ca.crt': CACERTS };

const PKCS8_HINT = `convert it with "openssl pkcs8 -topk8 -nocrypt -in key.pem -out ${PRIVKEY}"`;
const JKS_HINT =
  'only PEM is supported for ClusterLink: convert with "keytool -importkeystore -srckeystore keystore.jks ' +
  '-destkeystore ks.p12 -deststoretype PKCS12", then "openssl pkcs12 -in ks.p12" to extract ' +
  `${FULLCHAIN}, ${PRIVKEY} (PKCS#8) and ${CACERTS}`;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TlsCheckInput {
  ref: TlsSecretReference;
  data: Record<string, Buffer>;
  /** Data of the keyPassword Secret when it was read; undefined when not referenced or not readable. */
  keyPasswordData?: Record<string, Buffer>;
  /** privkey.pem already decrypted off the event loop (the checker does that); else it is decrypted here. */
  keyDecryption?: KeyDecryption;
  now: Date;
  /** Warn about certificates expiring within this many days (default 30). */
  expiryWarningDays?: number;
}

/** Where one Secret's findings go, with the Secret's name and field already in every message. */
interface Report {
  errors: FieldError[];
  warnings: string[];
  has: (key: string) => boolean;
  fail: (detail: string) => void;
  warn: (text: string) => void;
}

function reportFor(ref: TlsSecretReference, data: Record<string, Buffer>): Report {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    has: (key) => hasOwn(data, key),
    fail: (detail) => void errors.push(invalid(ref.field, ref.name, detail)),
    warn: (text) => void warnings.push(`${ref.field}: secret "${ref.name}" ${text}`),
  };
}

export function checkTlsSecret(input: TlsCheckInput): SecretCheckResult {
  const { ref } = input;
  const report = reportFor(ref, input.data);
  if (onlyJks(report, ref)) return { errors: report.errors, warnings: report.warnings };
  checkMissingKeys(report, ref);
  const { chain, cas, key } = parseMaterial(report, input);
  const { has, warn, fail } = report;
  if (!ref.clientAuth && has(FULLCHAIN) !== has(PRIVKEY)) {
    warn(
      `has ${has(FULLCHAIN) ? FULLCHAIN : PRIVKEY} without ${has(FULLCHAIN) ? PRIVKEY : FULLCHAIN}; both or neither`,
    );
  }
  const leaf = chain?.[0];
  if (leaf && key && !keyMatchesCertificate(key, leaf)) {
    fail(`key "${PRIVKEY}" does not match the first certificate of "${FULLCHAIN}" (the leaf must come first)`);
  }
  if (leaf && ref.clientAuth && !allowsClientAuth(leaf)) {
    warn(`${FULLCHAIN} leaf certificate lacks the clientAuth extended key usage needed for mTLS`);
  }
  warnAboutValidity(report, input, chain, FULLCHAIN);
  warnAboutValidity(report, input, cas, CACERTS);
  return { errors: report.errors, warnings: report.warnings };
}

/** JKS keys: refused when there is no PEM at all (true: nothing else to check), else ignored with a warning. */
function onlyJks(report: Report, ref: TlsSecretReference): boolean {
  const jksKeys = JKS_KEYS.filter(report.has);
  const pemKeys = PEM_KEYS.filter(report.has);
  if (jksKeys.length > 0 && pemKeys.length === 0) {
    report.errors.push(
      forbidden(ref.field, `secret "${ref.name}" holds JKS material (${jksKeys.join(', ')}); ${JKS_HINT}`),
    );
    return true;
  }
  if (jksKeys.length > 0) report.warn(`also holds ${jksKeys.join(', ')}; JKS keys are ignored for ClusterLink`);
  return false;
}

function checkMissingKeys(report: Report, ref: TlsSecretReference): void {
  const needed = ref.clientAuth ? PEM_KEYS : [CACERTS];
  const missing = needed.filter((key) => !report.has(key));
  if (missing.length === 0) return;
  const why = ref.clientAuth ? 'mutual TLS needs fullchain.pem, privkey.pem and cacerts.pem' : 'TLS needs cacerts.pem';
  const renames = Object.keys(RENAMES)
    .filter((from) => report.has(from) && missing.includes(RENAMES[from] as (typeof PEM_KEYS)[number]))
    .map((from) => `${from} → ${RENAMES[from]}`);
  const hint = renames.length > 0 ? `; rename the keys (${renames.join(', ')})` : '';
  report.fail(`secret has no key ${missing.map((k) => `"${k}"`).join(', ')} (${why})${hint}`);
}

/** The certificates and the key that parse; each one that does not is an error. */
function parseMaterial(
  report: Report,
  input: TlsCheckInput,
): { chain?: X509Certificate[]; cas?: X509Certificate[]; key?: KeyObject } {
  const { data } = input;
  const certificatesOf = (name: string): X509Certificate[] | undefined => {
    if (!report.has(name)) return undefined;
    const parsed = parseCertificates(data[name]!);
    if (parsed.ok) return parsed.certificates;
    report.fail(`key "${name}" ${parsed.problem}`);
    return undefined;
  };
  const chain = certificatesOf(FULLCHAIN);
  const cas = certificatesOf(CACERTS);
  let key: KeyObject | undefined;
  if (report.has(PRIVKEY)) {
    const parsed = resolveKey(parsePrivateKey(data[PRIVKEY]!), input, report.errors, report.warn);
    if (parsed?.kind === 'key') key = parsed.key;
    else if (parsed?.kind === 'problem') {
      report.fail(`key "${PRIVKEY}" ${parsed.problem}${parsed.legacyFormat !== undefined ? `; ${PKCS8_HINT}` : ''}`);
    }
  }
  return { chain, cas, key };
}

/** Expired, expiring within the warning window, or not yet valid: a warning per certificate. */
function warnAboutValidity(
  report: Report,
  input: TlsCheckInput,
  certs: X509Certificate[] | undefined,
  key: string,
): void {
  const soonMs = (input.expiryWarningDays ?? 30) * DAY_MS;
  const now = input.now.getTime();
  for (const [i, cert] of (certs ?? []).entries()) {
    const notAfter = new Date(cert.validTo);
    const notBefore = new Date(cert.validFrom);
    const which = certs!.length > 1 ? `${key} cert ${i + 1}` : `${key} cert`;
    if (notAfter.getTime() <= now) report.warn(`${which} expired on ${isoDay(notAfter)}`);
    else if (notAfter.getTime() - now <= soonMs) {
      const days = Math.ceil((notAfter.getTime() - now) / DAY_MS);
      report.warn(`${which} expires in ${days} day${days === 1 ? '' : 's'} (${isoDay(notAfter)})`);
    } else if (notBefore.getTime() > now) report.warn(`${which} is not valid before ${isoDay(notBefore)}`);
  }
}

/** Turns an encrypted key into a usable one with the keyPassword Secret, or records why it cannot. */
function resolveKey(
  parsed: PrivateKeyParse,
  input: TlsCheckInput,
  errors: FieldError[],
  warn: (text: string) => void,
): PrivateKeyParse | undefined {
  const { ref } = input;
  const passwordRef = ref.keyPassword;
  if (parsed.kind === 'key') {
    if (passwordRef)
      warn(`${PRIVKEY} is not encrypted but tls.keyPassword is set; brokers expect an encrypted key then`);
    return parsed;
  }
  if (parsed.kind !== 'encrypted') return parsed;
  if (!passwordRef) {
    const path = ref.field.replace(/secretRef$/, 'keyPassword.secretRef');
    errors.push(
      required(path, `"${PRIVKEY}" of secret "${ref.name}" is encrypted: reference a Secret holding its password`),
    );
    return undefined;
  }
  // Unreadable keyPassword Secret: the checker reports that lookup on its own field.
  if (!input.keyPasswordData) return undefined;
  const decryption = input.keyDecryption ?? decryptHere(parsed.text, input.keyPasswordData);
  const capped = decryption.kind === 'key' || decryption.kind === 'wrong-password' ? decryption.capped : false;
  if (capped) warn(`is decrypted with secret "${passwordRef.name}", of which ${CANDIDATES_CAPPED}`);
  switch (decryption.kind) {
    case 'key':
      return decryption.parse;
    case 'no-candidates':
      errors.push(invalid(passwordRef.field, passwordRef.name, 'secret has no data'));
      return undefined;
    case 'not-checked':
      warn(`${PRIVKEY} was not decrypted: ${decryption.why}; its key was not checked`);
      return undefined;
    case 'wrong-password':
      errors.push(
        invalid(
          passwordRef.field,
          passwordRef.name,
          `no value in this secret decrypts "${PRIVKEY}" of secret "${ref.name}"`,
        ),
      );
      return undefined;
  }
}

/** The synchronous path (callers without a decrypt pool): the same caps, on this thread. */
function decryptHere(text: string, passwordData: Record<string, Buffer>): KeyDecryption {
  const tooCostly = keyDerivationProblem(text);
  if (tooCostly !== undefined) return { kind: 'not-checked', why: tooCostly };
  const { candidates, capped } = cappedCandidates(passwordData);
  if (candidates.length === 0) return { kind: 'no-candidates' };
  for (const candidate of candidates) {
    const decrypted = decryptPrivateKey(text, candidate);
    if (decrypted) return { kind: 'key', parse: decrypted, capped };
  }
  return { kind: 'wrong-password', capped };
}

export { passwordCandidates };
