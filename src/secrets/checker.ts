// The SecretChecker (docs/rules.md#secret-checks): reads every Secret a ClusterLink references through a SecretSource and runs
// the content checks. Independent of Kubernetes: the webhook passes a client-node source, the offline CLI a
// file-backed one. Lookups that fail are warnings (denials in strict mode); nothing here ever throws or waits
// past the caller's signal, and no Secret value reaches a message, a log line or a metric label.
import { invalid, type FieldError } from '../clusterlink/field-errors.js';
import type { ClusterLink } from '../clusterlink/types.js';
import type { Logger } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { untilAborted } from '../lib/async.js';
import { checkOtherSecret, checkSaslSecret } from './checks/sasl-secret.js';
import { checkTlsSecret, PRIVKEY } from './checks/tls-secret.js';
import { decryptWithSecret, type KeyDecryption } from './checks/encrypted-key.js';
import { sharedDecryptPool, type KeyDecryptor } from './decrypt-pool.js';
import { kib, MAX_CHECKED_SECRET_BYTES } from './limits.js';
import { referencedSecrets, secretNames, type SecretReference } from './referenced-secrets.js';
import type { SecretCheckResult, SecretChecker, SecretLookup, SecretSource } from './types.js';

type LookupFailure = Extract<SecretLookup, { found: false }>;
export type LookupFailureReason = LookupFailure['reason'];

export interface SecretCheckerOptions {
  /** Deny (instead of warn) when a Secret is missing, forbidden, unreachable or slow. */
  strict: boolean;
  now?: () => Date;
  logger?: Pick<Logger, 'warn' | 'debug'>;
  metrics?: Pick<Metrics, 'secretLookupFailures'>;
  /** Extra hook per failed lookup (reason only), e.g. for callers without prom-client. */
  onLookupFailure?: (reason: LookupFailureReason) => void;
  /** Certificates expiring within this many days are warned about (default 30). */
  expiryWarningDays?: number;
  /** Where encrypted keys are decrypted (default: the shared worker pool, off the event loop). */
  decryptor?: KeyDecryptor;
}

const FAILURE_TEXT: Record<LookupFailureReason, string> = {
  NotFound: 'not found',
  Forbidden: 'unreadable (forbidden)',
  Unavailable: 'unreadable (API unavailable)',
  Timeout: 'unreadable (lookup timed out)',
};

/**
 * How long the result of checking one Secret's content is reused. A warm SecretSource hands back the same data
 * object for every lookup, so re-checking it would only parse the same PEM again (X.509 and key parsing cost about
 * a millisecond per review, most of /validate's time); expiry warnings move with the clock, hence a bound.
 */
const CHECK_RESULT_TTL_MS = 60_000;

interface MemoEntry {
  at: number;
  result: SecretCheckResult;
}

type CheckMemoized = (
  ref: SecretReference,
  data: Record<string, Buffer>,
  keyPasswordData: Record<string, Buffer> | undefined,
  keyDecryption: KeyDecryption | undefined,
) => SecretCheckResult;

export function createSecretChecker(source: SecretSource, options: SecretCheckerOptions): SecretChecker {
  const checkMemoized = memoizedChecks(options);
  return {
    async check(link: ClusterLink, namespace: string, signal: AbortSignal): Promise<SecretCheckResult> {
      try {
        return await checkLink(source, link, namespace, signal, { options, checkMemoized });
      } catch (err) {
        // A bug in a check must not turn into a hung or failed admission: say the Secrets were not checked.
        // Only the error's own text is logged: checks never put Secret bytes into an exception.
        const detail =
          err instanceof Error ? { name: err.name, message: err.message.slice(0, 200) } : { name: 'unknown' };
        options.logger?.warn({ namespace, err: detail }, 'secret check failed (a bug)');
        return { errors: [], warnings: ['secrets were not checked: internal error in the secret checks'] };
      }
    },
  };
}

