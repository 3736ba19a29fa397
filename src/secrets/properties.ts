// Java-properties style `key=value` files of CFK's Secrets (oauth.txt, bearer.txt, plain.txt): `=` or `:` separates
// key and value, `#` and `!` start comments, blanks around key and value are dropped. CFK reads oauth.txt this way
// (`${file:…/oauth.txt:clientId}`), docs/rules.md#secret-checks. Shared by the webhook and the reconciler.
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const sep = /[=:]/.exec(line);
    if (!sep || sep.index === 0) continue;
    out.set(line.slice(0, sep.index).trim(), line.slice(sep.index + 1).trim());
  }
  return out;
}

export const OAUTH_TXT = 'oauth.txt';
