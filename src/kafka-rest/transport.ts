// HTTP(S) transport over node:http/node:https (no undici): one keep-alive Agent per target carrying
// the CA bundle and the mTLS client certificate, a hard per-request timeout, JSON in and out.
import http from 'node:http';
import https from 'node:https';
import { KafkaRestError } from './errors.js';

export interface TransportAuth {
  basic?: { username: string; password: string };
  bearer?: string;
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
  const timeoutMs = options.timeoutMs ?? 15_000;
  const authHeader = authorizationOf(options.auth);

  function request(method: string, path: string, opts: RequestOpts = {}): Promise<RawResponse> {
    const url = new URL(base.href + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authHeader) headers.authorization = authHeader;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const fail = (kind: FailureKind, msg: string): KafkaRestError =>
      new KafkaRestError(kind, `${method} ${path}: ${msg}`, method, path);
    const lib = isHttps ? https : http;
    return send(() => lib.request(url, { method, headers, agent }), {
      payload,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs ?? timeoutMs,
      fail,
    });
  }

  return { request, close: () => agent.destroy() };
}

function authorizationOf(auth: TransportAuth | undefined): string | undefined {
  if (auth?.bearer) return `Bearer ${auth.bearer}`;
  if (auth?.basic) return `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`;
  return undefined;
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
