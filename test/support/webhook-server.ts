// Starts the real admission server (HTTPS, generated certificate) on 127.0.0.1 port 0 for end-to-end
// tests, and posts AdmissionReviews to it over node:https, trusting only the generated CA.
//
//   const wh = await startWebhook();                       // real ClusterLink admitters
//   const res = await postReview(wh.url, wh.ca, '/validate', review);
//   assert.equal(res.status, 200); assert.equal(res.body.response.allowed, true);
//   await wh.close();
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { createClusterLinkAdmitters } from '../../src/admission/clusterlink-admitter.js';
import { createWebhookServer, type WebhookServer, type WebhookServerOptions } from '../../src/admission/server.js';
import type { Admitter, AdmissionRequest, AdmissionReviewResponse } from '../../src/admission/types.js';
import { createLogger, type Logger } from '../../src/observability/log.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { SecretChecker } from '../../src/secrets/types.js';
import { generateSelfSignedServing, type ServingCertificate } from '../../src/tls/generate.js';
import { staticTlsSource, type TlsSource } from '../../src/tls/source.js';

export interface StartWebhookOptions {
  /** Default: the real ClusterLink admitters (with `secretChecker` when given). */
  admitters?: { mutate: Admitter; validate: Admitter };
  secretChecker?: SecretChecker;
  /** Default: a JSON logger capturing lines into `logs` at `logLevel` (default "info"). */
  logger?: Logger;
  logLevel?: string;
  metrics?: Metrics;
  /** Default: a CA + certificate for localhost/127.0.0.1, generated once per test process. */
  tls?: TlsSource;
  /** The CA to hand to clients when `tls` is given (default: the generated one). */
  ca?: string;
  /** Start the plain-HTTP metrics listener (port 0); default true. */
  metricsListener?: boolean;
  admissionDeadlineMs?: number;
  admissionBudgetMs?: number;
  bodyLimitBytes?: number;
  shutdownDelayMs?: number;
  shutdownGraceMs?: number;
  /** Require client certificates signed by this CA on the review routes. */
  clientCaPem?: string;
  maxConnections?: number;
}

export interface RunningWebhook {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM of the CA the server's certificate chains to. */
  ca: string;
  port: number;
  /** `http://127.0.0.1:<port>` of /metrics, when started. */
  metricsUrl?: string;
  metrics: Metrics;
  server: WebhookServer;
  /** Parsed JSON log lines written so far (only with the default logger). */
  logs(): Array<Record<string, unknown>>;
  /** Graceful shutdown; idempotent. */
  close(): Promise<void>;
}

let generated: ServingCertificate | undefined;

/** One generated CA + serving certificate per test process (a few milliseconds now that keys are ECDSA P-256). */
export function testServingCertificate(): ServingCertificate {
  generated ??= generateSelfSignedServing(['localhost', '127.0.0.1']);
  return generated;
}

