// Soak figures are written as JSON under test/soak/results/ so docs/reliability.md can quote real numbers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../soak/results/', import.meta.url));

export function writeResult(name: string, figures: Record<string, unknown>): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(
    `${DIR}${name}.json`,
    `${JSON.stringify({ ...figures, finishedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}
