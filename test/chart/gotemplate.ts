// A small reader of Go-template text (Helm templates) for the chart tests: no Helm binary is available here.
// It checks what Go's text/template parser would refuse (unclosed actions, strings or comments; unbalanced
// if/range/with/define/block … end; `else` outside a block; unbalanced parentheses) and returns each line of
// static text with the conditions that enclose it, so tests can reason about the manifests' fixed parts.

export interface Action {
  /** Text between the delimiters, without trim markers and surrounding spaces. */
  text: string;
  line: number;
}

export interface StaticLine {
  /** The line with every action replaced by `«»`. */
  text: string;
  line: number;
  /** Conditions of the enclosing if/range/with/else blocks, outermost first (e.g. `if .Values.x`). */
  conditions: string[];
}

export interface ParsedTemplate {
  actions: Action[];
  defines: string[];
  includes: string[];
  staticLines: StaticLine[];
}

export class TemplateSyntaxError extends Error {}

const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

/** Splits an action into its words, keeping quoted strings whole; checks quotes and parentheses. */
function checkActionBody(body: string, line: number): void {
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      i++;
      while (i < body.length && body[i] !== '"') i += body[i] === '\\' ? 2 : 1;
      if (i >= body.length) throw new TemplateSyntaxError(`line ${line}: unterminated string in {{ ${body} }}`);
    } else if (c === '`') {
      const close = body.indexOf('`', i + 1);
      if (close < 0) throw new TemplateSyntaxError(`line ${line}: unterminated raw string in {{ ${body} }}`);
      i = close;
    } else if (c === "'") {
      const close = body.indexOf("'", i + 1);
      if (close < 0) throw new TemplateSyntaxError(`line ${line}: unterminated character constant in {{ ${body} }}`);
      i = close;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) throw new TemplateSyntaxError(`line ${line}: unbalanced ")" in {{ ${body} }}`);
    }
  }
  if (depth !== 0) throw new TemplateSyntaxError(`line ${line}: unbalanced "(" in {{ ${body} }}`);
}

/** Finds the `}}` that closes the action opened at `start` (just after `{{`), skipping strings and comments. */
function findClose(src: string, start: number, line: number): number {
  let i = start;
  const trimmed = src.slice(start).replace(/^-\s*/, '');
  if (trimmed.startsWith('/*')) {
    const end = src.indexOf('*/', start);
    if (end < 0) throw new TemplateSyntaxError(`line ${line}: unclosed comment`);
    const close = src.indexOf('}}', end);
    if (close < 0 || !/^\s*-?\s*$/.test(src.slice(end + 2, close)))
      throw new TemplateSyntaxError(`line ${line}: comment must end with */}}`);
    return close;
  }
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\n') throw new TemplateSyntaxError(`line ${line}: newline in string`);
        i += src[i] === '\\' ? 2 : 1;
      }
    } else if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new TemplateSyntaxError(`line ${line}: unterminated raw string`);
      i = close;
    } else if (c === '}' && src[i + 1] === '}') return i;
    else if (c === '{' && src[i + 1] === '{') throw new TemplateSyntaxError(`line ${line}: "{{" inside an action`);
    i++;
  }
  throw new TemplateSyntaxError(`line ${line}: unclosed action`);
}

function lineAt(src: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (src[i] === '\n') n++;
  return n;
}

export function parseGoTemplate(src: string): ParsedTemplate {
  const actions: Action[] = [];
  const defines: string[] = [];
  const includes: string[] = [];
  const stack: { keyword: string; condition: string; line: number }[] = [];
  const staticLines: StaticLine[] = [];
  let current = '';
  let currentLine = 1;

  const flushStaticText = (text: string): void => {
    const parts = text.split('\n');
    parts.forEach((part, index) => {
      current += part;
      if (index < parts.length - 1) {
        staticLines.push({
          text: current,
          line: currentLine,
          conditions: stack.filter((s) => s.keyword !== 'define').map((s) => s.condition),
        });
        current = '';
        currentLine++;
      }
    });
  };

  let pos = 0;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    const strayClose = src.indexOf('}}', pos);
    if (strayClose >= 0 && (open < 0 || strayClose < open))
      throw new TemplateSyntaxError(`line ${lineAt(src, strayClose)}: "}}" without "{{"`);
    if (open < 0) {
      flushStaticText(src.slice(pos));
      break;
    }
    flushStaticText(src.slice(pos, open));
    const line = lineAt(src, open);
    const close = findClose(src, open + 2, line);
    const raw = src.slice(open + 2, close);
    const body = raw
      .replace(/^-\s+|^-$/, '')
      .replace(/\s+-$/, '')
      .trim();
    const inner = body.replace(/^\/\*[\s\S]*\*\/$/, '');
    const newlines = (raw.match(/\n/g) ?? []).length;
    current += '«»';
    currentLine += newlines;
    pos = close + 2;
    if (body.startsWith('/*')) continue; // a comment
    if (inner === '') throw new TemplateSyntaxError(`line ${line}: empty action`);
    checkActionBody(inner, line);
    actions.push({ text: inner, line });
    const keyword = inner.split(/\s+/)[0] ?? '';
    if (OPENERS.has(keyword)) {
      stack.push({ keyword, condition: inner, line });
      if (keyword === 'define') {
        const name = /^define\s+"([^"]+)"/.exec(inner)?.[1];
        if (!name) throw new TemplateSyntaxError(`line ${line}: define without a quoted name`);
        defines.push(name);
      }
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || !['if', 'range', 'with'].includes(top.keyword))
        throw new TemplateSyntaxError(`line ${line}: else outside if/range/with`);
      top.condition = `${inner} (not ${top.condition})`;
    } else if (keyword === 'end') {
      if (inner !== 'end') throw new TemplateSyntaxError(`line ${line}: "end" takes no arguments`);
      if (!stack.pop()) throw new TemplateSyntaxError(`line ${line}: end without an open block`);
    }
    for (const m of inner.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) if (m[1]) includes.push(m[1]);
  }
  if (current !== '') staticLines.push({ text: current, line: currentLine, conditions: stack.map((s) => s.condition) });
  const open = stack[stack.length - 1];
  if (open) throw new TemplateSyntaxError(`line ${open.line}: "${open.keyword}" is never closed with end`);
  return { actions, defines, includes, staticLines };
}

/** `.Values.a.b.c` paths used in the actions (the longest dotted path of each reference). */
export function valuesReferences(actions: Action[]): string[] {
  const out = new Set<string>();
  for (const a of actions)
    for (const m of a.text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) if (m[1]) out.add(m[1].slice(1));
  return [...out].sort();
}

/** The manifests' fixed skeleton: per `---`-separated document, its top-level apiVersion and kind. */
export function staticKinds(lines: StaticLine[]): Array<{ apiVersion: string; kind: string; line: number }> {
  const docs: Array<{ apiVersion: string; kind: string; line: number }> = [];
  let apiVersion = '';
  let kind = '';
  let startLine = 0;
  const flush = (): void => {
    if (apiVersion || kind) docs.push({ apiVersion, kind, line: startLine });
    apiVersion = '';
    kind = '';
  };
  for (const l of lines) {
    const text = l.text.replace(/«»/g, '');
    if (/^---\s*$/.test(text)) flush();
    const av = /^apiVersion:\s*(\S+)\s*$/.exec(text);
    if (av?.[1]) {
      apiVersion = av[1];
      startLine = l.line;
    }
    const k = /^kind:\s*(\S+)\s*$/.exec(text);
    if (k?.[1]) kind = k[1];
  }
  flush();
  return docs;
}
