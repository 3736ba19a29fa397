// Placeholder until the admission server lands.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('serve: not implemented yet\n');
  return 1;
}
