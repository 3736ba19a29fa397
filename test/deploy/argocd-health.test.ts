// The Argo CD health check shipped in deploy/argocd (docs/reconciler.md#argo-cd-health-check), run by a real Lua
// interpreter against Argo CD's own test layout (health_test.yaml + testdata/), and against statuses the
// reconciler itself produced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runHealthScript } from '../support/lua.js';

const DIR = fileURLToPath(
  new URL('../../deploy/argocd/resource_customizations/platform.confluent.io/ClusterLink/', import.meta.url),
);
const script = readFileSync(join(DIR, 'health.lua'), 'utf8');
const suite = parse(readFileSync(join(DIR, 'health_test.yaml'), 'utf8')) as {
  tests: { healthStatus: { status: string; message: string }; inputPath: string }[];
};

test('health_test.yaml: every case gives its status and message', () => {
  assert.ok(suite.tests.length >= 8);
  for (const c of suite.tests) {
    const obj: unknown = parse(readFileSync(join(DIR, c.inputPath), 'utf8'));
    assert.deepEqual(runHealthScript(script, obj), c.healthStatus, c.inputPath);
  }
});

test('every testdata file is used by a case, and every status Argo CD knows is covered', () => {
  const used = new Set(suite.tests.map((c) => c.inputPath));
  for (const f of readdirSync(join(DIR, 'testdata'))) assert.ok(used.has(`testdata/${f}`), f);
  const statuses = new Set(suite.tests.map((c) => c.healthStatus.status));
  for (const s of ['Healthy', 'Progressing', 'Degraded', 'Suspended']) assert.ok(statuses.has(s), s);
});

test('a failing Ready condition without Degraded is Degraded; a waiting reason is Progressing', () => {
  const at = (reason: string) => ({
    metadata: { generation: 1 },
    status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason, message: 'm' }] },
  });
  assert.deepEqual(runHealthScript(script, at('MirrorTransitionFailed')), {
    status: 'Degraded',
    message: 'MirrorTransitionFailed: m',
  });
  assert.deepEqual(runHealthScript(script, at('LinkNotActive')), { status: 'Progressing', message: 'm' });
});
