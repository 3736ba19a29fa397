// `clusterlink-webhook preflight`: the reconciler's preflight (docs/reconciler.md#preflight) from a laptop. Each
// ClusterLink in the files is defaulted and checked like the webhook does, its link configs are derived as the
// reconciler would (credentials from Secret manifests in the same files), and the create is sent to the REST API
// with validate_only=true: nothing is created.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ClusterLink } from '../clusterlink/types.js';
import { KafkaRestClient } from '../kafka-rest/index.js';
import { loadManifests } from '../offline/manifests.js';
import { admitOffline, isClusterLink } from '../offline/offline-admission.js';
import { createOfflinePipeline } from '../offline/pipeline.js';
import { loadSecretManifests } from '../offline/secret-files.js';
import { desiredLinkConfigs, roleOf } from '../reconciler/kafka/plan/link-configs.js';
import { createLinkRequest } from '../reconciler/kafka/plan/plan.js';
import { describePreflight, preflightLink } from '../reconciler/kafka/preflight.js';
import { resolveCredentials } from '../reconciler/resolve/credentials.js';
import { parseKeyValueLines } from '../reconciler/resolve/key-value.js';
import { clusterSides, linkNameOf } from '../reconciler/resolve/inputs.js';
import { parseFlags, usageError, type ParsedFlags } from './args.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';

export const HELP = `Usage: clusterlink-webhook preflight -f <file|dir|-> --rest <url> [flags]

Asks the Admin REST API whether each ClusterLink in the files could be created, without creating it: the
link's configs are derived as the reconciler derives them and POSTed with validate_only=true, so the server
checks the remote cluster (bootstrap, credentials, cluster id) as on a real create. Each ClusterLink is first
defaulted and validated with the webhook's rules. Secrets the ClusterLink references are read from v1 Secret
manifests among the inputs (data or stringData).

Flags:
  -f, --filename <path>       manifests: ClusterLinks and their Secrets (repeatable, required)
      --rest <url>            Admin REST endpoint of the cluster the link lives on, e.g. https://kafka:8090 (required)
      --cluster-id <id>       that cluster's id (default: asked of GET /clusters)
      --remote-cluster-id <id> the other cluster's id when the spec has no clusterID
      --basic-auth-file <f>   basic.txt (username= / password= lines) for the REST API
      --bearer-token-file <f> a file holding the bearer token for the REST API
      --ca-file <f>           PEM CA bundle the REST endpoint is verified with
      --timeout-ms <n>        per request (default 60000: the server contacts the remote cluster)
  -n, --namespace <ns>        namespace for manifests without metadata.namespace (default "default")
  -h, --help                  show this help

Output: one line per ClusterLink, "namespace/name: OK (the server would create link L)" or "FAILED: " and the
server's message with the fix for known error codes.

Exit status: 0 every link would be created, 1 at least one was rejected (or is invalid), 2 usage error,
unreadable input or an unreachable REST API.
`;

