// Flags of `serve --managed-certs` (docs/install.md#managed-certificates): the webhook keeps its own CA and serving
// certificate in two Secrets, renews them ahead of expiry and patches the caBundle of both webhook configurations.
// Pure: the raw flag texts in, a checked configuration out (or a ConfigError naming the flag and the fix).
import { policyProblems, type ManagedPolicy } from '../tls/managed-plan.js';

export interface ManagedCertsConfig {
  caSecretName: string;
  servingSecretName: string;
  /** Namespace of both Secrets and of the cert-writer Lease; undefined = the pod's own. */
  namespace?: string;
  mutatingConfiguration?: string;
  validatingConfiguration?: string;
  leaseName: string;
  policy: Omit<ManagedPolicy, 'hosts'>;
}

export interface ManagedFlagSpec {
  flag: string;
  env: string;
  type: 'string' | 'boolean';
  default: string;
  help: string;
}

const s = (flag: string, env: string, def: string, help: string): ManagedFlagSpec => ({
  flag,
  env,
  type: 'string',
  default: def,
  help,
});

export const MANAGED_CERT_FLAGS: readonly ManagedFlagSpec[] = [
  {
    flag: 'managed-certs',
    env: 'MANAGED_CERTS',
    type: 'boolean',
    default: 'false',
    help: 'keep the CA and serving certificate in Secrets (made, renewed and trusted by the cert-writer Lease holder)',
  },
  s('managed-ca-secret', 'MANAGED_CA_SECRET', 'clusterlink-webhook-managed-ca', 'Secret of the managed CA'),
  s(
    'managed-tls-secret',
    'MANAGED_TLS_SECRET',
    'clusterlink-webhook-managed-tls',
    'Secret of the managed serving certificate',
  ),
  s(
    'managed-namespace',
    'MANAGED_NAMESPACE',
    '',
    'namespace of the managed Secrets and Lease (default: POD_NAMESPACE)',
  ),
  s(
    'mutating-webhook-configuration',
    'MUTATING_WEBHOOK_CONFIGURATION',
    '',
    'MutatingWebhookConfiguration whose caBundle is kept',
  ),
  s(
    'validating-webhook-configuration',
    'VALIDATING_WEBHOOK_CONFIGURATION',
    '',
    'ValidatingWebhookConfiguration whose caBundle is kept (owns the Secrets)',
  ),
  s(
    'cert-lease-name',
    'CERT_LEASE_NAME',
    'clusterlink-webhook-cert-writer',
    'Lease of the one replica that writes the managed Secrets',
  ),
  s('cert-duration', 'CERT_DURATION', '2160h', 'lifetime of a managed serving certificate'),
  s('cert-renew-before', 'CERT_RENEW_BEFORE', '360h', 'renew the serving certificate this long before it expires'),
  s('ca-duration', 'CA_DURATION', '8760h', 'lifetime of a managed CA'),
  s(
    'ca-renew-before',
    'CA_RENEW_BEFORE',
    '720h',
    'make a new CA this long before the current one expires (both trusted meanwhile)',
  ),
  s('ca-switch-delay', 'CA_SWITCH_DELAY', '10m', 'after a new CA, keep serving from the old one at least this long'),
];

export class ManagedConfigError extends Error {}

/** Reads the managed-mode flags; undefined unless --managed-certs. */
export function parseManagedCerts(
  raw: (flag: string) => string,
  duration: (text: string, flag: string) => number,
  podNamespace: string | undefined,
): ManagedCertsConfig | undefined {
  if (!['true', '1', 'yes', 'on'].includes(raw('managed-certs').trim().toLowerCase())) return undefined;
  const d = (flag: string): number => duration(raw(flag), flag);
  const policy = {
    durationMs: d('cert-duration'),
    renewBeforeMs: d('cert-renew-before'),
    caDurationMs: d('ca-duration'),
    caRenewBeforeMs: d('ca-renew-before'),
    switchDelayMs: d('ca-switch-delay'),
  };
  const problems = policyProblems({ ...policy, hosts: ['checked elsewhere'] });
  if (problems.length > 0) throw new ManagedConfigError(`--managed-certs: ${problems.join('; ')}`);
  const opt = (flag: string): string | undefined => raw(flag).trim() || undefined;
  const caSecretName = opt('managed-ca-secret') ?? 'clusterlink-webhook-managed-ca';
  const servingSecretName = opt('managed-tls-secret') ?? 'clusterlink-webhook-managed-tls';
  if (caSecretName === servingSecretName)
    throw new ManagedConfigError('--managed-ca-secret and --managed-tls-secret must name different Secrets');
  const namespace = opt('managed-namespace') ?? podNamespace?.trim();
  const m = opt('mutating-webhook-configuration');
  const v = opt('validating-webhook-configuration');
  return {
    caSecretName,
    servingSecretName,
    leaseName: opt('cert-lease-name') ?? 'clusterlink-webhook-cert-writer',
    policy,
    ...(namespace ? { namespace } : {}),
    ...(m !== undefined ? { mutatingConfiguration: m } : {}),
    ...(v !== undefined ? { validatingConfiguration: v } : {}),
  };
}
