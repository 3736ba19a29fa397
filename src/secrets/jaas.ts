// The `sasl.jaas.config` grammar of Kafka's JaasConfig (docs/rules.md#secret-checks, docs/reconciler.md#link-credentials),
// shared by the webhook's Secret check and the reconciler so both accept exactly the same files.
// Kafka tokenizes with java.io.StreamTokenizer: whitespace separates tokens, `=` and `;` are single tokens, `"…"`
// and `'…'` are quoted strings (ending at the same quote, a line end or EOF; `\` escapes), and `/` outside quotes
// starts a comment (`//…`, `/*…*/`, or a lone `/` to the end of the line). A client config holds exactly one
// login module (JaasContext). Messages never quote the text: it carries passwords.

export interface JaasOption {
  key: string;
  value: string;
}

export interface JaasEntry {
  loginModule: string;
  controlFlag: 'required' | 'requisite' | 'sufficient' | 'optional';
  options: JaasOption[];
}

export type JaasParse = { ok: true; entries: JaasEntry[] } | { ok: false; problem: string };

type Token = { kind: 'word' | 'quoted'; text: string } | { kind: 'char'; text: string };

const FLAGS = new Set(['required', 'requisite', 'sufficient', 'optional']);

function isWordChar(code: number): boolean {
  // wordChars(32,128) and (160,255) after the ordinary/quote/comment characters were set aside; ≥256 is a word too.
  if (code === 0x2f || code === 0x22 || code === 0x27 || code === 0x3b || code === 0x3d) return false;
  return (code > 32 && code <= 128) || code >= 160;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** StreamTokenizer with JaasConfig's syntax table. */
export function tokenizeJaas(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const code = c.charCodeAt(0);
    if (code <= 32) {
      i++;
    } else if (c === '/') {
      if (text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      } else {
        while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      }
    } else if (c === '"' || c === "'") {
      let out = '';
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1] as string;
          const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
          if (octal) {
            out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
            i += 1 + octal[0].length;
          } else {
            out += ESCAPES[next] ?? next;
            i += 2;
          }
        } else {
          out += text[i];
          i++;
        }
      }
      if (text[i] === c) i++;
      tokens.push({ kind: 'quoted', text: out });
    } else if (isWordChar(code)) {
      const start = i;
      while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    } else {
      tokens.push({ kind: 'char', text: c });
      i++;
    }
  }
  return tokens;
}

const sval = (t: Token | undefined): string | undefined => (t && t.kind !== 'char' ? t.text : undefined);

/** Kafka's JaasConfig parse: one or more `<LoginModule> <flag> (key=value)* ;` entries. */
export function parseJaas(text: string): JaasParse {
  const tokens = tokenizeJaas(text);
  const entries: JaasEntry[] = [];
  let i = 0;
  while (i < tokens.length) {
    const loginModule = sval(tokens[i]);
    if (loginModule === undefined) return { ok: false, problem: 'a login module class must come first' };
    i++;
    const flagToken = tokens[i];
    if (!flagToken) return { ok: false, problem: 'the login module control flag (e.g. required) is missing' };
    const flag = sval(flagToken)?.toLowerCase();
    if (flag === undefined)
      return {
        ok: false,
        problem:
          flagToken.text === '='
            ? 'the login module is followed by "=": the text starts with a property name (only the value of sasl.jaas.config belongs here)'
            : 'the login module control flag is not available',
      };
    if (!FLAGS.has(flag))
      return {
        ok: false,
        problem: 'the control flag after the login module is not one of required, requisite, sufficient, optional',
      };
    i++;
    const options: JaasOption[] = [];
    while (i < tokens.length && tokens[i]?.text !== ';') {
      const key = sval(tokens[i]);
      const eq = tokens[i + 1];
      const value = sval(tokens[i + 2]);
      if (key === undefined || eq?.kind !== 'char' || eq.text !== '=' || value === undefined)
        return { ok: false, problem: `option ${options.length + 1} has no value (options are key="value")` };
      options.push({ key, value });
      i += 3;
    }
    if (tokens[i]?.text !== ';') return { ok: false, problem: 'the JAAS entry is not terminated by ";"' };
    i++;
    entries.push({ loginModule, controlFlag: flag as JaasEntry['controlFlag'], options });
  }
  if (entries.length === 0) return { ok: false, problem: 'no login module is specified' };
  return { ok: true, entries };
}

export type PassThroughJaas = { ok: true; value: string; entry: JaasEntry } | { ok: false; problem: string };

const PREFIX = /^sasl\.jaas\.config[ \t\f]*[=:][ \t\f]*/;

/**
 * The content of a `plain-jaas.conf` (jaasConfigPassThrough): the JAAS value itself, or the properties line
 * `sasl.jaas.config=<value>` CFK's examples create (also split over lines with a trailing `\`). Returns the value
 * to send as `sasl.jaas.config`, or why Kafka would refuse it.
 */
export function parsePassThroughJaas(content: string): PassThroughJaas {
  let text = content.replace(/^\uFEFF/, '').trim();
  const prefixed = PREFIX.test(text);
  if (prefixed) {
    // Properties-file rules for the value: a backslash at a line end continues it on the next line.
    text = text.replace(PREFIX, '').replace(/\\\r?\n[ \t\f]*/g, ' ');
  }
  text = text.trim();
  if (text === '') return { ok: false, problem: 'it is empty' };
  const parsed = parseJaas(text);
  if (!parsed.ok) {
    const otherProperty = /^[A-Za-z][\w.-]*[ \t]*[=:]/m.test(text.split(/\r?\n/).slice(1).join('\n'));
    const hint = otherProperty ? '; it holds more than one property: keep only the sasl.jaas.config line' : '';
    return { ok: false, problem: `${parsed.problem}${hint}` };
  }
  if (parsed.entries.length !== 1)
    return {
      ok: false,
      problem: `it holds ${parsed.entries.length} login modules; a client's sasl.jaas.config holds exactly one`,
    };
  return { ok: true, value: text, entry: parsed.entries[0] as JaasEntry };
}

/** A JAAS option value as a quoted string. Callers refuse line breaks first (a quoted string ends there). */
export function jaasQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value that cannot be a quoted JAAS option (see jaasQuote). */
export const unquotableJaasValue = (value: string): boolean => /[\r\n]/.test(value);
