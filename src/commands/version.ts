// The package's version, for `<command> --version` and the SARIF log's tool (package.json beside dist/ or src/).
import { readFile } from 'node:fs/promises';

export async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8').catch(() => '{}');
  return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
}
