// The webhook as the API server sees it: a real kube-apiserver (the e2e harness, docs/e2e.md) with the chart
// installed and the webhooks served by a local `serve` process. Server-side dry-run creates of one ClusterLink
// alternate between a namespace the webhooks judge and one they skip (the chart's exemption label), so the
// difference is what the webhooks add:
//   1. `kubectl create --dry-run=server` latency (the whole kubectl process, as a user feels it);
//   2. the same create as one HTTPS request from here (no kubectl start-up in the figure);
//   3. apiserver_admission_webhook_admission_duration_seconds from the API server's /metrics: mutating and
//      validating call time as the API server measured it, next to the handler's own histogram
//      (clusterlink_webhook_admission_duration_seconds from the webhook's /metrics).
// Skips with a message when the harness is not built (`npm run test:e2e` builds it) or dist/ is missing.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { harnessPath } from '../test/e2e/build-harness.js';
import { startCluster, type Cluster } from '../test/e2e/support/cluster.js';
import { installWithLocalWebhook } from '../test/e2e/support/install.js';
import { toYaml, type Obj } from '../test/e2e/support/objects.js';
import { REPO_ROOT } from '../test/e2e/support/webhook.js';
import type { BenchConfig } from './config.js';
import { fmt, latencySummary, type LatencySummary, type SectionResult, type Table } from './report.js';

const JUDGED = 'bench-judged';
const EXEMPT = 'bench-exempt';

export interface Histogram {
  count: number;
  meanMs: number;
  /** Upper bounds of the buckets holding the 50th and 99th percentile, in ms. */
  p50Ms: number;
  p99Ms: number;
}

export interface ApiServerFigures {
  skipped?: string;
  requests: number;
  kubectlCreateMs?: { withWebhooks: LatencySummary; withoutWebhooks: LatencySummary; ratio: number };
  apiCreateMs?: { withWebhooks: LatencySummary; withoutWebhooks: LatencySummary; ratio: number };
  /** As the API server measured each webhook call. */
  apiServerView?: { mutating: Histogram; validating: Histogram };
  /** The webhook's own handler histogram over the same requests. */
  handlerView?: { mutate: Histogram; validate: Histogram };
  /** (mutating + validating mean) / median API create with webhooks. */
  webhookShareOfCreate?: number;
}

function link(namespace: string): Obj {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: { name: 'bench-link', namespace },
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest' } },
      sourceKafkaCluster: { bootstrapEndpoint: 'kafka.src.example:9092', clusterID: 'src-1' },
      mirrorTopics: Array.from({ length: 20 }, (_, i) => ({ name: `topic-${i}`, state: 'ACTIVE' })),
    },
  };
}

