// `clusterlink-webhook audit`: the audit of docs/audit.md from a laptop. Lists the ClusterLinks of the current
// kubeconfig context and runs each through the validating webhook's admitter (Secret checks included, read with
// your credentials). Read-only: it writes no condition and no Event.
import { createValidateAdmitter } from '../admission/clusterlink-admitter.js';
import { auditLinks, AS_ADMITTED } from '../audit/scan.js';
import { formatAuditJson, formatTable } from '../audit/report.js';
import { parseRuleActions } from '../clusterlink/index.js';
import { KubeApi } from '../kube/kube-api.js';
import { describeKubeError, loadKubeConfig } from '../kube/kubeconfig.js';
import { createLogger } from '../observability/log.js';
import { parseFlags, usageError } from './args.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { buildSecretChecking } from './serve-secret-checking.js';
import type { ClusterLink } from '../clusterlink/types.js';
import type { SecretChecker } from '../secrets/types.js';

export const HELP = `Usage: clusterlink-webhook audit [-n <ns> ...|-A] [flags]

Checks the ClusterLinks stored in the cluster of the current kubeconfig context with the validating webhook's own
rules and Secret checks, as the webhook's periodic audit does. Nothing is written.

Flags:
  -n, --namespace <ns>      namespace to audit (repeatable; default: the context's namespace, else "default")
  -A, --all-namespaces      audit every namespace
      --rule-action <a>     rule-id=deny|warn|off, as serve's flag (repeatable)
      --strict-secrets      a referenced Secret that cannot be read is an error, not a warning
  -o, --output <format>     table (default) or json
  -h, --help                show this help

Exit status: 0 every ClusterLink is valid, 1 at least one is not, 2 usage error or the cluster cannot be reached.
`;

const FLAGS = {
  namespace: { type: 'string', short: 'n', multiple: true },
  'all-namespaces': { type: 'boolean', short: 'A' },
  'rule-action': { type: 'string', multiple: true },
  'strict-secrets': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The ClusterLinks to audit; a port so tests need no cluster. */
export interface AuditSource {
  list(namespace: string | undefined): Promise<ClusterLink[]>;
}

export async function run(argv: string[], io: CliIO = processIO(), source?: AuditSource): Promise<number> {
  const flags = parseFlags('audit', argv, FLAGS, io);
  if (typeof flags === 'number') return flags;
  if (flags.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const output = flags.output ?? 'table';
  if (output !== 'table' && output !== 'json')
    return usageError('audit', `unknown output format "${output}" (use table or json)`, io);
  if (flags['all-namespaces'] && (flags.namespace ?? []).length > 0)
    return usageError('audit', '-A and -n cannot be combined', io);
  const actions = parseRuleActions((flags['rule-action'] ?? []).join(','));
  if (actions.problems.length > 0) return usageError('audit', actions.problems.join('; '), io);

  const logger = createLogger({ level: 'silent' });
  let links: AuditSource | undefined = source;
  let secretChecker: SecretChecker | undefined;
  let contextNamespace: string | undefined;
  if (!links) {
    const kube = loadKubeConfig();
    if (!kube) {
      io.stderr.write('clusterlink-webhook audit: no Kubernetes configuration (KUBECONFIG, ~/.kube/config)\n');
      return EXIT_USAGE;
    }
    const api = new KubeApi(kube.kubeConfig);
    links = { list: async (ns) => (await api.listClusterLinks(ns)).items };
    const config = kube.kubeConfig;
    contextNamespace = config.getContextObject(config.getCurrentContext())?.namespace;
    const strict = flags['strict-secrets'] === true;
    secretChecker = (await buildSecretChecking({ strict, lookupTimeoutMs: 5_000, logger, kube })).checker;
  }
  const named = flags.namespace ?? [];
  const scopes = flags['all-namespaces'] ? [undefined] : named.length > 0 ? named : [contextNamespace ?? 'default'];

  let all: ClusterLink[] = [];
  try {
    for (const ns of scopes) all = all.concat(await links.list(ns));
  } catch (err) {
    io.stderr.write(`clusterlink-webhook audit: cannot list ClusterLinks: ${describeKubeError(err)}\n`);
    return EXIT_USAGE;
  }
  const validate = createValidateAdmitter({
    ...(secretChecker ? { secretChecker } : {}),
    rulePolicy: () => actions.policy,
    exceptionAuthorizer: AS_ADMITTED,
  });
  const findings = await auditLinks(all, validate);
  io.stdout.write(output === 'json' ? formatAuditJson(findings) : formatTable(findings));
  return findings.some((f) => !f.valid) ? EXIT_INVALID : EXIT_OK;
}
