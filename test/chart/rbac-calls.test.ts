// Least privilege, one truth (docs/install.md#permissions): the Kubernetes calls in src/kube (found by a scan of
// the client calls), the table of those calls (src/kube/api-calls.ts), the chart's Roles as the real Helm renders
// them, and the permissions table of docs/install.md agree verb for verb — no grant without a call, no call
// without a grant.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KUBE_API_CALLS, verbsByResource, type Component } from '../../src/kube/api-calls.js';
import { HelmFailure, helmTemplate, type Obj } from './helm.js';
import { args, at, grants } from './manifests.js';
import { REPO_ROOT, readText } from './support.js';

/**
 * client-node calls: `.readNamespacedSecret(`, `.patchNamespacedCustomObjectStatus(`, `makeInformer<…>(`, and the
 * cluster-scoped webhook configurations (`.patchValidatingWebhookConfiguration(`).
 */
const CALL =
  /\.((?:read|list|create|replace|patch|delete|get)(?:(?:Namespaced|Cluster)[A-Za-z]*|(?:Mutating|Validating)WebhookConfiguration)|createSubjectAccessReview)\(|\b(makeInformer)\s*[<(]/g;

/** The project's own methods (e.g. KubeApi.getClusterLink): calls to them are not client calls. */
const DECLARED = /^\s*async\s+([a-zA-Z]+)\(/gm;

function scannedCalls(): Set<string> {
  const texts: string[] = [];
  for (const dir of ['src/kube', 'src/reconciler/controller']) {
    for (const file of readdirSync(join(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts') && f !== 'api-calls.ts'))
      texts.push(readText(join(REPO_ROOT, dir, file)));
  }
  const declared = new Set(texts.flatMap((t) => [...t.matchAll(DECLARED)].map((m) => m[1] ?? '')));
  const found = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(CALL)) {
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index).trim();
      const name = m[1] ?? m[2] ?? '';
      if (line.startsWith('//') || line.startsWith('*') || line.startsWith('import') || declared.has(name)) continue;
      found.add(name);
    }
  }
  return found;
}

const VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);

/** The permissions table of docs/install.md: resource → verbs, for the rows of the given component. */
function documented(component: Component): Record<string, string[]> {
  const doc = readText(join(REPO_ROOT, 'docs', 'install.md'));
  const section = doc.slice(doc.indexOf('## Permissions'), doc.indexOf('\n## ', doc.indexOf('## Permissions') + 5));
  const out: Record<string, Set<string>> = {};
  for (const row of section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| who'))) {
    const [who = '', resource = '', verbs = ''] = row
      .split('|')
      .slice(1)
      .map((c) => c.trim());
    if (!who.split(/ and |, /).includes(component)) continue;
    const name = /`([^`]+)`/.exec(resource)?.[1];
    if (name === undefined) continue;
    for (const [, v] of verbs.matchAll(/`([a-z]+)`/g))
      if (v !== undefined && VERBS.has(v)) (out[name] ??= new Set()).add(v);
  }
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, [...v].sort()]),
  );
}

function sorted(o: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('RBAC: granted verbs = the calls the code makes = docs/install.md#permissions', () => {
  test('every client call in src/kube has a row in api-calls.ts, and every row a call', () => {
    const scanned = scannedCalls();
    const tabled = new Set(KUBE_API_CALLS.map((c) => c.method));
    assert.ok(scanned.size >= 8, `the scan found only ${[...scanned].join(', ')}`);
    assert.deepEqual([...scanned].sort(), [...tabled].sort());
  });

  // Every combination of the values that change the grants: reconciler on/off, audit on/off, namespaced or
  // cluster-wide ClusterLinks and Secret reads, strict Secret checks.
  interface Combo {
    reconciler: boolean;
    audit: boolean;
    namespaced: boolean;
    strict: boolean;
  }
  const combos: Combo[] = [];
  for (const reconciler of [true, false])
    for (const audit of [true, false])
      for (const namespaced of [false, true])
        for (const strict of [false, true]) combos.push({ reconciler, audit, namespaced, strict });
  // Mode selfSigned: Helm makes the certificate, the server needs no grant for it (mode managed: below).
  const valuesOf = (c: Combo): Obj => ({
    certificates: { mode: 'selfSigned' },
    reconciler: { enabled: c.reconciler, ...(c.namespaced ? { watchNamespaces: ['east', 'west'] } : {}) },
    rbac: c.namespaced ? { secretNamespaces: ['east', 'west'] } : {},
    server: { auditInterval: c.audit ? '10m' : '0', strictSecrets: c.strict },
  });
  const nameOf = (c: Combo): string =>
    `reconciler ${c.reconciler ? 'on' : 'off'}, audit ${c.audit ? 'on' : 'off'}, ` +
    `${c.namespaced ? 'namespaced' : 'cluster-wide'}${c.strict ? ', strict Secret checks' : ''}`;

  for (const c of combos) {
    const components: Component[] = [
      'webhook',
      ...(c.reconciler ? ['reconciler' as const] : []),
      ...(c.audit ? ['audit' as const] : []),
    ];
    if (c.namespaced && c.strict) {
      test(`${nameOf(c)}: refused (strict checks would deny ClusterLinks whose Secrets cannot be read)`, () =>
        assert.throws(
          () => helmTemplate(valuesOf(c)),
          (e: unknown) =>
            e instanceof HelmFailure && /server\.strictSecrets with rbac\.secretNamespaces/.test(e.stderr),
        ));
      continue;
    }
    test(`${nameOf(c)}: the chart grants exactly the verbs of ${components.join(' + ')}`, () => {
      const ms = helmTemplate(valuesOf(c));
      assert.deepEqual(sorted(grants(ms)), verbsByResource(components));
      assert.ok(args(ms).includes(`--audit-interval=${c.audit ? '10m' : '0'}`));
      const clusterWide = grants(ms, (o) => o['kind'] === 'ClusterRole');
      const inEast = grants(ms, (o) => o['kind'] === 'Role' && at(o, 'metadata.namespace') === 'east');
      const listed = c.reconciler || c.audit;
      // ClusterLinks are listed where the server is told to look (--watch-namespace), nowhere else
      assert.equal((clusterWide['clusterlinks'] ?? []).includes('list'), listed && !c.namespaced);
      assert.equal((inEast['clusterlinks'] ?? []).includes('list'), listed && c.namespaced);
      assert.equal(args(ms).includes('--watch-namespace=east'), c.namespaced);
      assert.equal((clusterWide['secrets'] ?? []).includes('get'), !c.namespaced);
      assert.equal((inEast['secrets'] ?? []).includes('get'), c.namespaced);
    });
  }

  const intervals: Array<[string, boolean]> = [
    ['0', false],
    ['0s', false],
    ['0.0m', false],
    ['30s', true],
    ['1h', true],
  ];
  for (const [interval, on] of intervals)
    test(`reconciler off, server.auditInterval=${interval}: the audit's grants ${on ? 'given' : 'left out'}`, () => {
      const g = grants(helmTemplate({ reconciler: { enabled: false }, server: { auditInterval: interval } }));
      assert.equal((g['clusterlinks'] ?? []).includes('list'), on);
      assert.equal((g['clusterlinks/status'] ?? []).includes('patch'), on);
    });

  // The default mode, managed: the server makes its Secrets and keeps the caBundle (docs/install.md#managed-certificates).
  const managedCases: Array<[string, Obj, Component[]]> = [
    ['defaults (managed certificates)', {}, ['webhook', 'reconciler', 'audit', 'certificates']],
    ['managed certificates, reconciler off', { reconciler: { enabled: false } }, ['webhook', 'audit', 'certificates']],
    [
      'managed certificates, reconciler and audit off',
      { reconciler: { enabled: false }, server: { auditInterval: '0' } },
      ['webhook', 'certificates'],
    ],
  ];
  for (const [name, values, components] of managedCases)
    test(`${name}: the chart grants exactly the verbs of ${components.join(' + ')}`, () => {
      assert.deepEqual(sorted(grants(helmTemplate(values))), verbsByResource(components));
    });

  for (const component of ['webhook', 'reconciler', 'audit', 'certificates'] as const) {
    test(`docs/install.md lists exactly the ${component}'s calls`, () => {
      assert.deepEqual(documented(component), verbsByResource([component]));
    });
  }

  test('no grant of update on clusterlinks (the finalizer is a merge patch)', () => {
    assert.ok(!(grants(helmTemplate())['clusterlinks'] ?? []).includes('update'));
  });
});
