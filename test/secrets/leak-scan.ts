// Asserts that no Secret value (or a recognisable piece of one) shows up in text meant for users or logs.
import assert from 'node:assert/strict';

/** Pieces of a Secret's values worth searching for: every line of 8+ characters, and each value's base64. */
export function secretFragments(data: Record<string, Buffer>): string[] {
  const out = new Set<string>();
  for (const value of Object.values(data)) {
    const text = value.toString('utf8');
    for (const line of text.split(/\r?\n/)) {
      const trimmed = line.trim();
      const eq = trimmed.indexOf('=');
      // PEM armour lines and `key=` lines with nothing after the `=` are labels, not secrets.
      const labelOnly = trimmed.startsWith('-----') || (eq > 0 && eq === trimmed.length - 1);
      if (trimmed.length >= 8 && !labelOnly) out.add(trimmed);
      // `password=…` lines: the part after `=` alone is the secret.
      if (eq > 0 && trimmed.length - eq > 4) out.add(trimmed.slice(eq + 1));
    }
    if (value.length >= 6) out.add(value.toString('base64').slice(0, 24));
  }
  return [...out];
}

export function assertNoSecretValues(texts: readonly string[], ...secrets: Record<string, Buffer>[]): void {
  const fragments = secrets.flatMap(secretFragments);
  for (const text of texts) {
    for (const fragment of fragments) {
      assert.ok(!text.includes(fragment), `a secret value leaked into: ${text.slice(0, 200)}`);
    }
  }
}
