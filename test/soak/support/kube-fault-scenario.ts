// Dependency failure during admission (docs/rules.md#secret-checks, docs/webhook.md#the-admissionreview-contract): the validating webhook reads referenced Secrets from
// the Kubernetes API while that API is healthy, black-holed (requests hang), slow (answers after 3 s),
// forbidding (403), failing (500), refusing connections, or unroutable. Several reviews are in flight at
// once; a review that references no Secret is sent alongside and must not wait behind the lookups.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeSecretSource } from '../../../src/kube/secret-source.js';
import { createLogger } from '../../../src/observability/log.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createSecretChecker } from '../../../src/secrets/checker.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { makeTlsMaterial } from '../../support/pem-fixtures.js';
import { clusterLinkReview, httpCall, startWebhook, type RunningWebhook } from '../../support/webhook-server.js';
import { keepAliveAgent, postRaw } from './client.js';
import { checkAnswer } from './answer-contract.js';

export const NS = 'links';
export type Fault = 'healthy' | 'black-hole' | 'slow' | 'forbidden' | 'server-error' | 'refused' | 'unroutable';
export const FAULTS: readonly Fault[] = [
  'healthy',
  'black-hole',
  'slow',
  'forbidden',
  'server-error',
  'refused',
  'unroutable',
];

/** Secret values used by the scenario, for the hygiene scan afterwards. */
export const TLS = makeTlsMaterial({ algorithm: 'rsa' });
export const PLAIN = { 'plain.txt': Buffer.from('username=hardening-user\npassword=Hardening-S3cret-Passw0rd!\n') };

const secretObject = (name: string, data: Record<string, Buffer>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: NS },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
});

/** A link the pure rules accept, with plain SASL and TLS to the source (two Secret lookups). */
export function securedLink(name: string): Record<string, unknown> {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name, namespace: NS },
    spec: {
      name,
      sourceKafkaCluster: {
        bootstrapEndpoint: 'kafka.source.svc:9092',
        clusterID: 'src-cluster-id',
        authentication: { type: 'plain', jaasConfig: { secretRef: 'link-plain' } },
        tls: { enabled: true, secretRef: 'link-tls' },
      },
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'destination-krc', namespace: NS } },
    },
  };
}

export function plainLink(name: string): Record<string, unknown> {
  const link = securedLink(name);
  const spec = link.spec as { sourceKafkaCluster: Record<string, unknown> };
  spec.sourceKafkaCluster = { bootstrapEndpoint: 'kafka.source.svc:9092', clusterID: 'src-cluster-id' };
  return link;
}

export interface ReviewOutcome {
  fault: Fault;
  strict: boolean;
  ms: number;
  /** The server's own measure of the review (from its log line). */
  serverMs?: number;
  allowed?: boolean;
  warnings: string[];
  causes: string[];
  problems: string[];
  text: string;
}

export interface KubeFaultHarness {
  api: FakeKubeApi;
  /** Runs `concurrent` secured reviews (and one plain review alongside) against a webhook whose Secret
   *  source sees `fault`. */
  round(
    fault: Fault,
    strict: boolean,
    concurrent: number,
  ): Promise<{ secured: ReviewOutcome[]; plain: ReviewOutcome; plainFinishedFirst: boolean }>;
  /** Everything the webhooks logged and exposed as metrics so far. */
  logsAndMetrics(): Promise<string[]>;
  close(): Promise<void>;
}

