// The `key=value` line files Confluent's Secrets carry (basic.txt, plain.txt, bearer.txt, oauthbearer.txt).
/** Parses `key=value` lines; the value keeps any further `=`; blank and `#` lines are skipped. */
export function parseKeyValueLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
