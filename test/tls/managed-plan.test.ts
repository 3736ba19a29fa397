// The managed mode's planner (src/tls/managed-plan.ts, docs/install.md#managed-certificates): given the two Secrets
// and the clock, the one next step. Table-driven over the life of an install: fresh, in sync, serving certificate
// near expiry, CA near expiry (overlap), overlap over, old CA expired, broken and foreign Secrets.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateCertificateAuthority, generateServingCertificate } from '../../src/tls/generate.js';
import {
  managedMetadata,
  pemBlocks,
  planManaged,
  policyProblems,
  ROTATED_AT_ANNOTATION,
  TLS_SECRET_TYPE,
  type ManagedPolicy,
  type ManagedStep,
  type SecretSnapshot,
} from '../../src/tls/managed-plan.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const hosts = ['svc.ns.svc', '127.0.0.1'];
const policy: ManagedPolicy = {
  hosts,
  durationMs: 90 * DAY,
  renewBeforeMs: 15 * DAY,
  caDurationMs: 365 * DAY,
  caRenewBeforeMs: 30 * DAY,
  switchDelayMs: 10 * 60_000,
};

const ca1 = generateCertificateAuthority({ now: T0, lifetimeMs: policy.caDurationMs });
const ca2 = generateCertificateAuthority({ now: at(335 * DAY), lifetimeMs: policy.caDurationMs });
const leaf1 = generateServingCertificate({ hosts, ca: ca1, now: T0, lifetimeMs: policy.durationMs });
const leafOld = generateServingCertificate({
  hosts,
  ca: ca1,
  now: at(300 * DAY),
  lifetimeMs: policy.durationMs,
  capAtCaExpiry: true,
});
const otherKey = generateServingCertificate({ hosts, ca: ca1, now: T0 }).keyPem;

function secret(
  name: string,
  role: 'ca' | 'serving',
  data: Record<string, string>,
  over: Partial<SecretSnapshot> = {},
  extra: Record<string, string> = {},
): SecretSnapshot {
  return { name, type: TLS_SECRET_TYPE, ...managedMetadata(role, extra), data, resourceVersion: '7', ...over };
}
const caSecret = (ca: typeof ca1, bundle: string[] = [ca.certPem], extra: Record<string, string> = {}) =>
  secret('m-ca', 'ca', { 'tls.crt': ca.certPem, 'tls.key': ca.keyPem, 'ca.crt': bundle.join('') }, {}, extra);
const servingSecret = (leaf: { certPem: string; keyPem: string }) =>
  secret('m-tls', 'serving', { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem });

interface Case {
  name: string;
  ca?: SecretSnapshot;
  serving?: SecretSnapshot;
  now: Date;
  injected?: boolean;
  want: Partial<ManagedStep> & { step: ManagedStep['step'] };
  reason?: RegExp;
  keep?: number;
}

const rotated = caSecret(ca2, [ca2.certPem, ca1.certPem], { [ROTATED_AT_ANNOTATION]: at(335 * DAY).toISOString() });

