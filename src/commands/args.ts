// Flag parsing shared by the offline commands: node:util's parseArgs, with usage errors turned into
// a message and exit code 2 instead of an exception.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export type ParsedFlags<T extends Options> = ReturnType<
  typeof parseArgs<{ options: T; args: string[]; strict: true; allowPositionals: false }>
>['values'];

/** Parsed flags, or the exit code when the command line is wrong (the error already printed). */
export function parseFlags<T extends Options>(
  command: string,
  argv: string[],
  options: T,
  io: CliIO,
): ParsedFlags<T> | number {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return usageError(command, err instanceof Error ? err.message : String(err), io);
  }
}

export function usageError(command: string, message: string, io: CliIO): number {
  io.stderr.write(
    `clusterlink-webhook ${command}: ${message}\nRun \`clusterlink-webhook ${command} --help\` for usage.\n`,
  );
  return EXIT_USAGE;
}
