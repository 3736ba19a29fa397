// The managed certificate mode's decisions (docs/install.md#managed-certificates), as pure functions: the two
// Secrets as they are now and the clock in, the one next step out. The writer (managed-writer.ts) carries the
// step out through the API and plans again, until the Secrets are in sync. Never a write to a Secret that this
// project did not create: a Secret without our label and role annotation is refused with a reason.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { pemBlocks as scanPemBlocks } from '../lib/pem-blocks.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'clusterlink-webhook';
/** `ca` or `serving`: what the Secret holds, so a CA Secret is never taken for a serving one. */
export const ROLE_ANNOTATION = 'clusterlink-webhook.io/certificate';
/** When the current CA replaced the previous one (ISO time): the serving certificate switches after a delay. */
export const ROTATED_AT_ANNOTATION = 'clusterlink-webhook.io/ca-rotated-at';
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export type SecretRole = 'ca' | 'serving';

/** A Secret as read: the data decoded to text. */
export interface SecretSnapshot {
  name: string;
  type?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
  resourceVersion?: string;
}

export interface ManagedPolicy {
  /** DNS names and IP addresses of the serving certificate. */
  hosts: readonly string[];
  caDurationMs: number;
  /** A new CA is made this long before the current one expires; both are trusted meanwhile. */
  caRenewBeforeMs: number;
  durationMs: number;
  renewBeforeMs: number;
  /** After a CA rotation the serving certificate stays on the old CA at least this long. */
  switchDelayMs: number;
}

export interface PlanInput {
  ca: SecretSnapshot | undefined;
  serving: SecretSnapshot | undefined;
  caSecretName: string;
  servingSecretName: string;
  policy: ManagedPolicy;
  /** Whether both webhook configurations trust the current CA (undefined: not known). */
  currentCaInjected: boolean | undefined;
  now: Date;
}

export type ManagedStep =
  | { step: 'refuse'; secret: string; reason: string }
  | { step: 'new-ca'; create: boolean; reason: string; keep: string[] }
  | { step: 'set-bundle'; reason: string; bundle: string[] }
  | { step: 'issue-serving'; create: boolean; reason: string }
  | { step: 'wait'; reason: string; until: Date }
  | { step: 'in-sync'; nextCheckAt: Date };

/** Problems with a policy (flags or chart values), each a sentence that says how to fix it. */
export function policyProblems(p: ManagedPolicy): string[] {
  const out: string[] = [];
  const h = (ms: number): string => `${Math.round(ms / 36_000) / 100}h`;
  if (p.hosts.length === 0) out.push('the serving certificate needs at least one DNS name: give --dns-name');
  if (p.renewBeforeMs >= p.durationMs)
    out.push(`renewBefore (${h(p.renewBeforeMs)}) must be shorter than duration (${h(p.durationMs)})`);
  if (p.caRenewBeforeMs >= p.caDurationMs)
    out.push(`caRenewBefore (${h(p.caRenewBeforeMs)}) must be shorter than caDuration (${h(p.caDurationMs)})`);
  if (p.durationMs >= p.caDurationMs)
    out.push(`the CA must outlive the serving certificate: caDuration (${h(p.caDurationMs)}) > duration`);
  if (p.renewBeforeMs >= p.caRenewBeforeMs)
    out.push(
      `caRenewBefore (${h(p.caRenewBeforeMs)}) must be longer than renewBefore (${h(p.renewBeforeMs)}): the CA rotates before a serving certificate capped at its expiry is due`,
    );
  if (p.switchDelayMs >= p.caRenewBeforeMs)
    out.push(`the CA switch delay (${h(p.switchDelayMs)}) must be shorter than caRenewBefore`);
  return out;
}

/** Every PEM certificate block in a text. */
/** More blocks than any CA bundle we write holds (at most two CAs); the rest of a hostile bundle is not read. */
const MAX_BUNDLE_BLOCKS = 100;

