// The managed mode's writer (src/tls/managed-writer.ts) against an in-memory store with the API server's
// optimistic concurrency (create of an existing name and a stale resourceVersion are conflicts): fresh install,
// the whole CA rotation timeline of docs/install.md#managed-certificates on a fake clock, lost races, and a
// Secret that is not ours.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import {
  runManagedPass,
  type ManagedCertStore,
  type SecretWrite,
  type WebhookTrust,
} from '../../src/tls/managed-writer.js';
import { pemBlocks, type ManagedPolicy, type SecretSnapshot } from '../../src/tls/managed-plan.js';
import { createLogger } from '../../src/observability/log.js';
import { generateCertificateAuthority } from '../../src/tls/generate.js';
import { Writable } from 'node:stream';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = new Date('2030-01-01T00:00:00Z');
const policy: ManagedPolicy = {
  hosts: ['svc.ns.svc'],
  durationMs: 90 * DAY,
  renewBeforeMs: 15 * DAY,
  caDurationMs: 365 * DAY,
  caRenewBeforeMs: 30 * DAY,
  switchDelayMs: 10 * 60_000,
};
const logs: string[] = [];
const logger = createLogger({
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _e, cb) {
      logs.push(chunk.toString());
      cb();
    },
  }),
});

class Conflict extends Error {
  readonly writeConflict = true;
}

class MemoryStore implements ManagedCertStore {
  secrets = new Map<string, SecretSnapshot & { owner?: string }>();
  configs: WebhookTrust[] = [
    { kind: 'MutatingWebhookConfiguration', name: 'clw', uid: 'u-m', resourceVersion: '1', bundles: [undefined] },
    { kind: 'ValidatingWebhookConfiguration', name: 'clw', uid: 'u-v', resourceVersion: '1', bundles: [undefined] },
  ];
  writes = 0;
  private rv = 10;
  /** Called before each write: a test may change the world there (another writer). */
  beforeWrite: ((name: string) => void) | undefined;

  async readSecret(name: string): Promise<SecretSnapshot | undefined> {
    const s = this.secrets.get(name);
    return s ? structuredClone(s) : undefined;
  }
  async createSecret(secret: SecretWrite, owner?: WebhookTrust): Promise<SecretSnapshot> {
    this.beforeWrite?.(secret.name);
    if (this.secrets.has(secret.name)) throw new Conflict('exists');
    return this.put(secret, owner?.uid);
  }
  async replaceSecret(secret: SecretWrite, resourceVersion: string): Promise<SecretSnapshot> {
    this.beforeWrite?.(secret.name);
    const cur = this.secrets.get(secret.name);
    if (!cur || cur.resourceVersion !== resourceVersion) throw new Conflict('stale');
    return this.put(secret, cur.owner);
  }
  put(secret: SecretWrite, owner?: string): SecretSnapshot {
    this.writes++;
    const s = { ...structuredClone(secret), resourceVersion: String(++this.rv), ...(owner ? { owner } : {}) };
    this.secrets.set(secret.name, s);
    return s;
  }
  async webhookTrust(): Promise<WebhookTrust[]> {
    return structuredClone(this.configs);
  }
  async setCaBundle(target: WebhookTrust, b64: string): Promise<void> {
    const c = this.configs.find((x) => x.kind === target.kind)!;
    if (c.resourceVersion !== target.resourceVersion) throw new Conflict('stale config');
    c.bundles = c.bundles.map(() => Buffer.from(b64, 'base64').toString());
    c.resourceVersion = String(Number(c.resourceVersion) + 1);
  }
}

const pass = (store: MemoryStore, now: Date) =>
  runManagedPass({ store, caSecretName: 'm-ca', servingSecretName: 'm-tls', policy, logger, now: () => now });
const fingerprints = (pem: string | undefined): string[] =>
  pemBlocks(pem).map((b) => new X509Certificate(b).fingerprint256);
const cert = (store: MemoryStore, name: string): X509Certificate =>
  new X509Certificate(store.secrets.get(name)!.data['tls.crt']!);

