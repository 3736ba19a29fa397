// Certificate rotation under load: the server serves a pair of PEM files (fileTlsSource, fs.watch + polling);
// a load generator runs (keep-alive workers and workers doing a fresh handshake per request) while the files
// are replaced again and again — alternately by a careful writer (temp file + rename) and a careless one
// (certificate first, key a little later, so a mismatched pair is briefly on disk).
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/log.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import {
  generateCertificateAuthority,
  generateServingCertificate,
  type ServingCertificate,
} from '../../../src/tls/generate.js';
import { fileTlsSource } from '../../../src/tls/source.js';
import { clusterLinkReview, startWebhook } from '../../support/webhook-server.js';
import { sleep, startLoad, waitFor, type LoadRecord } from './load.js';

export interface RotationOptions {
  rotations: number;
  /** Time between a rotation being seen and the next one. */
  dwellMs: number;
  keepAliveWorkers: number;
  freshWorkers: number;
  /** Distinct certificates to cycle through (RSA generation is slow: keep it small). */
  certificates?: number;
}

export interface RotationFigures {
  rotations: number;
  requests: number;
  failed: number;
  freshHandshakes: number;
  keepAliveRequests: number;
  /** Keep-alive requests answered, successfully, on a connection opened before a rotation (old certificate). */
  keepAliveAcrossRotation: number;
  /** Fresh handshakes that started after a rotation was seen yet presented an older certificate. */
  staleHandshakes: number;
  /** Fingerprints of the certificates presented, in order of rotation. */
  presented: string[];
  firstProblems: string[];
  reloadErrorsLogged: number;
  seconds: number;
  /** Log lines of the TLS source and the server, and the private keys served, for the hygiene check. */
  logs: string[];
  privateKeys: string[];
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'rotating', namespace: 'links' },
  spec: {
    name: 'rotating',
    sourceKafkaCluster: { bootstrapEndpoint: 'kafka.source.svc:9092', clusterID: 'src-cluster-id' },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst-rest', namespace: 'links' } },
    mirrorTopics: [{ name: 'orders' }],
  },
};

export async function runRotationScenario(options: RotationOptions): Promise<RotationFigures> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'clusterlink-rotation-'));
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const ca = generateCertificateAuthority();
  const certs: ServingCertificate[] = Array.from({ length: options.certificates ?? 3 }, () =>
    generateServingCertificate({ hosts: ['localhost', '127.0.0.1'], ca }),
  );
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    }),
  });
  writeFileSync(certFile, certs[0]!.certPem);
  writeFileSync(keyFile, certs[0]!.keyPem);
  const source = await fileTlsSource({
    certFile,
    keyFile,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    pollIntervalMs: 250,
    debounceMs: 20,
  });
  const webhook = await startWebhook({ tls: source, ca: ca.certPem, metricsListener: false, logLevel: 'warn' });
  const body = Buffer.from(JSON.stringify(clusterLinkReview(LINK)));
  const load = startLoad({
    url: webhook.url,
    ca: ca.certPem,
    body,
    keepAliveWorkers: options.keepAliveWorkers,
    freshWorkers: options.freshWorkers,
  });
  const seenAt: Array<{ fp: string; at: number }> = [{ fp: fingerprint(certs[0]!.certPem), at: 0 }];
  let records: LoadRecord[] = [];
  let serverLogs: string[] = [];
  try {
    await waitFor(() => load.records.some((r) => r.fresh), 20_000, 'the first fresh handshake');
    for (let i = 1; i <= options.rotations; i++) {
      const next = certs[i % certs.length]!;
      const fp = fingerprint(next.certPem);
      if (i % 2 === 0) {
        // Careful writer: both files complete, then renamed into place.
        writeFileSync(`${certFile}.tmp`, next.certPem);
        writeFileSync(`${keyFile}.tmp`, next.keyPem);
        renameSync(`${keyFile}.tmp`, keyFile);
        renameSync(`${certFile}.tmp`, certFile);
      } else {
        // Careless writer: the new certificate sits next to the old key for a moment.
        writeFileSync(certFile, next.certPem);
        await sleep(60);
        writeFileSync(keyFile, next.keyPem);
      }
      const from = load.records.length;
      await waitFor(
        () => load.records.slice(from).some((r) => r.fresh && r.fingerprint256 === fp),
        20_000,
        `a handshake presenting certificate ${i}`,
      );
      const first = load.records.slice(from).find((r) => r.fresh && r.fingerprint256 === fp)!;
      seenAt.push({ fp, at: first.endedAt });
      await sleep(options.dwellMs);
    }
  } finally {
    records = await load.stop();
    await webhook.close();
    serverLogs = webhook.logs().map((l) => JSON.stringify(l));
    source.close();
    rmSync(dir, { recursive: true, force: true });
  }

  // A handshake started after rotation k was first seen must present certificate k, or k+1 if the next
  // rotation is already under way; never an older one.
  const acceptable = (t: number): string[] => {
    let k = 0;
    seenAt.forEach((s, i) => {
      if (s.at <= t) k = i;
    });
    return [seenAt[k]!.fp, ...(seenAt[k + 1] ? [seenAt[k + 1]!.fp] : [])];
  };
  const fresh = records.filter((r) => r.fresh && r.problems.length === 0);
  const staleHandshakes = fresh.filter((r) => !acceptable(r.startedAt).includes(r.fingerprint256 ?? '')).length;
  const keepAlive = records.filter((r) => !r.fresh);
  const failed = records.filter((r) => r.problems.length > 0);
  return {
    rotations: options.rotations,
    requests: records.length,
    failed: failed.length,
    freshHandshakes: records.filter((r) => r.fresh).length,
    keepAliveRequests: keepAlive.length,
    keepAliveAcrossRotation: keepAlive.filter(
      (r) => r.reused && r.problems.length === 0 && !acceptable(r.startedAt).includes(r.fingerprint256 ?? ''),
    ).length,
    staleHandshakes,
    presented: seenAt.map((s) => s.fp.slice(0, 11)),
    firstProblems: failed.slice(0, 5).flatMap((r) => r.problems),
    reloadErrorsLogged: lines.filter((l) => /rejected/.test(l)).length,
    seconds: Math.round((Date.now() - started) / 1000),
    logs: [...lines, ...serverLogs],
    privateKeys: certs.map((c) => c.keyPem),
  };
}

/** Short, stable id of a PEM (for messages). */
export const pemId = (pem: string): string => createHash('sha256').update(pem).digest('hex').slice(0, 8);