/** One dry-run create as a single HTTPS request with the admin token; resolves with the time in ms. */
function apiCreate(cluster: Cluster, ca: string, body: string, namespace: string): Promise<number> {
  const url = new URL(
    `${cluster.url}/apis/platform.confluent.io/v1beta1/namespaces/${namespace}/clusterlinks?dryRun=All`,
  );
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201
            ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
            : reject(new Error(`create answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function kubectlCreate(cluster: Cluster, yaml: string): Promise<number> {
  const started = process.hrtime.bigint();
  const run = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: yaml });
  if (run.status !== 0) throw new Error(`kubectl create failed: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** A Prometheus histogram's series summed over every label set whose labels contain all of `match`. */
export function histogram(
  text: string,
  name: string,
  match: Record<string, string>,
): { buckets: Map<number, number>; sum: number; count: number } {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  const labelsMatch = (labels: string): boolean =>
    Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`));
  for (const line of text.split('\n')) {
    const m = /^(\w+?)(_bucket|_sum|_count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name || !labelsMatch(m[3] ?? '')) continue;
    const value = Number(m[4]);
    if (m[2] === '_sum') sum += value;
    else if (m[2] === '_count') count += value;
    else {
      const le = /le="([^"]+)"/.exec(m[3] ?? '')?.[1] ?? '+Inf';
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    }
  }
  return { buckets, sum, count };
}

/** The difference of two scrapes as mean and bucket percentiles (ms). */
export function histogramDelta(before: ReturnType<typeof histogram>, after: ReturnType<typeof histogram>): Histogram {
  const count = after.count - before.count;
  const bounds = [...after.buckets.keys()].sort((a, b) => a - b);
  const at = (q: number): number => {
    for (const b of bounds)
      if ((after.buckets.get(b) ?? 0) - (before.buckets.get(b) ?? 0) >= q * count) return b * 1000;
    return Number.NaN;
  };
  return {
    count,
    meanMs: count > 0 ? ((after.sum - before.sum) / count) * 1000 : Number.NaN,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

function summaryRow(label: string, s: LatencySummary): string[] {
  return [label, fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.mean)];
}

export async function runApiServer(options: {
  config: BenchConfig;
  log: (line: string) => void;
}): Promise<SectionResult<ApiServerFigures>> {
  const { config, log } = options;
  const requests = config.quick ? 10 : 60;
  const skip = !existsSync(harnessPath())
    ? `the e2e API server harness is not built (${harnessPath()}): run \`npm run test:e2e\` once`
    : !existsSync(join(REPO_ROOT, 'dist', 'main.js')) && !existsSync(join(REPO_ROOT, 'dist', 'cli.js'))
      ? 'dist/ is missing: run `npm run build` first'
      : undefined;
  if (skip) {
    log(`apiserver: skipped — ${skip}`);
    return {
      figures: { skipped: skip, requests: 0 },
      tables: [{ title: 'Webhook latency as the API server sees it', headers: ['skipped'], rows: [[skip]] }],
      targets: [],
    };
  }
  const cluster = await startCluster();
  try {
    const installed = await installWithLocalWebhook(cluster, { values: { webhook: { timeoutSeconds: 5 } } });
    const webhook = await installed.startWebhook(['--reconciler', 'false']);
    const metricsUrl = String(
      webhook.lines.find((l) => typeof l['metricsUrl'] === 'string')?.['metricsUrl'] ?? '',
    ).replace('localhost', '127.0.0.1');
    try {
      for (const ns of [JUDGED, EXEMPT]) await cluster.kubectlOk(['create', 'namespace', ns]);
      await cluster.kubectlOk(['label', 'namespace', EXEMPT, 'clusterlink-webhook/exempt=true']);
      const ca = readFileSync(cluster.caFile, 'utf8');
      const bodies = { judged: JSON.stringify(link(JUDGED)), exempt: JSON.stringify(link(EXEMPT)) };
      const yaml = { judged: toYaml(link(JUDGED)), exempt: toYaml(link(EXEMPT)) };
      // Warm-up: connections, caches, the webhook's first Secret-less review.
      for (let i = 0; i < 5; i++) {
        await apiCreate(cluster, ca, bodies.judged, JUDGED);
        await apiCreate(cluster, ca, bodies.exempt, EXEMPT);
      }
      const scrape = async () => ({
        api: await cluster.get('/metrics'),
        handler: metricsUrl ? await (await fetch(`${metricsUrl}/metrics`)).text() : '',
      });
      const before = await scrape();
      const api = { judged: [] as number[], exempt: [] as number[] };
      const kubectl = { judged: [] as number[], exempt: [] as number[] };
      for (let i = 0; i < requests; i++) {
        api.judged.push(await apiCreate(cluster, ca, bodies.judged, JUDGED));
        api.exempt.push(await apiCreate(cluster, ca, bodies.exempt, EXEMPT));
      }
      const kubectlRuns = Math.max(5, Math.round(requests / 3));
      for (let i = 0; i < kubectlRuns; i++) {
        kubectl.judged.push(await kubectlCreate(cluster, yaml.judged));
        kubectl.exempt.push(await kubectlCreate(cluster, yaml.exempt));
      }
      const after = await scrape();
      const apiName = 'apiserver_admission_webhook_admission_duration_seconds';
      const handlerName = 'clusterlink_webhook_admission_duration_seconds';
      const apiServerView = {
        mutating: histogramDelta(
          histogram(before.api, apiName, { type: 'admit', operation: 'CREATE' }),
          histogram(after.api, apiName, { type: 'admit', operation: 'CREATE' }),
        ),
        validating: histogramDelta(
          histogram(before.api, apiName, { type: 'validating', operation: 'CREATE' }),
          histogram(after.api, apiName, { type: 'validating', operation: 'CREATE' }),
        ),
      };
      const handlerView = {
        mutate: histogramDelta(
          histogram(before.handler, handlerName, { webhook: 'mutate' }),
          histogram(after.handler, handlerName, { webhook: 'mutate' }),
        ),
        validate: histogramDelta(
          histogram(before.handler, handlerName, { webhook: 'validate' }),
          histogram(after.handler, handlerName, { webhook: 'validate' }),
        ),
      };
      const apiCreateMs = {
        withWebhooks: latencySummary(api.judged),
        withoutWebhooks: latencySummary(api.exempt),
        ratio: 0,
      };
      apiCreateMs.ratio = apiCreateMs.withWebhooks.p50 / apiCreateMs.withoutWebhooks.p50;
      const kubectlCreateMs = {
        withWebhooks: latencySummary(kubectl.judged),
        withoutWebhooks: latencySummary(kubectl.exempt),
        ratio: 0,
      };
      kubectlCreateMs.ratio = kubectlCreateMs.withWebhooks.p50 / kubectlCreateMs.withoutWebhooks.p50;
      const webhookShareOfCreate =
        (apiServerView.mutating.meanMs + apiServerView.validating.meanMs) / apiCreateMs.withWebhooks.p50;
      const figures: ApiServerFigures = {
        requests,
        kubectlCreateMs,
        apiCreateMs,
        apiServerView,
        handlerView,
        webhookShareOfCreate,
      };
      const tables: Table[] = [
        {
          title:
            'ClusterLink create (server dry run) through a real kube-apiserver, with and without the webhooks (ms)',
          headers: ['path', 'p50', 'p90', 'p99', 'mean'],
          rows: [
            summaryRow('API request, webhooks', apiCreateMs.withWebhooks),
            summaryRow('API request, exempt namespace', apiCreateMs.withoutWebhooks),
            summaryRow('kubectl create, webhooks', kubectlCreateMs.withWebhooks),
            summaryRow('kubectl create, exempt namespace', kubectlCreateMs.withoutWebhooks),
          ],
          notes: [
            `ratio with/without (p50): API request ${fmt(apiCreateMs.ratio)}×, kubectl create ${fmt(kubectlCreateMs.ratio)}× (${requests} API requests and ${kubectlRuns} kubectl runs per path, alternating).`,
          ],
        },
        {
          title: 'Webhook call time: the API server view against the handler view (ms)',
          headers: ['webhook', 'calls', 'mean', 'p50 bucket', 'p99 bucket'],
          rows: [
            callRow('API server → mutating', apiServerView.mutating),
            callRow('handler /mutate', handlerView.mutate),
            callRow('API server → validating', apiServerView.validating),
            callRow('handler /validate', handlerView.validate),
          ],
          notes: [
            `both webhook calls are ${fmt(webhookShareOfCreate * 100)} % of the median API create with webhooks; the gap between the views is TLS, HTTP and the API server's own encoding.`,
          ],
        },
      ];
      return { figures, tables, targets: [] };
    } finally {
      await webhook.stop();
    }
  } finally {
    await cluster.stop();
  }
}

/** One row of the call-time table: how many calls and their mean, p50 and p99 (ms). */
function callRow(label: string, v: { count: number; meanMs: number; p50Ms: number; p99Ms: number }): string[] {
  return [label, String(v.count), fmt(v.meanMs), fmt(v.p50Ms), fmt(v.p99Ms)];
}
