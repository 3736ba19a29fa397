// Typed client for the Cluster Linking subset of Confluent's Admin REST API v3 (`/kafka/v3`).
// Reads are retried on transient failures (they are idempotent); writes are not, except the one
// documented transient 400 of the Source half of a source-initiated link (see createLink options).
import { sleep } from '../lib/async.js';
import { backoffDelay, retry } from '../lib/backoff.js';
import { isPlainObject } from '../lib/json.js';
import { isDestinationLinkMissing, KafkaRestError, type MirrorItemError } from './errors.js';
import { createTransport, type RawResponse, type Transport, type TransportOptions } from './transport.js';
import type {
  AlterConfigOp,
  ClusterData,
  CreateLinkRequest,
  CreateMirrorRequest,
  LinkConfigData,
  LinkData,
  MirrorAction,
  MirrorActionResult,
  MirrorData,
  MirrorLag,
  TopicData,
} from './types.js';

export interface KafkaRestClientOptions extends Omit<TransportOptions, 'baseUrl'> {
  /** Server root without the API prefix, e.g. `https://kafka:8090`. */
  endpoint: string;
  /** API prefix; `/kafka/v3` on Confluent Server (use `/v3` for a standalone REST Proxy). */
  apiPrefix?: string;
  /** Attempts for idempotent reads (incl. the first). */
  readAttempts?: number;
  /** Backoff for read retries. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /**
   * Budget of a link create (ms, default 60 s): the server connects to the remote cluster to validate the link
   * before it answers, which can take longer than other requests (`timeoutMs`, 15 s); with a longer budget the
   * user sees the server's own error rather than a client timeout (docs/reconciler.md).
   */
  createLinkTimeoutMs?: number;
}

/** Default budget of a link create (docs/reconciler.md, "Timeouts"). */
export const DEFAULT_CREATE_LINK_TIMEOUT_MS = 60_000;

/** Outcome of a batched mirror action: the call answered 200 but items may have failed. */
export interface MirrorActionOutcome {
  accepted: string[];
  failed: MirrorItemError[];
  /** mirror_lags of each accepted item, by mirror name (docs/reconciler.md#stopped-mirror-history). */
  lags?: Record<string, MirrorLag[]>;
}

const enc = encodeURIComponent;

export class KafkaRestClient {
  private readonly transport: Transport;
  private readonly readAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryCapMs: number;
  private readonly createLinkTimeoutMs: number;
  /** Count of calls that may change server state (POST/PUT/DELETE), for idempotency checks. */
  writeCalls = 0;

  constructor(options: KafkaRestClientOptions) {
    const prefix = options.apiPrefix ?? '/kafka/v3';
    this.transport = createTransport({ ...options, baseUrl: options.endpoint.replace(/\/+$/, '') + prefix });
    this.readAttempts = options.readAttempts ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryCapMs = options.retryCapMs ?? 2_000;
    this.createLinkTimeoutMs = Math.max(
      options.createLinkTimeoutMs ?? DEFAULT_CREATE_LINK_TIMEOUT_MS,
      options.timeoutMs ?? 0,
    );
  }

  close(): void {
    this.transport.close();
  }

  // ---- clusters ---------------------------------------------------------------------------

  async listClusters(signal?: AbortSignal): Promise<ClusterData[]> {
    const body = await this.read('/clusters', {}, signal);
    return dataOf(body, 'GET', '/clusters').map((c) => ({ cluster_id: str(c, 'cluster_id') }));
  }

  /** The id of the (single) cluster behind this REST endpoint. */
  async discoverClusterId(signal?: AbortSignal): Promise<string> {
    const clusters = await this.listClusters(signal);
    const first = clusters[0];
    if (!first || !first.cluster_id)
      throw new KafkaRestError('protocol', 'GET /clusters returned no cluster', 'GET', '/clusters');
    return first.cluster_id;
  }

  // ---- links ------------------------------------------------------------------------------

  async listLinks(clusterId: string, signal?: AbortSignal): Promise<LinkData[]> {
    const path = `/clusters/${enc(clusterId)}/links`;
    // Orphaned UNMANAGED_SOURCE records of deleted source-initiated links have no name: skip them.
    return dataOf(await this.read(path, {}, signal), 'GET', path)
      .map(toLink)
      .filter((l) => l.link_name !== '');
  }

  async getLink(
    clusterId: string,
    linkName: string,
    opts: { includeTasks?: boolean } = {},
    signal?: AbortSignal,
  ): Promise<LinkData> {
    const path = `/clusters/${enc(clusterId)}/links/${enc(linkName)}`;
    return toLink(await this.read(path, { include_tasks: opts.includeTasks ? true : undefined }, signal));
  }

