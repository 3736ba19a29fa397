// A small renderer for this chart's templates, so tests can look at real manifests without a Helm binary.
// It implements Go's text/template (actions, trim markers, variables, pipelines, if/else if/else, range,
// with, define/include) and the Sprig/Helm functions this chart uses, with Helm's semantics where they
// matter (missing values render empty; toYaml drops the trailing newline; `fail` aborts the render;
// `lookup` answers from a fake cluster given by the test, empty like `helm template` by default). It is not
// Helm: a function the chart starts to use must be added here, and a test fails loudly until it is.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';

type Value = unknown;
type Scope = Map<string, Value>;

interface TextNode {
  type: 'text';
  text: string;
}
interface ActionNode {
  type: 'action';
  pipe: Pipeline;
  line: number;
}
interface IfNode {
  type: 'if';
  branches: Array<{ cond: Pipeline | null; body: Node[] }>;
  line: number;
}
interface RangeNode {
  type: 'range';
  pipe: Pipeline;
  body: Node[];
  elseBody: Node[];
  line: number;
}
interface WithNode {
  type: 'with';
  pipe: Pipeline;
  body: Node[];
  elseBody: Node[];
  line: number;
}
type Node = TextNode | ActionNode | IfNode | RangeNode | WithNode;

type Operand =
  | { kind: 'field'; base: 'dot' | 'var'; name?: string; path: string[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipe: Pipeline; path: string[] };
interface Command {
  args: Operand[];
}
interface Pipeline {
  decl?: { name: string; assign: boolean };
  cmds: Command[];
  line: number;
}

export class RenderError extends Error {}
export class ChartFailure extends Error {}

// --- lexing ------------------------------------------------------------------------------------------

type Token = { kind: 'text'; text: string } | { kind: 'action'; body: string; line: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    if (open < 0) {
      out.push({ kind: 'text', text: src.slice(pos) });
      break;
    }
    let text = src.slice(pos, open);
    line += (text.match(/\n/g) ?? []).length;
    let bodyStart = open + 2;
    if (src[bodyStart] === '-' && /\s/.test(src[bodyStart + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      bodyStart += 1;
    }
    out.push({ kind: 'text', text });
    // find the closing delimiter outside strings and comments
    let i = bodyStart;
    const comment = /^\s*\/\*/.test(src.slice(bodyStart));
    if (comment) i = src.indexOf('*/', bodyStart) + 2;
    while (i < src.length && !(src[i] === '}' && src[i + 1] === '}')) {
      if (src[i] === '"') {
        i++;
        while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      } else if (src[i] === '`') i = src.indexOf('`', i + 1);
      i++;
    }
    if (i >= src.length) throw new RenderError(`line ${line}: unclosed action`);
    let body = src.slice(bodyStart, i);
    let after = i + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const rest = src.slice(after);
      after += rest.length - rest.replace(/^\s+/, '').length;
    }
    const actionLine = line;
    line += (src.slice(open, after).match(/\n/g) ?? []).length;
    if (!comment) out.push({ kind: 'action', body: body.trim(), line: actionLine });
    pos = after;
  }
  return out;
}

function splitWords(body: string, line: number): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      words.push(body.slice(i, j + 1));
      i = j + 1;
    } else if (c === '`') {
      const j = body.indexOf('`', i + 1);
      words.push(body.slice(i, j + 1));
      i = j + 1;
    } else if (c === '(' || c === ')' || c === '|') {
      words.push(c);
      i++;
    } else if (c === ':' && body[i + 1] === '=') {
      words.push(':=');
      i += 2;
    } else {
      let j = i;
      while (j < body.length && !/[\s()|]/.test(body[j] ?? '') && !(body[j] === ':' && body[j + 1] === '=')) j++;
      // a `)` directly followed by a field chain, e.g. (x).a, is split by the caller
      words.push(body.slice(i, j));
      i = j;
    }
  }
  if (words.length === 0) throw new RenderError(`line ${line}: empty action`);
  return words;
}

