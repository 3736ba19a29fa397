// The one writer of the managed certificate mode (docs/install.md#managed-certificates): while it holds the
// cert-writer Lease it plans (managed-plan.ts), carries out one step through the store, and plans again until the
// Secrets are in sync; then it makes both webhook configurations trust the CA bundle. Every write is guarded by
// the resourceVersion it was planned on, so a conflict (another writer, a user) only means "read and plan again".
import type { Logger } from '../observability/log.js';
import { caBundleBase64 } from './files.js';
import { generateCertificateAuthority, generateServingCertificate, type CertificateAuthority } from './generate.js';
import {
  bundleTrusts,
  managedMetadata,
  ownershipProblem,
  pemBlocks,
  planManaged,
  ROTATED_AT_ANNOTATION,
  TLS_SECRET_TYPE,
  type ManagedPolicy,
  type ManagedStep,
  type SecretRole,
  type SecretSnapshot,
} from './managed-plan.js';

export interface SecretWrite {
  name: string;
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
}

/** One webhook configuration: the caBundle of each of its webhooks (PEM text; undefined when empty). */
export interface WebhookTrust {
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  name: string;
  uid?: string;
  resourceVersion?: string;
  bundles: Array<string | undefined>;
}

/** The API edge (src/kube/managed-cert-store.ts); a write that lost a race throws an error with writeConflict. */
export interface ManagedCertStore {
  readSecret(name: string): Promise<SecretSnapshot | undefined>;
  createSecret(secret: SecretWrite, owner?: WebhookTrust): Promise<SecretSnapshot>;
  replaceSecret(secret: SecretWrite, resourceVersion: string): Promise<SecretSnapshot>;
  /** The named configurations that exist. */
  webhookTrust(): Promise<WebhookTrust[]>;
  /** Sets caBundle on every webhook of the configuration (guarded by its resourceVersion). */
  setCaBundle(target: WebhookTrust, caBundleBase64: string): Promise<void>;
}

export const isWriteConflict = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { writeConflict?: unknown }).writeConflict === true;

export interface ManagedWriterOptions {
  store: ManagedCertStore;
  caSecretName: string;
  servingSecretName: string;
  policy: ManagedPolicy;
  logger: Logger;
  now?: () => Date;
}

export interface PassResult {
  /** When to run again at the latest (renewal due, overlap over, a retry). */
  nextAt: Date;
  /** Set when a Secret is refused (someone else's) or the pass failed. */
  problem?: string;
  /** Whether a Secret was written in this pass. */
  wrote: boolean;
}

const MAX_STEPS = 8;

/** One reconciliation: steps until in sync (or waiting), then the caBundle of both configurations. */
export async function runManagedPass(o: ManagedWriterOptions): Promise<PassResult> {
  const now = o.now ?? (() => new Date());
  let wrote = false;
  for (let i = 0; i < MAX_STEPS; i++) {
    const [ca, serving, trust] = await Promise.all([
      o.store.readSecret(o.caSecretName),
      o.store.readSecret(o.servingSecretName),
      o.store.webhookTrust(),
    ]);
    // Only a CA Secret of ours is trusted into the configurations (a foreign one is refused below).
    const ours = ca !== undefined && ownershipProblem(ca, 'ca') === undefined;
    if (ours && ca.data['ca.crt'] !== undefined && (await inject(o, trust, ca.data['ca.crt']))) continue;
    const step = planManaged({
      ca,
      serving,
      caSecretName: o.caSecretName,
      servingSecretName: o.servingSecretName,
      policy: o.policy,
      currentCaInjected: currentCaInjected(ca, trust),
      now: now(),
    });
    if (step.step === 'refuse') {
      o.logger.error({ secret: step.secret, reason: step.reason }, 'managed certificates: Secret refused');
      return { nextAt: new Date(now().getTime() + 60_000), problem: step.reason, wrote };
    }
    if (step.step === 'in-sync') return { nextAt: step.nextCheckAt, wrote };
    if (step.step === 'wait') {
      o.logger.info({ until: step.until.toISOString() }, `managed certificates: ${step.reason}`);
      return { nextAt: step.until, wrote };
    }
    try {
      await carryOut(o, step, ca, serving, trust, now());
      wrote = true;
    } catch (err) {
      if (!isWriteConflict(err)) throw err;
      o.logger.info({ step: step.step }, 'managed certificates: a Secret changed meanwhile; planning again');
    }
  }
  return { nextAt: new Date(now().getTime() + 5_000), problem: 'the Secrets did not settle', wrote };
}

