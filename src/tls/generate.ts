// Certificate generation: a self-signed CA and a serving certificate it signs, with the host names in the
// subjectAltName extension (clients since Go 1.15 ignore the CN). Generated keys are ECDSA P-256 (fast to make,
// small, what cert-manager and the chart's certManager mode use) written as PKCS#8; a CA the user gives may hold an
// RSA or ECDSA key (docs/install.md#certificates). The ASN.1 is written by x509-build.ts.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { buildCertificate, subjectNameDer } from './x509-build.js';

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface ServingCertificate {
  /** The serving certificate (leaf only). */
  certPem: string;
  /** Its private key, PKCS#8 PEM. */
  keyPem: string;
  /** The CA that signed it: what a client (the API server's caBundle) must trust. */
  caPem: string;
}

export interface GenerateCaOptions {
  commonName?: string;
  days?: number;
  /** Validity in milliseconds (wins over days): the managed mode's durations. */
  lifetimeMs?: number;
  now?: Date;
}

export interface GenerateServingOptions {
  /** DNS names and IP addresses for the SAN extension; the first is also the CN. */
  hosts: readonly string[];
  ca: CertificateAuthority;
  days?: number;
  /** Validity in milliseconds (wins over days). */
  lifetimeMs?: number;
  /** End the certificate no later than the CA (the managed mode); otherwise the caller checks (ca-checks.ts). */
  capAtCaExpiry?: boolean;
  now?: Date;
}

const DAY_MS = 86_400_000;
/** Backdated a little so a slightly slow clock elsewhere does not see a not-yet-valid certificate. */
const BACKDATE_MS = 5 * 60_000;

/**
 * A positive 16-byte serial (RFC 5280) whose first byte is never 0: a leading zero byte before one below 0x80 is
 * not minimal DER, and DER parsers (node-forge among them) then refuse the certificate (about 1 in 256).
 */
export function serialNumber(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`), the form brokers and most tools expect. */
const pkcs8Pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** notAfter: `lifetimeMs` when given, else `days` (default `defaultDays`). */
function notAfterOf(now: Date, days: number | undefined, lifetimeMs: number | undefined, defaultDays: number): Date {
  return new Date(now.getTime() + (lifetimeMs ?? (days ?? defaultDays) * DAY_MS));
}

export function generateCertificateAuthority(options: GenerateCaOptions = {}): CertificateAuthority {
  const keys = newKeyPair();
  const now = options.now ?? new Date();
  const certPem = buildCertificate({
    serialHex: serialNumber(),
    commonName: options.commonName ?? 'clusterlink-webhook-ca',
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: notAfterOf(now, options.days, options.lifetimeMs, 3650),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    issuerPublicKey: keys.publicKey,
    ca: true,
  });
  return { certPem, keyPem: pkcs8Pem(keys.privateKey) };
}

export function generateServingCertificate(options: GenerateServingOptions): ServingCertificate {
  const hosts = [...new Set(options.hosts.map((h) => h.trim()).filter((h) => h !== ''))];
  if (hosts.length === 0) throw new Error('a serving certificate needs at least one DNS name or IP address');
  const caKey = createPrivateKey(options.ca.keyPem);
  const caCert = new X509Certificate(options.ca.certPem);
  const now = options.now ?? new Date();
  let notAfter = notAfterOf(now, options.days, options.lifetimeMs, 365);
  // A certificate never outlives the CA that signed it (cert-manager caps it the same way).
  if (options.capAtCaExpiry === true) notAfter = new Date(Math.min(notAfter.getTime(), Date.parse(caCert.validTo)));
  const keys = newKeyPair();
  const certPem = buildCertificate({
    serialHex: serialNumber(),
    commonName: hosts[0]!.slice(0, 64),
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    issuerNameDer: subjectNameDer(options.ca.certPem),
    issuerPublicKey: createPublicKey(caKey),
    ca: false,
    hosts,
  });
  return { certPem, keyPem: pkcs8Pem(keys.privateKey), caPem: options.ca.certPem };
}

/** A fresh CA and a serving certificate for `hosts`, in one call. */
export function generateSelfSignedServing(
  hosts: readonly string[],
  options: { days?: number; caDays?: number; now?: Date } = {},
): ServingCertificate {
  const base = options.now ? { now: options.now } : {};
  const ca = generateCertificateAuthority({ ...base, days: options.caDays ?? 3650 });
  return generateServingCertificate({ ...base, hosts, ca, days: options.days ?? 365 });
}

/** The names a Kubernetes Service is reached by (the API server calls `<svc>.<ns>.svc`). */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}
