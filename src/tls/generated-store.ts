// The CA and serving certificate `serve` makes when no certificate files are given, kept in --cert-dir across
// restarts (docs/webhook.md#certificates): a caBundle that changes under a running cluster is an outage, so a
// CA is reused while it is valid, a serving certificate is re-issued from it when it nears expiry or lacks a
// name, and a new CA is made only when the old one is missing, broken or expiring.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCertificateFiles, type CertificateFiles } from './files.js';
import { generateCertificateAuthority, generateServingCertificate, type CertificateAuthority } from './generate.js';

const DAY_MS = 86_400_000;

export interface StoredMaterial {
  caPem?: string;
  caKeyPem?: string;
  certPem?: string;
  keyPem?: string;
}

export type GeneratedPlan =
  { action: 'reuse'; reason: string } | { action: 'reissue'; reason: string } | { action: 'new-ca'; reason: string };

export interface PlanOptions {
  hosts: readonly string[];
  now: Date;
  /** Renew this long before notAfter (default 30 days). */
  renewBeforeMs?: number;
}

/** What to do with what --cert-dir holds. Pure: the files' contents in, a decision and its reason out. */
export function planGenerated(stored: StoredMaterial, options: PlanOptions): GeneratedPlan {
  const renewBefore = options.renewBeforeMs ?? 30 * DAY_MS;
  const caProblem = checkCa(stored, options.now.getTime() + renewBefore);
  if (caProblem) return { action: 'new-ca', reason: caProblem };
  const leafProblem = checkLeaf(stored, options.hosts, options.now.getTime() + renewBefore);
  if (leafProblem) return { action: 'reissue', reason: leafProblem };
  return { action: 'reuse', reason: 'the CA and serving certificate in --cert-dir are valid' };
}

function checkCa(stored: StoredMaterial, renewAt: number): string | undefined {
  if (stored.caPem === undefined || stored.caKeyPem === undefined) return 'no CA (ca.crt and ca.key) in --cert-dir';
  try {
    const ca = new X509Certificate(stored.caPem);
    if (!ca.ca) return 'ca.crt is not a CA certificate';
    if (!ca.checkPrivateKey(createPrivateKey(stored.caKeyPem))) return 'ca.key does not match ca.crt';
    if (Date.parse(ca.validTo) <= renewAt) return `the CA expires on ${ca.validTo}`;
    return undefined;
  } catch {
    return 'ca.crt or ca.key does not parse';
  }
}

function checkLeaf(stored: StoredMaterial, hosts: readonly string[], renewAt: number): string | undefined {
  if (stored.certPem === undefined || stored.keyPem === undefined) return 'no serving certificate in --cert-dir';
  try {
    const cert = new X509Certificate(stored.certPem);
    const ca = new X509Certificate(stored.caPem ?? '');
    if (!cert.verify(ca.publicKey)) return 'tls.crt is not signed by ca.crt';
    if (!cert.checkPrivateKey(createPrivateKey(stored.keyPem))) return 'tls.key does not match tls.crt';
    if (Date.parse(cert.validTo) <= renewAt) return `the serving certificate expires on ${cert.validTo}`;
    // checkIP throws on a DNS name: ask the question that fits the name.
    const missing = hosts.filter((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) === undefined);
    if (missing.length > 0) return `the serving certificate lacks ${missing.join(', ')}`;
    return undefined;
  } catch {
    return 'tls.crt or tls.key does not parse';
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function readStored(dir: string): Promise<StoredMaterial> {
  const [caPem, caKeyPem, certPem, keyPem] = await Promise.all(
    ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'].map((f) => readOptional(join(dir, f))),
  );
  return {
    ...(caPem !== undefined ? { caPem } : {}),
    ...(caKeyPem !== undefined ? { caKeyPem } : {}),
    ...(certPem !== undefined ? { certPem } : {}),
    ...(keyPem !== undefined ? { keyPem } : {}),
  };
}

export interface LoadedGenerated {
  certPem: string;
  keyPem: string;
  caPem: string;
  files: CertificateFiles;
  plan: GeneratedPlan;
}

/** Reuses, re-issues or makes the material in `dir` (see planGenerated); writes only what changed. */
export async function loadOrGenerate(dir: string, options: PlanOptions): Promise<LoadedGenerated> {
  const stored = await readStored(dir);
  const plan = planGenerated(stored, options);
  const files: CertificateFiles = {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    caKeyFile: join(dir, 'ca.key'),
  };
  if (plan.action === 'reuse')
    return { certPem: stored.certPem!, keyPem: stored.keyPem!, caPem: stored.caPem!, files, plan };
  const ca: CertificateAuthority =
    plan.action === 'reissue'
      ? { certPem: stored.caPem!, keyPem: stored.caKeyPem! }
      : generateCertificateAuthority({ now: options.now });
  const serving = generateServingCertificate({ hosts: options.hosts, ca, now: options.now });
  const written = await writeCertificateFiles(dir, {
    caPem: ca.certPem,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    caKeyPem: ca.keyPem,
  });
  return { certPem: serving.certPem, keyPem: serving.keyPem, caPem: ca.certPem, files: written, plan };
}
