// `clusterlink-webhook validate`: the webhook's rules, offline, for CI and pull requests.
import { parseFlagsAndArgs, usageError } from './args.js';
import { processIO, type CliIO } from './io.js';
import type { LoadProblem } from '../offline/manifests.js';
import { createOfflinePipeline } from '../offline/pipeline.js';
import { countsOf, formatJson, formatText, type ValidationReport } from '../offline/report.js';
import { formatJunit } from '../offline/report-junit.js';
import { formatSarif } from '../offline/report-sarif.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { packageVersion } from './version.js';
import { loadSecretManifests } from '../offline/secret-files.js';
import { validateManifests } from '../offline/validate-manifests.js';
import { formatPairText, validatePair, type PairReport } from '../offline/validate-pair.js';
import { createSecretChecker } from '../secrets/checker.js';
import type { SecretChecker } from '../secrets/types.js';

export const HELP = `Usage: clusterlink-webhook validate [<file|dir|glob|->...] [-f <file|dir|glob|->...] [flags]

Checks ClusterLink manifests without a cluster, as kubectl apply would be answered: each ClusterLink against the
chart's CRD (structural schema: unknown fields, types, enums, required fields, formats; and its CEL rules), then
through the mutating webhook (defaults) and the validating webhook. All errors are reported at once.

Inputs: files, directories (recursive; .yaml, .yml, .json; node_modules and .git are never walked), globs
("deploy/**/*.yaml") or - for stdin; multi-document YAML, JSON and List kinds. Every document that is not a
ClusterLink is listed as skipped, with why; a near-miss (kind: Clusterlink, another apiVersion) is an error.

Flags:
  -f, --filename <path>     a file, directory, glob or - (repeatable; the same as a positional argument)
      --exclude <glob>      leave out matching files and directories (repeatable; without a / it matches a
                            name at any depth, e.g. --exclude 'kustomization.yaml' --exclude 'overlays/*/tmp')
      --old <path>          the objects as they are in the cluster now (file or directory, repeatable):
                            a ClusterLink with the same namespace/name is checked as an UPDATE of it
      --secrets-dir <path>  v1 Secret manifests (data or stringData) to check referenced Secrets against
                            (TLS PEM material, SASL/PLAIN JAAS files); without it Secrets are not checked
      --strict-secrets      a referenced Secret that is missing is an error, not a warning
      --pair <A> <B>        two files, one ClusterLink each: the halves of a source-initiated or
                            bidirectional link, checked each and together (docs/rules.md#pairs)
      --skip-crd-schema     run the webhooks' rules only, not the CRD's schema and CEL rules
      --allow-empty         exit 0 when no ClusterLink was found (default: that is exit 2)
  -n, --namespace <ns>      namespace for manifests without metadata.namespace (default "default")
  -o, --output <format>     text, json, junit or sarif (default "text")
  -q, --quiet               only failures: no OK or skipped lines, no summary
      --version             print the version
  -h, --help                show this help

Output (text): one line per document, "file:line namespace/name: OK", "INVALID" followed by each field error
as the API server reports it with its rule ID and line, or "skipped: <why>"; then the webhook's warnings;
"(UPDATE)" after the name when an old object matched; a summary line at the end. Unreadable inputs go to
stderr as "error: file[:doc]: ...".

Exit status: 0 all ClusterLinks valid, 1 at least one invalid, 2 usage error, unreadable input, or no
ClusterLink found (without --allow-empty).

Examples:
  clusterlink-webhook validate deploy/clusterlinks/
  kustomize build overlays/prod | clusterlink-webhook validate - -o json
  clusterlink-webhook validate 'deploy/**/*.yaml' --exclude 'charts' -o sarif > clusterlinks.sarif
  clusterlink-webhook validate new/ --old <(git show main:deploy/links.yaml) --secrets-dir deploy/secrets/
  clusterlink-webhook validate --pair east/clusterlink.yaml west/clusterlink.yaml
`;

const OUTPUTS = ['text', 'json', 'junit', 'sarif'] as const;
type Output = (typeof OUTPUTS)[number];