const FLAGS = {
  filename: { type: 'string', short: 'f', multiple: true },
  rest: { type: 'string' },
  'cluster-id': { type: 'string' },
  'remote-cluster-id': { type: 'string' },
  'basic-auth-file': { type: 'string' },
  'bearer-token-file': { type: 'string' },
  'ca-file': { type: 'string' },
  'timeout-ms': { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function restAuth(
  flags: { 'basic-auth-file'?: string; 'bearer-token-file'?: string },
  cwd: string,
): Promise<{ basic?: { username: string; password: string }; bearer?: string } | string> {
  if (flags['basic-auth-file']) {
    const kv = parseKeyValueLines(await readFile(resolve(cwd, flags['basic-auth-file']), 'utf8'));
    if (!kv.username || kv.password === undefined) return '--basic-auth-file needs username= and password= lines';
    return { basic: { username: kv.username, password: kv.password } };
  }
  if (flags['bearer-token-file']) {
    const raw = (await readFile(resolve(cwd, flags['bearer-token-file']), 'utf8')).trim();
    return { bearer: parseKeyValueLines(raw).token ?? raw };
  }
  return {};
}

type PreflightFlags = ParsedFlags<typeof FLAGS>;

interface PreflightOptions {
  files: string[];
  namespace: string;
  client: KafkaRestClient;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const flags = parseFlags('preflight', argv, FLAGS, io);
  if (typeof flags === 'number') return flags;
  if (flags.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const options = await preflightOptions(flags, io);
  if (typeof options === 'string') return usageError('preflight', options, io);
  try {
    return await preflightFiles(options, flags, io);
  } finally {
    options.client.close();
  }
}

/** Checks the flags and builds the REST client; a string is the usage error. */
async function preflightOptions(flags: PreflightFlags, io: CliIO): Promise<PreflightOptions | string> {
  const files = flags.filename ?? [];
  if (files.length === 0) return 'at least one -f <file|dir|-> is required';
  if (!flags.rest || !/^https?:\/\//.test(flags.rest)) return '--rest <http(s)://host:port> is required';
  const timeoutMs = flags['timeout-ms'] === undefined ? 60_000 : Number(flags['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) return '--timeout-ms must be a positive integer';
  let auth: Awaited<ReturnType<typeof restAuth>>;
  let caPem: string | undefined;
  try {
    auth = await restAuth(flags, io.cwd);
    if (flags['ca-file']) caPem = await readFile(resolve(io.cwd, flags['ca-file']), 'utf8');
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (typeof auth === 'string') return auth;
  const client = new KafkaRestClient({
    endpoint: flags.rest.replace(/\/kafka\/v3\/?$/, ''),
    timeoutMs,
    ...(auth.basic || auth.bearer ? { auth } : {}),
    ...(caPem ? { tls: { caPem } } : {}),
  });
  return { files, namespace: flags.namespace ?? 'default', client };
}

/** Reads the manifests and preflights each ClusterLink among them: one output line each. */
async function preflightFiles(options: PreflightOptions, flags: PreflightFlags, io: CliIO): Promise<number> {
  const { files, namespace, client } = options;
  const { manifests, problems } = await loadManifests(files, io);
  const secrets = await loadSecretManifests(files, io, namespace);
  for (const p of [...problems, ...secrets.problems]) io.stderr.write(`error: ${p.ref}: ${p.message}\n`);
  if (problems.length > 0 || secrets.problems.length > 0) return EXIT_USAGE;
  const links = manifests.filter((m) => isClusterLink(m.object));
  if (links.length === 0) return usageError('preflight', 'no ClusterLink in the inputs', io);
  const reads = {
    getSecretData: async (ns: string, name: string) => {
      const found = await secrets.source.get(ns, name);
      return found.found ? found.data : undefined;
    },
    getKafkaRestClass: () => Promise.resolve(undefined),
  };
  let failed = 0;
  try {
    const clusterId = flags['cluster-id'] || (await client.discoverClusterId());
    const pipeline = createOfflinePipeline({});
    for (const m of links) {
      const decision = await admitOffline(pipeline, m.object, undefined, namespace);
      const link = (decision.checked ? decision.admitted : m.object) as ClusterLink;
      const ref = `${link.metadata?.namespace ?? namespace}/${link.metadata?.name ?? '?'}`;
      if (decision.checked && !decision.allowed) {
        io.stdout.write(`${ref}: INVALID: ${decision.message ?? 'denied by the webhook rules'}\n`);
        failed++;
        continue;
      }
      const line = await preflightOne(link, link.metadata?.namespace ?? namespace, reads, client, clusterId, flags);
      if (!line.ok) failed++;
      io.stdout.write(`${ref}: ${line.text}\n`);
    }
  } catch (err) {
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_USAGE;
  }
  return failed > 0 ? EXIT_INVALID : EXIT_OK;
}

async function preflightOne(
  link: ClusterLink,
  namespace: string,
  reads: Parameters<typeof resolveCredentials>[2],
  client: KafkaRestClient,
  clusterId: string,
  flags: { 'remote-cluster-id'?: string },
): Promise<{ ok: boolean; text: string }> {
  const spec = link.spec ?? {};
  const role = roleOf(spec);
  const remoteId = spec[clusterSides(link).remote]?.clusterID ?? flags['remote-cluster-id'];
  let credentials;
  try {
    credentials = await resolveCredentials(link, namespace, reads);
  } catch (err) {
    return { ok: false, text: `FAILED: ${err instanceof Error ? err.message : String(err)}` };
  }
  const derived = desiredLinkConfigs(spec, role, credentials);
  if (derived.problems.length > 0) return { ok: false, text: `FAILED: ${derived.problems.join('; ')}` };
  const name = linkNameOf(link);
  const result = await preflightLink(client, clusterId, name, createLinkRequest(role, remoteId, derived.configs));
  return result.ok
    ? { ok: true, text: `OK (the server would create link ${name})` }
    : { ok: false, text: `FAILED: ${describePreflight(result)}` };
}