/** The CERTIFICATE blocks of a bundle, one PEM text each (a one-pass scan: a hostile bundle cannot stall it). */
export function pemBlocks(text: string | undefined): string[] {
  return scanPemBlocks(text ?? '', MAX_BUNDLE_BLOCKS)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => `${b.text}\n`);
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** Why a Secret may not be written by us, or undefined when it is ours (our label, our role, a TLS Secret). */
export function ownershipProblem(s: SecretSnapshot, role: SecretRole): string | undefined {
  if (s.labels[MANAGED_BY_LABEL] !== MANAGED_BY || s.annotations[ROLE_ANNOTATION] === undefined)
    return `Secret ${s.name} exists and was not created by clusterlink-webhook (no label ${MANAGED_BY_LABEL}=${MANAGED_BY} and annotation ${ROLE_ANNOTATION}): it is never overwritten; delete it, or name other Secrets (certificates.managed.caSecretName / secretName)`;
  if (s.annotations[ROLE_ANNOTATION] !== role)
    return `Secret ${s.name} holds the ${s.annotations[ROLE_ANNOTATION]} certificate, not the ${role} one: give the CA and the serving certificate different Secret names`;
  if (s.type !== TLS_SECRET_TYPE)
    return `Secret ${s.name} is of type ${s.type ?? 'Opaque'}, not ${TLS_SECRET_TYPE}: delete it so that it is made again`;
  return undefined;
}

interface CaView {
  cert: X509Certificate;
  pem: string;
  notAfter: number;
}

/** The CA in the Secret, or why it cannot sign. */
function readCa(s: SecretSnapshot): { ca: CaView } | { problem: string } {
  const pem = s.data['tls.crt'];
  const cert = pem === undefined ? undefined : parse(pem);
  if (!cert || pem === undefined) return { problem: `the CA certificate in ${s.name} is missing or does not parse` };
  if (!cert.ca) return { problem: `the certificate in ${s.name} is not a CA` };
  try {
    if (!cert.checkPrivateKey(createPrivateKey(s.data['tls.key'] ?? '')))
      return { problem: `the CA key in ${s.name} does not match its certificate` };
  } catch {
    return { problem: `the CA key in ${s.name} is missing or does not parse` };
  }
  return { ca: { cert, pem, notAfter: Date.parse(cert.validTo) } };
}

/** CAs of the bundle that are still valid at `now` (unparsable blocks dropped). */
function validBundle(s: SecretSnapshot, now: number): X509Certificate[] {
  return pemBlocks(s.data['ca.crt'])
    .map(parse)
    .filter((c): c is X509Certificate => c !== undefined && Date.parse(c.validTo) > now);
}

/** The one next step. Pure: the same Secrets and clock give the same step. */
export function planManaged(input: PlanInput): ManagedStep {
  const now = input.now.getTime();
  const { policy } = input;
  if (input.ca) {
    const problem = ownershipProblem(input.ca, 'ca');
    if (problem) return { step: 'refuse', secret: input.ca.name, reason: problem };
  }
  if (input.serving) {
    const problem = ownershipProblem(input.serving, 'serving');
    if (problem) return { step: 'refuse', secret: input.serving.name, reason: problem };
  }
  if (!input.ca) return { step: 'new-ca', create: true, reason: 'no CA Secret yet', keep: [] };
  const read = readCa(input.ca);
  const stillTrusted = validBundle(input.ca, now);
  if ('problem' in read)
    return { step: 'new-ca', create: false, reason: read.problem, keep: stillTrusted.map((c) => c.toString()) };
  const { ca } = read;
  if (now >= ca.notAfter - policy.caRenewBeforeMs) {
    const keep = [ca.pem, ...stillTrusted.map((c) => c.toString())];
    return { step: 'new-ca', create: false, reason: `the CA expires on ${ca.cert.validTo}`, keep: dedupe(keep) };
  }
  const bundleStep = bundleRepair(input.ca, ca, stillTrusted, now);
  if (bundleStep) return bundleStep;
  return planServing(input, ca, stillTrusted, now);
}

function dedupe(pems: string[]): string[] {
  const seen = new Set<string>();
  return pems.filter((p) => {
    const fp = parse(p)?.fingerprint256 ?? p;
    if (seen.has(fp)) return false;
    seen.add(fp);
    return true;
  });
}

