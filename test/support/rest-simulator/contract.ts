// OpenAPI contract checks for the Admin REST simulator: every request it receives and every
// response it sends is validated (ajv) against Confluent's published documents in
// ../shared/specs/kafka-rest. Documents are parsed and validators compiled once per process.
//
// Which document: the Cloud SDK document (ccloud-sdk-go-v2) has the current Cluster Linking shapes
// (tasks, link_state, include_tasks, …) with the `/kafka/v3` prefix; operations it lacks but
// Confluent Server serves (GET /clusters) come from the CP document (paths relative to /kafka/v3).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
/** Repo root is three levels up from test/support/rest-simulator. */
export const SPECS_DIR = resolve(here, '../../../../shared/specs/kafka-rest');
const DOCS = [
  { id: 'cc', file: 'confluent-kafka-rest-v3-openapi.ccloud-sdk-go-v2.yaml', prefix: '' },
  { id: 'cp', file: 'confluent-kafka-rest-v3-openapi.kafka-rest-sdk-go-cp.yaml', prefix: '/kafka/v3' },
] as const;

export function contractAvailable(): boolean {
  return DOCS.every((d) => existsSync(join(SPECS_DIR, d.file)));
}

export const CONTRACT_SKIP_MESSAGE = `OpenAPI documents not found at ${SPECS_DIR} (../shared absent): contract checks skipped`;

type Obj = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Route {
  doc: string;
  template: string;
  regex: RegExp;
  paramNames: string[];
  literalScore: number;
  ops: Map<string, { pointer: string; op: Obj; pathItem: Obj }>;
}

export interface Match {
  template: string;
  doc: string;
  params: Record<string, string>;
  /** Undefined when the path exists but not with this method (405). */
  operation?: Operation;
  allowed: string[];
}

export interface Operation {
  doc: string;
  method: string;
  template: string;
  pointer: string;
  op: Obj;
  pathItem: Obj;
}