const cases: Case[] = [
  { name: 'fresh install: a CA first', now: T0, want: { step: 'new-ca', create: true }, keep: 0 },
  {
    name: 'CA, no serving Secret: issue it',
    ca: caSecret(ca1),
    now: T0,
    want: { step: 'issue-serving', create: true },
  },
  {
    name: 'both valid: in sync',
    ca: caSecret(ca1),
    serving: servingSecret(leaf1),
    now: at(DAY),
    want: { step: 'in-sync' },
  },
  {
    name: 'serving certificate within renewBefore: re-issued',
    ca: caSecret(ca1),
    serving: servingSecret(leaf1),
    now: at(76 * DAY),
    want: { step: 'issue-serving', create: false },
    reason: /expires on/,
  },
  {
    name: 'a host the certificate lacks: re-issued',
    ca: caSecret(ca1),
    serving: servingSecret(generateServingCertificate({ hosts: ['other'], ca: ca1, now: T0 })),
    now: at(DAY),
    want: { step: 'issue-serving' },
    reason: /lacks svc\.ns\.svc, 127\.0\.0\.1/,
  },
  {
    name: 'CA within caRenewBefore: a new CA, the old one kept in the bundle',
    ca: caSecret(ca1),
    serving: servingSecret(leafOld),
    now: at(336 * DAY),
    want: { step: 'new-ca', create: false },
    reason: /the CA expires on/,
    keep: 1,
  },
  {
    name: 'overlap: new CA not yet in both webhook configurations → wait',
    ca: rotated,
    serving: servingSecret(leafOld),
    now: at(335 * DAY + 60_000),
    injected: false,
    want: { step: 'wait' },
    reason: /do not trust the new CA yet/,
  },
  {
    name: 'overlap: injected, switch delay not over → wait until rotation + delay',
    ca: rotated,
    serving: servingSecret(leafOld),
    now: at(335 * DAY + 60_000),
    injected: true,
    want: { step: 'wait', until: at(335 * DAY + 10 * 60_000) },
  },
  {
    name: 'overlap over: the serving certificate moves to the new CA',
    ca: rotated,
    serving: servingSecret(leafOld),
    now: at(335 * DAY + 11 * 60_000),
    injected: true,
    want: { step: 'issue-serving', create: false },
    reason: /moves to the new CA/,
  },
  {
    name: 'old CA expired: dropped from the bundle',
    ca: rotated,
    serving: servingSecret(
      generateServingCertificate({ hosts, ca: ca2, now: at(340 * DAY), lifetimeMs: policy.durationMs }),
    ),
    now: at(366 * DAY),
    want: { step: 'set-bundle', bundle: [ca2.certPem] },
    reason: /expired or do not parse/,
  },
  {
    name: 'corrupt CA data: a new CA (still-valid bundle entries kept)',
    ca: secret('m-ca', 'ca', { 'tls.crt': 'garbage', 'tls.key': ca1.keyPem, 'ca.crt': ca1.certPem }),
    now: at(DAY),
    want: { step: 'new-ca', create: false },
    reason: /does not parse/,
    keep: 1,
  },
  {
    name: 'CA key that does not match: a new CA',
    ca: secret('m-ca', 'ca', { 'tls.crt': ca1.certPem, 'tls.key': ca2.keyPem, 'ca.crt': ca1.certPem }),
    now: at(DAY),
    want: { step: 'new-ca' },
    reason: /does not match/,
  },
  {
    name: 'serving key that does not match: re-issued',
    ca: caSecret(ca1),
    serving: servingSecret({ certPem: leaf1.certPem, keyPem: otherKey }),
    now: at(DAY),
    want: { step: 'issue-serving', create: false },
    reason: /does not match/,
  },
  {
    name: 'serving certificate of an unknown CA: re-issued at once',
    ca: caSecret(ca2),
    serving: servingSecret(leaf1),
    now: at(DAY),
    want: { step: 'issue-serving' },
    reason: /no trusted CA/,
  },
  {
    name: 'bundle without the current CA first: repaired',
    ca: caSecret(ca1, ['not a pem']),
    serving: servingSecret(leaf1),
    now: at(DAY),
    want: { step: 'set-bundle', bundle: [ca1.certPem] },
  },
  {
    name: "someone else's Secret under the CA name: refused, never overwritten",
    ca: { name: 'm-ca', type: 'Opaque', labels: {}, annotations: {}, data: { x: 'y' } },
    now: T0,
    want: { step: 'refuse', secret: 'm-ca' },
    reason: /was not created by clusterlink-webhook/,
  },
  {
    name: 'Helm-labelled Secret under the serving name: refused',
    ca: caSecret(ca1),
    serving: secret('m-tls', 'serving', {}, { labels: { 'app.kubernetes.io/managed-by': 'Helm' } }),
    now: T0,
    want: { step: 'refuse', secret: 'm-tls' },
    reason: /not created by clusterlink-webhook/,
  },
  {
    name: 'our label but the wrong Secret type: refused with how to fix',
    ca: secret('m-ca', 'ca', {}, { type: 'Opaque' }),
    now: T0,
    want: { step: 'refuse' },
    reason: /is of type Opaque, not kubernetes\.io\/tls: delete it/,
  },
  {
    name: 'the CA Secret named as the serving one (roles swapped): refused',
    ca: caSecret(ca1),
    serving: caSecret(ca1),
    now: T0,
    want: { step: 'refuse' },
    reason: /holds the ca certificate, not the serving one/,
  },
];