  /** The link, or undefined when the server answers 404 for it (an unknown cluster id is still an error). */
  async findLink(
    clusterId: string,
    linkName: string,
    opts: { includeTasks?: boolean } = {},
    signal?: AbortSignal,
  ): Promise<LinkData | undefined> {
    try {
      return await this.getLink(clusterId, linkName, opts, signal);
    } catch (e) {
      if (
        e instanceof KafkaRestError &&
        e.status === 404 &&
        !/^Cluster \S+ cannot be found/.test(e.serverMessage ?? '')
      )
        return undefined;
      throw e;
    }
  }

  /**
   * Create a link. With `retryDestinationMissingMs`, the transient 400 "... does not have a link
   * named ..." (Source half created before the destination propagated its INBOUND half) is retried
   * with backoff for that long; every other error is thrown at once.
   */
  async createLink(
    clusterId: string,
    linkName: string,
    request: CreateLinkRequest,
    opts: {
      validateOnly?: boolean;
      validateLink?: boolean;
      retryDestinationMissingMs?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<void> {
    const path = `/clusters/${enc(clusterId)}/links`;
    const query = { link_name: linkName, validate_only: opts.validateOnly, validate_link: opts.validateLink };
    const once = (): Promise<unknown> =>
      this.write('POST', path, query, request, opts.signal, this.createLinkTimeoutMs);
    if (!opts.retryDestinationMissingMs) {
      await once();
      return;
    }
    await retry(once, {
      baseMs: 500,
      capMs: 5_000,
      jitter: 0.5,
      deadlineMs: opts.retryDestinationMissingMs,
      shouldRetry: isDestinationLinkMissing,
      signal: opts.signal,
    });
  }

  /** Delete a link; resolves false when it was already gone (404). Never sends force=true. */
  async deleteLink(clusterId: string, linkName: string, signal?: AbortSignal): Promise<boolean> {
    return this.deleteUnlessGone(`/clusters/${enc(clusterId)}/links/${enc(linkName)}`, signal);
  }

  /** DELETE that treats 404 as "already gone" (false) rather than an error. */
  private async deleteUnlessGone(path: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.write('DELETE', path, {}, undefined, signal);
      return true;
    } catch (e) {
      if (e instanceof KafkaRestError && e.status === 404) return false;
      throw e;
    }
  }

  // ---- link configs -----------------------------------------------------------------------

  async listLinkConfigs(clusterId: string, linkName: string, signal?: AbortSignal): Promise<LinkConfigData[]> {
    const path = `/clusters/${enc(clusterId)}/links/${enc(linkName)}/configs`;
    return dataOf(await this.read(path, {}, signal), 'GET', path).map(toLinkConfig);
  }

  /**
   * Batched SET/DELETE of link configs (PUT …/configs:alter). A server that answers 405 to the batch
   * call gets one PUT/DELETE per key instead (kcp saw 405 for the POST form on CP 8.x).
   */
  async alterLinkConfigs(
    clusterId: string,
    linkName: string,
    ops: AlterConfigOp[],
    signal?: AbortSignal,
  ): Promise<void> {
    if (ops.length === 0) return;
    const base = `/clusters/${enc(clusterId)}/links/${enc(linkName)}/configs`;
    const data = ops.map((o) =>
      o.operation === 'DELETE'
        ? { name: o.name, operation: 'DELETE' }
        : { name: o.name, value: o.value ?? null, operation: 'SET' },
    );
    try {
      await this.write('PUT', `${base}:alter`, {}, { data }, signal);
      return;
    } catch (e) {
      if (!(e instanceof KafkaRestError) || e.status !== 405) throw e;
    }
    for (const o of ops) {
      if (o.operation === 'DELETE') await this.write('DELETE', `${base}/${enc(o.name)}`, {}, undefined, signal);
      else await this.write('PUT', `${base}/${enc(o.name)}`, {}, { value: o.value ?? '' }, signal);
    }
  }

  // ---- mirrors ----------------------------------------------------------------------------

  async listMirrors(clusterId: string, linkName: string, signal?: AbortSignal): Promise<MirrorData[]> {
    const path = `/clusters/${enc(clusterId)}/links/${enc(linkName)}/mirrors`;
    return dataOf(await this.read(path, {}, signal), 'GET', path).map(toMirror);
  }

  async getMirror(
    clusterId: string,
    linkName: string,
    mirrorName: string,
    signal?: AbortSignal,
    opts: { includeStateTransitionErrors?: boolean } = {},
  ): Promise<MirrorData> {
    const path = `/clusters/${enc(clusterId)}/links/${enc(linkName)}/mirrors/${enc(mirrorName)}`;
    const query = { include_state_transition_errors: opts.includeStateTransitionErrors ? true : undefined };
    return toMirror(await this.read(path, query, signal));
  }

  async createMirror(
    clusterId: string,
    linkName: string,
    request: CreateMirrorRequest,
    signal?: AbortSignal,
  ): Promise<void> {
    const path = `/clusters/${enc(clusterId)}/links/${enc(linkName)}/mirrors`;
    await this.write('POST', path, {}, request, signal);
  }

  /**
   * One batched state action over several mirrors. The HTTP answer is 200 even when some items
   * failed, so every item is inspected; failed items are returned, never dropped.
   */
  async alterMirrors(
    clusterId: string,
    linkName: string,
    action: MirrorAction,
    names: string[],
    signal?: AbortSignal,
  ): Promise<MirrorActionOutcome> {
    if (names.length === 0) return { accepted: [], failed: [] };
    const path = `/clusters/${enc(clusterId)}/links/${enc(linkName)}/mirrors:${action}`;
    const body = await this.write('POST', path, {}, { mirror_topic_names: names }, signal);
    const items = dataOf(body, 'POST', path).map(toMirrorResult);
    const accepted: string[] = [];
    const failed: MirrorItemError[] = [];
    const lags: Record<string, MirrorLag[]> = {};
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.mirror_topic_name);
      if (item.error_code === null || item.error_code === 0) {
        accepted.push(item.mirror_topic_name);
        if (item.mirror_lags?.length) lags[item.mirror_topic_name] = item.mirror_lags;
      } else
        failed.push({
          mirrorTopicName: item.mirror_topic_name,
          errorCode: item.error_code,
          message: item.error_message ?? '',
        });
    }
    // A name the server did not mention is not known to have been acted on.
    for (const n of names)
      if (!seen.has(n)) failed.push({ mirrorTopicName: n, errorCode: -1, message: 'no result item for this topic' });
    return { accepted, failed, lags };
  }

  // ---- topics -----------------------------------------------------------------------------

  async getTopic(clusterId: string, topicName: string, signal?: AbortSignal): Promise<TopicData> {
    const path = `/clusters/${enc(clusterId)}/topics/${enc(topicName)}`;
    const body = await this.read(path, {}, signal);
    return {
      topic_name: str(body, 'topic_name'),
      partitions_count: num(body, 'partitions_count'),
      replication_factor: num(body, 'replication_factor'),
    };
  }

  async listTopics(clusterId: string, signal?: AbortSignal): Promise<TopicData[]> {
    const path = `/clusters/${enc(clusterId)}/topics`;
    return dataOf(await this.read(path, {}, signal), 'GET', path).map((t) => ({
      topic_name: str(t, 'topic_name'),
      partitions_count: num(t, 'partitions_count'),
      replication_factor: num(t, 'replication_factor'),
      is_internal: typeof t.is_internal === 'boolean' ? t.is_internal : undefined,
    }));
  }

  /** Delete a topic (the only way to delete a mirror); false when it was already gone. */
  async deleteTopic(clusterId: string, topicName: string, signal?: AbortSignal): Promise<boolean> {
    return this.deleteUnlessGone(`/clusters/${enc(clusterId)}/topics/${enc(topicName)}`, signal);
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private async read(
    path: string,
    query: Record<string, string | boolean | undefined>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return checked('GET', path, await this.transport.request('GET', path, { query, signal }));
      } catch (e) {
        const retryable = e instanceof KafkaRestError && e.transient;
        if (!retryable || attempt + 1 >= this.readAttempts) throw e;
        await sleep(backoffDelay(attempt, { baseMs: this.retryBaseMs, capMs: this.retryCapMs, jitter: 0.5 }), signal);
      }
    }
  }

  private async write(
    method: string,
    path: string,
    query: Record<string, string | boolean | undefined>,
    body: unknown,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<unknown> {
    this.writeCalls++;
    const opts = { query, body, ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    return checked(method, path, await this.transport.request(method, path, opts));
  }
}

function checked(method: string, path: string, res: RawResponse): unknown {
  if (res.status >= 200 && res.status < 300) return res.body;
  const b = isPlainObject(res.body) ? res.body : undefined;
  const errorCode = b && typeof b.error_code === 'number' ? b.error_code : undefined;
  const serverMessage = b && typeof b.message === 'string' ? b.message : res.text.slice(0, 500) || undefined;
  const msg = `${method} ${path}: HTTP ${res.status}${errorCode !== undefined ? ` (error_code ${errorCode})` : ''}${serverMessage ? `: ${serverMessage}` : ''}`;
  throw new KafkaRestError('http', msg, method, path, res.status, errorCode, serverMessage);
}

type Obj = Record<string, unknown>;

function dataOf(body: unknown, method: string, path: string): Obj[] {
  if (!isPlainObject(body) || !Array.isArray(body.data))
    throw new KafkaRestError('protocol', `${method} ${path}: expected a list with "data"`, method, path);
  return body.data.filter(isPlainObject);
}

function str(o: unknown, key: string): string {
  const v = isPlainObject(o) ? o[key] : undefined;
  return typeof v === 'string' ? v : '';
}

function optStr(o: Obj, key: string): string | null | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : v === null ? null : undefined;
}

