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
  request(
    method: string,
    path: string,
    opts?: { query?: Record<string, string | boolean | undefined>; body?: unknown; signal?: AbortSignal },
  ): Promise<RawResponse>;
  close(): void;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const isHttps = base.protocol === 'https:';
  if (!isHttps && base.protocol !== 'http:') throw new Error(`unsupported URL scheme ${base.protocol}`);
  const agentOpts = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const agent = isHttps
    ? new https.Agent({ ...agentOpts, ca: options.tls?.caPem, cert: options.tls?.certPem, key: options.tls?.keyPem })
    : new http.Agent(agentOpts);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const authHeader = options.auth?.bearer
    ? `Bearer ${options.auth.bearer}`
    : options.auth?.basic
      ? `Basic ${Buffer.from(`${options.auth.basic.username}:${options.auth.basic.password}`).toString('base64')}`
      : undefined;

  const basicOf = (u: { username: string; password: string }): string =>
    `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;
  let mdsToken: { value: string; expiresAt: number } | undefined;
  async function mdsAuthorization(signal?: AbortSignal): Promise<string> {
    const login = options.auth?.mdsLogin as { username: string; password: string };
    if (!mdsToken || Date.now() >= mdsToken.expiresAt) {
      const res = await send('GET', '/security/1.0/authenticate', { signal }, basicOf(login), base.origin);
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
      mdsToken = { value: body.auth_token, expiresAt: Date.now() + Math.max(1, ttl - 30) * 1000 };
    }
    return `Bearer ${mdsToken.value}`;
  }

  async function request(
    method: string,
    path: string,
    opts: { query?: Record<string, string | boolean | undefined>; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<RawResponse> {
    if (!options.auth?.mdsLogin) return send(method, path, opts, authHeader);
    const res = await send(method, path, opts, await mdsAuthorization(opts.signal));
    if (res.status !== 401) return res;
    mdsToken = undefined; // expired or revoked early: one fresh token, one retry
    return send(method, path, opts, await mdsAuthorization(opts.signal));
  }

  function send(
    method: string,
    path: string,
    opts: { query?: Record<string, string | boolean | undefined>; body?: unknown; signal?: AbortSignal },
    authorization: string | undefined,
    origin?: string,
  ): Promise<RawResponse> {
    const url = new URL(origin ? origin + path : base.href + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const fail = (kind: 'network' | 'timeout' | 'aborted' | 'protocol', msg: string): KafkaRestError =>
      new KafkaRestError(kind, `${method} ${path}: ${msg}`, method, path);

    return new Promise<RawResponse>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(fail('aborted', 'aborted'));
        return;
      }
      let settled = false;
      const done = (err: KafkaRestError | undefined, res?: RawResponse): void => {
        if (settled) return;
        settled = true;
        options.onRequest?.(method, path, err ? err.kind : String(res?.status ?? 0));
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res as RawResponse);
      };
      const lib = isHttps ? https : http;
      const req = lib.request(url, { method, headers, agent }, (res) => {
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
      });
      const timer = setTimeout(() => {
        req.destroy();
        done(fail('timeout', `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = (): void => {
        req.destroy();
        done(fail('aborted', 'aborted'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => done(fail('network', e.message)));
      if (payload) req.write(payload);
      req.end();
    });
  }

  return { request, close: () => agent.destroy() };
}