/** An HTTP proxy in front of the fake API that holds every request `delayMs` before forwarding it. */
async function slowProxy(target: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const timer = setTimeout(() => {
      const upstream = httpRequest(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }, delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'hardening-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startKubeFaultHarness(options: { lookupTimeoutMs?: number } = {}): Promise<KubeFaultHarness> {
  const api = await startFakeKubeApi();
  api.seed(secretObject('link-tls', TLS.secretData));
  api.seed(secretObject('link-plain', PLAIN));
  let fault: Fault = 'healthy';
  api.intercept((req) => {
    if (!req.path.includes('/secrets/')) return undefined;
    if (fault === 'black-hole') return 'hang';
    if (fault === 'forbidden')
      return {
        status: 403,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: 'secrets "link-tls" is forbidden: User "system:serviceaccount:x:y" cannot get resource "secrets"',
        },
      };
    if (fault === 'server-error')
      return {
        status: 500,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'InternalError',
          code: 500,
          message: 'etcdserver: request timed out',
        },
      };
    return undefined;
  });
  const proxy = await slowProxy(api.url, 3_000);
  const refusedUrl = `http://127.0.0.1:${await closedPort()}`;
  const servers: Record<Fault, string> = {
    healthy: api.url,
    'black-hole': api.url,
    forbidden: api.url,
    'server-error': api.url,
    slow: proxy.url,
    refused: refusedUrl,
    // TEST-NET-1 (RFC 5737): never routed; the connect either hangs or fails at once, both must be bounded.
    unroutable: 'http://192.0.2.1:6443',
  };

  const logLines: string[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    }),
  });
  // One webhook per (server, strict) pair, made on first use: the Secret source's cache must not carry
  // an answer from one fault into the next.
  const webhooks = new Map<string, RunningWebhook>();
  const webhookFor = async (f: Fault, strict: boolean): Promise<RunningWebhook> => {
    const key = `${f}/${strict}`;
    let wh = webhooks.get(key);
    if (!wh) {
      const source = createKubeSecretSource(kubeConfigFor(servers[f]), {
        timeoutMs: options.lookupTimeoutMs ?? 750,
        logger,
        cacheTtlMs: 0,
        notFoundTtlMs: 0,
      });
      const checker = createSecretChecker(source, { strict, logger, metrics });
      wh = await startWebhook({ secretChecker: checker, logger, metrics });
      webhooks.set(key, wh);
    }
    return wh;
  };

  let sequence = 0;
  const send = async (
    wh: RunningWebhook,
    f: Fault,
    strict: boolean,
    object: Record<string, unknown>,
    agent: ReturnType<typeof keepAliveAgent>,
  ): Promise<ReviewOutcome> => {
    const uid = `hardening-${f}-${strict}-${++sequence}`;
    const body = Buffer.from(JSON.stringify(clusterLinkReview(object, { uid, namespace: NS })));
    const started = performance.now();
    try {
      const res = await postRaw(wh.url, wh.ca, '/validate', body, {
        contentType: 'application/json',
        agent,
        timeoutMs: 10_000,
      });
      const ms = performance.now() - started;
      const verdict = checkAnswer(res.status, res.text, body, '/validate');
      const response = (
        JSON.parse(res.text) as {
          response?: {
            allowed?: boolean;
            warnings?: string[];
            status?: { details?: { causes?: Array<{ message?: string; field?: string }> } };
          };
        }
      ).response;
      const line = logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.uid === uid && l.msg === 'admission review answered');
      return {
        fault: f,
        strict,
        ms,
        ...(typeof line?.durationMs === 'number' ? { serverMs: line.durationMs } : {}),
        ...(response?.allowed !== undefined ? { allowed: response.allowed } : {}),
        warnings: response?.warnings ?? [],
        causes: (response?.status?.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`),
        problems: res.status === 200 ? verdict.problems : [`HTTP ${res.status}`],
        text: res.text,
      };
    } catch (err) {
      return {
        fault: f,
        strict,
        ms: performance.now() - started,
        warnings: [],
        causes: [],
        problems: [`transport: ${(err as Error).message}`],
        text: '',
      };
    }
  };

  return {
    api,
    async round(f, strict, concurrent) {
      fault = f;
      const wh = await webhookFor(f, strict);
      const agent = keepAliveAgent(wh.ca, concurrent + 1);
      try {
        let plainDone = -1;
        let firstSecuredDone = Number.POSITIVE_INFINITY;
        const secured = Array.from({ length: concurrent }, (_, i) =>
          send(wh, f, strict, securedLink(`secured-${i}`), agent).then((o) => {
            firstSecuredDone = Math.min(firstSecuredDone, performance.now());
            return o;
          }),
        );
        const plain = send(wh, f, strict, plainLink('plain'), agent).then((o) => {
          plainDone = performance.now();
          return o;
        });
        const [securedOutcomes, plainOutcome] = await Promise.all([Promise.all(secured), plain]);
        return { secured: securedOutcomes, plain: plainOutcome, plainFinishedFirst: plainDone <= firstSecuredDone };
      } finally {
        agent.destroy();
        fault = 'healthy';
      }
    },
    async logsAndMetrics() {
      const texts = [...logLines, await metrics.registry.metrics()];
      for (const wh of webhooks.values())
        if (wh.metricsUrl) texts.push((await httpCall(wh.metricsUrl, '/metrics')).text);
      return texts;
    },
    async close() {
      for (const wh of webhooks.values()) await wh.close();
      await proxy.close();
      await api.close();
    },
  };
}