function num(o: unknown, key: string): number | undefined {
  const v = isPlainObject(o) ? o[key] : undefined;
  return typeof v === 'number' ? v : undefined;
}

function bool(o: Obj, ...keys: string[]): boolean | undefined {
  for (const k of keys) if (typeof o[k] === 'boolean') return o[k];
  return undefined;
}

function toLink(o: unknown): LinkData {
  if (!isPlainObject(o)) throw new KafkaRestError('protocol', 'link: expected an object', 'GET', '');
  const tasks = Array.isArray(o.tasks)
    ? o.tasks.filter(isPlainObject).map((t) => ({
        task_name: str(t, 'task_name'),
        state: str(t, 'state'),
        errors: Array.isArray(t.errors)
          ? t.errors
              .filter(isPlainObject)
              .map((e) => ({ error_code: str(e, 'error_code'), error_message: str(e, 'error_message') }))
          : [],
      }))
    : undefined;
  return {
    link_name: str(o, 'link_name'),
    cluster_link_id: str(o, 'cluster_link_id') || str(o, 'link_id'),
    link_id: optStr(o, 'link_id') ?? undefined,
    source_cluster_id: optStr(o, 'source_cluster_id'),
    destination_cluster_id: optStr(o, 'destination_cluster_id'),
    remote_cluster_id: optStr(o, 'remote_cluster_id'),
    topic_names: Array.isArray(o.topic_names) ? o.topic_names.filter((t): t is string => typeof t === 'string') : [],
    link_state: optStr(o, 'link_state') ?? undefined,
    link_error: optStr(o, 'link_error') ?? undefined,
    link_error_message: optStr(o, 'link_error_message'),
    tasks,
  };
}

