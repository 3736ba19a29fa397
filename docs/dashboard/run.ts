// A real, bounded run to feed the dashboard picture (docs/install.md#grafana-dashboard): `clusterlink-webhook serve`
// as a child process with its reconciler on, against the in-process fake Kubernetes API and the Admin REST simulator
// of test/support (failing 15 % of calls, so reconciles fail and retry). Admission reviews are sent at a varying
// rate (allowed, denied, with Secrets the webhook may not read, a few malformed) and /metrics is scraped every few
// seconds, with the target labels a ServiceMonitor would add. Everything listens on 127.0.0.1 and stops by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeKubeApi, type FakeKubeApi } from '../../test/support/fake-kube-api.js';
import { SimWorld, startRestSimulator } from '../../test/support/rest-simulator/index.js';
import { startServeProcess } from '../../test/support/serve-process.js';
import { clusterLinkReview, httpCall, postReview } from '../../test/support/webhook-server.js';
import { linkObject, seedRestClass } from '../../test/reconciler/controller/harness.js';
import { parseExposition } from './exposition.js';
import type { Sample, Scrape } from './promql-eval.js';

export interface RunOptions {
  durationSeconds: number;
  scrapeIntervalSeconds: number;
  /** The namespace label the scrapes get (the release namespace). */
  namespace: string;
  log?: (msg: string) => void;
}

export interface RunResult {
  scrapes: Scrape[];
  reviewsSent: number;
}

const NS = 'apps';

function spec(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    sourceKafkaCluster: { clusterID: 'src-1', bootstrapEndpoint: 'src.example:9092', ...extra },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: NS } },
    mirrorTopics: [{ name: 'orders', state: 'ACTIVE' }],
  };
}

/** The reviews the load mixes, by weight: what an admin's cluster sends, plus the failures a dashboard is for. */
function reviewMix(): Array<{ weight: number; path: '/validate' | '/mutate'; body: () => unknown }> {
  const link = (name: string, s: Record<string, unknown>) => ({
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name, namespace: NS },
    spec: s,
  });
  const review = (o: unknown) => clusterLinkReview(o, { uid: crypto.randomUUID() });
  const locked = { authentication: { type: 'plain', jaasConfig: { secretRef: 'locked-creds' } } };
  return [
    { weight: 10, path: '/validate', body: () => review(link('orders', spec('orders'))) },
    { weight: 8, path: '/mutate', body: () => review(link('orders', spec('orders'))) },
    { weight: 3, path: '/validate', body: () => review(link('bad', { ...spec('bad'), sourceKafkaCluster: {} })) },
    { weight: 2, path: '/validate', body: () => review(link('locked', spec('locked', locked))) },
    { weight: 1, path: '/validate', body: () => '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"' },
  ];
}

function seedCluster(kube: FakeKubeApi, restUrl: string): void {
  seedRestClass(kube, NS, 'dst-rest', restUrl);
  for (const name of ['orders', 'payments', 'audit-log']) kube.seed(linkObject(NS, name, spec(name)));
  // Secrets the webhook may not read: each lookup is a Forbidden failure on the dashboard.
  kube.intercept((req) =>
    req.method === 'GET' && req.path.includes('/secrets/locked-')
      ? { status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403 } }
      : undefined,
  );
}

/** Reviews per second at second `s` of the run: a slow wave between about 10 and 50. */
const rateAt = (s: number): number => 30 + 20 * Math.sin((2 * Math.PI * s) / 90);

async function scrapeOnce(metricsUrl: string, labels: Record<string, string>): Promise<Scrape> {
  const t = Date.now() / 1000;
  const res = await httpCall(metricsUrl, '/metrics');
  const samples: Sample[] = parseExposition(res.text, labels);
  // Prometheus adds `up` for every target it scrapes (docs: "Jobs and instances").
  samples.push({ labels: { ...labels, __name__: 'up' }, value: res.status === 200 ? 1 : 0 });
  return { t, samples };
}

export async function recordRun(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-run-'));
  const kube = await startFakeKubeApi();
  const world = new SimWorld();
  world.addCluster('src-1');
  world.addTopic('src-1', 'orders');
  const rest = await startRestSimulator({ world, clusterId: 'dst-1', failureRate: 0.15 });
  seedCluster(kube, rest.url);
  const serve = await startServeProcess({
    certDir: join(dir, 'certs'),
    args: ['--reconciler', 'true', '--lease-namespace', options.namespace, '--audit-interval', '30s'],
    env: { KUBECONFIG: kube.kubeconfigPath, POD_NAMESPACE: '', HOME: dir },
  });
  const target = {
    job: 'clusterlink-webhook',
    namespace: options.namespace,
    service: 'clusterlink-webhook',
    pod: 'clusterlink-webhook-7d9f8-x2k4q',
    instance: new URL(serve.metricsUrl).host,
  };
  const scrapes: Scrape[] = [];
  let sent = 0;
  try {
    const start = Date.now();
    const mix = reviewMix();
    const total = mix.reduce((a, m) => a + m.weight, 0);
    const pick = () => {
      let r = Math.random() * total;
      const hit = mix.find((m) => (r -= m.weight) < 0) ?? mix[0];
      if (!hit) throw new Error('empty review mix');
      return hit;
    };
    let nextScrape = start;
    while (Date.now() - start < options.durationSeconds * 1000) {
      const second = (Date.now() - start) / 1000;
      // one tenth of a second's worth of reviews, concurrently, then the rest of the tenth idle; a scrape runs
      // beside them, as Prometheus's does, so the in-flight gauge is read while reviews are being answered
      const batch = Array.from({ length: Math.round(rateAt(second) / 10) }, () => pick());
      const tick = Date.now();
      const reviews = batch.map((m) => postReview(serve.url, serve.ca, m.path, m.body()).catch(() => undefined));
      if (Date.now() >= nextScrape) {
        nextScrape += options.scrapeIntervalSeconds * 1000;
        scrapes.push(await scrapeOnce(serve.metricsUrl, target));
        log(`${Math.round(second)} s: ${sent} reviews, ${scrapes.length} scrapes`);
      }
      await Promise.all(reviews);
      sent += batch.length;
      await sleep(Math.max(0, 100 - (Date.now() - tick)));
    }
    scrapes.push(await scrapeOnce(serve.metricsUrl, target));
  } finally {
    await serve.stop('SIGTERM');
    await Promise.all([kube.close(), rest.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return { scrapes, reviewsSent: sent };
}