/** checkOne, with results reused per data object and reference for CHECK_RESULT_TTL_MS. */
function memoizedChecks(options: SecretCheckerOptions): CheckMemoized {
  const now = options.now ?? (() => new Date());
  // Keyed by the identity of the data object the source returned: new content is a new object (a new fetch).
  const memo = new WeakMap<Record<string, Buffer>, Map<string, MemoEntry>>();
  return (ref, data, keyPasswordData, keyDecryption) => {
    const at = now();
    // An encrypted key's result also depends on the password Secret's content: not memoized (rare).
    if (keyPasswordData !== undefined)
      return checkOne(ref, data, { keyPasswordData, keyDecryption }, at, options.expiryWarningDays);
    const key = JSON.stringify([
      ref.kind,
      ref.field,
      ref.name,
      ref.kind === 'tls' ? ref.clientAuth : null,
      ref.kind === 'tls' ? (ref.keyPassword?.name ?? null) : null,
    ]);
    let byRef = memo.get(data);
    const hit = byRef?.get(key);
    if (hit && Math.abs(at.getTime() - hit.at) < CHECK_RESULT_TTL_MS)
      return { errors: [...hit.result.errors], warnings: [...hit.result.warnings] };
    const result = checkOne(ref, data, {}, at, options.expiryWarningDays);
    if (!byRef) {
      byRef = new Map();
      memo.set(data, byRef);
    }
    byRef.set(key, { at: at.getTime(), result: { errors: [...result.errors], warnings: [...result.warnings] } });
    return result;
  };
}

interface Findings {
  errors: FieldError[];
  warnings: string[];
}

async function checkLink(
  source: SecretSource,
  link: ClusterLink,
  namespace: string,
  signal: AbortSignal,
  deps: { options: SecretCheckerOptions; checkMemoized: CheckMemoized },
): Promise<SecretCheckResult> {
  const refs = referencedSecrets(link);
  if (refs.length === 0) return { errors: [], warnings: [] };
  const names = secretNames(refs);
  const lookups = new Map(
    await Promise.all(names.map(async (name) => [name, await lookup(source, namespace, name, signal)] as const)),
  );
  const found: Findings = { errors: [], warnings: [] };
  const reportFailure = failureReporter(namespace, deps.options, found);
  for (const ref of refs) {
    const result = lookups.get(ref.name);
    if (!result) continue;
    if (!result.found) reportFailure(ref, result);
    let keyPasswordData: Record<string, Buffer> | undefined;
    if (ref.kind === 'tls' && ref.keyPassword) {
      const passwordLookup = lookups.get(ref.keyPassword.name);
      if (passwordLookup?.found) keyPasswordData = passwordLookup.data;
      else if (passwordLookup) reportFailure(ref.keyPassword, passwordLookup);
    }
    if (!result.found) continue;
    const tooBig = oversized(ref, result.data) ?? oversizedPassword(ref, keyPasswordData);
    if (tooBig !== undefined) {
      found.warnings.push(tooBig);
      continue;
    }
    const privkey = ref.kind === 'tls' ? result.data[PRIVKEY] : undefined;
    const decryptor = deps.options.decryptor ?? sharedDecryptPool();
    const keyDecryption =
      keyPasswordData && privkey ? await decryptWithSecret(privkey, keyPasswordData, decryptor, signal) : undefined;
    const checked = deps.checkMemoized(ref, result.data, keyPasswordData, keyDecryption);
    found.errors.push(...checked.errors);
    found.warnings.push(...checked.warnings);
  }
  deps.options.logger?.debug(
    { namespace, secrets: names.length, errors: found.errors.length, warnings: found.warnings.length },
    'secrets checked',
  );
  return { errors: found.errors, warnings: [...new Set(found.warnings)] };
}

