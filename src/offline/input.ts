// Where the offline library reads its inputs: standard input (for `-`) and the directory that relative paths
// are resolved against. The commands' CliIO is one of these; tests pass their own.
export interface ManifestInput {
  /** Reads all of standard input; only called when an input is `-`. */
  readStdin(): Promise<string>;
  /** Directory that relative paths are resolved against. */
  cwd: string;
}
