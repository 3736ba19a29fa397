// The HTTPS admission server (Fastify) and its plain-HTTP metrics listener. Everything it decides with is
// injected: the two Admitters, the logger, the metrics and where the certificate comes from, so tests and
// benchmarks can start it with fakes. Route handlers only parse, scope, run the admitter and shape the reply.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { settlesWithin, sleep } from '../lib/async.js';
import type { Logger } from '../observability/log.js';
import { operationLabel } from '../observability/admission-recorder.js';
import type { Metrics } from '../observability/metrics.js';
import type { TlsMaterial, TlsSource } from '../tls/source.js';
import { NO_ROUTE_SCHEMAS } from './no-route-schemas.js';
import { isJsonContentType, parseAdmissionReview } from './review.js';
import {
  admissionReviewJson,
  allowedResponse,
  internalErrorResponse,
  objectName,
  outcomeResponse,
  type WebhookName,
} from './respond.js';
import { runAdmitter, type RunAdmitterOptions } from './run-admitter.js';
import { admissionScope, type Scope } from './scope.js';
import type { AdmissionRequest, AdmissionResponse, Admitter } from './types.js';

/** An UPDATE carries object and oldObject (each up to etcd's ~1.5 MiB) plus the envelope. */
const DEFAULT_BODY_LIMIT_BYTES = 6 * 1024 * 1024;
const MIN_TLS_VERSION = 'TLSv1.2';

export interface WebhookServerOptions {
  admitters: { mutate: Admitter; validate: Admitter };
  logger: Logger;
  metrics: Metrics;
  tls: TlsSource;
  /** Bind address of both listeners (default 127.0.0.1). */
  host?: string;
  /** HTTPS port; 0 picks a free one (default 8443). */
  port?: number;
  /** Plain-HTTP metrics port; 0 picks a free one; `false` starts no metrics listener (default 9090). */
  metricsPort?: number | false;
  /** When the admitters' AbortSignal fires (default 1500 ms). */
  admissionDeadlineMs?: number;
  /** When the server answers without the admitter (default 1800 ms). */
  admissionBudgetMs?: number;
  bodyLimitBytes?: number;
  /** After shutdown() starts: keep serving this long (readiness failing) before closing (default 0). */
  shutdownDelayMs?: number;
  /** After shutdown() starts: force remaining connections closed at this point (default 10 s). */
  shutdownGraceMs?: number;
  /**
   * PEM CA bundle of the API server's client certificate (`--client-ca-file`): /mutate and /validate then answer
   * only callers presenting a certificate it signed (docs/webhook.md#forged-reviews); health routes stay open.
   */
  clientCaPem?: string;
  /** Open connections the HTTPS listener accepts at once (default 256); more are refused at accept. */
  maxConnections?: number;
  /** Bind address of the metrics listener (default: `host`). */
  metricsHost?: string;
  /** Extra readiness conditions, e.g. "caBundle injected". */
  readinessChecks?: Array<() => boolean>;
}

export interface ListeningAddresses {
  port: number;
  url: string;
  metricsPort?: number;
  metricsUrl?: string;
}

export interface WebhookServer {
  readonly app: FastifyInstance;
  listen(): Promise<ListeningAddresses>;
  isReady(): boolean;
  /**
   * Graceful stop (SIGTERM): readiness fails at once, in-flight reviews finish, bounded by the grace period.
   * Idempotent; `{ skipDelay: true }` (also on a later call) ends the drain delay early.
   */
  shutdown(options?: { skipDelay?: boolean }): Promise<void>;
}

interface ErrorBody {
  code: number;
  error: string;
  message: string;
}

/** Seconds since `start` (a performance.now() reading): a double, where hrtime.bigint() allocated a BigInt. */
const secondsSince = (start: number): number => (performance.now() - start) / 1e3;

/**
 * TLS 1.2 suites: forward-secret (ECDHE) AEAD only, as Mozilla's "intermediate" profile and the API server's own
 * defaults; no static-RSA key exchange, no CBC (docs/webhook.md#tls). TLS 1.3 suites are all AEAD and listed too
 * (OpenSSL reads them from the same string in Node).
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

interface HttpsOptions {
  cert: string;
  key: string;
  minVersion: 'TLSv1.2';
  ciphers: string;
  honorCipherOrder: boolean;
  ca?: string;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
}

/**
 * With a client CA the certificate is asked for but not required at the handshake: kubelet's HTTPS probes present
 * none, so the review routes check `socket.authorized` themselves (clientAuthorized below).
 */
