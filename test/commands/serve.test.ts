// `clusterlink-webhook serve` as a process: generated certificate named in the first log line, HTTPS health,
// a fixture answered over /validate, --help, flag errors, and exit 0 on SIGTERM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLI_FROM_SOURCE,
  noClusterEnv,
  REPO_ROOT,
  startServeProcess,
  type ServeProcess,
} from '../support/serve-process.js';
import { httpCall, httpsCall, postReview } from '../support/webhook-server.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/admission/create-invalid.json', import.meta.url));
// No cluster for the Secret checker to find, whatever the machine running the tests has configured.
const ENV = noClusterEnv();

describe('serve command', () => {
  let dir: string;
  let serve: ServeProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlink-serve-'));
    serve = await startServeProcess({
      certDir: join(dir, 'certs'),
      args: ['--dns-name', 'webhook.test.svc', '--reconciler', 'false'],
    });
  });
  after(async () => {
    await serve?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('the first log line says the reconciler is off and why; the next names the CA bundle and the SANs', () => {
    assert.equal(serve.lines[0]?.reconciler, false);
    assert.match(String(serve.lines[0]?.msg), /^reconciler off: --reconciler=false/);
    const first = serve.lines[1]!;
    const caFile = join(dir, 'certs', 'ca.crt');
    assert.equal(first.caBundleFile, caFile);
    assert.match(String(first.msg), new RegExp(`CA bundle ${caFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const cert = new X509Certificate(readFileSync(join(dir, 'certs', 'tls.crt')));
    assert.deepEqual(cert.subjectAltName?.split(', '), [
      'DNS:localhost',
      'IP Address:127.0.0.1',
      'DNS:webhook.test.svc',
    ]);
    assert.equal(cert.checkIssued(new X509Certificate(readFileSync(caFile))), true);
  });

  test('serves health over HTTPS with that CA, metrics over HTTP, and answers a fixture on /validate', async () => {
    const { url, ca } = serve;
    assert.deepEqual((await httpsCall(url, ca, '/healthz')).body, { status: 'ok' });
    assert.equal((await httpsCall(url, ca, '/readyz')).status, 200);
    const metrics = await httpCall(serve.metricsUrl, '/metrics');
    assert.match(metrics.text, /process_cpu_user_seconds_total/);

    const review = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { request: { uid: string } };
    const res = await postReview(url, ca, '/validate', review);
    assert.equal(res.status, 200);
    assert.equal(res.body.apiVersion, 'admission.k8s.io/v1');
    assert.equal(res.body.kind, 'AdmissionReview');
    assert.equal(res.body.response.uid, review.request.uid);
    // The real rules deny this fixture (no sourceKafkaCluster, lower-case linkMode); only the shape is asserted.
    assert.equal(res.body.response.allowed, false);
    assert.equal(res.body.response.status?.code, 422);
    assert.equal(res.body.response.status?.reason, 'Invalid');
    assert.ok((res.body.response.status?.details?.causes.length ?? 0) >= 1);
  });

  test('SIGTERM: exits 0', { timeout: 20_000 }, async () => {
    assert.equal(await serve.stop('SIGTERM'), 0);
    assert.ok(serve.lines.some((l) => l.msg === 'webhook server stopped'));
  });

  test('--help prints the flags and exits 0; a bad flag exits 2', () => {
    const help = spawnSync(process.execPath, [...CLI_FROM_SOURCE, 'serve', '--help'], {
      cwd: REPO_ROOT,
      env: ENV,
      encoding: 'utf8',
    });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--tls-private-key-file/);
    assert.match(help.stdout, /--shutdown-grace/);
    const bad = spawnSync(process.execPath, [...CLI_FROM_SOURCE, 'serve', '--port', 'https'], {
      cwd: REPO_ROOT,
      env: ENV,
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not a port number/);
  });
});

describe('serve binds first and keeps its generated CA across restarts', () => {
  let dir: string;
  let first: ServeProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlink-serve-restart-'));
    first = await startServeProcess({ certDir: join(dir, 'certs'), args: ['--reconciler', 'false'] });
  });
  after(async () => {
    await first?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const serveOn = (args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        'serve',
        '--host=127.0.0.1',
        `--cert-dir=${join(dir, 'certs')}`,
        '--reconciler=false',
        ...args,
      ],
      { cwd: REPO_ROOT, env: ENV, encoding: 'utf8', timeout: 60_000 },
    );

  const cases: Array<[string, () => string[]]> = [
    ['HTTPS port in use', () => [`--port=${new URL(first.url).port}`, '--metrics-port=0']],
    ['metrics port in use', () => ['--port=0', `--metrics-port=${new URL(first.metricsUrl).port}`]],
  ];
  for (const [name, args] of cases) {
    test(`${name}: exits 1 before it touches --cert-dir`, () => {
      const before_ = readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8');
      const second = serveOn(args());
      assert.equal(second.status, 1, String(second.stdout));
      assert.match(String(second.stdout), /cannot listen.*EADDRINUSE|EADDRINUSE.*cannot listen/s);
      assert.equal(readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8'), before_);
    });
  }

  test('a restart reuses the CA and the certificate', { timeout: 60_000 }, async () => {
    const ca = readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8');
    const cert = readFileSync(join(dir, 'certs', 'tls.crt'), 'utf8');
    assert.equal(await first.stop('SIGTERM'), 0);
    const again = await startServeProcess({ certDir: join(dir, 'certs'), args: ['--reconciler', 'false'] });
    try {
      assert.match(String(again.lines[1]?.msg), /^reusing the CA and serving certificate/);
      assert.equal(readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8'), ca);
      assert.equal(readFileSync(join(dir, 'certs', 'tls.crt'), 'utf8'), cert);
    } finally {
      await again.stop('SIGKILL');
    }
  });
});
