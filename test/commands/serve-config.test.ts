import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseDuration, parseServeArgs, serveUsage } from '../../src/commands/serve-config.js';

const CWD = '/srv/app';
const parse = (argv: string[], env: Record<string, string> = {}) => parseServeArgs(argv, env, CWD).config;

describe('serve options', () => {
  test('defaults', () => {
    assert.deepEqual(parse([]), {
      port: 8443,
      metricsPort: 9090,
      host: '0.0.0.0',
      tlsReloadIntervalMs: 10_000,
      certDir: '/srv/app/.clusterlink-webhook',
      dnsNames: [],
      logLevel: 'info',
      strictSecrets: false,
      secretLookupTimeoutMs: 750,
      admissionDeadlineMs: 1500,
      admissionBudgetMs: 1800,
      reconciler: 'auto',
      watchNamespaces: [],
      leaseName: 'clusterlink-webhook',
      shutdownDelayMs: 0,
      shutdownGraceMs: 10_000,
      maxConnections: 256,
      ruleActions: new Map(),
      auditIntervalMs: 600_000,
    });
  });

  test('every flag', () => {
    const c = parse([
      '--port=9443',
      '--metrics-port',
      '9191',
      '--host',
      '127.0.0.1',
      '--tls-cert-file',
      'certs/tls.crt',
      '--tls-private-key-file',
      '/etc/tls/tls.key',
      '--tls-reload-interval',
      '2s',
      '--cert-dir',
      '/tmp/c',
      '--dns-name',
      'a.svc',
      '--dns-name',
      'b.svc',
      '--dns-name',
      'a.svc',
      '--log-level',
      'DEBUG',
      '--strict-secrets',
      '--secret-lookup-timeout-ms',
      '400',
      '--admission-deadline',
      '1s',
      '--admission-budget',
      '1.9s',
      '--reconciler',
      'false',
      '--watch-namespace',
      'ns1',
      '--watch-namespace',
      'ns2',
      '--lease-name',
      'l',
      '--lease-namespace',
      'kube-ops',
      '--shutdown-delay',
      '5s',
      '--shutdown-grace',
      '30',
      '--metrics-host',
      '::1',
      '--client-ca-file',
      'ca/client-ca.crt',
      '--max-connections',
      '64',
    ]);
    assert.deepEqual(c, {
      port: 9443,
      metricsPort: 9191,
      host: '127.0.0.1',
      tlsCertFile: '/srv/app/certs/tls.crt',
      tlsPrivateKeyFile: '/etc/tls/tls.key',
      tlsReloadIntervalMs: 2000,
      certDir: '/tmp/c',
      dnsNames: ['a.svc', 'b.svc'],
      logLevel: 'debug',
      strictSecrets: true,
      secretLookupTimeoutMs: 400,
      admissionDeadlineMs: 1000,
      admissionBudgetMs: 1900,
      reconciler: 'false',
      watchNamespaces: ['ns1', 'ns2'],
      leaseName: 'l',
      leaseNamespace: 'kube-ops',
      shutdownDelayMs: 5000,
      shutdownGraceMs: 30_000,
      ruleActions: new Map(),
      metricsHost: '::1',
      clientCaFile: '/srv/app/ca/client-ca.crt',
      maxConnections: 64,
      auditIntervalMs: 600_000,
    });
  });

  test('environment variables, and flags win over them', () => {
    const env = {
      PORT: '1',
      METRICS_PORT: '2',
      LOG_LEVEL: 'warn',
      DNS_NAMES: 'x.svc, y.svc',
      WATCH_NAMESPACES: 'a,b',
      STRICT_SECRETS: 'true',
      RECONCILER: 'true',
      POD_NAMESPACE: 'confluent',
      SHUTDOWN_DELAY: '3s',
    };
    const c = parse(['--port', '8443'], env);
    assert.equal(c.port, 8443);
    assert.equal(c.metricsPort, 2);
    assert.equal(c.logLevel, 'warn');
    assert.deepEqual(c.dnsNames, ['x.svc', 'y.svc']);
    assert.deepEqual(c.watchNamespaces, ['a', 'b']);
    assert.equal(c.strictSecrets, true);
    assert.equal(c.reconciler, 'true');
    assert.equal(c.leaseNamespace, 'confluent', 'the Lease defaults to the pod namespace');
    assert.equal(c.shutdownDelayMs, 3000);
    assert.equal(parse(['--lease-namespace', 'other'], env).leaseNamespace, 'other');
  });

  const errors: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['port out of range', ['--port', '70000'], {}, /not a port number/],
    ['port not a number', [], { PORT: 'https' }, /not a port number/],
    ['certificate without key', ['--tls-cert-file', 'a'], {}, /must be given together/],
    ['key without certificate', [], { TLS_PRIVATE_KEY_FILE: 'k' }, /must be given together/],
    ['unknown log level', ['--log-level', 'verbose'], {}, /log-level/],
    ['unknown reconciler mode', ['--reconciler', 'maybe'], {}, /true, false, auto/],
    ['unknown flag', ['--bogus'], {}, /Unknown option '--bogus'/],
    ['positional argument', ['extra'], {}, /positional/i],
    ['bad duration', ['--shutdown-grace', 'soon'], {}, /invalid duration/],
    ['budget over 2 s', ['--admission-budget', '3s'], {}, /at most 2s/],
    [
      'deadline after budget',
      ['--admission-deadline', '1900ms', '--admission-budget', '1800ms'],
      {},
      /must not be later/,
    ],
    ['bad boolean in env', [], { STRICT_SECRETS: 'perhaps' }, /not a boolean/],
  ];
  for (const [name, argv, env, message] of errors) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => parse(argv, env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  test('--help is reported, and the usage lists every flag with its variable', () => {
    assert.equal(parseServeArgs(['--help'], {}, CWD).help, true);
    const usage = serveUsage();
    for (const flag of [
      'port',
      'metrics-port',
      'host',
      'tls-cert-file',
      'tls-private-key-file',
      'cert-dir',
      'dns-name',
      'log-level',
      'strict-secrets',
      'secret-lookup-timeout-ms',
      'reconciler',
      'watch-namespace',
      'lease-name',
      'lease-namespace',
      'shutdown-delay',
      'shutdown-grace',
    ]) {
      assert.match(usage, new RegExp(`--${flag}\\b`));
    }
    assert.match(usage, /\[METRICS_PORT\]/);
  });

  test('durations', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('7'), 7000);
    assert.equal(parseDuration('7', 'ms'), 7);
    assert.throws(() => parseDuration('-1s'), ConfigError);
  });
});

describe('a bad value names where it came from', () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['a flag', ['--port', 'abc'], {}, /^--port: "abc" is not a port number/],
    ['the environment', [], { PORT: 'abc' }, /^PORT \(environment, for --port\): "abc" is not a port number/],
    [
      'a flag over a bad variable',
      ['--port=1'],
      { PORT: 'abc', METRICS_PORT: 'x' },
      /^METRICS_PORT \(environment, for --metrics-port\)/,
    ],
    ['the environment, an enum', [], { RECONCILER: 'maybe' }, /^RECONCILER \(environment, for --reconciler\): "maybe"/],
  ];
  for (const [name, argv, env, message] of cases) {
    test(name, () => {
      assert.throws(
        () => parseServeArgs(argv, env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }
});
