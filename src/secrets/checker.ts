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
import type { LookupSignal, SecretCheckResult, SecretChecker, SecretLookup, SecretSource } from './types.js';

type LookupFailure = Extract<SecretLookup, { found: false }>;
export type LookupFailureReason = LookupFailure['reason'];

export interface SecretCheckerOptions {
  /** Deny (instead of warn) when a Secret is missing, forbidden, unreachable or slow. */
  strict: boolean;
  now?: () => Date;
  logger?: Pick<Logger, 'warn' | 'debug' | 'isLevelEnabled'>;
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
    async check(link: ClusterLink, namespace: string, signal: LookupSignal): Promise<SecretCheckResult> {
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
  const clock = options.now;
  const nowMs = clock ? () => clock().getTime() : Date.now;
  // Keyed by the identity of the data object the source returned: new content is a new object (a new fetch).
  const memo = new WeakMap<Record<string, Buffer>, Map<string, MemoEntry>>();
  return (ref, data, keyPasswordData, keyDecryption) => {
    const at = nowMs();
    // An encrypted key's result also depends on the password Secret's content: not memoized (rare).
    if (keyPasswordData !== undefined)
      return checkOne(ref, data, { keyPasswordData, keyDecryption }, new Date(at), options.expiryWarningDays);
    const key = memoKey(ref);
    let byRef = memo.get(data);
    const hit = byRef?.get(key);
    // The memoized result itself: callers only copy its findings out (checkLink), never change it.
    if (hit && Math.abs(at - hit.at) < CHECK_RESULT_TTL_MS) return hit.result;
    const result = checkOne(ref, data, {}, new Date(at), options.expiryWarningDays);
    if (!byRef) {
      byRef = new Map();
      memo.set(data, byRef);
    }
    byRef.set(key, { at, result: { errors: [...result.errors], warnings: [...result.warnings] } });
    return result;
  };
}

/** What a check's result depends on besides the data: one string, NUL-separated (no Kubernetes name holds a NUL). */
function memoKey(ref: SecretReference): string {
  const tls = ref.kind === 'tls' ? `\u0000${String(ref.clientAuth)}\u0000${ref.keyPassword?.name ?? ''}` : '';
  return `${ref.kind}\u0000${ref.field}\u0000${ref.name}${tls}`;
}

interface Findings {
  errors: FieldError[];
  warnings: string[];
}

async function checkLink(
  source: SecretSource,
  link: ClusterLink,
  namespace: string,
  signal: LookupSignal,
  deps: { options: SecretCheckerOptions; checkMemoized: CheckMemoized },
): Promise<SecretCheckResult> {
  const refs = referencedSecrets(link);
  if (refs.length === 0) return { errors: [], warnings: [] };
  const names = secretNames(refs);
  const lookups = cachedLookups(source, namespace, names) ?? (await lookupAll(source, namespace, names, signal));
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
    const keyDecryption =
      keyPasswordData && privkey
        ? await decryptWithSecret(
            privkey,
            keyPasswordData,
            deps.options.decryptor ?? sharedDecryptPool(),
            signalOf(signal),
          )
        : undefined;
    const checked = deps.checkMemoized(ref, result.data, keyPasswordData, keyDecryption);
    for (const error of checked.errors) found.errors.push(error);
    for (const warning of checked.warnings) found.warnings.push(warning);
  }
  const { logger } = deps.options;
  if (logger?.isLevelEnabled('debug'))
    logger.debug(
      { namespace, secrets: names.length, errors: found.errors.length, warnings: found.warnings.length },
      'secrets checked',
    );
  return { errors: found.errors, warnings: found.warnings.length > 1 ? [...new Set(found.warnings)] : found.warnings };
}

/** Reports a failed lookup on a field: a warning, or an error in strict mode; counted and logged once per Secret. */
function failureReporter(
  namespace: string,
  options: SecretCheckerOptions,
  out: Findings,
): (ref: Pick<SecretReference, 'name' | 'field'>, failure: LookupFailure) => void {
  // Made at the first failure: most reviews have none.
  let reported: Set<string> | undefined;
  return (ref, failure) => {
    // One failed Secret referenced from two fields is one lookup failure, reported on each field.
    reported ??= new Set();
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

function signalOf(signal: LookupSignal): AbortSignal {
  return signal instanceof AbortSignal ? signal : signal.signal;
}

/** Every Secret's answer from the source's cache, or undefined when one of them would have to be asked for. */
function cachedLookups(
  source: SecretSource,
  namespace: string,
  names: readonly string[],
): Map<string, SecretLookup> | undefined {
  if (!source.cached) return undefined;
  const lookups = new Map<string, SecretLookup>();
  for (const name of names) {
    const hit = source.cached(namespace, name);
    if (hit === undefined) return undefined;
    lookups.set(name, hit);
  }
  return lookups;
}

/** Every Secret looked up at once, each bounded by the signal (read only now: something has to wait). */
async function lookupAll(
  source: SecretSource,
  namespace: string,
  names: readonly string[],
  lazySignal: LookupSignal,
): Promise<Map<string, SecretLookup>> {
  const signal = signalOf(lazySignal);
  return new Map(
    await Promise.all(names.map(async (name) => [name, await lookup(source, namespace, name, signal)] as const)),
  );
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