function toLinkConfig(o: Obj): LinkConfigData {
  return {
    name: str(o, 'name'),
    value: optStr(o, 'value') ?? null,
    readOnly: bool(o, 'is_read_only', 'read_only') ?? false,
    sensitive: bool(o, 'is_sensitive', 'sensitive') ?? false,
    isDefault: bool(o, 'is_default', 'default'),
    source: optStr(o, 'source') ?? undefined,
  };
}

function toMirror(o: unknown): MirrorData {
  if (!isPlainObject(o)) throw new KafkaRestError('protocol', 'mirror: expected an object', 'GET', '');
  return {
    link_name: str(o, 'link_name'),
    mirror_topic_name: str(o, 'mirror_topic_name'),
    source_topic_name: str(o, 'source_topic_name'),
    num_partitions: num(o, 'num_partitions') ?? 0,
    mirror_lags: lagsOf(o),
    mirror_status: str(o, 'mirror_status') || 'UNKNOWN',
    state_time_ms: num(o, 'state_time_ms') ?? 0,
    mirror_topic_error: optStr(o, 'mirror_topic_error') ?? undefined,
    ...(Array.isArray(o.mirror_state_transition_errors)
      ? {
          mirror_state_transition_errors: o.mirror_state_transition_errors
            .filter(isPlainObject)
            .map((e) => ({ error_code: str(e, 'error_code'), error_message: str(e, 'error_message') })),
        }
      : {}),
  };
}

function lagsOf(o: Obj): MirrorLag[] {
  return Array.isArray(o.mirror_lags)
    ? o.mirror_lags.filter(isPlainObject).map((l) => ({
        partition: num(l, 'partition') ?? 0,
        lag: num(l, 'lag') ?? 0,
        last_source_fetch_offset: num(l, 'last_source_fetch_offset') ?? -1,
      }))
    : [];
}

function toMirrorResult(o: Obj): MirrorActionResult {
  const code = o.error_code;
  return {
    mirror_topic_name: str(o, 'mirror_topic_name'),
    error_code: typeof code === 'number' ? code : null,
    error_message: optStr(o, 'error_message') ?? null,
    mirror_lags: lagsOf(o),
  };
}