const FLAGS = {
  filename: { type: 'string', short: 'f', multiple: true },
  exclude: { type: 'string', multiple: true },
  old: { type: 'string', multiple: true },
  'secrets-dir': { type: 'string', multiple: true },
  'strict-secrets': { type: 'boolean' },
  'skip-crd-schema': { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  version: { type: 'boolean' },
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
  exclude: string[];
  oldFiles: string[];
  secretDirs: string[];
  strictSecrets: boolean;
  namespace: string;
  output: Output;
  quiet: boolean;
  allowEmpty: boolean;
  schema: boolean;
  pair: [string, string] | undefined;
}

/** What both ways of validating share: the pipeline, with or without a Secret checker. */
interface Checking {
  defaultNamespace: string;
  pipeline: ReturnType<typeof createOfflinePipeline>;
  secretsChecked: boolean;
  schema: boolean;
  exclude: string[];
}

/**
 * Every usage error is found before any input is read, so a wrong command line never consumes stdin: the exit code
 * (after --help or the error message is written), or the invocation to run.
 */
function checkCommandLine(argv: string[], io: CliIO): Invocation | number {
  const taken = takePair(argv);
  if (typeof taken === 'string') return usageError('validate', taken, io);
  const parsed = parseFlagsAndArgs('validate', taken.rest, FLAGS, io);
  if (typeof parsed === 'number') return parsed;
  const flags = parsed.values;
  if (flags.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const files = [...parsed.positionals, ...(flags.filename ?? [])];
  if (taken.pair && (files.length > 0 || (flags.old ?? []).length > 0))
    return usageError('validate', '--pair replaces the files (and -f) and cannot be combined with --old', io);
  if (files.length === 0 && !taken.pair)
    return usageError(
      'validate',
      'no input: give files, directories or globs (or - for stdin), e.g. `validate deploy/`',
      io,
    );
  const fromStdin = [...files, ...(flags.old ?? []), ...(flags['secrets-dir'] ?? [])].filter((f) => f === '-').length;
  if (fromStdin > 1) return usageError('validate', 'standard input (-) can be read only once', io);
  const output = flags.output ?? 'text';
  if (!isOutput(output))
    return usageError('validate', `unknown output format "${output}" (use ${OUTPUTS.join(', ')})`, io);
  const namespace = flags.namespace ?? 'default';
  if (namespace === '') return usageError('validate', 'the namespace must not be empty', io);
  const secretDirs = flags['secrets-dir'] ?? [];
  if (secretDirs.length === 0 && flags['strict-secrets'])
    return usageError('validate', '--strict-secrets needs --secrets-dir', io);
  return {
    files,
    exclude: flags.exclude ?? [],
    oldFiles: flags.old ?? [],
    secretDirs,
    strictSecrets: flags['strict-secrets'] === true,
    namespace,
    output,
    quiet: flags.quiet === true,
    allowEmpty: flags['allow-empty'] === true,
    schema: flags['skip-crd-schema'] !== true,
    pair: taken.pair,
  };
}

const isOutput = (value: string): value is Output => (OUTPUTS as readonly string[]).includes(value);

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

/** The report in the chosen format; text goes to stdout, its unreadable inputs to stderr. */
async function writeReport(
  report: ValidationReport,
  exitCode: number,
  invocation: Invocation,
  io: CliIO,
  pair?: PairReport,
): Promise<void> {
  const quiet = { quiet: invocation.quiet };
  if (invocation.output === 'json') {
    const json = JSON.parse(formatJson(report, exitCode, quiet)) as Record<string, unknown>;
    io.stdout.write(`${JSON.stringify(pair ? { ...json, pair } : json, null, 2)}\n`);
  } else if (invocation.output === 'junit') {
    io.stdout.write(formatJunit(report));
  } else if (invocation.output === 'sarif') {
    io.stdout.write(formatSarif(report, await packageVersion()));
  } else {
    const text = formatText(report, quiet);
    io.stderr.write(text.stderr);
    io.stdout.write(text.stdout + (pair ? formatPairText(pair) : ''));
  }
  // A run that checked nothing says so where people look even with a machine format on stdout.
  if (exitCode === EXIT_USAGE && countsOf(report).unreadable === 0)
    io.stderr.write(`error: ${nothingCheckedMessage(report)}\n`);
}

/** --pair: each half as a manifest, then the two together; a pair error alone makes the answer INVALID. */
async function runPair(
  invocation: Invocation & { pair: [string, string] },
  checking: Checking,
  secretProblems: LoadProblem[],
  io: CliIO,
): Promise<number> {
  const { report, pair } = await validatePair(invocation.pair, checking, io, secretProblems);
  const code = exitCodeOf(report, true);
  const exitCode = pair.errors.length > 0 && code === EXIT_OK ? EXIT_INVALID : code;
  await writeReport(report, exitCode, invocation, io, pair);
  return exitCode;
}

/** The files: every ClusterLink found, each on its own. */
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
  const exitCode = exitCodeOf(report, invocation.allowEmpty);
  await writeReport(report, exitCode, invocation, io);
  return exitCode;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  if (argv.includes('--version')) {
    io.stdout.write(`clusterlink-webhook ${await packageVersion()}\n`);
    return EXIT_OK;
  }
  const invocation = checkCommandLine(argv, io);
  if (typeof invocation === 'number') return invocation;
  const secrets = await loadSecrets(invocation, io);
  const pipeline = createOfflinePipeline(secrets.checker ? { secretChecker: secrets.checker } : {});
  const checking: Checking = {
    defaultNamespace: invocation.namespace,
    pipeline,
    secretsChecked: secrets.checker !== undefined,
    schema: invocation.schema,
    exclude: invocation.exclude,
  };
  const { pair } = invocation;
  if (pair) return runPair({ ...invocation, pair }, checking, secrets.problems, io);
  return runManifests(invocation, checking, secrets.problems, io);
}

function nothingCheckedMessage(report: ValidationReport): string {
  const skipped = countsOf(report).skipped;
  return `no ClusterLink was checked (${skipped} document${skipped === 1 ? '' : 's'} skipped); --allow-empty accepts that`;
}

/**
 * 2 when some input could not be read (the answer is incomplete) or nothing was checked (unless `allowEmpty`), else 1
 * when anything is invalid, else 0.
 */
export function exitCodeOf(report: ValidationReport, allowEmpty = false): number {
  const counts = countsOf(report);
  if (counts.unreadable > 0) return EXIT_USAGE;
  if (counts.invalid > 0) return EXIT_INVALID;
  return counts.clusterLinks === 0 && !allowEmpty ? EXIT_USAGE : EXIT_OK;
}