/** Reports a failed lookup on a field: a warning, or an error in strict mode; counted and logged once per Secret. */
function failureReporter(
  namespace: string,
  options: SecretCheckerOptions,
  out: Findings,
): (ref: Pick<SecretReference, 'name' | 'field'>, failure: LookupFailure) => void {
  const reported = new Set<string>();
  return (ref, failure) => {
    // One failed Secret referenced from two fields is one lookup failure, reported on each field.
    if (!reported.has(ref.name)) {
      reported.add(ref.name);
      // A missing Secret is a fact about the object (GitOps may apply it next), not a fault of the webhook.
      if (failure.reason !== 'NotFound') options.metrics?.secretLookupFailures.inc({ reason: failure.reason });
      options.onLookupFailure?.(failure.reason);
      options.logger?.warn(
        { namespace, secretName: ref.name, field: ref.field, reason: failure.reason },
        'secret lookup failed',
      );
    }
    const where = failure.reason === 'NotFound' ? ` in namespace "${namespace}"` : '';
    if (options.strict) {
      out.errors.push(
        invalid(
          ref.field,
          ref.name,
          `secret ${FAILURE_TEXT[failure.reason]}${where}; denied by strict secret checking`,
        ),
      );
    } else {
      out.warnings.push(`${ref.field}: secret "${ref.name}" ${FAILURE_TEXT[failure.reason]}${where}; not checked`);
    }
  };
}

/** A warning when a Secret is too large to check (its content is then not read at all). */
function oversized(ref: Pick<SecretReference, 'name' | 'field'>, data: Record<string, Buffer>): string | undefined {
  let bytes = 0;
  for (const value of Object.values(data)) bytes += value.length;
  if (bytes <= MAX_CHECKED_SECRET_BYTES) return undefined;
  return `${ref.field}: secret "${ref.name}" holds ${kib(bytes)} of data, more than the ${kib(MAX_CHECKED_SECRET_BYTES)} the webhook checks; its content was not checked`;
}

function oversizedPassword(ref: SecretReference, data: Record<string, Buffer> | undefined): string | undefined {
  return data && ref.kind === 'tls' && ref.keyPassword ? oversized(ref.keyPassword, data) : undefined;
}

interface KeyPasswordInput {
  keyPasswordData?: Record<string, Buffer>;
  keyDecryption?: KeyDecryption | undefined;
}

function checkOne(
  ref: SecretReference,
  data: Record<string, Buffer>,
  password: KeyPasswordInput,
  now: Date,
  expiryWarningDays: number | undefined,
): SecretCheckResult {
  switch (ref.kind) {
    case 'tls': {
      const { keyPasswordData, keyDecryption } = password;
      return checkTlsSecret({
        ref,
        data,
        now,
        expiryWarningDays,
        ...(keyPasswordData ? { keyPasswordData } : {}),
        ...(keyDecryption ? { keyDecryption } : {}),
      });
    }
    case 'jaasConfig':
    case 'jaasConfigPassThrough':
    case 'oauthJaasConfig':
      return checkSaslSecret(ref, data);
    default:
      return checkOtherSecret(ref, data);
  }
}

/** One lookup that never throws and never outlives `signal` (an abort yields Timeout). */
function lookup(source: SecretSource, namespace: string, name: string, signal: AbortSignal): Promise<SecretLookup> {
  const timeout = (): SecretLookup => ({ found: false, reason: 'Timeout', message: 'admission deadline reached' });
  if (signal.aborted) return Promise.resolve(timeout());
  const pending = Promise.resolve()
    .then(() => source.get(namespace, name, signal))
    .catch((): SecretLookup => ({ found: false, reason: 'Unavailable', message: 'secret source failed' }));
  return untilAborted(pending, signal, timeout);
}

/** The checker used when no Kubernetes API is configured: it only says so. */
export function uncheckedSecretChecker(reason = 'no Kubernetes API configured'): SecretChecker {
  return {
    async check(link: ClusterLink): Promise<SecretCheckResult> {
      if (referencedSecrets(link).length === 0) return { errors: [], warnings: [] };
      return { errors: [], warnings: [`secrets were not checked: ${reason}`] };
    },
  };
}
