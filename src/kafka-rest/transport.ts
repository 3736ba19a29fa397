// HTTP(S) transport over node:http/node:https (no undici): one keep-alive Agent per target carrying
// the CA bundle and the mTLS client certificate, a hard per-request timeout, JSON in and out.
import http from 'node:http';
import https from 'node:https';
import { KafkaRestError } from './errors.js';

export interface TransportAuth {
  basic?: { username: string; password: string };
  bearer?: string;
  /**
   * Bearer token from MDS: `GET /security/1.0/authenticate` with these credentials (HTTP Basic) on the same
   * origin, cached until `expires_in`, fetched again once on a 401 (docs/reconciler.md#rest-endpoint).
   */
  mdsLogin?: { username: string; password: string };
}

export interface TransportOptions {
  /** Base URL up to and including the API root, e.g. `https://kafka:8090/kafka/v3`. */
  baseUrl: string;
  auth?: TransportAuth;
  tls?: { caPem?: string; certPem?: string; keyPem?: string };
  /** Per-request budget (ms). */
  timeoutMs?: number;
  /** Keep-alive sockets per host. */
  maxSockets?: number;
  /** Told about every answered or failed request (metrics: docs/reconciler.md#metrics); `code` = status or kind. */
  onRequest?: (method: string, path: string, code: string) => void;
}

export interface RawResponse {
  status: number;
  body: unknown;
  text: string;
}

export interface Transport {
  request(method: string, path: string, opts?: RequestOpts): Promise<RawResponse>;
  close(): void;
}

export interface RequestOpts {
  query?: Record<string, string | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** This request's budget instead of the transport's (ms), e.g. a link create (docs/reconciler.md). */
  timeoutMs?: number;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

type FailureKind = 'network' | 'timeout' | 'aborted' | 'protocol';

export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const isHttps = base.protocol === 'https:';
  if (!isHttps && base.protocol !== 'http:') throw new Error(`unsupported URL scheme ${base.protocol}`);
  const agentOpts = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const agent = isHttps
    ? new https.Agent({ ...agentOpts, ca: options.tls?.caPem, cert: options.tls?.certPem, key: options.tls?.keyPem })
    : new http.Agent(agentOpts);
  const exchange = createExchange(base, agent, options.timeoutMs ?? 15_000, options.onRequest);
  const close = (): void => agent.destroy();
  const mdsLogin = options.auth?.mdsLogin;
  if (!mdsLogin) {
    const authHeader = authorizationOf(options.auth);
    return { request: (method, path, opts = {}) => exchange(method, path, opts, authHeader), close };
  }
  const mds = createMdsAuthorizer(mdsLogin, exchange, base.origin);
  async function request(method: string, path: string, opts: RequestOpts = {}): Promise<RawResponse> {
    const res = await exchange(method, path, opts, await mds.authorization(opts.signal));
    if (res.status !== 401) return res;
    mds.forget(); // expired or revoked early: one fresh token, one retry
    return exchange(method, path, opts, await mds.authorization(opts.signal));
  }
  return { request, close };
}

/** One request with this Authorization header, on the API root or (MDS) on `origin`; reported to onRequest. */
type Exchange = (
  method: string,
  path: string,
  opts: RequestOpts,
  authorization: string | undefined,
  origin?: string,
) => Promise<RawResponse>;

function createExchange(
  base: URL,
  agent: http.Agent,
  timeoutMs: number,
  onRequest: TransportOptions['onRequest'],
): Exchange {
  const lib = base.protocol === 'https:' ? https : http;
  return async (method, path, opts, authorization, origin) => {
    const url = new URL(origin ? origin + path : base.href + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const fail = (kind: FailureKind, msg: string): KafkaRestError =>
      new KafkaRestError(kind, `${method} ${path}: ${msg}`, method, path);
    try {
      const res = await send(() => lib.request(url, { method, headers, agent }), {
        payload,
        signal: opts.signal,
        timeoutMs: opts.timeoutMs ?? timeoutMs,
        fail,
      });
      onRequest?.(method, path, String(res.status));
      return res;
    } catch (err) {
      onRequest?.(method, path, err instanceof KafkaRestError ? err.kind : 'network');
      throw err;
    }
  };
}

/** bearer.txt exchanged for an MDS token (docs/reconciler.md), cached until 30 s before it expires. */
function createMdsAuthorizer(
  login: { username: string; password: string },
  exchange: Exchange,
  origin: string,
): { authorization(signal?: AbortSignal): Promise<string>; forget(): void } {
  let token: { value: string; expiresAt: number } | undefined;
  async function authorization(signal?: AbortSignal): Promise<string> {
    if (!token || Date.now() >= token.expiresAt) {
      const res = await exchange('GET', '/security/1.0/authenticate', { signal }, basicOf(login), origin);
      const body = res.body as { auth_token?: unknown; expires_in?: unknown } | undefined;
      if (res.status !== 200 || typeof body?.auth_token !== 'string')
        throw new KafkaRestError(
          'http',
          `GET /security/1.0/authenticate: HTTP ${res.status}: the MDS token exchange failed (check bearer.txt)`,
          'GET',
          '/security/1.0/authenticate',
          res.status,
        );
      const ttl = typeof body.expires_in === 'number' ? body.expires_in : 300;
      token = { value: body.auth_token, expiresAt: Date.now() + Math.max(1, ttl - 30) * 1000 };
    }
    return `Bearer ${token.value}`;
  }
  return {
    authorization,
    forget: () => {
      token = undefined;
    },
  };
}

function authorizationOf(auth: TransportAuth | undefined): string | undefined {
  if (auth?.bearer) return `Bearer ${auth.bearer}`;
  if (auth?.basic) return basicOf(auth.basic);
  return undefined;
}

function basicOf(u: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;
}

/** One exchange: the request is cut on timeout, abort or an oversized body; the first outcome wins. */
function send(
  open: () => http.ClientRequest,
  o: {
    payload: Buffer | undefined;
    signal: AbortSignal | undefined;
    timeoutMs: number;
    fail: (kind: FailureKind, msg: string) => KafkaRestError;
  },
): Promise<RawResponse> {
  const { signal, fail } = o;
  return new Promise<RawResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(fail('aborted', 'aborted'));
      return;
    }
    let settled = false;
    const done = (err: KafkaRestError | undefined, res?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res as RawResponse);
    };
    const req = open();
    req.on('response', (res) => readResponse(res, req, done, fail));
    const timer = setTimeout(() => {
      req.destroy();
      done(fail('timeout', `no answer within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    const onAbort = (): void => {
      req.destroy();
      done(fail('aborted', 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => done(fail('network', e.message)));
    if (o.payload) req.write(o.payload);
    req.end();
  });
}

function readResponse(
  res: http.IncomingMessage,
  req: http.ClientRequest,
  done: (err: KafkaRestError | undefined, res?: RawResponse) => void,
  fail: (kind: FailureKind, msg: string) => KafkaRestError,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) {
      req.destroy();
      done(fail('protocol', 'response body too large'));
      return;
    }
    chunks.push(c);
  });
  res.on('error', (e) => done(fail('network', e.message)));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined; // e.g. Jetty's HTML 429 page or a text/plain 400
      }
    }
    done(undefined, { status: res.statusCode ?? 0, body, text });
  });
}
