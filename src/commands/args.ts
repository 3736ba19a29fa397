// The one flag parser of every command (docs/cli.md): node:util's parseArgs in strict mode (positionals only for the
// offline commands' files, parseFlagsAndArgs),
// plus what serve needs on top: a flag may name an environment variable that stands in for it when the
// flag is not given. Each command keeps its own wording of a usage error (the texts users and tests know).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type OptionConfig = Options[string];

/** A flag: parseArgs' own settings, plus `env`, the variable read when the flag is absent. */
export type FlagConfig = OptionConfig & { env?: string };
export type FlagOptions = Record<string, FlagConfig>;

/** parseArgs' settings without the `env` key (parseArgs itself knows nothing of it). */
type ParseArgsOptions<T extends FlagOptions> = { [K in keyof T]: Omit<T[K], 'env'> };

export type ParsedFlags<T extends FlagOptions> = ReturnType<
  typeof parseArgs<{ options: ParseArgsOptions<T>; args: string[]; strict: true; allowPositionals: false }>
>['values'];

export interface CommandLine<T extends FlagOptions> {
  /** The flags given on the command line. */
  values: ParsedFlags<T>;
  /** For flags that name a variable and were not given: the variable's text, when it is set. */
  fromEnv: Partial<Record<keyof T & string, string>>;
}

export type ParseResult<T extends FlagOptions> = { ok: true; line: CommandLine<T> } | { ok: false; message: string };

/** Parses `argv` against `options`; a wrong command line is a message (parseArgs' own), never a throw. */
export function parseCommandLine<T extends FlagOptions>(
  argv: readonly string[],
  options: T,
  env: NodeJS.ProcessEnv = {},
): ParseResult<T> {
  const parseOptions: Options = {};
  for (const [name, { env: _env, ...config }] of Object.entries(options)) parseOptions[name] = config;
  let values: ParsedFlags<T>;
  try {
    values = parseArgs({ args: [...argv], options: parseOptions, strict: true, allowPositionals: false })
      .values as ParsedFlags<T>;
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const fromEnv: Partial<Record<string, string>> = {};
  for (const [name, config] of Object.entries(options)) {
    const text = config.env === undefined ? undefined : env[config.env];
    if (text !== undefined && (values as Record<string, unknown>)[name] === undefined) fromEnv[name] = text;
  }
  return { ok: true, line: { values, fromEnv } };
}

/** Parsed flags of an offline command, or the exit code when the command line is wrong (the error printed). */
export function parseFlags<T extends FlagOptions>(
  command: string,
  argv: string[],
  options: T,
  io: CliIO,
): ParsedFlags<T> | number {
  const parsed = parseCommandLine(argv, options);
  return parsed.ok ? parsed.line.values : usageError(command, parsed.message, io);
}

export function usageError(command: string, message: string, io: CliIO): number {
  io.stderr.write(
    `clusterlink-webhook ${command}: ${message}\nRun \`clusterlink-webhook ${command} --help\` for usage.\n`,
  );
  return EXIT_USAGE;
}

/** Flags and positional arguments (files, for the offline commands that take them as kubeconform does). */
export function parseFlagsAndArgs<T extends FlagOptions>(
  command: string,
  argv: string[],
  options: T,
  io: CliIO,
): { values: ParsedFlags<T>; positionals: string[] } | number {
  const parseOptions: Options = {};
  for (const [name, { env: _env, ...config }] of Object.entries(options)) parseOptions[name] = config;
  try {
    const parsed = parseArgs({ args: argv, options: parseOptions, strict: true, allowPositionals: true });
    return { values: parsed.values as ParsedFlags<T>, positionals: parsed.positionals };
  } catch (err) {
    return usageError(command, err instanceof Error ? err.message : String(err), io);
  }
}