function httpsOptions(material: TlsMaterial, clientCaPem?: string): HttpsOptions {
  return {
    cert: material.certPem,
    key: material.keyPem,
    minVersion: MIN_TLS_VERSION,
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    ...(clientCaPem !== undefined ? { ca: clientCaPem, requestCert: true, rejectUnauthorized: false } : {}),
  };
}

/** Default cap on open HTTPS connections: ~27 KiB each (docs/performance.md#memory), the API server needs a few. */
export const DEFAULT_MAX_CONNECTIONS = 256;

/** What the review handlers need: the admitters' budget and where to count and log. */
interface ReviewContext {
  metrics: Metrics;
  log: Logger;
  /** The admitters' deadline and budget (one object for every review). */
  limits: RunAdmitterOptions;
  /** Client certificates are checked (a --client-ca-file was given). */
  clientAuth: boolean;
  state: ServerState;
}

/** Set by listen() and shutdown(); read by readiness, the handlers and closing(). */
interface ServerState {
  listening: boolean;
  shuttingDown: boolean;
}

export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const { metrics, tls } = options;
  const state: ServerState = { listening: false, shuttingDown: false };
  const ctx: ReviewContext = {
    state,
    metrics,
    log: options.logger,
    limits: {
      deadlineMs: options.admissionDeadlineMs ?? 1500,
      budgetMs: options.admissionBudgetMs ?? 1800,
    },
    clientAuth: options.clientCaPem !== undefined,
  };
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = createApp(options, bodyLimit);
  // Certificate rotation: new handshakes get the new pair, open connections are untouched.
  const unsubscribe = tls.subscribe((material) =>
    app.server.setSecureContext(httpsOptions(material, options.clientCaPem)),
  );

  const isReady = (): boolean =>
    state.listening && !state.shuttingDown && (options.readinessChecks ?? []).every((check) => safeCheck(check));
  addHealthRoutes(app, isReady, state);
  app.post('/mutate', reviewHandler(ctx, 'mutate', options.admitters.mutate));
  app.post('/validate', reviewHandler(ctx, 'validate', options.admitters.validate));
  addErrorHandlers(app, ctx, bodyLimit);

  let metricsServer: HttpServer | undefined;
  const listen = async (): Promise<ListeningAddresses> => {
    // Kept before it listens: a shutdown after a failed listen still closes it.
    const createMetrics = (): HttpServer =>
      (metricsServer = createMetricsServer(metrics, isReady, () => state.shuttingDown, ctx.log));
    const addresses = await listenAll(app, options, createMetrics);
    state.listening = true;
    return addresses;
  };
  const shutdown = shutdownOnce(app, options, state, async () => {
    unsubscribe();
    if (metricsServer) await closeHttpServer(metricsServer);
  });
  return { app, listen, isReady, shutdown };
}

function createApp(options: WebhookServerOptions, bodyLimit: number): FastifyInstance<HttpsServer> {
  const app = Fastify({
    https: httpsOptions(options.tls.current(), options.clientCaPem),
    loggerInstance: options.logger,
    // One line per review is written by the handler; Fastify's per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a pino child costs more than the review's whole line): our lines carry the
    // review's uid, and Fastify's own rare lines (a 500 in the HTTP layer) go to the server's logger as they are.
    childLoggerFactory: (logger) => logger,
    bodyLimit,
    // The API server keeps connections alive up to 90 s; closing earlier invites races on reuse.
    keepAliveTimeout: 120_000,
    requestTimeout: 30_000,
    // A request that reaches us on an open connection while we close is answered, not 503'd: to the API
    // server a 503 is a failed call (failurePolicy Fail rejects the user's request). See test/soak.
    return503OnClosing: false,
    schemaController: NO_ROUTE_SCHEMAS,
  }) as unknown as FastifyInstance<HttpsServer>;
  // Each idle keep-alive connection costs memory; the cap keeps the pod inside its limit (docs/performance.md#memory).
  app.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  // We read every body ourselves and decide, so a wrong Content-Type is a 400 (not Fastify's 415) and invalid JSON
  // gets our message. Read as a string: Fastify decodes a one-chunk body without copying it (the body limit and the
  // Content-Length check are Fastify's either way).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // No onSend hook: every reply goes through closing() below (cheaper than a hook run on each reply).
  return app;
}

