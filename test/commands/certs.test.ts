// `clusterlink-webhook certs`: files, SANs, PKCS#8, chain (checked with openssl when present), rotation
// with an existing CA, and the caBundle value.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/commands/certs.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** Runs the command in-process, capturing what it writes. */
async function certs(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    readStdin: async () => '',
    cwd: process.cwd(),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('certs generate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlink-certs-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes ca.crt, tls.crt, tls.key (PKCS#8), ca.key with the service DNS SANs', async () => {
    const out = join(dir, 'first');
    const res = await certs([
      'generate',
      '--service',
      'clusterlink-webhook',
      '--namespace',
      'confluent',
      '--dns-name',
      'webhook.example.com',
      '--dns-name',
      '10.0.0.7',
      '--out-dir',
      out,
      '--days',
      '30',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const cert = new X509Certificate(readFileSync(join(out, 'tls.crt')));
    const ca = new X509Certificate(readFileSync(join(out, 'ca.crt')));
    assert.deepEqual(cert.subjectAltName?.split(', '), [
      'DNS:clusterlink-webhook',
      'DNS:clusterlink-webhook.confluent',
      'DNS:clusterlink-webhook.confluent.svc',
      'DNS:clusterlink-webhook.confluent.svc.cluster.local',
      'DNS:webhook.example.com',
      'IP Address:10.0.0.7',
    ]);
    assert.equal(cert.checkIssued(ca), true);
    assert.equal(cert.verify(ca.publicKey), true);
    const keyPem = readFileSync(join(out, 'tls.key'), 'utf8');
    assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(cert.checkPrivateKey(createPrivateKey(keyPem)), true);
    assert.equal(statSync(join(out, 'tls.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, 'ca.key')).mode & 0o777, 0o600);
    const days = (new Date(cert.validTo).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30, `valid for ~30 days (${days})`);
    assert.match(res.stdout, /caBundle: [A-Za-z0-9+/]+=*/);
  });

  test('openssl verifies the chain and sees the SANs', { skip: hasOpenssl ? false : 'openssl not installed' }, () => {
    const out = join(dir, 'first');
    const verify = execFileSync('openssl', ['verify', '-CAfile', join(out, 'ca.crt'), join(out, 'tls.crt')], {
      encoding: 'utf8',
    });
    assert.match(verify, /tls\.crt: OK/);
    const text = execFileSync(
      'openssl',
      ['x509', '-in', join(out, 'tls.crt'), '-noout', '-ext', 'subjectAltName,extendedKeyUsage,basicConstraints'],
      { encoding: 'utf8' },
    );
    assert.match(text, /DNS:clusterlink-webhook\.confluent\.svc\b/);
    assert.match(text, /TLS Web Server Authentication/);
    assert.match(text, /CA:FALSE/);
    const key = execFileSync('openssl', ['pkey', '-in', join(out, 'tls.key'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(key, /Private-Key: \(256 bit/);
    assert.match(key, /NIST CURVE: P-256/);
  });

  test('rotation with the existing CA keeps the caBundle and writes no new CA key', async () => {
    const first = join(dir, 'first');
    const out = join(dir, 'rotated');
    const res = await certs([
      'generate',
      '--service',
      'clusterlink-webhook',
      '--namespace',
      'confluent',
      '--out-dir',
      out,
      '--ca-cert-file',
      join(first, 'ca.crt'),
      '--ca-key-file',
      join(first, 'ca.key'),
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(readFileSync(join(out, 'ca.crt'), 'utf8'), readFileSync(join(first, 'ca.crt'), 'utf8'));
    assert.throws(() => statSync(join(out, 'ca.key')));
    const rotated = new X509Certificate(readFileSync(join(out, 'tls.crt')));
    assert.equal(rotated.checkIssued(new X509Certificate(readFileSync(join(first, 'ca.crt')))), true);
    assert.notEqual(rotated.serialNumber, new X509Certificate(readFileSync(join(first, 'tls.crt'))).serialNumber);
  });

  const usageErrors: Array<[string, string[], RegExp]> = [
    ['no service', ['generate', '--namespace', 'ns'], /--service and --namespace are required/],
    ['invalid service name', ['generate', '--service', 'Bad_Name', '--namespace', 'ns'], /not a valid Service name/],
    ['invalid days', ['generate', '--service', 's', '--namespace', 'ns', '--days', '0'], /positive number of days/],
    ['CA cert without key', ['generate', '--service', 's', '--namespace', 'ns', '--ca-cert-file', 'x'], /go together/],
    ['unknown flag', ['generate', '--service', 's', '--namespace', 'ns', '--bogus'], /Unknown option/],
    ['unknown subcommand', ['rotate'], /unknown subcommand "rotate"/],
  ];
  for (const [name, argv, message] of usageErrors) {
    test(`usage error: ${name} → exit 2`, async () => {
      const res = await certs(argv);
      assert.equal(res.code, 2);
      assert.match(res.stderr, message);
    });
  }
});

describe('certs ca-bundle', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlink-bundle-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('prints base64 of the PEM bundle', async () => {
    const out = join(dir, 'gen');
    assert.equal((await certs(['generate', '--service', 'svc', '--namespace', 'ns', '--out-dir', out])).code, 0);
    const res = await certs(['ca-bundle', '--ca-file', join(out, 'ca.crt')]);
    assert.equal(res.code, 0);
    const decoded = Buffer.from(res.stdout.trim(), 'base64').toString('utf8');
    assert.equal(decoded, readFileSync(join(out, 'ca.crt'), 'utf8'));
    assert.equal(new X509Certificate(decoded).ca, true);
  });

  test('a file without a certificate is refused', async () => {
    const file = join(dir, 'empty.pem');
    writeFileSync(file, 'nothing here\n');
    const res = await certs(['ca-bundle', '--ca-file', file]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /no PEM certificate/);
  });
});

describe('certs generate checks what it is given (CA key, CA:TRUE/keyCertSign, expiry) and keeps an existing CA', () => {
  let dir: string;
  let ca: string;
  let other: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterlink-certs-checks-'));
    ca = join(dir, 'ca');
    other = join(dir, 'other');
    assert.equal((await certs(['generate', '--service', 's', '--namespace', 'ns', '--out-dir', ca])).code, 0);
    assert.equal(
      (
        await certs([
          'generate',
          '--service',
          's',
          '--namespace',
          'ns',
          '--out-dir',
          other,
          '--ca-days',
          '30',
          '--days',
          '10',
        ])
      ).code,
      0,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sign = (
    caDir: string,
    cert: string,
    key: string,
    extra: string[] = [],
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    certs([
      'generate',
      '--service',
      's',
      '--namespace',
      'ns',
      '--out-dir',
      join(dir, `out-${Math.random().toString(36).slice(2)}`),
      '--ca-cert-file',
      join(caDir, cert),
      '--ca-key-file',
      join(caDir, key),
      ...extra,
    ]);

  const cases: Array<[string, () => Promise<{ code: number; stderr: string }>, number, RegExp | undefined]> = [
    ['a matching CA and key', () => sign(ca, 'ca.crt', 'ca.key'), 0, undefined],
    [
      'the key of another CA',
      () => sign(ca, 'ca.crt', join('..', 'other', 'ca.key')),
      2,
      /CA key does not match the CA certificate/,
    ],
    ['a serving certificate as the CA', () => sign(ca, 'tls.crt', 'tls.key'), 2, /not a CA \(basicConstraints CA:TRUE/],
    [
      'a CA that expires before the certificate',
      () => sign(other, 'ca.crt', 'ca.key'),
      2,
      /the CA expires on .* before the new certificate/,
    ],
    ['the same CA, --days within its life', () => sign(other, 'ca.crt', 'ca.key', ['--days', '20']), 0, undefined],
    ['a missing CA file', () => sign(ca, 'nope.crt', 'ca.key'), 2, /--ca-cert-file: .*nope\.crt: no such file/],
  ];
  for (const [name, call, code, message] of cases) {
    test(`${name} → exit ${code}`, async () => {
      const res = await call();
      assert.equal(res.code, code, res.stderr);
      if (message) assert.match(res.stderr, message);
      assert.doesNotMatch(res.stderr, /Usage:/, 'errors come without the whole usage');
    });
  }

  test('never replaces an existing CA without --force', async () => {
    const before_ = readFileSync(join(ca, 'ca.crt'), 'utf8');
    const res = await certs(['generate', '--service', 's', '--namespace', 'ns', '--out-dir', ca]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /ca\.crt and .*ca\.key already exist: sign with that CA .* or pass --force/);
    assert.equal(readFileSync(join(ca, 'ca.crt'), 'utf8'), before_);
    const intoOther = await certs([
      'generate',
      '--service',
      's',
      '--namespace',
      'ns',
      '--out-dir',
      other,
      '--ca-cert-file',
      join(ca, 'ca.crt'),
      '--ca-key-file',
      join(ca, 'ca.key'),
    ]);
    assert.equal(intoOther.code, 2);
    assert.match(intoOther.stderr, /holds another CA/);
    const forced = await certs(['generate', '--service', 's', '--namespace', 'ns', '--out-dir', ca, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(join(ca, 'ca.crt'), 'utf8'), before_);
  });
});
