// `clusterlink-webhook validate`: the webhook's rules, offline, for CI and pull requests.
import { parseFlags, usageError } from './args.js';
import { processIO, type CliIO } from './io.js';
import type { LoadProblem } from '../offline/manifests.js';
import { createOfflinePipeline } from '../offline/pipeline.js';
import { countsOf, formatJson, formatText, type ValidationReport } from '../offline/report.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { loadSecretManifests } from '../offline/secret-files.js';
import { validateManifests } from '../offline/validate-manifests.js';
import { formatPairText, validatePair } from '../offline/validate-pair.js';
import { createSecretChecker } from '../secrets/checker.js';
import type { SecretChecker } from '../secrets/types.js';

export const HELP = `Usage: clusterlink-webhook validate -f <file|dir|-> [-f ...] [flags]

Checks ClusterLink manifests with the admission webhook's own rules, without a cluster: each ClusterLink
goes through the mutating webhook (defaults) and then the validating webhook, as on \`kubectl apply\`.

Inputs: files, directories (recursive; .yaml, .yml, .json) or - for stdin; multi-document YAML, JSON and
List kinds. Documents that are not ClusterLinks (platform.confluent.io/v1beta1) are skipped and counted.

Flags:
  -f, --filename <path>     manifest file, directory, or - for stdin (repeatable, required)
      --old <path>          the objects as they are in the cluster now (file or directory, repeatable):
                            a ClusterLink with the same namespace/name is checked as an UPDATE of it
      --secrets-dir <path>  v1 Secret manifests (data or stringData) to check referenced Secrets against
                            (TLS PEM material, SASL/PLAIN JAAS files); without it Secrets are not checked
      --strict-secrets      a referenced Secret that is missing is an error, not a warning
      --pair <A> <B>        two files, one ClusterLink each: the halves of a source-initiated or
                            bidirectional link, checked each and together (docs/rules.md#pairs)
  -n, --namespace <ns>      namespace for manifests without metadata.namespace (default "default")
  -o, --output <format>     text (default) or json
  -h, --help                show this help

Output (text): one line per ClusterLink, "file:doc namespace/name: OK" or "INVALID" followed by each field
error as the API server reports it, then the webhook's warnings; "(UPDATE)" after the name when an old
object matched; a summary line at the end.

Exit status: 0 all ClusterLinks valid, 1 at least one invalid, 2 usage error or unreadable input.

Examples:
  clusterlink-webhook validate -f deploy/clusterlinks/
  kustomize build overlays/prod | clusterlink-webhook validate -f - -o json
  clusterlink-webhook validate -f new/ --old <(git show main:deploy/links.yaml) --secrets-dir deploy/secrets/
  clusterlink-webhook validate --pair east/clusterlink.yaml west/clusterlink.yaml
`;

