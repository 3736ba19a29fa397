// A parser for the part of PromQL that the chart's dashboard and PrometheusRule use (docs/install.md#grafana-dashboard):
// selectors with matchers and ranges, function calls, aggregations with `by`/`without`, and binary operators with
// Prometheus's precedence. It exists so that docs/dashboard/render.ts evaluates the panels' own queries, read from
// files/dashboard.json, and so a test can list the metric names every query and alert uses.

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
}

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'selector'; name: string | undefined; matchers: Matcher[]; rangeSeconds?: number }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'aggregate'; op: string; grouping: { labels: string[]; without: boolean } | undefined; expr: Expr }
  | { kind: 'binary'; op: string; lhs: Expr; rhs: Expr };

type Token = { type: 'ident' | 'number' | 'string' | 'duration' | 'punct'; text: string };

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'count']);
/** Binary operators by precedence, lowest first (https://prometheus.io/docs/prometheus/latest/querying/operators/). */
const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '>': 3,
  '<=': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};
const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

function tokenize(src: string): Token[] {
  const patterns: Array<[Token['type'], RegExp]> = [
    ['duration', /^(?:\d+(?:ms|s|m|h|d|w|y))+/],
    ['number', /^(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|(?:Inf|NaN)\b)/i],
    ['ident', /^[a-zA-Z_:][a-zA-Z0-9_:]*/],
    ['string', /^"(?:[^"\\]|\\.)*"/],
    ['punct', /^(?:==|!=|=~|!~|<=|>=|[-+*/%^<>=(){}[\],])/],
  ];
  const tokens: Token[] = [];
  let rest = src.trim();
  while (rest.length > 0) {
    const hit = patterns.map(([type, re]) => [type, re.exec(rest)?.[0]] as const).find(([, text]) => text);
    if (!hit?.[1]) throw new Error(`PromQL: cannot read ${JSON.stringify(rest.slice(0, 20))}`);
    tokens.push({ type: hit[0], text: hit[1] });
    rest = rest.slice(hit[1].length).trimStart();
  }
  return tokens;
}

/** `5m`, `1h30m` → seconds. */
export function durationSeconds(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * (UNITS[unit ?? 's'] ?? 1);
  return total;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const expr = this.binary(1);
    if (this.pos < this.tokens.length) throw new Error(`PromQL: unexpected ${this.peek()?.text ?? ''}`);
    return expr;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('PromQL: unexpected end');
    return t;
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text) throw new Error(`PromQL: expected ${text}, got ${t.text}`);
  }

  private binary(minPrec: number): Expr {
    let lhs = this.unary();
    for (;;) {
      const op = this.peek()?.text ?? '';
      const prec = PRECEDENCE[op];
      if (prec === undefined || prec < minPrec) return lhs;
      this.pos++;
      // `^` is right-associative, every other operator left-associative
      const rhs = this.binary(op === '^' ? prec : prec + 1);
      lhs = { kind: 'binary', op, lhs, rhs };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t?.text === '-') {
      this.pos++;
      return { kind: 'binary', op: '*', lhs: { kind: 'number', value: -1 }, rhs: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    if (t.text === '(') {
      const inner = this.binary(1);
      this.expect(')');
      return inner;
    }
    if (t.type === 'number') return { kind: 'number', value: Number(t.text.replace(/^inf$/i, 'Infinity')) };
    if (t.text === '{') return this.selector(undefined);
    if (t.type !== 'ident') throw new Error(`PromQL: unexpected ${t.text}`);
    if (AGGREGATIONS.has(t.text) && ['(', 'by', 'without'].includes(this.peek()?.text ?? ''))
      return this.aggregate(t.text);
    if (this.peek()?.text === '(') return { kind: 'call', fn: t.text, args: this.args() };
    if (this.peek()?.text === '{') {
      this.pos++;
      return this.selector(t.text);
    }
    return this.range({ kind: 'selector', name: t.text, matchers: [] });
  }

  private args(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    while (this.peek()?.text !== ')') {
      args.push(this.binary(1));
      if (this.peek()?.text === ',') this.pos++;
    }
    this.pos++;
    return args;
  }

  private labelList(): string[] {
    this.expect('(');
    const labels: string[] = [];
    while (this.peek()?.text !== ')') {
      const t = this.next();
      if (t.text !== ',') labels.push(t.text);
    }
    this.pos++;
    return labels;
  }

  private aggregate(op: string): Expr {
    let grouping: { labels: string[]; without: boolean } | undefined;
    const modifier = (): void => {
      const word = this.peek()?.text;
      if (word === 'by' || word === 'without') {
        this.pos++;
        grouping = { labels: this.labelList(), without: word === 'without' };
      }
    };
    modifier();
    const [expr] = this.args();
    if (!expr) throw new Error(`PromQL: ${op}() needs an argument`);
    modifier();
    return { kind: 'aggregate', op, grouping, expr };
  }

  private selector(name: string | undefined): Expr {
    const matchers: Matcher[] = [];
    while (this.peek()?.text !== '}') {
      const label = this.next().text;
      const op = this.next().text as MatchOp;
      const value = JSON.parse(this.next().text) as string;
      matchers.push({ label, op, value });
      if (this.peek()?.text === ',') this.pos++;
    }
    this.pos++;
    return this.range({ kind: 'selector', name, matchers });
  }

  private range(sel: Extract<Expr, { kind: 'selector' }>): Expr {
    if (this.peek()?.text !== '[') return sel;
    this.pos++;
    const d = this.next();
    this.expect(']');
    return { ...sel, rangeSeconds: durationSeconds(d.text) };
  }
}

export function parsePromQL(src: string): Expr {
  return new Parser(tokenize(src)).parse();
}

/** Every metric name a query selects (`up`, `foo_bucket`, …), sorted. */
export function metricNames(expr: Expr): string[] {
  const out = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'selector') {
      const name = e.name ?? e.matchers.find((m) => m.label === '__name__' && m.op === '=')?.value;
      if (name !== undefined) out.add(name);
    } else if (e.kind === 'call') e.args.forEach(walk);
    else if (e.kind === 'aggregate') walk(e.expr);
    else if (e.kind === 'binary') {
      walk(e.lhs);
      walk(e.rhs);
    }
  };
  walk(expr);
  return [...out].sort();
}