function parsePipeline(body: string, line: number): Pipeline {
  const words = splitWords(body, line);
  let pos = 0;
  const pipe: Pipeline = { cmds: [], line };
  if (words[0]?.startsWith('$') && (words[1] === ':=' || words[1] === '=')) {
    pipe.decl = { name: words[0], assign: words[1] === '=' };
    pos = 2;
  }
  const parseOperand = (): Operand => {
    const w = words[pos++];
    if (w === undefined) throw new RenderError(`line ${line}: unexpected end of ${body}`);
    if (w === '(') {
      const start = pos;
      let depth = 1;
      while (pos < words.length && depth > 0) {
        if (words[pos] === '(') depth++;
        if (words[pos] === ')') depth--;
        pos++;
      }
      const inner = words.slice(start, pos - 1).join(' ');
      return { kind: 'pipe', pipe: parsePipeline(inner, line), path: [] };
    }
    if (w.startsWith('"')) return { kind: 'string', value: JSON.parse(w) as string };
    if (w.startsWith('`')) return { kind: 'string', value: w.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(w)) return { kind: 'number', value: Number(w) };
    if (w === 'true' || w === 'false') return { kind: 'bool', value: w === 'true' };
    if (w === 'nil') return { kind: 'nil' };
    if (w === '.') return { kind: 'field', base: 'dot', path: [] };
    if (w.startsWith('.')) return { kind: 'field', base: 'dot', path: w.slice(1).split('.') };
    if (w.startsWith('$')) {
      const [name = '$', ...path] = w.split('.');
      return { kind: 'field', base: 'var', name, path };
    }
    return { kind: 'ident', name: w };
  };
  let cmd: Command = { args: [] };
  while (pos < words.length) {
    if (words[pos] === '|') {
      pipe.cmds.push(cmd);
      cmd = { args: [] };
      pos++;
      continue;
    }
    cmd.args.push(parseOperand());
  }
  pipe.cmds.push(cmd);
  return pipe;
}

// --- parsing -----------------------------------------------------------------------------------------

export interface Parsed {
  nodes: Node[];
  defines: Map<string, Node[]>;
}

export function parseTemplate(src: string, defines = new Map<string, Node[]>()): Parsed {
  const tokens = tokenize(src);
  let pos = 0;
  const parseList = (terminators: string[]): { nodes: Node[]; end: string; endBody: string } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++];
      if (!t) break;
      if (t.kind === 'text') {
        if (t.text) nodes.push({ type: 'text', text: t.text });
        continue;
      }
      const [keyword = ''] = t.body.split(/\s+/);
      const rest = t.body.slice(keyword.length).trim();
      if (terminators.includes(keyword)) return { nodes, end: keyword, endBody: rest };
      if (keyword === 'if') {
        const branches: IfNode['branches'] = [];
        let cond: Pipeline | null = parsePipeline(rest, t.line);
        for (;;) {
          const r = parseList(['else', 'end']);
          branches.push({ cond, body: r.nodes });
          if (r.end === 'end') break;
          if (r.endBody.startsWith('if ')) cond = parsePipeline(r.endBody.slice(3), t.line);
          else {
            const last = parseList(['end']);
            branches.push({ cond: null, body: last.nodes });
            break;
          }
        }
        nodes.push({ type: 'if', branches, line: t.line });
      } else if (keyword === 'range' || keyword === 'with') {
        const pipe = parsePipeline(rest, t.line);
        const r = parseList(['else', 'end']);
        const elseBody = r.end === 'else' ? parseList(['end']).nodes : [];
        nodes.push({ type: keyword, pipe, body: r.nodes, elseBody, line: t.line });
      } else if (keyword === 'define') {
        const name = JSON.parse(rest) as string;
        defines.set(name, parseList(['end']).nodes);
      } else if (keyword === 'end' || keyword === 'else') {
        throw new RenderError(`line ${t.line}: unexpected ${keyword}`);
      } else {
        nodes.push({ type: 'action', pipe: parsePipeline(t.body, t.line), line: t.line });
      }
    }
    if (terminators.length > 0) throw new RenderError(`unclosed block (expected ${terminators.join('/')})`);
    return { nodes, end: '', endBody: '' };
  };
  const { nodes } = parseList([]);
  return { nodes, defines };
}

// --- values and functions ----------------------------------------------------------------------------

type Dict = Record<string, Value>;
const isDict = (v: Value): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

