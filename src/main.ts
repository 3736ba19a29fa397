// Command dispatch: `clusterlink-webhook <command> [flags]`. Each command lives in src/commands/<name>.ts
// and exports `run(argv, io): Promise<number>` (the exit code; long-running commands resolve when they stop).
import { EXIT_OK, EXIT_USAGE } from './commands/exit-codes.js';
import { processIO, type CliIO } from './commands/io.js';

type CommandModule = { run(argv: string[], io: CliIO): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: {
    summary: 'run the admission webhooks (and the reconciler when a cluster is reachable)',
    load: () => import('./commands/serve.js'),
  },
  certs: {
    summary: 'make the serving certificate (generate) or print a caBundle (ca-bundle)',
    load: () => import('./commands/certs.js'),
  },
  validate: {
    summary: "check ClusterLink manifests offline with the webhook's rules",
    load: () => import('./commands/validate.js'),
  },
  mutate: {
    summary: "print ClusterLink manifests with the webhook's defaults applied",
    load: () => import('./commands/mutate.js'),
  },
  audit: {
    summary: "check the ClusterLinks stored in the cluster (current kubeconfig context) with the webhook's rules",
    load: () => import('./commands/audit.js'),
  },
  preflight: {
    summary: 'ask the Admin REST API whether ClusterLinks could be created (validate_only)',
    load: () => import('./commands/preflight.js'),
  },
};

export function usage(): string {
  const lines = ['Usage: clusterlink-webhook <command> [flags]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `clusterlink-webhook <command> --help` for the flags of a command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`clusterlink-webhook: unknown command "${name}"\n${usage()}\n`);
    return EXIT_USAGE;
  }
  return (await command.load()).run(rest, io);
}
