// Health, readiness, metrics and graceful shutdown of a started server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import type { AdmissionDecision, Admitter } from '../../src/admission/types.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { clusterLinkReview, httpCall, httpsCall, postReview, startWebhook } from '../support/webhook-server.js';

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l1', namespace: 'ns' },
  spec: {},
};
const allow: AdmissionDecision = { allowed: true, errors: [], warnings: [] };

/** Polls `condition` until it holds (bounded, not a timing assertion). */
async function waitFor(condition: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('health, readiness and metrics', () => {
  test('healthz and readyz answer on both ports; /metrics has the admission series and process metrics', async () => {
    const wh = await startWebhook({
      metrics: createMetrics(),
      admitters: { mutate: async () => allow, validate: async () => ({ allowed: false, errors: [], warnings: [] }) },
    });
    try {
      assert.deepEqual((await httpsCall(wh.url, wh.ca, '/healthz')).body, { status: 'ok' });
      assert.deepEqual((await httpsCall(wh.url, wh.ca, '/readyz')).body, { status: 'ready' });
      assert.equal((await httpCall(wh.metricsUrl!, '/healthz')).status, 200);
      assert.equal((await httpCall(wh.metricsUrl!, '/readyz')).status, 200);
      assert.equal((await httpCall(wh.metricsUrl!, '/nothing')).status, 404);

      await postReview(wh.url, wh.ca, '/validate', clusterLinkReview(LINK));
      await postReview(wh.url, wh.ca, '/mutate', clusterLinkReview(LINK, { operation: 'UPDATE', oldObject: LINK }));
      await postReview(
        wh.url,
        wh.ca,
        '/mutate',
        clusterLinkReview(LINK, { operation: 'DELETE', object: null, oldObject: LINK }),
      );
      await postReview(wh.url, wh.ca, '/validate', clusterLinkReview(LINK, { operation: 'ODD' }));

      const metrics = await httpCall(wh.metricsUrl!, '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(String(metrics.headers['content-type']), /^text\/plain/);
      const text = metrics.text;
      assert.match(
        text,
        /^clusterlink_webhook_admission_requests_total\{webhook="validate",operation="CREATE",allowed="false"\} 1$/m,
      );
      assert.match(
        text,
        /^clusterlink_webhook_admission_requests_total\{webhook="mutate",operation="UPDATE",allowed="true"\} 1$/m,
      );
      assert.match(
        text,
        /^clusterlink_webhook_admission_requests_total\{webhook="mutate",operation="DELETE",allowed="true"\} 1$/m,
      );
      assert.match(
        text,
        /^clusterlink_webhook_admission_requests_total\{webhook="validate",operation="other",allowed="true"\} 1$/m,
        'unknown operations share one label value',
      );
      assert.match(text, /^clusterlink_webhook_admission_skipped_total\{webhook="mutate",reason="operation"\} 1$/m);
      assert.match(
        text,
        /^clusterlink_webhook_admission_duration_seconds_bucket\{le="0\.005",webhook="validate",operation="CREATE"\} \d+$/m,
      );
      assert.match(
        text,
        /^clusterlink_webhook_admission_duration_seconds_count\{webhook="validate",operation="CREATE"\} 1$/m,
      );
      assert.match(text, /^# TYPE clusterlink_webhook_secret_lookup_failures_total counter$/m);
      assert.match(text, /^process_cpu_user_seconds_total /m);
      assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    } finally {
      await wh.close();
    }
  });
});

describe('graceful shutdown', () => {
  test(
    'readiness fails at once, the in-flight review completes, then the listener closes',
    { timeout: 20_000 },
    async () => {
      let release!: () => void;
      let started!: () => void;
      const inAdmitter = new Promise<void>((r) => (started = r));
      const released = new Promise<void>((r) => (release = r));
      const slow: Admitter = async () => {
        started();
        await released;
        return { allowed: true, errors: [], warnings: ['slow but complete'] };
      };
      const wh = await startWebhook({
        admitters: { mutate: slow, validate: slow },
        shutdownDelayMs: 60_000,
        shutdownGraceMs: 60_000,
        admissionBudgetMs: 2000,
        admissionDeadlineMs: 2000,
      });
      const review = clusterLinkReview(LINK);
      const inFlight = postReview(wh.url, wh.ca, '/validate', review);
      await inAdmitter;

      const stopping = wh.server.shutdown();
      assert.equal(wh.server.isReady(), false);
      // During the delay the listener still answers, but readiness says "take me out".
      const readyz = await httpsCall<{ status: string }>(wh.url, wh.ca, '/readyz');
      assert.deepEqual([readyz.status, readyz.body], [503, { status: 'shutting down' }]);
      assert.equal((await httpCall(wh.metricsUrl!, '/readyz')).status, 503);
      const alive = await httpsCall(wh.url, wh.ca, '/healthz');
      assert.equal(alive.status, 200, 'still alive while draining');
      assert.equal(alive.headers.connection, 'close', 'clients are told to reconnect elsewhere');

      // End the drain delay: the listener closes while the review is still in the admitter.
      void wh.server.shutdown({ skipDelay: true });
      await waitFor(
        async () =>
          (await httpsCall(wh.url, wh.ca, '/healthz').then(
            () => 'open',
            () => 'closed',
          )) === 'closed',
      );
      assert.equal(
        (await httpCall(wh.metricsUrl!, '/readyz')).status,
        503,
        'the metrics port stays up until the drain ends',
      );
      release();
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.response, { uid: review.request.uid, allowed: true, warnings: ['slow but complete'] });
      await stopping;
      await assert.rejects(httpsCall(wh.url, wh.ca, '/healthz'), /ECONNREFUSED/);
      await assert.rejects(httpCall(wh.metricsUrl!, '/healthz'), /ECONNREFUSED/);
      assert.equal(await wh.server.shutdown().then(() => 'again'), 'again', 'shutdown is idempotent');
    },
  );

  test('a stuck connection cannot hold the process past the grace period', { timeout: 20_000 }, async () => {
    const wh = await startWebhook({ shutdownGraceMs: 300 });
    // A client that sends half a request and then nothing.
    const socket = connect({ host: '127.0.0.1', port: wh.port, ca: wh.ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    socket.write(
      'POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"api',
    );
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await wh.close();
    await closed;
    assert.equal(socket.destroyed, true);
  });
});