/** ca.crt must hold the current CA first, then the older CAs still valid, and nothing expired or broken. */
function bundleRepair(s: SecretSnapshot, ca: CaView, trusted: X509Certificate[], now: number): ManagedStep | undefined {
  const others = trusted.filter((c) => c.fingerprint256 !== ca.cert.fingerprint256);
  const want = [ca.pem, ...others.map((c) => c.toString())];
  const have = pemBlocks(s.data['ca.crt']).map((p) => parse(p)?.fingerprint256 ?? 'broken');
  const wantPrints = [ca.cert.fingerprint256, ...others.map((c) => c.fingerprint256)];
  if (have.join() === wantPrints.join()) return undefined;
  const dropped = pemBlocks(s.data['ca.crt']).length - trusted.length;
  const reason =
    dropped > 0
      ? `${dropped} CA certificate(s) in the bundle expired or do not parse at ${new Date(now).toISOString()}`
      : 'the bundle does not start with the current CA';
  return { step: 'set-bundle', reason, bundle: want };
}

function planServing(input: PlanInput, ca: CaView, trusted: X509Certificate[], now: number): ManagedStep {
  const { policy } = input;
  const s = input.serving;
  if (!s) return { step: 'issue-serving', create: true, reason: 'no serving certificate Secret yet' };
  const cert = parse(s.data['tls.crt'] ?? '');
  if (!cert) return { step: 'issue-serving', create: false, reason: `the certificate in ${s.name} does not parse` };
  try {
    if (!cert.checkPrivateKey(createPrivateKey(s.data['tls.key'] ?? '')))
      return { step: 'issue-serving', create: false, reason: `the key in ${s.name} does not match its certificate` };
  } catch {
    return { step: 'issue-serving', create: false, reason: `the key in ${s.name} is missing or does not parse` };
  }
  const notAfter = Date.parse(cert.validTo);
  const missing = policy.hosts.filter((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) === undefined);
  if (missing.length > 0)
    return { step: 'issue-serving', create: false, reason: `the serving certificate lacks ${missing.join(', ')}` };
  if (now >= notAfter - policy.renewBeforeMs)
    return { step: 'issue-serving', create: false, reason: `the serving certificate expires on ${cert.validTo}` };
  if (!cert.verify(ca.cert.publicKey)) {
    const byOld = trusted.some((c) => c.fingerprint256 !== ca.cert.fingerprint256 && cert.verify(c.publicKey));
    if (!byOld)
      return { step: 'issue-serving', create: false, reason: 'the serving certificate is signed by no trusted CA' };
    return switchAfterOverlap(input, now);
  }
  return { step: 'in-sync', nextCheckAt: new Date(nextCheck(ca, trusted, notAfter, policy)) };
}

/** Signed by the previous CA: the serving certificate moves to the new CA once both are trusted long enough. */
function switchAfterOverlap(input: PlanInput, now: number): ManagedStep {
  const rotatedAt = Date.parse(input.ca?.annotations[ROTATED_AT_ANNOTATION] ?? '');
  const switchAt = (Number.isNaN(rotatedAt) ? now : rotatedAt) + input.policy.switchDelayMs;
  if (input.currentCaInjected !== true)
    return {
      step: 'wait',
      reason: 'the webhook configurations do not trust the new CA yet',
      until: new Date(now + 10_000),
    };
  if (now < switchAt)
    return {
      step: 'wait',
      reason: 'old and new CA are trusted; the serving certificate switches after the delay',
      until: new Date(switchAt),
    };
  return { step: 'issue-serving', create: false, reason: 'the serving certificate moves to the new CA' };
}

function nextCheck(ca: CaView, trusted: X509Certificate[], leafNotAfter: number, p: ManagedPolicy): number {
  const older = trusted.filter((c) => c.fingerprint256 !== ca.cert.fingerprint256).map((c) => Date.parse(c.validTo));
  return Math.min(ca.notAfter - p.caRenewBeforeMs, leafNotAfter - p.renewBeforeMs, ...older);
}

/** The Secret contents a step writes (labels and annotations that mark them ours). */
export function managedMetadata(
  role: SecretRole,
  extra: Record<string, string> = {},
): { labels: Record<string, string>; annotations: Record<string, string> } {
  return { labels: { [MANAGED_BY_LABEL]: MANAGED_BY }, annotations: { [ROLE_ANNOTATION]: role, ...extra } };
}

/** Whether a caBundle (PEM text) trusts `caPem`. */
export function bundleTrusts(bundlePem: string | undefined, caPem: string): boolean {
  const want = parse(caPem)?.fingerprint256;
  return want !== undefined && pemBlocks(bundlePem).some((b) => parse(b)?.fingerprint256 === want);
}