const FLAGS = {
  filename: { type: 'string', short: 'f', multiple: true },
  old: { type: 'string', multiple: true },
  'secrets-dir': { type: 'string', multiple: true },
  'strict-secrets': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--pair A B` takes two values, which parseArgs cannot express: they are taken out before it runs. */
function takePair(argv: string[]): { rest: string[]; pair?: [string, string] } | string {
  const at = argv.indexOf('--pair');
  if (at < 0) return { rest: argv };
  const [first, second] = [argv[at + 1], argv[at + 2]];
  if (first === undefined || second === undefined || first.startsWith('-') || second.startsWith('-'))
    return '--pair needs two files: --pair A.yaml B.yaml';
  const rest = [...argv.slice(0, at), ...argv.slice(at + 3)];
  if (rest.includes('--pair')) return '--pair may be given once';
  return { rest, pair: [first, second] };
}

/** The command line once checked: what the phases of `run` work from. */
interface Invocation {
  files: string[];
  oldFiles: string[];
  secretDirs: string[];
  strictSecrets: boolean;
  namespace: string;
  output: 'text' | 'json';
  pair: [string, string] | undefined;
}

/** What both ways of validating share: the pipeline, with or without a Secret checker. */
interface Checking {
  defaultNamespace: string;
  pipeline: ReturnType<typeof createOfflinePipeline>;
  secretsChecked: boolean;
}

/**
 * Every usage error is found before any input is read, so a wrong command line never consumes stdin: the exit code
 * (after --help or the error message is written), or the invocation to run.
 */
function checkCommandLine(argv: string[], io: CliIO): Invocation | number {
  const taken = takePair(argv);
  if (typeof taken === 'string') return usageError('validate', taken, io);
  const flags = parseFlags('validate', taken.rest, FLAGS, io);
  if (typeof flags === 'number') return flags;
  if (flags.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const files = flags.filename ?? [];
  if (taken.pair && (files.length > 0 || (flags.old ?? []).length > 0))
    return usageError('validate', '--pair replaces -f and cannot be combined with --old', io);
  if (files.length === 0 && !taken.pair) return usageError('validate', 'at least one -f <file|dir|-> is required', io);
  const fromStdin = [...files, ...(flags.old ?? []), ...(flags['secrets-dir'] ?? [])].filter((f) => f === '-').length;
  if (fromStdin > 1) return usageError('validate', 'standard input (-) can be read only once', io);
  const output = flags.output ?? 'text';
  if (output !== 'text' && output !== 'json')
    return usageError('validate', `unknown output format "${output}" (use text or json)`, io);
  const namespace = flags.namespace ?? 'default';
  if (namespace === '') return usageError('validate', 'the namespace must not be empty', io);
  const secretDirs = flags['secrets-dir'] ?? [];
  if (secretDirs.length === 0 && flags['strict-secrets'])
    return usageError('validate', '--strict-secrets needs --secrets-dir', io);
  const strictSecrets = flags['strict-secrets'] === true;
  return { files, oldFiles: flags.old ?? [], secretDirs, strictSecrets, namespace, output, pair: taken.pair };
}

/** --secrets-dir: the Secrets to check references against; files that cannot be read are reported with the rest. */
async function loadSecrets(
  invocation: Invocation,
  io: CliIO,
): Promise<{ checker: SecretChecker | undefined; problems: LoadProblem[] }> {
  if (invocation.secretDirs.length === 0) return { checker: undefined, problems: [] };
  const loaded = await loadSecretManifests(invocation.secretDirs, io, invocation.namespace);
  const checker = createSecretChecker(loaded.source, { strict: invocation.strictSecrets });
  return { checker, problems: [...loaded.problems] };
}

/** --pair: each half as a manifest, then the two together; a pair error alone makes the answer INVALID. */
async function runPair(
  files: [string, string],
  output: Invocation['output'],
  checking: Checking,
  secretProblems: LoadProblem[],
  io: CliIO,
): Promise<number> {
  const { report, pair } = await validatePair(files, checking, io, secretProblems);
  const exitCode = pair.errors.length > 0 && exitCodeOf(report) === EXIT_OK ? EXIT_INVALID : exitCodeOf(report);
  if (output === 'json') {
    const json = JSON.parse(formatJson(report, exitCode)) as Record<string, unknown>;
    io.stdout.write(`${JSON.stringify({ ...json, pair }, null, 2)}\n`);
  } else {
    const text = formatText(report);
    io.stderr.write(text.stderr);
    io.stdout.write(text.stdout + formatPairText(pair));
  }
  return exitCode;
}

/** -f (and --old): every ClusterLink found, each on its own. */
async function runManifests(
  invocation: Invocation,
  checking: Checking,
  secretProblems: LoadProblem[],
  io: CliIO,
): Promise<number> {
  const report = await validateManifests(
    { files: invocation.files, oldFiles: invocation.oldFiles, ...checking },
    io,
    secretProblems,
  );
  const exitCode = exitCodeOf(report);
  if (invocation.output === 'json') {
    io.stdout.write(formatJson(report, exitCode));
  } else {
    const text = formatText(report);
    io.stderr.write(text.stderr);
    io.stdout.write(text.stdout);
  }
  return exitCode;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const invocation = checkCommandLine(argv, io);
  if (typeof invocation === 'number') return invocation;
  const secrets = await loadSecrets(invocation, io);
  const pipeline = createOfflinePipeline(secrets.checker ? { secretChecker: secrets.checker } : {});
  const checking: Checking = {
    defaultNamespace: invocation.namespace,
    pipeline,
    secretsChecked: secrets.checker !== undefined,
  };
  if (invocation.pair) return runPair(invocation.pair, invocation.output, checking, secrets.problems, io);
  return runManifests(invocation, checking, secrets.problems, io);
}

/** 2 when some input could not be read (the answer is incomplete), else 1 when anything is invalid, else 0. */
export function exitCodeOf(report: ValidationReport): number {
  const counts = countsOf(report);
  if (counts.unreadable > 0) return EXIT_USAGE;
  return counts.invalid > 0 ? EXIT_INVALID : EXIT_OK;
}