describe('runManagedPass', () => {
  test('fresh install: CA and serving Secrets made, owned by the validating configuration, both caBundles set', async () => {
    const store = new MemoryStore();
    const result = await pass(store, T0);
    assert.equal(result.problem, undefined);
    assert.equal(result.wrote, true);
    assert.equal(store.secrets.get('m-ca')?.owner, 'u-v');
    assert.equal(store.secrets.get('m-tls')?.owner, 'u-v');
    const ca = cert(store, 'm-ca');
    assert.ok(cert(store, 'm-tls').verify(ca.publicKey));
    for (const c of store.configs) assert.deepEqual(fingerprints(c.bundles[0]), [ca.fingerprint256]);
    assert.deepEqual(result.nextAt, new Date(T0.getTime() + 75 * DAY), 'next: the serving renewal');
    const writes = store.writes;
    const again = await pass(store, new Date(T0.getTime() + DAY));
    assert.equal(again.wrote, false);
    assert.equal(store.writes, writes, 'an in-sync pass writes nothing');
  });

  test('the CA rotation timeline: overlap with both CAs trusted, serving switch after the delay, old CA dropped at expiry', async () => {
    const store = new MemoryStore();
    await pass(store, T0);
    const old = cert(store, 'm-ca');
    // Day 80: the serving certificate is re-issued under the same CA; caBundle unchanged.
    await pass(store, new Date(T0.getTime() + 80 * DAY));
    assert.equal(cert(store, 'm-ca').fingerprint256, old.fingerprint256);
    // Day 300: re-issued again, ending with the CA (capped: 300 + 90 days would outlive it).
    await pass(store, new Date(T0.getTime() + 300 * DAY));
    assert.equal(cert(store, 'm-tls').validTo, old.validTo);
    // Day 336 (CA expires at 365, caRenewBefore 30): a new CA; both in caBundle; serving stays on the old CA.
    const rotation = new Date(T0.getTime() + 336 * DAY);
    const r1 = await pass(store, rotation);
    const fresh = cert(store, 'm-ca');
    assert.notEqual(fresh.fingerprint256, old.fingerprint256);
    for (const c of store.configs)
      assert.deepEqual(fingerprints(c.bundles[0]), [fresh.fingerprint256, old.fingerprint256]);
    assert.ok(cert(store, 'm-tls').verify(old.publicKey), 'still signed by the old CA during the delay');
    assert.deepEqual(r1.nextAt, new Date(rotation.getTime() + policy.switchDelayMs));
    // After the switch delay: the serving certificate moves to the new CA; the old CA is still trusted.
    await pass(store, new Date(rotation.getTime() + policy.switchDelayMs + 1000));
    assert.ok(cert(store, 'm-tls').verify(fresh.publicKey));
    assert.deepEqual(fingerprints(store.configs[0]!.bundles[0]), [fresh.fingerprint256, old.fingerprint256]);
    // After the old CA's expiry: dropped from the CA Secret and from both caBundles.
    await pass(store, new Date(Date.parse(old.validTo) + 1000));
    assert.deepEqual(fingerprints(store.secrets.get('m-ca')!.data['ca.crt']), [fresh.fingerprint256]);
    for (const c of store.configs) assert.deepEqual(fingerprints(c.bundles[0]), [fresh.fingerprint256]);
  });

  test('a lost race (another writer created the CA first): no overwrite, planned again on what is there', async () => {
    const store = new MemoryStore();
    const other = new MemoryStore();
    await pass(other, T0);
    const theirs = other.secrets.get('m-ca')!;
    store.beforeWrite = (name) => {
      if (name === 'm-ca' && !store.secrets.has('m-ca')) store.secrets.set('m-ca', structuredClone(theirs));
    };
    const result = await pass(store, T0);
    assert.equal(result.problem, undefined);
    assert.equal(store.secrets.get('m-ca')!.data['tls.crt'], theirs.data['tls.crt'], 'their CA kept');
    assert.ok(cert(store, 'm-tls').verify(cert(store, 'm-ca').publicKey));
    assert.ok(logs.some((l) => l.includes('changed meanwhile')));
  });

  test('a Secret that is not ours: refused with the reason, nothing written', async () => {
    const store = new MemoryStore();
    store.secrets.set('m-ca', {
      name: 'm-ca',
      type: 'Opaque',
      labels: {},
      annotations: {},
      data: {},
      resourceVersion: '1',
    });
    const result = await pass(store, T0);
    assert.match(result.problem ?? '', /not created by clusterlink-webhook/);
    assert.equal(store.writes, 0);
    assert.deepEqual(
      store.configs.map((c) => c.bundles[0]),
      [undefined, undefined],
    );
  });

  test('a caBundle someone removed (e.g. a mode switch) is put back on the next pass', async () => {
    const store = new MemoryStore();
    await pass(store, T0);
    store.configs[0]!.bundles = [undefined];
    await pass(store, new Date(T0.getTime() + H));
    assert.deepEqual(fingerprints(store.configs[0]!.bundles[0]), [cert(store, 'm-ca').fingerprint256]);
  });
});
