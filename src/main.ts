// Command dispatch: `clusterlink-webhook <command> [flags]`. Each command lives in src/commands/<name>.ts
// and exports `run(argv): Promise<number>` (the exit code; long-running commands resolve when they stop).

type CommandModule = { run(argv: string[]): Promise<number> };

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

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`clusterlink-webhook: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  return (await command.load()).run(rest);
}
