// Every query of the Grafana dashboard (files/dashboard.json) and every expression of the PrometheusRule (as the real
// Helm renders it) is PromQL that selects only metrics the code exports: the names are compared with a scrape of
// /metrics from a started `serve` with its reconciler on (against the fake Kubernetes API), so a renamed or
// misspelt metric fails here instead of as an alert that can never fire (docs/install.md#alerts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposedNames } from '../../docs/dashboard/exposition.js';
import { interpolate, readDashboard } from '../../docs/dashboard/panels.js';
import { metricNames, parsePromQL } from '../../docs/dashboard/promql-parse.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { httpCall } from '../support/webhook-server.js';
import { waitFor } from '../reconciler/controller/harness.js';
import { helmTemplate, type Obj } from './helm.js';
import { at, find } from './manifests.js';

/** Made by Prometheus for every scrape target, never by the code (Prometheus docs, "Jobs and instances"). */
const PROMETHEUS_MADE = ['up'];

function alertExpressions(): Array<[string, string]> {
  const rule = find(helmTemplate({ metrics: { prometheusRule: { enabled: true } } }), 'PrometheusRule');
  return (at(rule, 'spec.groups.0.rules') as Obj[]).map((r) => [String(r['alert']), String(r['expr'])]);
}

function dashboardQueries(): Array<[string, string]> {
  const vars = { namespaces: ['confluent'], scrapeIntervalSeconds: 30, stepSeconds: 30 };
  return readDashboard().panels.flatMap((p) =>
    p.targets.map((t): [string, string] => [`${p.title} (${t.refId})`, interpolate(t.expr, vars)]),
  );
}

const missing = (expr: string, exported: Set<string>): string[] =>
  metricNames(parsePromQL(expr)).filter((n) => !exported.has(n));

describe('dashboard and alerts use only exported metrics', () => {
  let dir: string;
  let kube: FakeKubeApi;
  let serve: ServeProcess;
  let exported: Set<string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitoring-metrics-'));
    kube = await startFakeKubeApi();
    serve = await startServeProcess({
      certDir: join(dir, 'certs'),
      args: ['--reconciler', 'true', '--lease-namespace', 'webhook'],
      env: { KUBECONFIG: kube.kubeconfigPath, POD_NAMESPACE: '', HOME: dir },
    });
    let text = '';
    await waitFor(
      async () => {
        text = (await httpCall(serve.metricsUrl, '/metrics')).text;
        return text.includes('leader_election_master_status{');
      },
      'the reconciler metrics on /metrics',
      60_000,
    );
    exported = new Set([...exposedNames(text), ...PROMETHEUS_MADE]);
  });
  after(async () => {
    await serve?.stop('SIGTERM');
    await kube?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the scrape has the webhook and the reconciler families', () => {
    for (const name of ['clusterlink_webhook_admission_duration_seconds_bucket', 'controller_runtime_reconcile_total'])
      assert.ok(exported.has(name), name);
  });

  test('every dashboard panel query', () => {
    const queries = dashboardQueries();
    assert.ok(queries.length >= 8);
    for (const [where, expr] of queries) assert.deepEqual(missing(expr, exported), [], where);
  });

  test('every PrometheusRule expression (reconciler on: all six alerts)', () => {
    const alerts = alertExpressions();
    assert.equal(alerts.length, 6);
    for (const [alert, expr] of alerts) assert.deepEqual(missing(expr, exported), [], alert);
  });

  const wrong: Array<[string, string, string[]]> = [
    [
      'a misspelt counter',
      'sum(rate(clusterlink_webhook_admission_request_total[5m]))',
      ['clusterlink_webhook_admission_request_total'],
    ],
    [
      'a name the code never had',
      'max(clusterlink_webhook_reconciler_leader)',
      ['clusterlink_webhook_reconciler_leader'],
    ],
    [
      'a histogram without _bucket',
      'histogram_quantile(0.9, rate(controller_runtime_reconcile_time_seconds_le[1m]))',
      ['controller_runtime_reconcile_time_seconds_le'],
    ],
  ];
  for (const [name, expr, want] of wrong)
    test(`the check finds ${name}`, () => assert.deepEqual(missing(expr, exported), want));
});
