// Options of `clusterlink-webhook serve`: flags over environment variables over defaults, parsed by the
// commands' one parser (args.ts). Pure: takes argv and env, returns a typed config or throws ConfigError.
import { isAbsolute, resolve } from 'node:path';
import { LOG_LEVELS } from '../observability/log.js';
import { parseCommandLine, type FlagOptions } from './args.js';
import type { ReconcilerMode } from '../reconciler/controller/start.js';
// rule-policy.js itself, not the core's index: `serve --help` must not load the rule book (docs/cli.md#start-time)
import { parseRuleActions, type RuleAction } from '../clusterlink/rule-policy.js';
import {
  MANAGED_CERT_FLAGS,
  ManagedConfigError,
  parseManagedCerts,
  type ManagedCertsConfig,
} from './serve-managed-config.js';

export interface ServeConfig {
  /** HTTPS port of the webhooks (and /healthz, /readyz). */
  port: number;
  /** Plain-HTTP port of /metrics (also answers /healthz and /readyz). */
  metricsPort: number;
  /** Address both listeners bind to (`::` = dual stack). */
  host: string;
  /** Address of the metrics listener; undefined = `host`. */
  metricsHost?: string;
  /** CA bundle (PEM file) of the API server's client certificate; when set, reviews need one. */
  clientCaFile?: string;
  /** Cap on open HTTPS connections. */
  maxConnections: number;
  /** Serving certificate and key files (PEM); both or neither. Neither: generate a CA and certificate. */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** How often the certificate files are polled for changes, on top of fs.watch. */
  tlsReloadIntervalMs: number;
  /** Where generated certificates and the CA bundle are written (absolute). */
  certDir: string;
  /** Extra DNS names (or IP addresses) for the generated certificate's SANs. */
  dnsNames: string[];
  logLevel: string;
  /** Deny (instead of warn) when a referenced Secret is missing or cannot be read. */
  strictSecrets: boolean;
  /** Bound on each Secret lookup made by the validating webhook. */
  secretLookupTimeoutMs: number;
  /** When the AbortSignal given to the admitters fires. */
  admissionDeadlineMs: number;
  /** When the server answers anyway if an admitter still has not (must stay under 2 s). */
  admissionBudgetMs: number;
  reconciler: ReconcilerMode;
  /** Namespaces the reconciler watches; empty = all. */
  watchNamespaces: string[];
  leaseName: string;
  /** Namespace of the leader-election Lease; undefined = the pod's own namespace. */
  leaseNamespace?: string;
  /** After SIGTERM: keep serving (readiness failing) this long so endpoints drain, then close the listener. */
  shutdownDelayMs: number;
  /** After SIGTERM: exit at the latest this long after the signal, in-flight requests or not. */
  shutdownGraceMs: number;
  /** `--rule-action id=action` entries (docs/rules.md#rule-actions), already checked; they win over the file. */
  ruleActions: Map<string, RuleAction>;
  /** A file of rule actions (a mounted ConfigMap key), re-read when it changes. */
  ruleActionsFile?: string;
  /** How often the stored ClusterLinks are audited (docs/audit.md); 0 = no audit. */
  auditIntervalMs: number;
  /** `--managed-certs`: the serving certificate lives in Secrets the webhook maintains (docs/install.md#managed-certificates). */
  managedCerts?: ManagedCertsConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface FlagSpec {
  flag: string;
  env?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  default: string;
  help: string;
}

// One table drives parsing, environment fallbacks and --help.
const FLAGS: readonly FlagSpec[] = [
  {
    flag: 'port',
    env: 'PORT',
    type: 'string',
    default: '8443',
    help: 'HTTPS port of the webhooks and health endpoints',
  },
  {
    flag: 'metrics-port',
    env: 'METRICS_PORT',
    type: 'string',
    default: '9090',
    help: 'plain-HTTP port of /metrics (also /healthz, /readyz)',
  },
  {
    flag: 'host',
    env: 'HOST',
    type: 'string',
    default: '0.0.0.0',
    help: 'address to bind both listeners to (:: = IPv4 and IPv6)',
  },
  {
    flag: 'metrics-host',
    env: 'METRICS_HOST',
    type: 'string',
    default: '',
    help: 'address of the metrics listener (default: --host)',
  },
  {
    flag: 'client-ca-file',
    env: 'CLIENT_CA_FILE',
    type: 'string',
    default: '',
    help: 'CA bundle (PEM): /mutate and /validate answer only clients with a certificate it signed (docs/webhook.md#forged-reviews)',
  },
  {
    flag: 'max-connections',
    env: 'MAX_CONNECTIONS',
    type: 'string',
    default: '256',
    help: 'open HTTPS connections accepted at once',
  },
  {
    flag: 'tls-cert-file',
    env: 'TLS_CERT_FILE',
    type: 'string',
    default: '',
    help: 'serving certificate (PEM, chain allowed); re-read when it changes',
  },
  {
    flag: 'tls-private-key-file',
    env: 'TLS_PRIVATE_KEY_FILE',
    type: 'string',
    default: '',
    help: 'private key of the serving certificate (PEM)',
  },
  {
    flag: 'tls-reload-interval',
    env: 'TLS_RELOAD_INTERVAL',
    type: 'string',
    default: '10s',
    help: 'poll interval for certificate changes (fs.watch is used too)',
  },
  {
    flag: 'cert-dir',
    env: 'CERT_DIR',
    type: 'string',
    default: '.clusterlink-webhook',
    help: 'where generated certificates and the CA bundle are written',
  },
  {
    flag: 'dns-name',
    env: 'DNS_NAMES',
    type: 'string',
    multiple: true,
    default: '',
    help: 'extra SAN for the generated certificate (repeatable; env: comma-separated)',
  },
  { flag: 'log-level', env: 'LOG_LEVEL', type: 'string', default: 'info', help: `log level: ${LOG_LEVELS.join('|')}` },
  {
    flag: 'strict-secrets',
    env: 'STRICT_SECRETS',
    type: 'boolean',
    default: 'false',
    help: 'deny when a referenced Secret is missing or unreadable (without it: a warning)',
  },
  {
    flag: 'secret-lookup-timeout-ms',
    env: 'SECRET_LOOKUP_TIMEOUT_MS',
    type: 'string',
    default: '750',
    help: 'bound on each Secret lookup of the validating webhook',
  },
  {
    flag: 'admission-deadline',
    env: 'ADMISSION_DEADLINE',
    type: 'string',
    default: '1500ms',
    help: 'when the rules are told to give up (AbortSignal)',
  },
  {
    flag: 'admission-budget',
    env: 'ADMISSION_BUDGET',
    type: 'string',
    default: '1800ms',
    help: 'when the server answers anyway (max 2s)',
  },
  {
    flag: 'reconciler',
    env: 'RECONCILER',
    type: 'string',
    default: 'auto',
    help: 'run the reconciler: true|false|auto (auto = in a pod whose cluster answers; outside a pod only with true)',
  },
  {
    flag: 'watch-namespace',
    env: 'WATCH_NAMESPACES',
    type: 'string',
    multiple: true,
    default: '',
    help: 'namespace the reconciler watches (repeatable; default all; env: comma-separated)',
  },
  {
    flag: 'lease-name',
    env: 'LEASE_NAME',
    type: 'string',
    default: 'clusterlink-webhook',
    help: "name of the leader-election Lease (the chart's default for a release named clusterlink-webhook)",
  },
  {
    flag: 'lease-namespace',
    env: 'LEASE_NAMESPACE',
    type: 'string',
    default: '',
    help: 'namespace of the Lease (default: POD_NAMESPACE, else the service account namespace)',
  },
  {
    flag: 'rule-action',
    env: 'RULE_ACTIONS',
    type: 'string',
    multiple: true,
    default: '',
    help: 'rule-id=deny|warn|off (repeatable; env: comma-separated; docs/rules.md#rule-actions)',
  },
  {
    flag: 'rule-actions-file',
    env: 'RULE_ACTIONS_FILE',
    type: 'string',
    default: '',
    help: 'file of rule-id=action lines (a mounted ConfigMap), re-read when it changes',
  },
  {
    flag: 'audit-interval',
    env: 'AUDIT_INTERVAL',
    type: 'string',
    default: '10m',
    help: 're-validate every stored ClusterLink at start and this often (0 = no audit; docs/audit.md)',
  },
  {
    flag: 'shutdown-delay',
    env: 'SHUTDOWN_DELAY',
    type: 'string',
    default: '0s',
    help: 'after SIGTERM keep serving this long (readiness failing) before closing the listener',
  },
  {
    flag: 'shutdown-grace',
    env: 'SHUTDOWN_GRACE',
    type: 'string',
    default: '10s',
    help: 'after SIGTERM exit at the latest this long after the signal',
  },
  ...MANAGED_CERT_FLAGS,
];

export function serveUsage(): string {
  const lines = ['Usage: clusterlink-webhook serve [flags]', '', 'Flags (environment variable in brackets):'];
  for (const f of FLAGS) {
    const name = `--${f.flag}${f.type === 'string' ? ' <value>' : ''}`;
    const def = f.default === '' ? '' : ` (default ${f.default})`;
    lines.push(`  ${name.padEnd(34)} ${f.help}${def}${f.env ? ` [${f.env}]` : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(34)} print this help`);
  return lines.join('\n');
}

/** Parses `500ms`, `1.5s`, `2m`; a bare number is read in `bareUnit`. */
export function parseDuration(text: string, bareUnit: 'ms' | 's' = 's'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new ConfigError(`invalid duration "${text}" (examples: 500ms, 10s, 1m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? bareUnit;
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}

function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 0 || n > 65535)
    throw new ConfigError(`--${flag}: "${text}" is not a port number (0-65535)`);
  return n;
}

function parseBool(text: string, flag: string): boolean {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off', ''].includes(t)) return false;
  throw new ConfigError(`--${flag}: "${text}" is not a boolean`);
}

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export interface ParsedServeArgs {
  help: boolean;
  config: ServeConfig;
}

/** The flag table as parseCommandLine reads it: each flag with its environment variable. */
const PARSER_OPTIONS: FlagOptions = {
  help: { type: 'boolean' },
  ...Object.fromEntries(
    FLAGS.map((f) => [
      f.flag,
      { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.env ? { env: f.env } : {}) },
    ]),
  ),
};

/** A flag's text: the flag (repeats joined with ","), else its environment variable, else its default. */
type RawFlags = (flag: string) => string;

function readRawFlags(argv: readonly string[], env: NodeJS.ProcessEnv): { help: boolean; raw: RawFlags } {
  const parsed = parseCommandLine(argv, PARSER_OPTIONS, env);
  if (!parsed.ok) throw new ConfigError(parsed.message);
  const { values, fromEnv } = parsed.line;
  const raw = (flag: string): string => {
    const spec = FLAGS.find((f) => f.flag === flag);
    if (!spec) throw new Error(`unknown flag ${flag}`);
    const v = values[flag];
    if (Array.isArray(v)) return v.join(',');
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return v;
    return fromEnv[flag] ?? spec.default;
  };
  return { help: values['help'] === true, raw };
}

const optionalOf =
  (raw: RawFlags) =>
  (flag: string): string | undefined => {
    const v = raw(flag).trim();
    return v === '' ? undefined : v;
  };

function oneOf<T extends string>(raw: RawFlags, flag: string, allowed: readonly T[]): T {
  const value = raw(flag).trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(value))
    throw new ConfigError(`--${flag}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

function tlsFiles(raw: RawFlags): { tlsCertFile?: string; tlsPrivateKeyFile?: string } {
  const optional = optionalOf(raw);
  const tlsCertFile = optional('tls-cert-file');
  const tlsPrivateKeyFile = optional('tls-private-key-file');
  if ((tlsCertFile === undefined) !== (tlsPrivateKeyFile === undefined)) {
    throw new ConfigError(
      '--tls-cert-file and --tls-private-key-file must be given together (or neither, to generate a certificate)',
    );
  }
  return tlsCertFile !== undefined && tlsPrivateKeyFile !== undefined ? { tlsCertFile, tlsPrivateKeyFile } : {};
}

function admissionTimes(raw: RawFlags): Pick<ServeConfig, 'admissionDeadlineMs' | 'admissionBudgetMs'> {
  const admissionDeadlineMs = parseDuration(raw('admission-deadline'), 'ms');
  const admissionBudgetMs = parseDuration(raw('admission-budget'), 'ms');
  if (admissionBudgetMs > 2000)
    throw new ConfigError('--admission-budget must be at most 2s (the API server waits for the whole response)');
  if (admissionDeadlineMs > admissionBudgetMs)
    throw new ConfigError('--admission-deadline must not be later than --admission-budget');
  return { admissionDeadlineMs, admissionBudgetMs };
}

function parseCount(text: string, flag: string): number {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new ConfigError(`--${flag}: "${text}" is not a positive whole number`);
  return n;
}

/** Flags win over environment variables, which win over defaults. */
export function parseServeArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ParsedServeArgs {
  try {
    return parseServeArgsOnce(argv, env, cwd);
  } catch (err) {
    throw err instanceof ConfigError ? namingTheVariable(err, argv, env) : err;
  }
}

/** An error about a value that came from the environment names the variable, not the flag (docs/cli.md). */
function namingTheVariable(err: ConfigError, argv: readonly string[], env: NodeJS.ProcessEnv): ConfigError {
  const flag = /^--([a-z-]+):/.exec(err.message)?.[1];
  const spec = FLAGS.find((f) => f.flag === flag);
  const given = argv.some((a) => a === `--${flag ?? ''}` || a.startsWith(`--${flag ?? ''}=`));
  if (!spec?.env || given || env[spec.env] === undefined) return err;
  return new ConfigError(`${spec.env} (environment, for --${spec.flag})${err.message.slice(`--${spec.flag}`.length)}`);
}

function parseServeArgsOnce(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ParsedServeArgs {
  const { help, raw } = readRawFlags(argv, env);
  const logLevel = oneOf(raw, 'log-level', LOG_LEVELS);
  const reconciler = oneOf(raw, 'reconciler', ['true', 'false', 'auto'] as const);
  const tls = tlsFiles(raw);
  const secretLookupTimeoutMs = parseDuration(raw('secret-lookup-timeout-ms').trim(), 'ms');
  const times = admissionTimes(raw);
  const ruleActions = parseRuleActions(raw('rule-action'));
  if (ruleActions.problems.length > 0) throw new ConfigError(`--rule-action: ${ruleActions.problems.join('; ')}`);
  const ruleActionsFile = optionalOf(raw)('rule-actions-file');
  const absolute = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));

  const config: ServeConfig = {
    port: parsePort(raw('port'), 'port'),
    metricsPort: parsePort(raw('metrics-port'), 'metrics-port'),
    host: raw('host').trim() || '0.0.0.0',
    tlsReloadIntervalMs: parseDuration(raw('tls-reload-interval'), 's'),
    certDir: absolute(raw('cert-dir').trim() || '.clusterlink-webhook'),
    dnsNames: [...new Set(splitList(raw('dns-name')))],
    logLevel,
    strictSecrets: parseBool(raw('strict-secrets'), 'strict-secrets'),
    secretLookupTimeoutMs,
    ...times,
    reconciler,
    watchNamespaces: [...new Set(splitList(raw('watch-namespace')))],
    leaseName: raw('lease-name').trim() || 'clusterlink-webhook',
    shutdownDelayMs: parseDuration(raw('shutdown-delay'), 's'),
    shutdownGraceMs: parseDuration(raw('shutdown-grace'), 's'),
    ruleActions: ruleActions.policy,
    maxConnections: parseCount(raw('max-connections'), 'max-connections'),
    auditIntervalMs: parseDuration(raw('audit-interval'), 's'),
  };
  if (ruleActionsFile !== undefined) config.ruleActionsFile = absolute(ruleActionsFile);
  const metricsHost = optionalOf(raw)('metrics-host');
  if (metricsHost !== undefined) config.metricsHost = metricsHost;
  const clientCaFile = optionalOf(raw)('client-ca-file');
  if (clientCaFile !== undefined) config.clientCaFile = absolute(clientCaFile);
  if (tls.tlsCertFile !== undefined && tls.tlsPrivateKeyFile !== undefined) {
    config.tlsCertFile = absolute(tls.tlsCertFile);
    config.tlsPrivateKeyFile = absolute(tls.tlsPrivateKeyFile);
  }
  const leaseNamespace = optionalOf(raw)('lease-namespace') ?? env.POD_NAMESPACE?.trim();
  if (leaseNamespace) config.leaseNamespace = leaseNamespace;
  const managedCerts = managedCertsOf(raw, env, config);
  if (managedCerts) config.managedCerts = managedCerts;
  return { help, config };
}

function managedCertsOf(raw: RawFlags, env: NodeJS.ProcessEnv, config: ServeConfig): ManagedCertsConfig | undefined {
  try {
    const managed = parseManagedCerts(raw, (text, flag) => parseDurationOf(text, flag), env.POD_NAMESPACE);
    if (managed && config.tlsCertFile !== undefined)
      throw new ConfigError(
        '--managed-certs and --tls-cert-file exclude each other: the certificate comes from one place',
      );
    if (managed && config.dnsNames.length === 0)
      throw new ConfigError('--managed-certs needs --dns-name (the names the API server calls the webhook by)');
    return managed;
  } catch (err) {
    throw err instanceof ManagedConfigError ? new ConfigError(err.message) : err;
  }
}

function parseDurationOf(text: string, flag: string): number {
  try {
    return parseDuration(text, 's');
  } catch (err) {
    throw new ConfigError(`--${flag}: ${(err as Error).message}`);
  }
}