function currentCaInjected(ca: SecretSnapshot | undefined, trust: WebhookTrust[]): boolean | undefined {
  const current = ca?.data['tls.crt'];
  if (current === undefined) return undefined;
  return trust.length > 0 && trust.every((t) => t.bundles.every((b) => bundleTrusts(b, current)));
}

/** Makes every webhook of both configurations trust exactly the CA bundle; true when something was written. */
async function inject(o: ManagedWriterOptions, trust: WebhookTrust[], bundlePem: string): Promise<boolean> {
  const blocks = pemBlocks(bundlePem);
  if (blocks.length === 0) return false;
  const want = blocks.join('');
  let wrote = false;
  for (const t of trust) {
    if (t.bundles.every((b) => b === want)) continue;
    try {
      await o.store.setCaBundle(t, caBundleBase64(want));
      o.logger.info({ kind: t.kind, name: t.name, cas: blocks.length }, 'managed certificates: caBundle set');
      wrote = true;
    } catch (err) {
      if (!isWriteConflict(err)) throw err;
      wrote = true; // read again
    }
  }
  return wrote;
}

function secretOf(
  name: string,
  role: SecretRole,
  data: Record<string, string>,
  extra?: Record<string, string>,
): SecretWrite {
  return { name, type: TLS_SECRET_TYPE, ...managedMetadata(role, extra), data };
}

async function write(
  o: ManagedWriterOptions,
  secret: SecretWrite,
  existing: SecretSnapshot | undefined,
  trust: WebhookTrust[],
): Promise<void> {
  // Owned by the ValidatingWebhookConfiguration: deleting it (helm uninstall) garbage-collects the Secrets.
  const owner = trust.find((t) => t.kind === 'ValidatingWebhookConfiguration' && t.uid !== undefined);
  if (existing?.resourceVersion === undefined) await o.store.createSecret(secret, owner);
  else await o.store.replaceSecret(secret, existing.resourceVersion);
}

async function carryOut(
  o: ManagedWriterOptions,
  step: Exclude<ManagedStep, { step: 'refuse' | 'in-sync' | 'wait' }>,
  ca: SecretSnapshot | undefined,
  serving: SecretSnapshot | undefined,
  trust: WebhookTrust[],
  now: Date,
): Promise<void> {
  const log = o.logger;
  if (step.step === 'new-ca') {
    const fresh = generateCertificateAuthority({
      commonName: `${o.servingSecretName}-ca`,
      lifetimeMs: o.policy.caDurationMs,
      now,
    });
    const bundle = [fresh.certPem, ...step.keep].join('');
    const extra = step.keep.length > 0 ? { [ROTATED_AT_ANNOTATION]: now.toISOString() } : undefined;
    const data = { 'tls.crt': fresh.certPem, 'tls.key': fresh.keyPem, 'ca.crt': bundle };
    await write(o, secretOf(o.caSecretName, 'ca', data, extra), step.create ? undefined : ca, trust);
    log.info(
      { secret: o.caSecretName, reason: step.reason, trusted: step.keep.length + 1 },
      'managed certificates: new CA',
    );
    return;
  }
  if (step.step === 'set-bundle') {
    const data = { ...(ca?.data ?? {}), 'ca.crt': step.bundle.join('') };
    const extra = ca?.annotations[ROTATED_AT_ANNOTATION];
    await write(
      o,
      secretOf(o.caSecretName, 'ca', data, extra ? { [ROTATED_AT_ANNOTATION]: extra } : undefined),
      ca,
      trust,
    );
    log.info(
      { secret: o.caSecretName, reason: step.reason, trusted: step.bundle.length },
      'managed certificates: CA bundle updated',
    );
    return;
  }
  const authority: CertificateAuthority = { certPem: ca?.data['tls.crt'] ?? '', keyPem: ca?.data['tls.key'] ?? '' };
  const leaf = generateServingCertificate({
    hosts: o.policy.hosts,
    ca: authority,
    lifetimeMs: o.policy.durationMs,
    capAtCaExpiry: true,
    now,
  });
  const data = { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem, 'ca.crt': ca?.data['ca.crt'] ?? authority.certPem };
  await write(o, secretOf(o.servingSecretName, 'serving', data), step.create ? undefined : serving, trust);
  log.info(
    { secret: o.servingSecretName, reason: step.reason, dnsNames: o.policy.hosts },
    'managed certificates: serving certificate issued',
  );
}