export async function startWebhook(opts: StartWebhookOptions = {}): Promise<RunningWebhook> {
  const lines: string[] = [];
  const logger =
    opts.logger ??
    createLogger({
      level: opts.logLevel ?? 'info',
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(
            ...chunk
              .toString('utf8')
              .split('\n')
              .filter((l) => l !== ''),
          );
          cb();
        },
      }),
    });
  let tls = opts.tls;
  let ca = opts.ca;
  if (!tls) {
    const cert = testServingCertificate();
    tls = staticTlsSource({ certPem: cert.certPem, keyPem: cert.keyPem });
    ca ??= cert.caPem;
  }
  if (ca === undefined) throw new Error('startWebhook: pass `ca` together with `tls`');
  const metrics = opts.metrics ?? createMetrics({ defaultMetrics: false });
  const options: WebhookServerOptions = {
    admitters:
      opts.admitters ?? createClusterLinkAdmitters(opts.secretChecker ? { secretChecker: opts.secretChecker } : {}),
    logger,
    metrics,
    tls,
    host: '127.0.0.1',
    port: 0,
    metricsPort: opts.metricsListener === false ? false : 0,
    shutdownGraceMs: opts.shutdownGraceMs ?? 5000,
  };
  if (opts.admissionDeadlineMs !== undefined) options.admissionDeadlineMs = opts.admissionDeadlineMs;
  if (opts.admissionBudgetMs !== undefined) options.admissionBudgetMs = opts.admissionBudgetMs;
  if (opts.bodyLimitBytes !== undefined) options.bodyLimitBytes = opts.bodyLimitBytes;
  if (opts.shutdownDelayMs !== undefined) options.shutdownDelayMs = opts.shutdownDelayMs;
  if (opts.clientCaPem !== undefined) options.clientCaPem = opts.clientCaPem;
  if (opts.maxConnections !== undefined) options.maxConnections = opts.maxConnections;
  const server = createWebhookServer(options);
  const addresses = await server.listen();
  const running: RunningWebhook = {
    url: addresses.url,
    ca,
    port: addresses.port,
    metrics,
    server,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => server.shutdown(),
  };
  if (addresses.metricsUrl !== undefined) running.metricsUrl = addresses.metricsUrl;
  return running;
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined when the body is not JSON). */
  body: T;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
}

/** One HTTPS request trusting only `ca`; never rejects on HTTP status, only on transport errors. */
export function httpsCall<T = unknown>(
  url: string,
  ca: string,
  path: string,
  body?: string | Buffer,
  options: RequestOptions = {},
): Promise<HttpResult<T>> {
  return call<T>(true, url, ca, path, body, options);
}

/** Plain HTTP (the metrics port). */
export function httpCall<T = unknown>(url: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
  return call<T>(false, url, undefined, path, undefined, options);
}

function call<T>(
  secure: boolean,
  url: string,
  ca: string | undefined,
  path: string,
  body: string | Buffer | undefined,
  options: RequestOptions,
): Promise<HttpResult<T>> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        agent: false,
        ...(ca !== undefined ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`request to ${target.href} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** POSTs an AdmissionReview (object or pre-serialised string) as application/json. */
export function postReview(
  url: string,
  ca: string,
  path: '/mutate' | '/validate' | string,
  review: unknown,
  options: RequestOptions = {},
): Promise<HttpResult<AdmissionReviewResponse>> {
  const body = typeof review === 'string' ? review : JSON.stringify(review);
  return httpsCall<AdmissionReviewResponse>(url, ca, path, body, {
    ...options,
    headers: { 'content-type': 'application/json', ...options.headers },
  });
}

/** The JSON Patch of a mutate response, decoded (empty when there is none). */
export function decodePatch(
  response: { patch?: string } | undefined,
): Array<{ op: string; path: string; value?: unknown }> {
  if (!response?.patch) return [];
  return JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Array<{
    op: string;
    path: string;
    value?: unknown;
  }>;
}

export interface AdmissionReviewRequest {
  apiVersion: string;
  kind: string;
  request: AdmissionRequest;
}

/** A minimal valid AdmissionReview for a ClusterLink; override any request field. */
export function clusterLinkReview(object: unknown, request: Record<string, unknown> = {}): AdmissionReviewRequest {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '00000000-0000-0000-0000-000000000001',
      kind: { group: 'platform.confluent.io', version: 'v1beta1', kind: 'ClusterLink' },
      resource: { group: 'platform.confluent.io', version: 'v1beta1', resource: 'clusterlinks' },
      requestKind: { group: 'platform.confluent.io', version: 'v1beta1', kind: 'ClusterLink' },
      requestResource: { group: 'platform.confluent.io', version: 'v1beta1', resource: 'clusterlinks' },
      name: (object as { metadata?: { name?: string } } | null)?.metadata?.name ?? '',
      namespace: (object as { metadata?: { namespace?: string } } | null)?.metadata?.namespace ?? 'default',
      operation: 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'kubectl-client-side-apply' },
      ...request,
    },
  };
}