/**
 * While draining, ask clients to reconnect elsewhere: the API server otherwise keeps reusing this pod's keep-alive
 * connections until they break.
 */
function closing(reply: FastifyReply, state: ServerState): FastifyReply {
  return state.shuttingDown ? reply.header('connection', 'close') : reply;
}

function addHealthRoutes(app: FastifyInstance<HttpsServer>, isReady: () => boolean, state: ServerState): void {
  app.get('/healthz', async (_req, reply) => closing(reply, state).code(200).send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    isReady()
      ? closing(reply, state).code(200).send({ status: 'ready' })
      : closing(reply, state)
          .code(503)
          .send({ status: state.shuttingDown ? 'shutting down' : 'not ready' }),
  );
}

function errorReply(
  ctx: ReviewContext,
  reply: FastifyReply,
  webhook: WebhookName | undefined,
  refusal: Refusal,
): FastifyReply {
  const { code, message, reason } = refusal;
  if (webhook) {
    ctx.metrics.admissionErrors.inc({ webhook, reason });
    ctx.log.warn({ webhook, code, reason, detail: message }, 'admission request refused');
  }
  const body: ErrorBody = {
    code,
    error: code === 413 ? 'PayloadTooLarge' : code === 404 ? 'NotFound' : code === 403 ? 'Forbidden' : 'BadRequest',
    message,
  };
  return closing(reply, ctx.state)
    .code(code)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

/** A request answered with an HTTP error instead of an AdmissionReview. */
interface Refusal {
  code: number;
  message: string;
  reason: string;
}

function clientAuthorized(req: FastifyRequest): boolean {
  return (req.raw.socket as TLSSocket).authorized === true;
}

const malformed = (message: string): Refusal => ({ code: 400, message, reason: 'malformed' });

/** The body as an in-scope-or-not AdmissionRequest, or why it is refused (400). */
function readReview(req: FastifyRequest, webhook: WebhookName): { request: AdmissionRequest; scope: Scope } | Refusal {
  if (!isJsonContentType(req.headers['content-type']))
    return malformed(
      `Content-Type must be application/json (got ${JSON.stringify(req.headers['content-type'] ?? '')})`,
    );
  const raw = req.body;
  if (typeof raw !== 'string' || raw.length === 0) return malformed('the body is empty; expected an AdmissionReview');
  const decoded = decodeReview(raw, webhook);
  return decoded.ok ? { request: decoded.request, scope: decoded.scope } : malformed(decoded.message);
}

const reviewHandler =
  (ctx: ReviewContext, webhook: WebhookName, admitter: Admitter) =>
  async (req: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    if (ctx.clientAuth && !clientAuthorized(req))
      return errorReply(ctx, reply, webhook, {
        code: 403,
        message: 'a client certificate signed by the --client-ca-file CA is required (the API server presents one)',
        reason: 'unauthenticated',
      });
    const read = readReview(req, webhook);
    if (!('request' in read)) return errorReply(ctx, reply, webhook, read);
    const { request, scope } = read;
    const { metrics } = ctx;
    const recorder = metrics.admission;
    recorder.started(webhook);
    let response: AdmissionResponse;
    try {
      response = await answer(ctx, webhook, admitter, request, scope);
    } catch (error) {
      // A bug between parsing and the admitter (ours, not the rules'): same policy as an admitter throw.
      ctx.log.error({ webhook, uid: request.uid, err: error }, 'internal error while answering an admission review');
      metrics.admissionErrors.inc({ webhook, reason: 'internal' });
      response = internalErrorResponse(webhook, request);
    } finally {
      recorder.ended(webhook);
    }
    recorder.answered(webhook, operationLabel(request.operation), response.allowed, secondsSince(started));
    return closing(reply, ctx.state)
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .send(admissionReviewJson(response));
  };

/**
 * The fields naming a review on its rarer lines (out of scope, timeout, internal error). Every line about a review
 * carries webhook and uid in its own fields: a child logger per request would cost more than the line.
 */
function reviewRef(webhook: WebhookName, request: AdmissionRequest) {
  return {
    webhook,
    uid: request.uid,
    operation: request.operation,
    namespace: request.namespace,
    object: objectName(request),
    kind: request.kind.kind,
    dryRun: request.dryRun === true,
  };
}

/**
 * The line of every answered review, built flat (the fields of reviewRef, in its order, then the answer's) and only
 * when info is logged at all: spreading reviewRef into it cost more than the rest of the line (docs/performance.md).
 */
function logAnswered(
  log: Logger,
  webhook: WebhookName,
  request: AdmissionRequest,
  response: AdmissionResponse,
  started: number,
): void {
  if (!log.isLevelEnabled('info')) return;
  log.info(
    {
      webhook,
      uid: request.uid,
      operation: request.operation,
      namespace: request.namespace,
      object: objectName(request),
      kind: request.kind.kind,
      dryRun: request.dryRun === true,
      user: request.userInfo?.username,
      allowed: response.allowed,
      code: response.status?.code,
      causes: response.status?.details?.causes.length,
      warnings: response.warnings?.length ?? 0,
      patched: response.patch !== undefined,
      durationMs: Math.round(secondsSince(started) * 1e6) / 1e3,
    },
    'admission review answered',
  );
}

async function answer(
  ctx: ReviewContext,
  webhook: WebhookName,
  admitter: Admitter,
  request: AdmissionRequest,
  scope: Scope,
): Promise<AdmissionResponse> {
  const { metrics, log } = ctx;
  const { budgetMs } = ctx.limits;
  const started = performance.now();
  if (!scope.inScope) {
    metrics.admissionSkipped.inc({ webhook, reason: scope.reason });
    if (log.isLevelEnabled('debug'))
      log.debug(
        { ...reviewRef(webhook, request), reason: scope.reason, detail: scope.detail },
        'admission review out of scope; allowed untouched',
      );
    return allowedResponse(request.uid);
  }

  const outcome = await runAdmitter(admitter, request, ctx.limits);
  if (outcome.kind === 'timeout') {
    metrics.admissionErrors.inc({ webhook, reason: 'timeout' });
    log.warn(
      { ...reviewRef(webhook, request), budgetMs, provisional: outcome.provisional !== undefined },
      'admitter did not answer within the budget; answering without it',
    );
  } else if (outcome.kind === 'internal-error') {
    metrics.admissionErrors.inc({ webhook, reason: 'internal' });
    log.error({ ...reviewRef(webhook, request), err: outcome.error }, 'internal error in the ClusterLink rules');
  }
  const response = outcomeResponse(webhook, request, outcome);
  logAnswered(log, webhook, request, response, started);
  return response;
}

function addErrorHandlers(app: FastifyInstance<HttpsServer>, ctx: ReviewContext, bodyLimit: number): void {
  app.setNotFoundHandler((req, reply) =>
    errorReply(ctx, reply, undefined, {
      code: 404,
      message: `no route for ${req.method} ${req.url.split('?')[0]}`,
      reason: 'not_found',
    }),
  );
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const webhook = webhookOf(req.url);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return errorReply(ctx, reply, webhook, {
        code: 413,
        message: `the body is larger than ${bodyLimit} bytes`,
        reason: 'too_large',
      });
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return errorReply(ctx, reply, webhook, { code: err.statusCode, message: err.message, reason: 'malformed' });
    }
    // Not reachable from the review handler (it catches everything); kept as a last resort.
    ctx.log.error({ err, url: req.url }, 'unexpected error in the HTTP layer');
    return closing(reply, ctx.state)
      .code(500)
      .send({ code: 500, error: 'InternalError', message: 'unexpected server error' });
  });
}