export class Contract {
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, Obj>();
  private readonly routes: Route[] = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    const addFormats =
      (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    for (const d of DOCS) {
      const doc = parseCached(join(SPECS_DIR, d.file));
      this.docs.set(d.id, doc);
      this.ajv.addSchema(doc, d.id);
      for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Obj>)) {
        const full = d.prefix + template;
        if (this.routes.some((r) => r.template === full)) continue; // first document wins
        const paramNames: string[] = [];
        const regex = new RegExp(
          '^' +
            full
              .split(/(\{[^}]+\})/)
              .map((part) => {
                const m = /^\{([^}]+)\}$/.exec(part);
                if (m) {
                  paramNames.push(m[1] as string);
                  return '([^/]+)';
                }
                return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
              })
              .join('') +
            '$',
        );
        const ops = new Map<string, { pointer: string; op: Obj; pathItem: Obj }>();
        for (const m of METHODS) {
          const op = item[m];
          if (op && typeof op === 'object')
            ops.set(m.toUpperCase(), { pointer: `/paths/${esc(template)}/${m}`, op: op as Obj, pathItem: item });
        }
        this.routes.push({
          doc: d.id,
          template: full,
          regex,
          paramNames,
          literalScore: full.replace(/\{[^}]+\}/g, '').length,
          ops,
        });
      }
    }
  }

  /** Route a request path; undefined = unknown path (404). The most literal template wins. */
  match(method: string, path: string): Match | undefined {
    let best: { route: Route; params: Record<string, string> } | undefined;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (best && best.route.literalScore >= route.literalScore) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] as string)));
      best = { route, params };
    }
    if (!best) return undefined;
    const o = best.route.ops.get(method.toUpperCase());
    return {
      template: best.route.template,
      doc: best.route.doc,
      params: best.params,
      allowed: [...best.route.ops.keys()],
      operation: o
        ? { doc: best.route.doc, method: method.toUpperCase(), template: best.route.template, ...o }
        : undefined,
    };
  }

  /** Problems with a request (parameters and JSON body); empty = conforms. */
  checkRequest(
    op: Operation,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
    hasBody: boolean,
  ): string[] {
    const problems: string[] = [];
    const declared = this.parameters(op);
    for (const p of declared) {
      const where = p.in as string;
      const name = p.name as string;
      const raw = where === 'path' ? params[name] : where === 'query' ? (query.get(name) ?? undefined) : undefined;
      if (where !== 'path' && where !== 'query') continue;
      if (raw === undefined) {
        if (p.required === true) problems.push(`${where} parameter ${name} is required`);
        continue;
      }
      const schema = (p.schema ?? {}) as Obj;
      const value = coerce(raw, schema);
      const v = Object.keys(schema).length > 0 ? this.validator(this.parameterSchemaRef(op, p)) : undefined;
      if (v && !v(value)) problems.push(`${where} parameter ${name}=${raw}: ${this.ajv.errorsText(v.errors)}`);
    }
    const knownQuery = new Set(declared.filter((p) => p.in === 'query').map((p) => p.name as string));
    for (const k of query.keys())
      if (!knownQuery.has(k)) problems.push(`query parameter ${k} is not declared by the operation`);

    const rb = this.deref(op.doc, op.op.requestBody) as Obj | undefined;
    if (!rb) {
      if (hasBody) problems.push('the operation takes no request body');
      return problems;
    }
    if (!hasBody) {
      if (rb.required === true) problems.push('a request body is required');
      return problems;
    }
    const schemaPtr = this.requestSchemaPointer(op);
    if (schemaPtr) {
      const v = this.validator(schemaPtr);
      if (!v(body)) problems.push(`request body: ${this.ajv.errorsText(v.errors, { dataVar: 'body' })}`);
    }
    return problems;
  }

  /**
   * Problems with a response. Error statuses the document does not declare (the servers also send
   * 403/404/409, the simulator's README) are checked against the generic Error schema.
   */
  checkResponse(op: Operation, status: number, body: unknown): string[] {
    const responses = (op.op.responses ?? {}) as Obj;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) {
      if (status >= 400) return this.checkError(op.doc, body);
      return [`status ${status} is not declared for ${op.method} ${op.template}`];
    }
    const resp = this.deref(op.doc, responses[key]) as Obj;
    const content = resp.content as Obj | undefined;
    if (!content || !content['application/json'])
      return body === undefined ? [] : [`status ${status} declares no body but one was sent`];
    if (body === undefined) return [`status ${status} needs a JSON body`];
    const ptr = this.responseSchemaPointer(op, key, responses[key]);
    if (!ptr) return [];
    const v = this.validator(ptr);
    return v(body) ? [] : [`response ${status} body: ${this.ajv.errorsText(v.errors, { dataVar: 'body' })}`];
  }

  checkError(doc: string, body: unknown): string[] {
    const v = this.validator(`${doc}#/components/schemas/Error`);
    return v(body) ? [] : [`error body: ${this.ajv.errorsText(v.errors, { dataVar: 'body' })}`];
  }

  private parameters(op: Operation): Obj[] {
    const all = [...((op.pathItem.parameters as unknown[]) ?? []), ...((op.op.parameters as unknown[]) ?? [])];
    return all.map((p) => this.deref(op.doc, p) as Obj);
  }

  private requestSchemaPointer(op: Operation): string | undefined {
    const raw = op.op.requestBody as Obj;
    const base = typeof raw.$ref === 'string' ? `${op.doc}${raw.$ref}` : `${op.doc}#${op.pointer}/requestBody`;
    const rb = this.deref(op.doc, raw) as Obj;
    return (rb.content as Obj | undefined)?.['application/json']
      ? `${base}/content/application~1json/schema`
      : undefined;
  }

  private responseSchemaPointer(op: Operation, key: string, raw: unknown): string | undefined {
    const r = raw as Obj;
    return typeof r.$ref === 'string'
      ? `${op.doc}${r.$ref}/content/application~1json/schema`
      : `${op.doc}#${op.pointer}/responses/${esc(key)}/content/application~1json/schema`;
  }

  private deref(doc: string, node: unknown): unknown {
    let n = node;
    for (let i = 0; i < 10 && n && typeof n === 'object' && typeof (n as Obj).$ref === 'string'; i++) {
      const ref = (n as Obj).$ref as string;
      n = ref
        .replace(/^#\//, '')
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>(
          (acc, k) => (acc && typeof acc === 'object' ? (acc as Obj)[k] : undefined),
          this.docs.get(doc),
        );
    }
    return n;
  }

  private validator(ref: string): ValidateFunction {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, v);
    }
    return v;
  }

  /** JSON pointer of a parameter's schema, whether it is inline or a components $ref. */
  private parameterSchemaRef(op: Operation, param: Obj): string {
    const listed = [
      ...((op.pathItem.parameters as Obj[] | undefined) ?? []).map((p) => ['pathItem', p] as const),
      ...((op.op.parameters as Obj[] | undefined) ?? []).map((p) => ['op', p] as const),
    ];
    for (const [where, raw] of listed) {
      if (this.deref(op.doc, raw) !== param) continue;
      if (typeof raw.$ref === 'string') return `${op.doc}${raw.$ref}/schema`;
      const list = where === 'op' ? (op.op.parameters as Obj[]) : (op.pathItem.parameters as Obj[]);
      const base = where === 'op' ? op.pointer : op.pointer.replace(/\/[a-z]+$/, '');
      return `${op.doc}#${base}/parameters/${list.indexOf(raw)}/schema`;
    }
    throw new Error(`parameter ${String(param.name)} not found in ${op.template}`);
  }
}

/**
 * YAML parsing of these ~1 MB documents takes seconds; each test process would pay it again. The
 * parsed form is cached as JSON in the temp directory, keyed by the file's content hash.
 */
function parseCached(file: string): Obj {
  const text = readFileSync(file, 'utf8');
  const cache = join(
    tmpdir(),
    `clusterlink-openapi-${createHash('sha256').update(text).digest('hex').slice(0, 24)}.json`,
  );
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as Obj;
  } catch {
    const doc = YAML.parse(text, { maxAliasCount: -1 }) as Obj;
    try {
      const part = `${cache}.${process.pid}.tmp`;
      writeFileSync(part, JSON.stringify(doc));
      renameSync(part, cache);
    } catch {
      // a read-only temp dir only costs time
    }
    return doc;
  }
}

function esc(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function coerce(raw: string, schema: Obj): unknown {
  switch (schema.type) {
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    default:
      return raw;
  }
}

let shared: Contract | undefined;
/** The process-wide contract (documents parsed once), or undefined when ../shared is absent. */
export function loadContract(): Contract | undefined {
  if (!contractAvailable()) return undefined;
  shared ??= new Contract();
  return shared;
}
