// A small in-process fake of the Kubernetes API server, good enough for the real @kubernetes/client-node to
// talk to: real URL shapes, resourceVersions, watches (JSON lines, 410 Gone on expired history), finalizers,
// the status sub-resource, generation, merge/JSON patches and API-server-style Status errors.
// Test hooks: seed/getObject/listObjects, a request log, fault injection and watch control.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import jsonpatch from 'fast-json-patch';
import { KubeConfig } from '@kubernetes/client-node';
import type { ObjectMeta } from '../../src/clusterlink/types.js';
import { isPlainObject } from '../../src/lib/json.js';
import { chartSchemas, prune, type Schema } from './structural-prune.js';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta & { creationTimestamp?: string };
  [key: string]: unknown;
};

export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** PUT/PATCH on the main resource ignore status; /status changes only status. */
  statusSubresource?: boolean;
  /** metadata.generation is maintained (custom resources). */
  generation?: boolean;
}

export const DEFAULT_RESOURCES: readonly ResourceDef[] = [
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, statusSubresource: true },
  { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
  {
    group: 'platform.confluent.io',
    version: 'v1beta1',
    plural: 'clusterlinks',
    kind: 'ClusterLink',
    namespaced: true,
    statusSubresource: true,
    generation: true,
  },
  {
    group: 'platform.confluent.io',
    version: 'v1beta1',
    plural: 'kafkarestclasses',
    kind: 'KafkaRestClass',
    namespaced: true,
    statusSubresource: true,
    generation: true,
  },
  {
    group: 'platform.confluent.io',
    version: 'v1beta1',
    plural: 'kafkatopics',
    kind: 'KafkaTopic',
    namespaced: true,
    statusSubresource: true,
    generation: true,
  },
];

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  body?: unknown;
  /** Response status; 0 while a request hangs or a watch is open. */
  status: number;
  watch: boolean;
}

export interface InterceptedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body?: unknown;
  watch: boolean;
}

export type InterceptResult = { status: number; body?: unknown } | 'hang' | undefined;
export type Interceptor = (req: InterceptedRequest) => InterceptResult;

export interface FakeKubeApiOptions {
  resources?: readonly ResourceDef[];
  /** How many watch events are kept for resuming watches; older resourceVersions get 410 Gone. */
  watchHistoryLimit?: number;
  /**
   * Structural schemas (`group/version Kind` → openAPIV3Schema) whose `status` part prunes every status written,
   * as the API server does for custom resources. Default: the chart's CRDs; `false` stores status unpruned.
   */
  schemas?: Map<string, Schema> | false;
}

export interface FakeKubeApi {
  url: string;
  kubeconfigPath: string;
  /** A fresh KubeConfig loaded from kubeconfigPath. */
  kubeConfig(): KubeConfig;
  /** Upsert an object as an outside writer would (kubectl/GitOps): fills uid, timestamps, rv, generation. */
  seed(obj: KubeObject): KubeObject;
  getObject(ref: ObjectRef): KubeObject | undefined;
  listObjects(ref: { apiVersion: string; kind: string; namespace?: string }): KubeObject[];
  /** Remove an object immediately, ignoring finalizers (as if etcd lost it). */
  removeObject(ref: ObjectRef): boolean;
  /** All requests seen so far (a copy). */
  readonly requests: LoggedRequest[];
  clearRequests(): void;
  /** Add a fault injector; the first one returning a result wins. Returns a function that removes it. */
  intercept(fn: Interceptor): () => void;
  /** End every open watch stream (like the API server's watch timeout). */
  closeWatches(): void;
  /** Drop the watch history: resuming from any resourceVersion handed out so far gets 410 Gone. */
  expireWatchHistory(): void;
  activeWatchCount(): number;
  /** Current global resourceVersion. */
  resourceVersion(): number;
  close(): Promise<void>;
}

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  def: ResourceDef;
  object: KubeObject;
}

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  matches: (obj: KubeObject) => boolean;
  res: ServerResponse;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