/** The HTTPS listener, then the metrics listener unless it is switched off. */
/** The host part of a URL for a bind address: a wildcard as localhost, IPv6 in brackets. */
export function urlHostOf(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

async function listenAll(
  app: FastifyInstance<HttpsServer>,
  options: WebhookServerOptions,
  createMetrics: () => HttpServer,
): Promise<ListeningAddresses> {
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 8443 });
  const port = (app.server.address() as AddressInfo).port;
  const addresses: ListeningAddresses = { port, url: `https://${urlHostOf(host)}:${port}` };
  const metricsPort = options.metricsPort ?? 9090;
  if (metricsPort === false) return addresses;
  const metricsHost = options.metricsHost ?? host;
  const server = createMetrics();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // `::` listens on IPv4 too (dual stack); an IPv6-only cluster needs it, an IPv4-only node still works.
    server.listen({ port: metricsPort, host: metricsHost, ipv6Only: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  addresses.metricsPort = (server.address() as AddressInfo).port;
  addresses.metricsUrl = `http://${urlHostOf(metricsHost)}:${addresses.metricsPort}`;
  return addresses;
}

/** shutdown(): readiness fails at once, the drain delay, then close within the grace period; idempotent. */
function shutdownOnce(
  app: FastifyInstance<HttpsServer>,
  options: WebhookServerOptions,
  state: ServerState,
  closeRest: () => Promise<void>,
): WebhookServer['shutdown'] {
  const log = options.logger;
  const shutdownDelayMs = options.shutdownDelayMs ?? 0;
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;
  let shutdownPromise: Promise<void> | undefined;
  const endDelay = new AbortController();
  return (opts = {}) => {
    shutdownPromise ??= (async () => {
      state.shuttingDown = true;
      const graceEnds = Date.now() + shutdownGraceMs;
      log.info({ shutdownDelayMs, shutdownGraceMs }, 'shutting down: readiness fails from now on');
      // Keep answering while the endpoints controller takes this pod out of the Service.
      const delay = Math.min(shutdownDelayMs, shutdownGraceMs);
      if (delay > 0 && !opts.skipDelay) await sleep(delay, endDelay.signal).catch(() => undefined);
      const closing = app.close();
      const inTime = await settlesWithin(closing, Math.max(0, graceEnds - Date.now()));
      if (!inTime) {
        log.warn('shutdown grace period over; closing the remaining connections');
        app.server.closeAllConnections();
        await settlesWithin(closing, 1000);
      }
      await closeRest();
      log.info('webhook server stopped');
    })();
    if (opts.skipDelay) endDelay.abort();
    return shutdownPromise;
  };
}

type Decoded = { ok: true; request: AdmissionRequest; scope: Scope } | { ok: false; message: string };

/**
 * JSON → envelope → scope, where nothing may throw past us (a stack overflow on a deep value would reach
 * Fastify's 500 handler) and no message quotes the body (docs/webhook.md#hostile-input).
 */
function decodeReview(raw: string, webhook: WebhookName): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return { ok: false, message: `the body is not valid JSON${jsonErrorPosition(err)}` };
  }
  try {
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) return parsed;
    const scope = admissionScope(parsed.request, webhook);
    if (!scope.inScope && scope.reason === 'malformed') return { ok: false, message: scope.detail };
    return { ok: true, request: parsed.request, scope };
  } catch {
    return { ok: false, message: 'the AdmissionReview cannot be read (nested too deeply?)' };
  }
}

