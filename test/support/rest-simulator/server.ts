// The Admin REST v3 simulator over real HTTP(S) on 127.0.0.1:0. Every request and response is
// checked against the OpenAPI documents (contract.ts) when ../shared is present; violations are
// recorded (tests assert the list is empty) and a non-conforming request is answered 400.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadContract, type Contract, type Operation } from './contract.js';
import { SimHttpError, SimWorld, type SimTopic } from './state.js';

export interface RestSimulatorOptions {
  /** Cluster this endpoint serves (added to the world when missing). */
  clusterId?: string;
  /** Share a world between simulators to model two clusters (source-initiated links). */
  world?: SimWorld;
  bootstrap?: string;
  /** Serve HTTPS with this key pair (PEM); requestCert makes it ask for a client certificate. */
  tls?: { keyPem: string; certPem: string; caPem?: string; requestCert?: boolean };
  /** Require this Authorization (basic or bearer). */
  auth?: { basic?: { username: string; password: string }; bearer?: string };
  /**
   * Serve MDS's token endpoint (GET /security/1.0/authenticate, HTTP Basic with these credentials) and accept the
   * tokens it issued as bearer tokens (CFK's bearer.txt with username/password).
   */
  mds?: { username: string; password: string };
  /** Delay before each answer (ms). */
  latencyMs?: number;
  /** Share of requests answered with a transient 500/50003 (0..1). */
  failureRate?: number;
  random?: () => number;
  /** Check against the OpenAPI documents (default: when available). */
  contract?: boolean;
}

export interface CallRecord {
  method: string;
  path: string;
  /** Matched route template (or the raw path when unknown). */
  route: string;
  status: number;
  write: boolean;
  /** Names of the configs a configs:alter request carried (values are never recorded). */
  alteredConfigs?: string[];
}

export interface InjectedFailure {
  method?: string;
  /** Substring of the path. */
  pathIncludes?: string;
  status: number;
  errorCode: number;
  message: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Let this many matching requests through first (default 0). */
  skip?: number;
}

export interface RestSimulator {
  url: string;
  clusterId: string;
  world: SimWorld;
  /** Every request served, in order. */
  calls: CallRecord[];
  /** Contract violations seen (requests and responses). Tests assert this is empty. */
  violations: string[];
  /** Whether the OpenAPI documents were found and are checked. */
  contractChecked: boolean;
  /** Calls by `METHOD route`. */
  counts(): Record<string, number>;
  writeCalls(): number;
  resetCalls(): void;
  failNext(f: InjectedFailure): void;
  /** Invalidate every MDS token issued so far (the next call with one is answered 401). */
  revokeMdsTokens(): void;
  close(): Promise<void>;
}

type Handler = (ctx: Ctx) => { status: number; body?: unknown };
interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  self: string;
}

const API = '/kafka/v3';
const C = `${API}/clusters/{cluster_id}`;
const L = `${C}/links/{link_name}`;

