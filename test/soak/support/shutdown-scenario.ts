// Graceful shutdown under load: `clusterlink-webhook serve` as a real process, a load generator (keep-alive
// and fresh connections, small and large reviews) and a readiness poller on the metrics port; then SIGTERM.
// The figures separate what must never fail (requests in flight at the signal, and those sent while the
// server still listens) from the refusals a closed listener gives (which kube-apiserver retries elsewhere).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterLinkReview } from '../../support/webhook-server.js';
import { startServe } from './child-process.js';
import { sleep, startLoad, waitFor, type LoadRecord } from './load.js';

export interface ShutdownOptions {
  /** Load before the signal. */
  loadMs: number;
  shutdownDelayMs: number;
  keepAliveWorkers: number;
  freshWorkers: number;
}

export interface ShutdownFigures {
  requests: number;
  inFlightAtSignal: number;
  failedInFlight: number;
  /** Requests started after the signal but before readiness failed or while the listener was still open. */
  sentDuringDrain: number;
  failedDuringDrain: number;
  /** Started after the drain (or in its last 250 ms, racing the close): refused connections (expected) and
   *  other outcomes (answers that made it in, resets of connections the closing listener never served). */
  refusedAfterClose: number;
  otherAfterClose: Record<string, number>;
  readinessFailedAfterMs?: number;
  firstFailureAfterMs?: number;
  exitCode: number | null;
  exitAfterMs: number;
  firstProblems: string[];
  /** The process's log lines and the private key it generated, for the hygiene check. */
  logs: string[];
  privateKey: string;
}

const CLOSE_MARGIN_MS = 250;

const topics = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `orders-${i}` }));
const link = (n: number) => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'draining', namespace: 'links' },
  spec: {
    name: 'draining',
    sourceKafkaCluster: { bootstrapEndpoint: 'kafka.source.svc:9092', clusterID: 'src-cluster-id' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: 'links' } },
    mirrorTopics: topics(n),
  },
});

function readyz(metricsUrl: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(new URL('/readyz', metricsUrl), { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function runShutdownScenario(options: ShutdownOptions): Promise<ShutdownFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'clusterlink-shutdown-'));
  try {
    const serve = await startServe([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--cert-dir',
      join(dir, 'certs'),
      '--reconciler',
      'false',
      '--log-level',
      'info',
      '--shutdown-delay',
      `${options.shutdownDelayMs}ms`,
      '--shutdown-grace',
      '10s',
    ]);
    const ca = readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8');
    const privateKey = readFileSync(join(dir, 'certs', 'tls.key'), 'utf8');
    const small = Buffer.from(JSON.stringify(clusterLinkReview(link(3))));
    const large = Buffer.from(JSON.stringify(clusterLinkReview(link(3_000))));
    const loads = [
      startLoad({
        url: serve.url,
        ca,
        body: small,
        keepAliveWorkers: options.keepAliveWorkers,
        freshWorkers: options.freshWorkers,
      }),
      startLoad({ url: serve.url, ca, body: large, keepAliveWorkers: 1, freshWorkers: 1 }),
    ];
    const t0 = performance.now();
    const readiness: Array<{ at: number; status: number }> = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        readiness.push({ at: performance.now() - t0, status: await readyz(serve.metricsUrl) });
        await sleep(10);
      }
    })();

    await waitFor(() => readiness.some((r) => r.status === 200), 10_000, 'readiness');
    await sleep(options.loadMs);
    const signalAt = performance.now() - t0;
    serve.child.kill('SIGTERM');
    const exitCode = await serve.exited;
    const exitAfterMs = performance.now() - t0 - signalAt;
    await sleep(200);
    polling = false;
    await poller;
    // Loads have their own clocks: convert to ours.
    const offsets = loads.map((l) => performance.now() - t0 - l.now());
    const records: LoadRecord[] = (await Promise.all(loads.map((l) => l.stop()))).flatMap((rs, i) =>
      rs.map((r) => ({ ...r, startedAt: r.startedAt + offsets[i]!, endedAt: r.endedAt + offsets[i]! })),
    );

    const inFlight = records.filter((r) => r.startedAt < signalAt && r.endedAt > signalAt);
    const refused = (r: LoadRecord) => r.status === 0 && /ECONNREFUSED/.test(r.problems.join(' '));
    const readinessFailed = readiness.find((r) => r.at > signalAt && r.status !== 200);
    // The listener closes `shutdownDelayMs` after the child receives the signal, a little after we send it:
    // requests started in the last CLOSE_MARGIN_MS race the close and are counted with those after it.
    const drainEnds = signalAt + Math.max(0, options.shutdownDelayMs - CLOSE_MARGIN_MS);
    const duringDrain = records.filter((r) => r.startedAt >= signalAt && r.startedAt < drainEnds);
    const afterClose = records.filter((r) => r.startedAt >= drainEnds);
    const otherAfterClose: Record<string, number> = {};
    for (const r of afterClose.filter((x) => !refused(x))) {
      const key =
        r.status === 0
          ? r.problems[0]!.replace(/:.*$/, '').slice(0, 40) + (r.problems[0]!.match(/E[A-Z]+/)?.[0] ?? '')
          : String(r.status);
      otherAfterClose[key] = (otherAfterClose[key] ?? 0) + 1;
    }
    const failures = records.filter((r) => r.problems.length > 0 && !(r.startedAt >= drainEnds));
    const firstFailure = records.filter((r) => r.problems.length > 0).sort((a, b) => a.endedAt - b.endedAt)[0];
    return {
      requests: records.length,
      inFlightAtSignal: inFlight.length,
      failedInFlight: inFlight.filter((r) => r.problems.length > 0).length,
      sentDuringDrain: duringDrain.length,
      failedDuringDrain: duringDrain.filter((r) => r.problems.length > 0).length,
      refusedAfterClose: afterClose.filter(refused).length,
      otherAfterClose,
      ...(readinessFailed ? { readinessFailedAfterMs: Math.round(readinessFailed.at - signalAt) } : {}),
      ...(firstFailure ? { firstFailureAfterMs: Math.round(firstFailure.endedAt - signalAt) } : {}),
      exitCode,
      exitAfterMs: Math.round(exitAfterMs),
      firstProblems: failures.slice(0, 5).flatMap((r) => r.problems),
      logs: serve.lines.map((l) => JSON.stringify(l)),
      privateKey,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