function qualifiedName(def: ResourceDef): string {
  return def.group === '' ? def.plural : `${def.plural}.${def.group}`;
}

function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function notFound(def: ResourceDef, name: string): HttpError {
  return new HttpError(404, 'NotFound', `${qualifiedName(def)} "${name}" not found`, {
    name,
    group: def.group,
    kind: def.plural,
  });
}

function conflict(def: ResourceDef, name: string): HttpError {
  return new HttpError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: def.group, kind: def.plural },
  );
}

function invalid(def: ResourceDef, name: string, message: string): HttpError {
  return new HttpError(422, 'Invalid', `${def.kind} "${name}" is invalid: ${message}`, {
    name,
    group: def.group,
    kind: def.kind,
  });
}

/** Label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated (set-based `in` is not supported). */
function labelMatcher(selector: string | undefined): (obj: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return terms.every((term) => {
      const ne = term.split('!=');
      if (ne.length === 2) return labels[ne[0]!.trim()] !== ne[1]!.trim();
      const eq = term.split(/==?/);
      if (eq.length === 2) return labels[eq[0]!.trim()] === eq[1]!.trim();
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
  };
}

/** Field selectors on metadata.name and metadata.namespace (what controllers use). */
function fieldMatcher(selector: string | undefined): (obj: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return (obj) =>
    terms.every((term) => {
      const negate = term.includes('!=');
      const [field, value] = term.split(/!=|==?/).map((s) => s.trim());
      const actual =
        field === 'metadata.name'
          ? obj.metadata?.name
          : field === 'metadata.namespace'
            ? obj.metadata?.namespace
            : undefined;
      return negate ? actual !== value : actual === value;
    });
}

/** The part of an object whose change bumps metadata.generation. */
function generationRelevant(obj: KubeObject, def: ResourceDef): unknown {
  const { metadata: _m, status, ...rest } = obj;
  return def.statusSubresource ? rest : { ...rest, status };
}

function comparable(obj: KubeObject): KubeObject {
  const copy = clone(obj);
  if (copy.metadata) delete copy.metadata.resourceVersion;
  return copy;
}

export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const defs: ResourceDef[] = [...DEFAULT_RESOURCES, ...(options.resources ?? [])];
  const historyLimit = options.watchHistoryLimit ?? 1000;
  const schemas = options.schemas === false ? new Map<string, Schema>() : (options.schemas ?? chartSchemas());
  const store = new Map<string, KubeObject>();
  const history: WatchEvent[] = [];
  let historyStartRv = 0; // events with rv <= this are no longer replayable
  let rv = 1;
  const watchers = new Set<Watcher>();
  const interceptors: Interceptor[] = [];
  const log: LoggedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const keyOf = (def: ResourceDef, namespace: string | undefined, name: string) =>
    `${def.group}|${def.plural}|${def.namespaced ? (namespace ?? '') : ''}|${name}`;

  function defByKind(apiVersion: string, kind: string): ResourceDef {
    const def = defs.find((d) => apiVersionOf(d) === apiVersion && d.kind === kind);
    if (!def) throw new Error(`fake-kube-api: unknown resource ${apiVersion} ${kind}`);
    return def;
  }

  function emit(type: WatchEvent['type'], def: ResourceDef, object: KubeObject): void {
    const event: WatchEvent = { rv: Number(object.metadata?.resourceVersion), type, def, object: clone(object) };
    history.push(event);
    while (history.length > historyLimit) historyStartRv = history.shift()!.rv;
    for (const w of watchers) {
      if (watcherWants(w, event)) writeEvent(w.res, event.type, event.object);
    }
  }

  function watcherWants(w: Watcher, event: WatchEvent): boolean {
    if (w.def.group !== event.def.group || w.def.plural !== event.def.plural) return false;
    if (w.namespace !== undefined && event.object.metadata?.namespace !== w.namespace) return false;
    return w.matches(event.object);
  }

  function writeEvent(res: ServerResponse, type: string, object: unknown): void {
    res.write(`${JSON.stringify({ type, object })}\n`);
  }

  function nextRv(): string {
    rv += 1;
    return String(rv);
  }

  function stored(def: ResourceDef, obj: KubeObject): KubeObject {
    const out = clone(obj);
    out.apiVersion = apiVersionOf(def);
    out.kind = def.kind;
    return pruneStatus(def, out);
  }

  /** The API server's structural pruning of unknown status fields (only where a schema is known). */
  function pruneStatus(def: ResourceDef, obj: KubeObject): KubeObject {
    const schema = schemas.get(`${apiVersionOf(def)} ${def.kind}`)?.properties?.['status'];
    if (schema && obj.status !== undefined) obj.status = prune(obj.status, schema);
    return obj;
  }

  function list(def: ResourceDef, namespace: string | undefined, matches: (o: KubeObject) => boolean): KubeObject[] {
    const prefix = `${def.group}|${def.plural}|`;
    const items: KubeObject[] = [];
    for (const [key, obj] of store) {
      if (!key.startsWith(prefix)) continue;
      if (namespace !== undefined && obj.metadata?.namespace !== namespace) continue;
      if (matches(obj)) items.push(clone(obj));
    }
    items.sort((a, b) =>
      `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`.localeCompare(
        `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`,
      ),
    );
    return items;
  }

  function create(def: ResourceDef, namespace: string | undefined, body: unknown, keepStatus: boolean): KubeObject {
    if (!isPlainObject(body)) throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object');
    const obj = stored(def, body);
    const meta = (obj.metadata ??= {});
    if (def.namespaced) {
      if (meta.namespace !== undefined && namespace !== undefined && meta.namespace !== namespace) {
        throw new HttpError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) throw new HttpError(400, 'BadRequest', 'an empty namespace may not be set during creation');
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    if (!meta.name) throw invalid(def, '', 'metadata.name: Required value: name or generateName is required');
    const key = keyOf(def, meta.namespace, meta.name);
    if (store.has(key)) {
      throw new HttpError(409, 'AlreadyExists', `${qualifiedName(def)} "${meta.name}" already exists`, {
        name: meta.name,
        group: def.group,
        kind: def.plural,
      });
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    delete meta.deletionTimestamp;
    if (def.generation) meta.generation = 1;
    else delete meta.generation;
    if (def.statusSubresource && !keepStatus) delete obj.status;
    meta.resourceVersion = nextRv();
    store.set(key, obj);
    emit('ADDED', def, obj);
    return clone(obj);
  }

  /** Applies an update (main resource or status) with the API server's rules. */
  function update(
    def: ResourceDef,
    existing: KubeObject,
    candidate: KubeObject,
    subresource: string | undefined,
    requireRv: boolean,
  ): KubeObject {
    const name = existing.metadata!.name!;
    const candidateRv = candidate.metadata?.resourceVersion;
    if (candidateRv !== undefined && candidateRv !== '' && candidateRv !== existing.metadata?.resourceVersion)
      throw conflict(def, name);
    if (requireRv && (candidateRv === undefined || candidateRv === '')) {
      throw invalid(def, name, 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    }
    let next: KubeObject;
    if (subresource === 'status') {
      next = clone(existing);
      if (candidate.status === undefined) delete next.status;
      else next.status = clone(candidate.status);
      pruneStatus(def, next);
    } else {
      next = stored(def, candidate);
      const meta = (next.metadata ??= {});
      const old = existing.metadata!;
      if (meta.name !== undefined && meta.name !== old.name)
        throw new HttpError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
      meta.name = old.name;
      if (def.namespaced) meta.namespace = old.namespace;
      meta.uid = old.uid;
      meta.creationTimestamp = old.creationTimestamp;
      if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
      else delete meta.deletionTimestamp;
      if (old.deletionGracePeriodSeconds !== undefined)
        meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
      if (def.generation) meta.generation = old.generation;
      else delete meta.generation;
      if (def.statusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
      if (old.deletionTimestamp) {
        const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
        if (added.length > 0) {
          throw invalid(
            def,
            name,
            `metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          );
        }
      }
      if (def.generation && !isDeepStrictEqual(generationRelevant(next, def), generationRelevant(existing, def))) {
        meta.generation = (old.generation ?? 0) + 1;
      }
    }
    next.metadata!.resourceVersion = existing.metadata!.resourceVersion;
    if (isDeepStrictEqual(comparable(next), comparable(existing))) return clone(existing); // no-op: no new rv, no event
    const key = keyOf(def, existing.metadata!.namespace, name);
    next.metadata!.resourceVersion = nextRv();
    if (next.metadata!.deletionTimestamp && (next.metadata!.finalizers ?? []).length === 0) {
      store.delete(key);
      emit('DELETED', def, next);
      return clone(next);
    }
    store.set(key, next);
    emit('MODIFIED', def, next);
    return clone(next);
  }

  function remove(def: ResourceDef, existing: KubeObject): KubeObject {
    const meta = existing.metadata!;
    const key = keyOf(def, meta.namespace, meta.name!);
    if ((meta.finalizers ?? []).length > 0) {
      if (meta.deletionTimestamp) return clone(existing);
      const next = clone(existing);
      next.metadata!.deletionTimestamp = now();
      next.metadata!.deletionGracePeriodSeconds = 0;
      if (def.generation) next.metadata!.generation = (meta.generation ?? 0) + 1;
      next.metadata!.resourceVersion = nextRv();
      store.set(key, next);
      emit('MODIFIED', def, next);
      return clone(next);
    }
    const gone = clone(existing);
    gone.metadata!.resourceVersion = nextRv();
    store.delete(key);
    emit('DELETED', def, gone);
    return gone;
  }

  function applyPatch(def: ResourceDef, existing: KubeObject, contentType: string, patch: unknown): KubeObject {
    const name = existing.metadata!.name!;
    if (contentType.startsWith('application/json-patch+json')) {
      if (!Array.isArray(patch)) throw new HttpError(400, 'BadRequest', 'json patch must be an array of operations');
      try {
        return jsonpatch.applyPatch(clone(existing), patch as jsonpatch.Operation[], true, false).newDocument;
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new HttpError(
          422,
          'Invalid',
          `${def.kind} "${name}" is invalid: the server rejected our request due to an error in our request: ${message}`,
        );
      }
    }
    if (
      contentType.startsWith('application/merge-patch+json') ||
      contentType.startsWith('application/strategic-merge-patch+json')
    ) {
      if (!isPlainObject(patch)) throw new HttpError(400, 'BadRequest', 'merge patch must be a JSON object');
      return mergePatch(existing, patch) as KubeObject;
    }
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
    );
  }

  interface Route {
    def: ResourceDef;
    namespace?: string;
    name?: string;
    subresource?: string;
  }

  function route(path: string): Route | undefined {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 3) {
      group = '';
      version = parts[1]!;
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1]!;
      version = parts[2]!;
      rest = parts.slice(3);
    } else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    if (extra.length > 0) return undefined;
    const def = defs.find((d) => d.group === group && d.version === version && d.plural === plural);
    if (!def) return undefined;
    if (namespace !== undefined && !def.namespaced) return undefined;
    if (name !== undefined && def.namespaced && namespace === undefined) return undefined;
    if (subresource !== undefined && !(subresource === 'status' && def.statusSubresource)) return undefined;
    return { def, namespace, name, subresource };
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  function startWatch(
    req: IncomingMessage,
    res: ServerResponse,
    r: Route,
    query: Record<string, string>,
    entry: LoggedRequest,
  ): void {
    const matchLabels = labelMatcher(query.labelSelector);
    const nameFilter = r.name;
    const matchFields = fieldMatcher(query.fieldSelector);
    const matches = (o: KubeObject) =>
      matchLabels(o) && matchFields(o) && (nameFilter === undefined || o.metadata?.name === nameFilter);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    entry.status = 200;
    const fromRv = query.resourceVersion;
    if (fromRv && fromRv !== '0') {
      const from = Number(fromRv);
      if (!Number.isFinite(from) || from < historyStartRv) {
        writeEvent(
          res,
          'ERROR',
          statusBody(410, 'Expired', `too old resource version: ${fromRv} (${historyStartRv + 1})`),
        );
        res.end();
        return;
      }
      for (const event of history) {
        if (event.rv <= from) continue;
        const probe: Watcher = { def: r.def, namespace: r.namespace, matches, res };
        if (watcherWants(probe, event)) writeEvent(res, event.type, event.object);
      }
    } else {
      for (const obj of list(r.def, r.namespace, matches)) writeEvent(res, 'ADDED', obj);
    }
    const watcher: Watcher = { def: r.def, namespace: r.namespace, matches, res };
    watchers.add(watcher);
    const stop = () => watchers.delete(watcher);
    res.on('close', stop); // (req 'close' fires once the request body is read, not on disconnect)
    const timeoutSeconds = Number(query.timeoutSeconds);
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      const timer = setTimeout(() => {
        stop();
        res.end();
      }, timeoutSeconds * 1000);
      timer.unref();
      res.on('close', () => clearTimeout(timer));
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    const watch = query.watch === 'true' || query.watch === '1';
    const contentType = req.headers['content-type'];
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const method = req.method ?? 'GET';
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query,
      ...(contentType ? { contentType } : {}),
      ...(body !== undefined ? { body } : {}),
      status: 0,
      watch,
    };
    log.push(entry);

    for (const fn of interceptors) {
      const result = fn({ method, path: url.pathname, query, headers: req.headers, body, watch });
      if (result === undefined) continue;
      if (result === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      entry.status = result.status;
      send(res, result.status, result.body ?? statusBody(result.status, 'InternalError', 'injected fault'));
      return;
    }

    const reply = (status: number, payload: unknown) => {
      entry.status = status;
      send(res, status, payload);
    };
    try {
      if (method === 'GET' && url.pathname === '/version') {
        reply(200, { major: '1', minor: '30', gitVersion: 'v1.30.0-fake', platform: 'linux/amd64' });
        return;
      }
      const r = route(url.pathname);
      if (!r) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource', {});
      const { def, namespace, name, subresource } = r;
      if (body !== undefined && typeof body === 'string')
        throw new HttpError(400, 'BadRequest', 'the request body is not valid JSON');

      if (name === undefined) {
        if (method === 'GET' && watch) {
          startWatch(req, res, r, query, entry);
          return;
        }
        if (method === 'GET') {
          const matchLabels = labelMatcher(query.labelSelector);
          const matchFields = fieldMatcher(query.fieldSelector);
          const items = list(def, namespace, (o) => matchLabels(o) && matchFields(o));
          reply(200, {
            apiVersion: apiVersionOf(def),
            kind: `${def.kind}List`,
            metadata: { resourceVersion: String(rv) },
            items,
          });
          return;
        }
        if (method === 'POST') {
          reply(201, create(def, namespace, body, false));
          return;
        }
        throw new HttpError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      }

      if (method === 'GET' && watch) {
        startWatch(req, res, r, query, entry);
        return;
      }
      const existing = store.get(keyOf(def, namespace, name));
      if (!existing) throw notFound(def, name);
      switch (method) {
        case 'GET':
          reply(200, clone(existing));
          return;
        case 'PUT': {
          if (!isPlainObject(body)) throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object');
          reply(200, update(def, existing, body, subresource, def.generation === true && subresource === undefined));
          return;
        }
        case 'PATCH': {
          const patched = applyPatch(def, existing, contentType ?? '', body);
          reply(200, update(def, existing, patched, subresource, false));
          return;
        }
        case 'DELETE': {
          if (subresource !== undefined)
            throw new HttpError(
              405,
              'MethodNotAllowed',
              'the server does not allow this method on the requested resource',
            );
          const result = remove(def, existing);
          if (def.group === '' && !store.has(keyOf(def, namespace, name))) {
            reply(200, {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Success',
              details: { name, kind: def.plural, uid: existing.metadata?.uid },
            });
          } else reply(200, result);
          return;
        }
        default:
          throw new HttpError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
      }
    } catch (err) {
      if (err instanceof HttpError) reply(err.code, statusBody(err.code, err.reason, err.message, err.details));
      else reply(500, statusBody(500, 'InternalError', err instanceof Error ? err.message : String(err)));
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        send(res, 413, statusBody(413, 'RequestEntityTooLarge', 'request entity too large'));
        return;
      }
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  let closing = false;
  server.on('connection', (socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-api-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  // JSON is valid YAML; client-node refuses plain HTTP unless insecure-skip-tls-verify is set.
  writeFileSync(
    kubeconfigPath,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token: 'fake-kube-api-token' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
      'current-context': 'fake',
    }),
  );

  function seed(obj: KubeObject): KubeObject {
    const def = defByKind(obj.apiVersion ?? '', obj.kind ?? '');
    const name = obj.metadata?.name;
    if (!name) throw new Error('fake-kube-api: seed needs metadata.name');
    const namespace = def.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
    const key = keyOf(def, namespace, name);
    const existing = store.get(key);
    const next = stored(def, obj);
    const meta = (next.metadata ??= {});
    if (namespace !== undefined) meta.namespace = namespace;
    meta.uid ??= existing?.metadata?.uid ?? randomUUID();
    meta.creationTimestamp ??= existing?.metadata?.creationTimestamp ?? now();
    if (def.generation) {
      const old = existing?.metadata?.generation ?? 0;
      const changed = !existing || !isDeepStrictEqual(generationRelevant(next, def), generationRelevant(existing, def));
      meta.generation = changed ? old + 1 : old;
    }
    meta.resourceVersion = nextRv();
    store.set(key, next);
    emit(existing ? 'MODIFIED' : 'ADDED', def, next);
    return clone(next);
  }

  return {
    url,
    kubeconfigPath,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      return kc;
    },
    seed,
    getObject(ref) {
      const def = defByKind(ref.apiVersion, ref.kind);
      const obj = store.get(keyOf(def, ref.namespace ?? 'default', ref.name));
      return obj ? clone(obj) : undefined;
    },
    listObjects(ref) {
      return list(defByKind(ref.apiVersion, ref.kind), ref.namespace, () => true);
    },
    removeObject(ref) {
      const def = defByKind(ref.apiVersion, ref.kind);
      const key = keyOf(def, ref.namespace ?? 'default', ref.name);
      const existing = store.get(key);
      if (!existing) return false;
      const gone = clone(existing);
      gone.metadata!.resourceVersion = nextRv();
      store.delete(key);
      emit('DELETED', def, gone);
      return true;
    },
    get requests() {
      return log.map((e) => ({ ...e }));
    },
    clearRequests() {
      log.length = 0;
    },
    intercept(fn) {
      interceptors.push(fn);
      return () => {
        const i = interceptors.indexOf(fn);
        if (i >= 0) interceptors.splice(i, 1);
      };
    },
    closeWatches() {
      for (const w of [...watchers]) {
        watchers.delete(w);
        w.res.end();
      }
    },
    expireWatchHistory() {
      // as if other writes happened and were compacted: every resourceVersion handed out so far is too old
      history.length = 0;
      rv += 1;
      historyStartRv = rv;
    },
    activeWatchCount() {
      return watchers.size;
    },
    resourceVersion() {
      return rv;
    },
    async close() {
      closing = true;
      for (const w of watchers) w.res.end();
      watchers.clear();
      for (const res of hanging) res.destroy();
      hanging.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