export async function startRestSimulator(opts: RestSimulatorOptions = {}): Promise<RestSimulator> {
  const world = opts.world ?? new SimWorld();
  const clusterId = opts.clusterId ?? 'sim-cluster-1';
  if (!world.clusters.has(clusterId)) world.addCluster(clusterId, { bootstrap: opts.bootstrap });
  const contract: Contract | undefined = opts.contract === false ? undefined : loadContract();
  const calls: CallRecord[] = [];
  const violations: string[] = [];
  const injected: InjectedFailure[] = [];
  const random = opts.random ?? Math.random;
  let baseUrl = '';

  const bool = (q: URLSearchParams, k: string): boolean => q.get(k) === 'true';
  const meta = (self: string) => ({ self, resource_name: null });
  const list = (kind: string, self: string, data: unknown[]) => ({ kind, metadata: { self, next: null }, data });
  const rel = (p: string) => ({ related: `${baseUrl}${p}` });
  const here = (ctx: Ctx) => {
    const cid = ctx.params.cluster_id as string;
    if (cid !== clusterId) throw new SimHttpError(404, 404, `Cluster ${cid} cannot be found.`);
    return cid;
  };

  const clusterData = () => ({
    kind: 'KafkaCluster',
    metadata: meta(`${baseUrl}${API}/clusters/${clusterId}`),
    cluster_id: clusterId,
    controller: rel(`${API}/clusters/${clusterId}/brokers/1`),
    acls: rel(`${API}/clusters/${clusterId}/acls`),
    brokers: rel(`${API}/clusters/${clusterId}/brokers`),
    broker_configs: rel(`${API}/clusters/${clusterId}/broker-configs`),
    consumer_groups: rel(`${API}/clusters/${clusterId}/consumer-groups`),
    topics: rel(`${API}/clusters/${clusterId}/topics`),
    partition_reassignments: rel(`${API}/clusters/${clusterId}/topics/-/partitions/-/reassignment`),
  });
  const linkData = (cid: string, name: string, includeTasks: boolean) => {
    const l = world.link(cid, name);
    const st = world.linkState(cid, l);
    return {
      kind: 'KafkaLinkData',
      metadata: meta(`${baseUrl}${API}/clusters/${cid}/links/${name}`),
      source_cluster_id: l.mode === 'DESTINATION' ? (l.remoteClusterId ?? null) : null,
      destination_cluster_id: l.mode === 'SOURCE' ? (l.remoteClusterId ?? null) : null,
      remote_cluster_id: l.mode === 'BIDIRECTIONAL' ? (l.remoteClusterId ?? null) : null,
      link_name: l.name,
      cluster_link_id: l.id,
      topic_names: world.mirrors(cid, name, false).map((t) => t.name),
      link_state: st.state,
      link_error: st.error,
      link_error_message: st.message,
      ...(includeTasks ? { tasks: world.linkTasks(l) } : {}),
    };
  };
  const configData = (cid: string, linkName: string, c: ReturnType<SimWorld['linkConfigs']>[number], self: string) => ({
    kind: 'KafkaLinkConfigData',
    metadata: meta(self),
    cluster_id: cid,
    name: c.name,
    value: c.value,
    is_default: c.isDefault,
    is_read_only: c.readOnly,
    is_sensitive: c.sensitive,
    source: c.isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_CLUSTER_LINK_CONFIG',
    synonyms: [],
    link_name: linkName,
  });
  const mirrorData = (cid: string, t: SimTopic, transitionErrors = false) => ({
    kind: 'KafkaMirrorData',
    metadata: meta(`${baseUrl}${API}/clusters/${cid}/links/${t.mirror?.linkName}/mirrors/${t.name}`),
    link_name: t.mirror?.linkName ?? '',
    mirror_topic_name: t.name,
    source_topic_name: t.mirror?.sourceTopicName ?? t.name,
    num_partitions: t.partitions,
    mirror_lags: world.mirrorLags(cid, t),
    mirror_status: t.mirror?.status ?? 'UNKNOWN',
    mirror_topic_error: t.mirror?.error ?? 'NO_ERROR',
    state_time_ms: t.mirror?.stateTimeMs ?? 0,
    ...(transitionErrors ? { mirror_state_transition_errors: t.mirror?.transitionErrors ?? [] } : {}),
  });
  const topicData = (cid: string, t: SimTopic) => ({
    kind: 'KafkaTopic',
    metadata: meta(`${baseUrl}${API}/clusters/${cid}/topics/${t.name}`),
    cluster_id: cid,
    topic_name: t.name,
    is_internal: false,
    replication_factor: t.replicationFactor,
    partitions_count: t.partitions,
    partitions: rel(`${API}/clusters/${cid}/topics/${t.name}/partitions`),
    configs: rel(`${API}/clusters/${cid}/topics/${t.name}/configs`),
    partition_reassignments: rel(`${API}/clusters/${cid}/topics/${t.name}/partitions/-/reassignment`),
  });
  const mirrorAction =
    (action: string): Handler =>
    (ctx) => {
      const cid = here(ctx);
      const b = (ctx.body ?? {}) as { mirror_topic_names?: string[]; mirror_topic_name_pattern?: string };
      let names = b.mirror_topic_names ?? [];
      if (b.mirror_topic_name_pattern !== undefined) {
        const re = new RegExp(`^(?:${b.mirror_topic_name_pattern})$`);
        names = world
          .mirrors(cid, ctx.params.link_name as string, false)
          .map((t) => t.name)
          .filter((n) => re.test(n));
      }
      const items = world.alterMirrors(
        cid,
        ctx.params.link_name as string,
        action,
        names,
        bool(ctx.query, 'validate_only'),
      );
      return {
        status: 200,
        body: list(
          'KafkaAlterMirrorStatusList',
          ctx.self,
          items.map((i) => ({
            kind: 'AlterMirrorsData',
            metadata: meta(`${ctx.self}`),
            mirror_topic_name: i.name,
            error_code: i.errorCode,
            error_message: i.message,
            mirror_lags: i.topic ? world.mirrorLags(cid, i.topic) : [],
            messages_truncated: null,
            partition_level_truncation_data: [],
          })),
        ),
      };
    };

  const routes: [string, string, Handler][] = [
    [
      'GET',
      `${API}/clusters`,
      () => ({ status: 200, body: list('KafkaClusterList', `${baseUrl}${API}/clusters`, [clusterData()]) }),
    ],
    ['GET', C, (ctx) => (here(ctx), { status: 200, body: clusterData() })],
    [
      'GET',
      `${C}/links`,
      (ctx) => {
        const cid = here(ctx);
        return {
          status: 200,
          body: list(
            'KafkaLinkDataList',
            ctx.self,
            [...world.cluster(cid).links.keys()].map((n) => linkData(cid, n, false)),
          ),
        };
      },
    ],
    [
      'POST',
      `${C}/links`,
      (ctx) => {
        const cid = here(ctx);
        world.createLink(cid, ctx.query.get('link_name') ?? '', ctx.body ?? {}, bool(ctx.query, 'validate_only'));
        return { status: 204 };
      },
    ],
    [
      'GET',
      L,
      (ctx) => ({
        status: 200,
        body: linkData(here(ctx), ctx.params.link_name as string, bool(ctx.query, 'include_tasks')),
      }),
    ],
    [
      'DELETE',
      L,
      (ctx) => {
        world.deleteLink(
          here(ctx),
          ctx.params.link_name as string,
          bool(ctx.query, 'force'),
          bool(ctx.query, 'validate_only'),
        );
        return { status: 200 };
      },
    ],
    [
      'GET',
      `${L}/configs`,
      (ctx) => {
        const cid = here(ctx);
        const name = ctx.params.link_name as string;
        const link = world.link(cid, name);
        return {
          status: 200,
          body: list(
            'KafkaLinkConfigDataList',
            ctx.self,
            world.linkConfigs(link).map((c) => configData(cid, name, c, `${ctx.self}/${c.name}`)),
          ),
        };
      },
    ],
    [
      'PUT',
      `${L}/configs:alter`,
      (ctx) => {
        const b = (ctx.body ?? {}) as { data?: { name: string; value?: string | null; operation?: string | null }[] };
        world.alterLinkConfigs(
          here(ctx),
          ctx.params.link_name as string,
          b.data ?? [],
          bool(ctx.query, 'validate_only'),
        );
        return { status: 204 };
      },
    ],
    [
      'GET',
      `${L}/configs/{config_name}`,
      (ctx) => {
        const cid = here(ctx);
        const name = ctx.params.link_name as string;
        const c = world.linkConfigs(world.link(cid, name)).find((x) => x.name === ctx.params.config_name);
        if (!c)
          throw new SimHttpError(
            404,
            404,
            `Config ${ctx.params.config_name} cannot be found for cluster link ${name}.`,
          );
        return { status: 200, body: configData(cid, name, c, ctx.self) };
      },
    ],
    [
      'PUT',
      `${L}/configs/{config_name}`,
      (ctx) => {
        const b = (ctx.body ?? {}) as { value?: string };
        world.alterLinkConfigs(
          here(ctx),
          ctx.params.link_name as string,
          [{ name: ctx.params.config_name as string, value: b.value ?? null, operation: 'SET' }],
          false,
        );
        return { status: 204 };
      },
    ],
    [
      'DELETE',
      `${L}/configs/{config_name}`,
      (ctx) => {
        world.alterLinkConfigs(
          here(ctx),
          ctx.params.link_name as string,
          [{ name: ctx.params.config_name as string, operation: 'DELETE' }],
          false,
        );
        return { status: 204 };
      },
    ],
    [
      'GET',
      `${L}/mirrors`,
      (ctx) => {
        const cid = here(ctx);
        const status = ctx.query.get('mirror_status');
        const ms = world
          .mirrors(cid, ctx.params.link_name as string)
          .filter((t) => !status || t.mirror?.status === status);
        return {
          status: 200,
          body: list(
            'KafkaMirrorDataList',
            ctx.self,
            ms.map((t) => mirrorData(cid, t)),
          ),
        };
      },
    ],
    [
      'GET',
      `${C}/links/-/mirrors`,
      (ctx) => {
        const cid = here(ctx);
        const status = ctx.query.get('mirror_status');
        const ms = world.mirrors(cid, '-').filter((t) => !status || t.mirror?.status === status);
        return {
          status: 200,
          body: list(
            'KafkaMirrorDataList',
            ctx.self,
            ms.map((t) => mirrorData(cid, t)),
          ),
        };
      },
    ],
    [
      'POST',
      `${L}/mirrors`,
      (ctx) => {
        world.createMirror(
          here(ctx),
          ctx.params.link_name as string,
          ctx.body as Parameters<SimWorld['createMirror']>[2],
        );
        return { status: 204 };
      },
    ],
    [
      'GET',
      `${L}/mirrors/{mirror_topic_name}`,
      (ctx) => {
        const cid = here(ctx);
        return {
          status: 200,
          body: mirrorData(
            cid,
            world.mirror(cid, ctx.params.link_name as string, ctx.params.mirror_topic_name as string),
            bool(ctx.query, 'include_state_transition_errors'),
          ),
        };
      },
    ],
    ['POST', `${L}/mirrors:pause`, mirrorAction('pause')],
    ['POST', `${L}/mirrors:resume`, mirrorAction('resume')],
    ['POST', `${L}/mirrors:promote`, mirrorAction('promote')],
    ['POST', `${L}/mirrors:failover`, mirrorAction('failover')],
    [
      'GET',
      `${C}/topics`,
      (ctx) => {
        const cid = here(ctx);
        return {
          status: 200,
          body: list(
            'KafkaTopicList',
            ctx.self,
            [...world.cluster(cid).topics.values()].map((t) => topicData(cid, t)),
          ),
        };
      },
    ],
    [
      'GET',
      `${C}/topics/{topic_name}`,
      (ctx) => {
        const cid = here(ctx);
        const t = world.cluster(cid).topics.get(ctx.params.topic_name as string);
        if (!t) throw new SimHttpError(404, 40403, 'This server does not host this topic-partition.');
        return { status: 200, body: topicData(cid, t) };
      },
    ],
    [
      'DELETE',
      `${C}/topics/{topic_name}`,
      (ctx) => {
        world.deleteTopic(here(ctx), ctx.params.topic_name as string);
        return { status: 204 };
      },
    ],
  ];
  const compiled = routes.map(([method, template, handler]) => {
    const names: string[] = [];
    const re = new RegExp(
      '^' +
        template
          .split(/(\{[^}]+\})/)
          .map((p) =>
            /^\{/.test(p) ? (names.push(p.slice(1, -1)), '([^/]+)') : p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
          )
          .join('') +
        '$',
    );
    return { method, template, handler, re, names, score: template.replace(/\{[^}]+\}/g, '').length };
  });

  function route(
    method: string,
    path: string,
  ): { template: string; params: Record<string, string>; handler?: Handler } | undefined {
    let best: { template: string; params: Record<string, string>; score: number } | undefined;
    let handler: Handler | undefined;
    for (const r of compiled) {
      const m = r.re.exec(path);
      if (!m) continue;
      if (best && best.score > r.score) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] as string)));
      if (!best || r.score > best.score) handler = undefined;
      best = { template: r.template, params, score: r.score };
      if (r.method === method) handler = r.handler;
    }
    return best ? { template: best.template, params: best.params, handler } : undefined;
  }

  const mdsTokens = new Set<string>();
  let mdsIssued = 0;
  function authorized(req: http.IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    if (opts.mds && h.startsWith('Bearer ') && mdsTokens.has(h.slice(7))) return true;
    if (opts.mds && !opts.auth) return false;
    if (!opts.auth) return true;
    if (opts.auth.bearer && h === `Bearer ${opts.auth.bearer}`) return true;
    if (
      opts.auth.basic &&
      h === `Basic ${Buffer.from(`${opts.auth.basic.username}:${opts.auth.basic.password}`).toString('base64')}`
    )
      return true;
    return false;
  }

  function alteredNames(path: string, raw: string): { alteredConfigs?: string[] } {
    if (!path.endsWith('/configs:alter')) return {};
    try {
      const data = (JSON.parse(raw) as { data?: { name?: unknown; operation?: unknown }[] }).data ?? [];
      return { alteredConfigs: data.map((d) => `${d.operation === 'DELETE' ? '-' : ''}${String(d.name)}`) };
    } catch {
      return {};
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const write = method !== 'GET' && method !== 'HEAD';
    let op: Operation | undefined;
    const r = route(method, path);
    const send = (status: number, body?: unknown): void => {
      if (contract) {
        // Unknown paths/methods have no operation: their error body must still be a valid Error.
        const problems = op ? contract.checkResponse(op, status, body) : contract.checkError('cc', body);
        for (const v of problems) violations.push(`${method} ${path} → ${v}`);
      }
      calls.push({ method, path, route: r?.template ?? path, status, write, ...alteredNames(path, raw) });
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(
        status,
        body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      );
      res.end(text);
    };
    const error = (status: number, errorCode: number, message: string): void =>
      send(status, { error_code: errorCode, message });

    if (opts.latencyMs) await new Promise((resolve) => setTimeout(resolve, opts.latencyMs));
    if (path === '/security/1.0/authenticate' && opts.mds) {
      // Not part of the Admin REST documents: MDS's own endpoint, answered before the contract check.
      const basic = `Basic ${Buffer.from(`${opts.mds.username}:${opts.mds.password}`).toString('base64')}`;
      calls.push({ method, path, route: path, status: req.headers.authorization === basic ? 200 : 401, write: false });
      if (req.headers.authorization !== basic) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status_code: 401, message: 'Authentication failed' }));
        return;
      }
      const token = `mds-token-${++mdsIssued}`;
      mdsTokens.add(token);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auth_token: token, token_type: 'Bearer', expires_in: 3600 }));
      return;
    }
    const m = contract?.match(method, path);
    op = m?.operation;
    if (!authorized(req)) return error(401, 40101, 'Authentication failed');
    if (contract) {
      if (!m) return error(404, 404, 'HTTP 404 Not Found');
      if (!m.operation) return error(405, 405, 'HTTP 405 Method Not Allowed');
    }
    if (!r) return error(404, 404, 'HTTP 404 Not Found');
    if (!r.handler) return error(405, 405, 'HTTP 405 Method Not Allowed');

    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch (e) {
        return error(400, 400, `Unexpected character in JSON body: ${(e as Error).message}`);
      }
    }
    if (contract && op) {
      const problems = contract.checkRequest(op, r.params, url.searchParams, body, raw.length > 0);
      if (problems.length > 0) {
        for (const p of problems) violations.push(`${method} ${path} ← ${p}`);
        return error(400, 400, `request does not match the OpenAPI contract: ${problems.join('; ')}`);
      }
    }
    const inj = injected.find(
      (f) => (!f.method || f.method === method) && (!f.pathIncludes || path.includes(f.pathIncludes)),
    );
    if (inj && (inj.skip ?? 0) > 0) inj.skip = (inj.skip ?? 0) - 1;
    else if (inj) {
      inj.times = (inj.times ?? 1) - 1;
      if (inj.times <= 0) injected.splice(injected.indexOf(inj), 1);
      return error(inj.status, inj.errorCode, inj.message);
    }
    if (opts.failureRate && random() < opts.failureRate) return error(500, 50003, 'simulated transient failure');
    try {
      const out = r.handler({ params: r.params, query: url.searchParams, body, self: `${baseUrl}${path}` });
      send(out.status, out.body);
    } catch (e) {
      if (e instanceof SimHttpError) return error(e.status, e.errorCode, e.message);
      error(500, 50002, `simulator bug: ${(e as Error).message}`);
    }
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  };
  const server = opts.tls
    ? https.createServer(
        {
          key: opts.tls.keyPem,
          cert: opts.tls.certPem,
          ca: opts.tls.caPem,
          requestCert: opts.tls.requestCert ?? false,
          rejectUnauthorized: opts.tls.requestCert ?? false,
        },
        listener,
      )
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    clusterId,
    world,
    calls,
    violations,
    contractChecked: contract !== undefined,
    counts() {
      const out: Record<string, number> = {};
      for (const c of calls) out[`${c.method} ${c.route}`] = (out[`${c.method} ${c.route}`] ?? 0) + 1;
      return out;
    },
    writeCalls: () => calls.filter((c) => c.write).length,
    resetCalls: () => void calls.splice(0),
    failNext: (f) => void injected.push({ ...f }),
    revokeMdsTokens: () => mdsTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