function toText(v: Value): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(toText).join(' ')}]`;
  return `map[${Object.keys(v as Dict)
    .sort()
    .map((k) => `${k}:${toText((v as Dict)[k])}`)
    .join(' ')}]`;
}

function toInt(v: Value): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

function goPrintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([svdq%])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (verb === 'q') return JSON.stringify(toText(a));
    if (verb === 'd') return String(toInt(a));
    return toText(a);
  });
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.replace(/\n/g, `\n${pad}`);
}

function sortKeys(v: Value): Value {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isDict(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  return v;
}

let serial = 0;
function fakePem(label: string, seed: string): string {
  const body = Buffer.from(`${label}:${seed}:${serial++}`).toString('base64');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export interface Cluster {
  /** Objects `lookup` can find, by `apiVersion/kind/namespace/name`. */
  objects: Map<string, Dict>;
}

function makeFunctions(
  cluster: Cluster,
  include: (name: string, dot: Value) => string,
): Record<string, (...args: Value[]) => Value> {
  const cmp = (a: Value, b: Value): number =>
    typeof a === 'number' && typeof b === 'number' ? a - b : toText(a) < toText(b) ? -1 : toText(a) > toText(b) ? 1 : 0;
  return {
    include: (name, dot) => include(String(name), dot),
    default: (d, v) => (truthy(v) ? v : d),
    trunc: (n, s) => toText(s).slice(0, toInt(n)),
    trimSuffix: (suffix, s) =>
      toText(s).endsWith(toText(suffix)) ? toText(s).slice(0, -toText(suffix).length || undefined) : toText(s),
    contains: (sub, s) => toText(s).includes(toText(sub)),
    replace: (a, b, s) => toText(s).split(toText(a)).join(toText(b)),
    printf: (f, ...args) => goPrintf(toText(f), args),
    print: (...args) => args.map(toText).join(''),
    quote: (...args) => args.map((a) => JSON.stringify(toText(a))).join(' '),
    toYaml: (v) =>
      v === undefined || v === null ? 'null' : stringify(sortKeys(v), { lineWidth: 0 }).replace(/\n$/, ''),
    toJson: (v) => JSON.stringify(v ?? null),
    fromJsonArray: (s) => JSON.parse(toText(s)) as Value,
    nindent: (n, s) => `\n${indent(toInt(n), toText(s))}`,
    indent: (n, s) => indent(toInt(n), toText(s)),
    list: (...args) => args,
    dict: (...args) => {
      const d: Dict = {};
      for (let i = 0; i + 1 < args.length; i += 2) d[toText(args[i])] = args[i + 1];
      return d;
    },
    concat: (...lists) => lists.flatMap((l) => (Array.isArray(l) ? l : [])),
    uniq: (l) => [...new Set(Array.isArray(l) ? l : [])],
    join: (sep, l) => (Array.isArray(l) ? l.map(toText).join(toText(sep)) : toText(l)),
    first: (l) => (Array.isArray(l) ? l[0] : undefined),
    pick: (d, ...keys) =>
      Object.fromEntries(
        keys
          .map(toText)
          .filter((k) => isDict(d) && k in d)
          .map((k) => [k, (d as Dict)[k]]),
      ),
    deepCopy: (v) => structuredClone(v ?? {}),
    set: (d, k, v) => {
      if (!isDict(d)) throw new RenderError('set on a non-map');
      d[toText(k)] = v;
      return d;
    },
    hasKey: (d, k) => isDict(d) && toText(k) in d,
    index: (v, ...keys) =>
      keys.reduce<Value>(
        (acc, k) => (Array.isArray(acc) ? acc[toInt(k)] : isDict(acc) ? acc[toText(k)] : undefined),
        v,
      ),
    empty: (v) => !truthy(v),
    not: (v) => !truthy(v),
    and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
    or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
    eq: (a, ...bs) => bs.some((b) => a === b),
    ne: (a, b) => a !== b,
    lt: (a, b) => cmp(a, b) < 0,
    le: (a, b) => cmp(a, b) <= 0,
    gt: (a, b) => cmp(a, b) > 0,
    ge: (a, b) => cmp(a, b) >= 0,
    add: (...args) => args.reduce<number>((s, a) => s + toInt(a), 0),
    int: (v) => toInt(v),
    len: (v) => (Array.isArray(v) ? v.length : isDict(v) ? Object.keys(v).length : toText(v).length),
    b64enc: (s) => Buffer.from(toText(s)).toString('base64'),
    b64dec: (s) => Buffer.from(toText(s), 'base64').toString('utf8'),
    fail: (msg) => {
      throw new ChartFailure(toText(msg));
    },
    lookup: (apiVersion, kind, namespace, name) =>
      structuredClone(
        cluster.objects.get(`${toText(apiVersion)}/${toText(kind)}/${toText(namespace)}/${toText(name)}`) ?? {},
      ),
    genCA: (cn, days) => ({
      Cert: fakePem('CERTIFICATE', `ca ${toText(cn)} ${toInt(days)}`),
      Key: fakePem('PRIVATE KEY', `ca ${toText(cn)}`),
    }),
    genSignedCert: (cn, _ips, alt, days, ca) => ({
      Cert: fakePem(
        'CERTIFICATE',
        `${toText(cn)} ${toText(alt)} ${toInt(days)} signed by ${createHash('sha256')
          .update(toText((ca as Dict)['Cert']))
          .digest('hex')
          .slice(0, 8)}`,
      ),
      Key: fakePem('PRIVATE KEY', toText(cn)),
    }),
  };
}

// --- evaluation --------------------------------------------------------------------------------------

class Renderer {
  private readonly functions: Record<string, (...args: Value[]) => Value>;
  constructor(
    private readonly defines: Map<string, Node[]>,
    private readonly root: Value,
    cluster: Cluster,
  ) {
    this.functions = makeFunctions(cluster, (name, dot) => this.include(name, dot));
  }

  include(name: string, dot: Value): string {
    const body = this.defines.get(name);
    if (!body) throw new RenderError(`include of undefined template "${name}"`);
    return this.renderNodes(body, dot, [new Map([['$', dot]])]);
  }

  renderNodes(nodes: Node[], dot: Value, scopes: Scope[]): string {
    let out = '';
    const local: Scope[] = [...scopes, new Map()];
    for (const node of nodes) {
      if (node.type === 'text') out += node.text;
      else if (node.type === 'action') {
        const v = this.evalPipeline(node.pipe, dot, local);
        if (!node.pipe.decl) out += toText(v);
      } else if (node.type === 'if') {
        for (const b of node.branches) {
          if (b.cond === null || truthy(this.evalPipeline(b.cond, dot, local))) {
            out += this.renderNodes(b.body, dot, local);
            break;
          }
        }
      } else if (node.type === 'with') {
        const v = this.evalPipeline(node.pipe, dot, local);
        out += truthy(v) ? this.renderNodes(node.body, v, local) : this.renderNodes(node.elseBody, dot, local);
      } else {
        const v = this.evalPipeline(node.pipe, dot, local);
        const items: Value[] = Array.isArray(v)
          ? v
          : isDict(v)
            ? Object.keys(v)
                .sort()
                .map((k) => v[k])
            : [];
        if (items.length === 0) out += this.renderNodes(node.elseBody, dot, local);
        for (const item of items) out += this.renderNodes(node.body, item, local);
      }
    }
    return out;
  }

  private lookupVar(name: string, scopes: Scope[], line: number): Value {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]?.has(name)) return scopes[i]?.get(name);
    if (name === '$') return this.root;
    throw new RenderError(`line ${line}: undefined variable ${name}`);
  }

  private evalPipeline(pipe: Pipeline, dot: Value, scopes: Scope[]): Value {
    let value: Value;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(cmd, dot, scopes, first ? [] : [value], pipe.line);
      first = false;
    }
    if (pipe.decl) {
      if (pipe.decl.assign) {
        const scope = [...scopes].reverse().find((s) => s.has(pipe.decl?.name ?? ''));
        if (!scope) throw new RenderError(`line ${pipe.line}: assignment to undeclared ${pipe.decl.name}`);
        scope.set(pipe.decl.name, value);
      } else scopes[scopes.length - 1]?.set(pipe.decl.name, value);
    }
    return value;
  }

  private evalOperand(op: Operand, dot: Value, scopes: Scope[], line: number): Value {
    const walk = (base: Value, path: string[]): Value =>
      path.reduce<Value>((acc, key) => (isDict(acc) ? acc[key] : undefined), base);
    switch (op.kind) {
      case 'string':
      case 'number':
      case 'bool':
        return op.value;
      case 'nil':
        return null;
      case 'field':
        return walk(op.base === 'dot' ? dot : this.lookupVar(op.name ?? '$', scopes, line), op.path);
      case 'pipe':
        return walk(this.evalPipeline(op.pipe, dot, scopes), op.path);
      case 'ident': {
        const fn = this.functions[op.name];
        if (!fn) throw new RenderError(`line ${line}: function "${op.name}" is not implemented by helm-lite`);
        return fn();
      }
    }
  }

  private evalCommand(cmd: Command, dot: Value, scopes: Scope[], piped: Value[], line: number): Value {
    const [head, ...rest] = cmd.args;
    if (!head) throw new RenderError(`line ${line}: empty command`);
    if (head.kind === 'ident') {
      const fn = this.functions[head.name];
      if (!fn) throw new RenderError(`line ${line}: function "${head.name}" is not implemented by helm-lite`);
      // `and` / `or` evaluate lazily in Go templates (since Go 1.18)
      if (head.name === 'and' || head.name === 'or') {
        let last: Value;
        for (const a of [
          ...rest.map((r) => () => this.evalOperand(r, dot, scopes, line)),
          ...piped.map((p) => () => p),
        ]) {
          last = a();
          if (head.name === 'and' ? !truthy(last) : truthy(last)) return last;
        }
        return last;
      }
      return fn(...rest.map((r) => this.evalOperand(r, dot, scopes, line)), ...piped);
    }
    if (rest.length > 0 || piped.length > 0) throw new RenderError(`line ${line}: cannot call a non-function`);
    return this.evalOperand(head, dot, scopes, line);
  }
}

// --- the chart ---------------------------------------------------------------------------------------

export interface ReleaseOptions {
  name?: string;
  namespace?: string;
  values?: Dict;
  cluster?: Cluster;
}

export interface Rendered {
  /** Manifests in file order, with the template each came from. */
  manifests: Array<{ template: string; object: Dict }>;
  notes: string;
  /** The rendered text of each template file (for debugging and text-level checks). */
  texts: Record<string, string>;
}

function mergeValues(base: Dict, override: Dict): Dict {
  const out: Dict = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const cur = out[k];
    if (v === null) delete out[k];
    else if (isDict(cur) && isDict(v)) out[k] = mergeValues(cur, v);
    else out[k] = v;
  }
  return out;
}

export function renderChart(chartDir: string, options: ReleaseOptions = {}): Rendered {
  const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Dict;
  const defaults = parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Dict;
  const root = {
    Values: mergeValues(defaults, options.values ?? {}),
    Release: {
      Name: options.name ?? 'clusterlink-webhook',
      Namespace: options.namespace ?? 'clusterlink-webhook',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
    },
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'] },
  };
  const dir = join(chartDir, 'templates');
  const files = readdirSync(dir).sort();
  const defines = new Map<string, Node[]>();
  const parsed = new Map<string, Parsed>();
  // Helm loads every file's defines first (helpers start with "_").
  for (const f of files) parsed.set(f, parseTemplate(readFileSync(join(dir, f), 'utf8'), defines));
  const renderer = new Renderer(defines, root, options.cluster ?? { objects: new Map() });
  const manifests: Rendered['manifests'] = [];
  const texts: Record<string, string> = {};
  let notes = '';
  for (const f of files) {
    if (f.startsWith('_')) continue;
    const p = parsed.get(f);
    if (!p) continue;
    const text = renderer.renderNodes(p.nodes, root, [new Map([['$', root]])]);
    texts[f] = text;
    if (f === 'NOTES.txt') {
      notes = text;
      continue;
    }
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0)
        throw new RenderError(
          `${f}: rendered YAML is invalid: ${doc.errors.map((e) => e.message).join('; ')}\n${text}`,
        );
      const object = doc.toJS() as unknown;
      if (object === null || object === undefined) continue;
      if (!isDict(object)) throw new RenderError(`${f}: a document is not a mapping`);
      manifests.push({ template: f, object });
    }
  }
  return { manifests, notes, texts };
}