/** " (at byte N)" from V8's JSON.parse message, which otherwise quotes the text around the error. */
function jsonErrorPosition(err: unknown): string {
  const position = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  return position ? ` (at byte ${position[1]})` : '';
}

function safeCheck(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

function webhookOf(url: string): WebhookName | undefined {
  const path = url.split('?')[0];
  return path === '/mutate' ? 'mutate' : path === '/validate' ? 'validate' : undefined;
}

async function closeHttpServer(server: HttpServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await settlesWithin(closed, 1000);
  server.closeAllConnections();
}

/** Plain HTTP: /metrics for Prometheus, plus /healthz and /readyz for probes that cannot speak TLS. */
function createMetricsServer(
  metrics: Metrics,
  isReady: () => boolean,
  isShuttingDown: () => boolean,
  log: Logger,
): HttpServer {
  const send = (res: ServerResponse, code: number, type: string, body: string): void => {
    res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  return createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'application/json', JSON.stringify({ code: 405, message: 'only GET' }));
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => send(res, 200, metrics.registry.contentType, text),
        (err: unknown) => {
          log.error({ err }, 'collecting metrics failed');
          send(res, 500, 'text/plain', 'collecting metrics failed\n');
        },
      );
      return;
    }
    if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') {
      return isReady()
        ? send(res, 200, 'application/json', JSON.stringify({ status: 'ready' }))
        : send(
            res,
            503,
            'application/json',
            JSON.stringify({ status: isShuttingDown() ? 'shutting down' : 'not ready' }),
          );
    }
    return send(res, 404, 'application/json', JSON.stringify({ code: 404, message: `no route for ${path}` }));
  });
}
