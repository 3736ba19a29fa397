// `serve --managed-certs` flags (src/commands/serve-managed-config.ts, docs/install.md#managed-certificates): the
// defaults, the chart's flags, and the refusals (durations that cannot renew in time, conflicting sources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseServeArgs } from '../../src/commands/serve-config.js';

const H = 3_600_000;
const base = ['--managed-certs', '--dns-name', 'svc.ns.svc'];

test('off unless --managed-certs', () => {
  assert.equal(parseServeArgs([], {}).config.managedCerts, undefined);
});

test('defaults: names, namespace from POD_NAMESPACE, 90 d / 15 d serving, 1 y / 30 d CA, 10 min switch', () => {
  const m = parseServeArgs(base, { POD_NAMESPACE: 'kafka' }).config.managedCerts;
  assert.deepEqual(m, {
    caSecretName: 'clusterlink-webhook-managed-ca',
    servingSecretName: 'clusterlink-webhook-managed-tls',
    leaseName: 'clusterlink-webhook-cert-writer',
    namespace: 'kafka',
    policy: {
      durationMs: 2160 * H,
      renewBeforeMs: 360 * H,
      caDurationMs: 8760 * H,
      caRenewBeforeMs: 720 * H,
      switchDelayMs: 600_000,
    },
  });
});

test("the chart's flags", () => {
  const m = parseServeArgs(
    [
      ...base,
      '--managed-ca-secret=r-ca',
      '--managed-tls-secret=r-tls',
      '--managed-namespace=ns',
      '--mutating-webhook-configuration=r',
      '--validating-webhook-configuration=r',
      '--cert-lease-name=r-cert-writer',
      '--cert-duration=25s',
      '--cert-renew-before=15s',
      '--ca-duration=80s',
      '--ca-renew-before=30s',
      '--ca-switch-delay=3s',
    ],
    {},
  ).config.managedCerts;
  assert.equal(m?.mutatingConfiguration, 'r');
  assert.equal(m?.validatingConfiguration, 'r');
  assert.equal(m?.namespace, 'ns');
  assert.deepEqual(m?.policy, {
    durationMs: 25_000,
    renewBeforeMs: 15_000,
    caDurationMs: 80_000,
    caRenewBeforeMs: 30_000,
    switchDelayMs: 3_000,
  });
});

const refused: Array<[string, string[], RegExp]> = [
  ['renewBefore ≥ duration', ['--cert-renew-before=3000h'], /renewBefore \(3000h\) must be shorter than duration/],
  ['CA shorter than the leaf', ['--ca-duration=2000h', '--ca-renew-before=400h'], /the CA must outlive/],
  ['a duration that does not parse', ['--cert-duration=90d'], /--cert-duration: invalid duration "90d"/],
  ['the same Secret twice', ['--managed-ca-secret=x', '--managed-tls-secret=x'], /must name different Secrets/],
  ['certificate files as well', ['--tls-cert-file=a', '--tls-private-key-file=b'], /exclude each other/],
];
for (const [name, extra, want] of refused) {
  test(`refused: ${name}`, () => {
    assert.throws(
      () => parseServeArgs([...base, ...extra], {}),
      (err: Error) => err instanceof ConfigError && want.test(err.message),
    );
  });
}

test('refused: no --dns-name', () => {
  assert.throws(() => parseServeArgs(['--managed-certs'], {}), /needs --dns-name/);
});
