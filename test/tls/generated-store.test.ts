// The CA and certificate `serve` keeps in --cert-dir (src/tls/generated-store.ts): reused while valid, the leaf
// re-issued from the same CA when it nears expiry or lacks a name, a new CA only when the CA cannot be used.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificateAuthority, generateServingCertificate } from '../../src/tls/generate.js';
import { loadOrGenerate, planGenerated, type StoredMaterial } from '../../src/tls/generated-store.js';

const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const ca = generateCertificateAuthority({ now, days: 3650 });
const otherCa = generateCertificateAuthority({ now, days: 3650 });
const hosts = ['localhost', '127.0.0.1'];
const leaf = (over: { days?: number; hosts?: string[]; by?: typeof ca } = {}): StoredMaterial => {
  const by = over.by ?? ca;
  const s = generateServingCertificate({ hosts: over.hosts ?? hosts, ca: by, now, days: over.days ?? 365 });
  return { caPem: ca.certPem, caKeyPem: ca.keyPem, certPem: s.certPem, keyPem: s.keyPem };
};

describe('planGenerated', () => {
  const good = leaf();
  const cases: Array<[string, StoredMaterial, Date, 'reuse' | 'reissue' | 'new-ca', RegExp]> = [
    ['everything valid', good, now, 'reuse', /valid/],
    ['empty directory', {}, now, 'new-ca', /no CA/],
    ['CA key missing', { caPem: ca.certPem, certPem: good.certPem!, keyPem: good.keyPem! }, now, 'new-ca', /no CA/],
    ['CA key of another CA', { ...good, caKeyPem: otherCa.keyPem }, now, 'new-ca', /ca\.key does not match/],
    ['CA not a CA', { ...good, caPem: good.certPem!, caKeyPem: good.keyPem! }, now, 'new-ca', /not a CA/],
    ['CA expiring within 30 days', good, new Date(now.getTime() + 3630 * DAY), 'new-ca', /CA expires/],
    ['leaf missing', { caPem: ca.certPem, caKeyPem: ca.keyPem }, now, 'reissue', /no serving certificate/],
    [
      'leaf expiring within 30 days',
      good,
      new Date(now.getTime() + 340 * DAY),
      'reissue',
      /serving certificate expires/,
    ],
    ['leaf lacks a name', leaf({ hosts: ['localhost'] }), now, 'reissue', /lacks 127\.0\.0\.1/],
    ['leaf from another CA', leaf({ by: otherCa }), now, 'reissue', /not signed by ca\.crt/],
    ['leaf key swapped', { ...good, keyPem: leaf().keyPem! }, now, 'reissue', /tls\.key does not match/],
  ];
  for (const [name, stored, at, action, reason] of cases) {
    test(`${name} → ${action}`, () => {
      const plan = planGenerated(stored, { hosts, now: at });
      assert.equal(plan.action, action);
      assert.match(plan.reason, reason);
    });
  }
});

describe('loadOrGenerate in a directory', () => {
  test('first run makes a CA (with its key, 0600); the second reuses every byte; a new name keeps the CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clw-store-'));
    try {
      const first = await loadOrGenerate(dir, { hosts, now });
      assert.equal(first.plan.action, 'new-ca');
      const caBefore = readFileSync(join(dir, 'ca.crt'), 'utf8');
      const certBefore = readFileSync(join(dir, 'tls.crt'), 'utf8');
      const second = await loadOrGenerate(dir, { hosts, now });
      assert.equal(second.plan.action, 'reuse');
      assert.equal(readFileSync(join(dir, 'tls.crt'), 'utf8'), certBefore);
      const third = await loadOrGenerate(dir, { hosts: [...hosts, 'webhook.ns.svc'], now });
      assert.equal(third.plan.action, 'reissue');
      assert.equal(readFileSync(join(dir, 'ca.crt'), 'utf8'), caBefore, 'the caBundle does not change');
      assert.notEqual(readFileSync(join(dir, 'tls.crt'), 'utf8'), certBefore);
      writeFileSync(join(dir, 'ca.key'), otherCa.keyPem);
      assert.equal((await loadOrGenerate(dir, { hosts, now })).plan.action, 'new-ca');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
