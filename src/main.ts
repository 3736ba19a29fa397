// Command dispatch: `clusterlink-webhook <command> [flags]`. Each command lives in src/commands/<name>.ts
// and exports `run(argv, io): Promise<number>` (the exit code; long-running commands resolve when they stop).
import { EXIT_OK, EXIT_USAGE } from './commands/exit-codes.js';
import { processIO, type CliIO } from './commands/io.js';

type CommandModule = { run(argv: string[], io: CliIO): Promise<number> };

interface Command {
  summary: string;
  load: () => Promise<CommandModule>;
  /** The command's help, from a module that imports nothing heavy: `<command> -h` answers at once. */
  help: () => Promise<string>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the admission webhooks (and, in a pod, the reconciler)',
    load: () => import('./commands/serve.js'),
    help: () => import('./commands/serve-config.js').then((m) => m.serveUsage()),
  },
  certs: {
    summary: 'make the serving certificate (generate) or print a caBundle (ca-bundle)',
    load: () => import('./commands/certs.js'),
    help: () => import('./commands/certs.js').then((m) => m.certsUsage()),
  },
  validate: {
    summary: "check ClusterLink manifests offline with the webhook's rules",
    load: () => import('./commands/validate.js'),
    help: () => import('./commands/validate.js').then((m) => m.HELP),
  },
  mutate: {
    summary: "print ClusterLink manifests with the webhook's defaults applied",
    load: () => import('./commands/mutate.js'),
    help: () => import('./commands/mutate.js').then((m) => m.HELP),
  },
  audit: {
    summary: "check the ClusterLinks stored in the cluster (current kubeconfig context) with the webhook's rules",
    load: () => import('./commands/audit.js'),
    help: () => import('./commands/audit.js').then((m) => m.HELP),
  },
  preflight: {
    summary: 'ask the Admin REST API whether ClusterLinks could be created (validate_only)',
    load: () => import('./commands/preflight.js'),
    help: () => import('./commands/preflight.js').then((m) => m.HELP),
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
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`clusterlink-webhook ${await version()}\n`);
    return EXIT_OK;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`clusterlink-webhook: unknown command "${name}"\n${usage()}\n`);
    return EXIT_USAGE;
  }
  // `certs generate -h` asks for the subcommand's help, which certs prints itself.
  if (name !== 'certs' && rest.some((a) => a === '--help' || a === '-h')) {
    io.stdout.write(`${(await command.help()).trimEnd()}\n`);
    return EXIT_OK;
  }
  return (await command.load()).run(rest, io);
}

/** The package's version (package.json beside dist/ or src/). */
async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
