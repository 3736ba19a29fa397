// Certificate generation with node-forge: a self-signed CA and a serving certificate it signs, with the
// host names in the subjectAltName extension (clients since Go 1.15 ignore the CN). Keys are RSA 2048
// (forge generates them with Node's native crypto when available) and written as PKCS#8.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

const { pki } = forge;

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
  now?: Date;
}

export interface GenerateServingOptions {
  /** DNS names and IP addresses for the SAN extension; the first is also the CN. */
  hosts: readonly string[];
  ca: CertificateAuthority;
  days?: number;
  now?: Date;
}

const DAY_MS = 86_400_000;

/** forge writes CRLF line ends; every other tool (and a diff of a Secret) expects LF. */
const lf = (pem: string): string => pem.replace(/\r\n/g, '\n');

/**
 * A positive 16-byte serial (RFC 5280) whose first byte is never 0: a leading zero byte before one below 0x80 is
 * not minimal DER, and node-forge then refuses to parse the certificate ("illegal padding", about 1 in 256).
 */
export function serialNumber(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function newKeyPair(): forge.pki.rsa.KeyPair {
  return pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  // Backdate a little so a slightly slow clock elsewhere does not see a not-yet-valid certificate.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`), the form brokers and most tools expect. */
function privateKeyToPkcs8Pem(key: forge.pki.rsa.PrivateKey): string {
  return lf(pki.privateKeyInfoToPem(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key))));
}

export function generateCertificateAuthority(options: GenerateCaOptions = {}): CertificateAuthority {
  const keys = newKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, options.now ?? new Date(), options.days ?? 3650);
  const attrs = [{ name: 'commonName', value: options.commonName ?? 'clusterlink-webhook-ca' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: lf(pki.certificateToPem(cert)), keyPem: privateKeyToPkcs8Pem(keys.privateKey) };
}

/** SAN entries: type 2 = dNSName, type 7 = iPAddress. */
function subjectAltNames(hosts: readonly string[]): Array<{ type: number; value?: string; ip?: string }> {
  return hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
}

export function generateServingCertificate(options: GenerateServingOptions): ServingCertificate {
  const hosts = [...new Set(options.hosts.map((h) => h.trim()).filter((h) => h !== ''))];
  if (hosts.length === 0) throw new Error('a serving certificate needs at least one DNS name or IP address');
  const caCert = pki.certificateFromPem(options.ca.certPem);
  const caKey = pki.privateKeyFromPem(options.ca.keyPem);
  const keys = newKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, options.now ?? new Date(), options.days ?? 365);
  cert.setSubject([{ name: 'commonName', value: hosts[0]!.slice(0, 64) }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: subjectAltNames(hosts) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return {
    certPem: lf(pki.certificateToPem(cert)),
    keyPem: privateKeyToPkcs8Pem(keys.privateKey),
    caPem: options.ca.certPem,
  };
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
