// `clusterlink-webhook mutate`: the mutating webhook's defaults, offline, on the user's own manifests.
import { parseFlagsAndArgs, usageError } from './args.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { packageVersion } from './version.js';
import { processIO, type CliIO } from './io.js';
import { mutateManifests } from '../offline/mutate-manifests.js';
import { createOfflinePipeline } from '../offline/pipeline.js';

export const HELP = `Usage: clusterlink-webhook mutate [<file|dir|glob|->...] [-f <file|dir|glob|->...] [flags]

Prints the manifests as the mutating admission webhook would store them: every ClusterLink gets the
webhook's defaults (spec.name, kafkaRestClassRef namespaces, filter and mirror-topic defaults, ...).
Comments, key order and all other documents are kept; defaulted keys are added at the end of their block.

Flags:
  -f, --filename <path>     a file, directory, glob or - for stdin (repeatable; the same as a positional
                            argument; directories and globs as for validate, node_modules and .git never walked)
      --exclude <glob>      leave out matching files and directories (repeatable; as for validate)
      --patch               print the JSON Patch (RFC 6902) of each ClusterLink instead, as a JSON array of
                            {"ref", "namespace", "name", "patch"}
  -n, --namespace <ns>      namespace for manifests without metadata.namespace (default "default");
                            it fills kafkaRestClassRef.namespace like the request's namespace does
      --version             print the version
  -h, --help                show this help

The webhook's warnings go to stderr. Exit status: 0 done, 2 usage error or unreadable input (nothing is
printed then, so a broken file never reaches kubectl half-written).

Examples:
  clusterlink-webhook mutate link.yaml > link.defaulted.yaml
  clusterlink-webhook mutate -f link.yaml --patch | jq '.[0].patch'
`;

const FLAGS = {
  filename: { type: 'string', short: 'f', multiple: true },
  exclude: { type: 'string', multiple: true },
  patch: { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const parsed = parseFlagsAndArgs('mutate', argv, FLAGS, io);
  if (typeof parsed === 'number') return parsed;
  const flags = parsed.values;
  if (flags.version) {
    io.stdout.write(`clusterlink-webhook ${await packageVersion()}\n`);
    return EXIT_OK;
  }
  if (flags.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const files = [...parsed.positionals, ...(flags.filename ?? [])];
  if (files.length === 0)
    return usageError(
      'mutate',
      'no input: give files, directories or globs (or - for stdin), e.g. `mutate link.yaml`',
      io,
    );
  if (files.filter((f) => f === '-').length > 1)
    return usageError('mutate', 'standard input (-) can be read only once', io);
  const namespace = flags.namespace ?? 'default';
  if (namespace === '') return usageError('mutate', 'the namespace must not be empty', io);

  const result = await mutateManifests(
    { files, exclude: flags.exclude ?? [], defaultNamespace: namespace, pipeline: createOfflinePipeline({}) },
    io,
  );
  if (result.problems.length > 0) {
    for (const p of result.problems) io.stderr.write(`error: ${p.ref}: ${p.message}\n`);
    return EXIT_USAGE;
  }
  for (const warning of result.warnings) io.stderr.write(`Warning: ${warning}\n`);
  io.stdout.write(flags.patch ? `${JSON.stringify(result.patches, null, 2)}\n` : result.text);
  return EXIT_OK;
}