describe('planManaged', () => {
  for (const c of cases) {
    test(c.name, () => {
      const step = planManaged({
        ca: c.ca,
        serving: c.serving,
        caSecretName: 'm-ca',
        servingSecretName: 'm-tls',
        policy,
        currentCaInjected: c.injected,
        now: c.now,
      });
      const picked = Object.fromEntries(Object.keys(c.want).map((k) => [k, (step as Record<string, unknown>)[k]]));
      assert.deepEqual(picked, c.want);
      if (c.reason) assert.match((step as { reason?: string }).reason ?? '', c.reason);
      if (c.keep !== undefined) assert.equal((step as { keep?: string[] }).keep?.length, c.keep);
    });
  }
  test('in sync: the next check is the earliest renewal', () => {
    const step = planManaged({
      ca: caSecret(ca1),
      serving: servingSecret(leaf1),
      caSecretName: 'm-ca',
      servingSecretName: 'm-tls',
      policy,
      currentCaInjected: true,
      now: at(DAY),
    });
    assert.deepEqual(step, { step: 'in-sync', nextCheckAt: at(75 * DAY) });
  });
});

describe('policyProblems', () => {
  const table: Array<[string, Partial<ManagedPolicy>, RegExp | undefined]> = [
    ['the defaults', {}, undefined],
    ['renewBefore = duration', { renewBeforeMs: 90 * DAY }, /renewBefore \(2160h\) must be shorter than duration/],
    ['caRenewBefore ≥ caDuration', { caRenewBeforeMs: 400 * DAY }, /caRenewBefore .* must be shorter than caDuration/],
    ['the CA does not outlive the leaf', { durationMs: 365 * DAY, renewBeforeMs: DAY }, /the CA must outlive/],
    ['caRenewBefore ≤ renewBefore', { renewBeforeMs: 30 * DAY }, /must be longer than renewBefore/],
    ['switch delay ≥ caRenewBefore', { switchDelayMs: 30 * DAY }, /switch delay .* must be shorter than caRenewBefore/],
    ['no host', { hosts: [] }, /give --dns-name/],
  ];
  for (const [name, over, want] of table) {
    test(name, () => {
      const problems = policyProblems({ ...policy, ...over });
      if (want === undefined) assert.deepEqual(problems, []);
      else
        assert.ok(
          problems.some((p) => want.test(p)),
          problems.join('\n'),
        );
    });
  }
});

describe('pemBlocks: the certificates of a CA bundle', () => {
  const a = generateCertificateAuthority({ commonName: 'bundle-a' }).certPem.trim();
  const b = generateCertificateAuthority({ commonName: 'bundle-b' }).certPem.trim();
  const cases: Array<{ name: string; bundle: string | undefined; want: string[] }> = [
    { name: 'undefined', bundle: undefined, want: [] },
    { name: 'two CAs', bundle: `${a}\n${b}\n`, want: [`${a}\n`, `${b}\n`] },
    { name: 'text around and CRLF', bundle: `subject=x\r\n${a.replace(/\n/g, '\r\n')}\r\n`, want: [a] },
    {
      name: 'a key block is not a certificate',
      bundle: '-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n',
      want: [],
    },
    { name: 'BEGIN lines without END (hostile)', bundle: '-----BEGIN CERTIFICATE-----\n'.repeat(20_000), want: [] },
  ];
  for (const c of cases)
    test(c.name, () => {
      const got = pemBlocks(c.bundle).map((p) => p.replace(/\r/g, ''));
      assert.deepEqual(
        got,
        c.want.map((w) => (w.endsWith('\n') ? w : `${w}\n`).replace(/\r/g, '')),
      );
    });
});
