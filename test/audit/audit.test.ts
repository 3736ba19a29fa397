// The audit of docs/audit.md: each stored ClusterLink through the validating admitter, the Validated condition
// written only when it changes (touching that condition alone), an Event on a new verdict, the violations gauge,
// and the `audit` command's table and JSON.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createValidateAdmitter } from '../../src/admission/clusterlink-admitter.js';
import { conditionPatch, validatedCondition } from '../../src/audit/condition.js';
import { runAuditPass, type AuditKube } from '../../src/audit/runner.js';
import { AS_ADMITTED, auditLink, auditRequest } from '../../src/audit/scan.js';
import { run as runAuditCommand } from '../../src/commands/audit.js';
import type { ClusterLink } from '../../src/clusterlink/types.js';
import { createLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { destinationInitiated, edit, type Json } from '../clusterlink/support.js';

function stored(o: Json): ClusterLink {
  const link: ClusterLink = { ...o, metadata: { ...(o['metadata'] as Json), uid: 'u', generation: 2 } };
  return link;
}
const good = stored(destinationInitiated());
const bad = stored(edit(destinationInitiated(), { 'metadata.name': 'bad', 'spec.name': 'bad name!' }));
const validate = createValidateAdmitter({ exceptionAuthorizer: AS_ADMITTED });
const NOW = new Date('2026-12-01T10:00:00Z');

describe('audit scan', () => {
  test('the request is a dry-run CREATE of the stored object in its namespace', () => {
    const r = auditRequest(good);
    assert.deepEqual([r.operation, r.namespace, r.dryRun, r.object], ['CREATE', 'ns1', true, good]);
  });
  test('a violation is found with its rule; a valid object has none', async () => {
    const f = await auditLink(bad, validate);
    assert.equal(f.valid, false);
    assert.deepEqual(
      f.errors.map((e) => e.rule),
      ['link-name'],
    );
    assert.equal((await auditLink(good, validate)).valid, true);
  });
  test('an exception annotation is honoured and reported', async () => {
    const excepted = stored(
      edit(bad as unknown as Json, { 'metadata.annotations': { 'clusterlink-webhook.io/skip-rules': 'link-name' } }),
    );
    const f = await auditLink(excepted, validate);
    assert.deepEqual([f.valid, f.exceptions], [true, ['link-name']]);
    assert.match(validatedCondition(f).message ?? '', /exceptions for link-name/);
  });
});

describe('Validated condition', () => {
  const cases: Array<{ name: string; link: ClusterLink; ops: string[] | undefined }> = [
    { name: 'no status: the status is added', link: good, ops: ['add /status'] },
    {
      name: 'status without conditions: the list is added',
      link: { ...good, status: { appState: 'Created' } },
      ops: ['add /status/conditions'],
    },
    {
      name: 'other conditions: appended, the others untouched',
      link: { ...good, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      ops: ['add /status/conditions/-'],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const wanted = validatedCondition(await auditLink(c.link, validate));
      assert.deepEqual(
        conditionPatch(c.link, wanted, NOW)?.map((o) => `${o.op} ${o.path}`),
        c.ops,
      );
    });
  }
  test('with a resourceVersion the patch is guarded by it, so two replicas never add the condition twice', async () => {
    const link: ClusterLink = {
      ...good,
      metadata: { ...good.metadata, resourceVersion: '42' },
      status: { conditions: [] },
    };
    const ops = conditionPatch(link, validatedCondition(await auditLink(link, validate)), NOW)!;
    assert.deepEqual(ops[0], { op: 'test', path: '/metadata/resourceVersion', value: '42' });
    assert.equal(ops[1]!.path, '/status/conditions/-');
  });
  test('unchanged: no write; changed: a guarded replace of that entry only, keeping lastTransitionTime when the status stays', async () => {
    const wanted = validatedCondition(await auditLink(good, validate));
    const current = { ...wanted, lastTransitionTime: '2026-01-01T00:00:00Z' };
    const same: ClusterLink = { ...good, status: { conditions: [{ type: 'Ready', status: 'True' }, current] } };
    assert.equal(conditionPatch(same, wanted, NOW), undefined);
    const older: ClusterLink = {
      ...good,
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { ...current, observedGeneration: 1 },
        ],
      },
    };
    const ops = conditionPatch(older, wanted, NOW)!;
    assert.deepEqual(
      ops.map((o) => `${o.op} ${o.path}`),
      ['test /status/conditions/1/type', 'replace /status/conditions/1'],
    );
    assert.equal((ops[1]!.value as { lastTransitionTime: string }).lastTransitionTime, '2026-01-01T00:00:00Z');
  });
});

function fakeKube(links: ClusterLink[]): AuditKube & { patches: Array<[string, unknown]> } {
  const patches: Array<[string, unknown]> = [];
  return {
    patches,
    listClusterLinks: async () => ({ items: links }),
    patchClusterLinkStatus: async (ns, name, ops) => {
      patches.push([`${ns}/${name}`, ops]);
      const link = links.find((l) => l.metadata?.name === name)!;
      const op = ops.at(-1)!;
      const condition = (
        op.path === '/status' ? (op.value as { conditions: unknown[] }).conditions[0] : op.value
      ) as never;
      link.status = { conditions: [condition] };
      return link;
    },
  };
}

describe('audit pass', () => {
  test('writes each changed condition once, records an Event per new verdict, and a second pass writes nothing', async () => {
    const links = [structuredClone(good), structuredClone(bad)];
    const kube = fakeKube(links);
    const events: string[] = [];
    const metrics = createMetrics({ defaultMetrics: false });
    const deps = {
      kube,
      events: {
        record: async (l: ClusterLink, e: { reason: string }) => void events.push(`${l.metadata?.name} ${e.reason}`),
      },
      validate,
      namespaces: [],
      logger: createLogger({ level: 'silent' }),
      metrics,
      now: () => NOW,
    };
    const first = await runAuditPass(deps);
    assert.equal(first.written, 2);
    assert.deepEqual(events.sort(), ['bad RuleViolations', 'link-a Validated']);
    const gauge = await metrics.auditViolations.get();
    assert.deepEqual(
      gauge.values.map((v) => [v.labels, v.value]),
      [[{ namespace: 'ns1', rule: 'link-name' }, 1]],
    );
    const second = await runAuditPass(deps);
    assert.equal(second.written, 0);
    assert.equal(kube.patches.length, 2);
    assert.equal(events.length, 2);
  });
});

describe('audit command', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        stdout: { write: (s: string) => (out.stdout += s) },
        stderr: { write: (s: string) => (out.stderr += s) },
        readStdin: async () => '',
        cwd: '/',
      },
    };
  };
  const source = { list: async () => [good, bad] };
  test('table: one row per ClusterLink, exit 1 when one is invalid', async () => {
    const { out, io: cli } = io();
    assert.equal(await runAuditCommand(['-n', 'ns1'], cli, source), 1);
    const lines = out.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+VALID\s+ERRORS\s+WARNINGS\s+RULES\s+EXCEPTIONS\s+FIRST ERROR$/);
    assert.match(lines[1]!, /^ns1\s+link-a\s+True\s+0\s+0\s+<none>\s+<none>$/);
    assert.match(lines[2]!, /^ns1\s+bad\s+False\s+1\s+0\s+link-name\s+<none>\s+spec\.name: Invalid value/);
  });
  test('json: the findings with their rules', async () => {
    const { out, io: cli } = io();
    await runAuditCommand(['-o', 'json'], cli, source);
    const json = JSON.parse(out.stdout) as { summary: Json; items: Array<{ errors: Array<{ rule: string }> }> };
    assert.deepEqual(json.summary, { clusterLinks: 2, valid: 1, invalid: 1, unknown: 0 });
    assert.equal(json.items[1]!.errors[0]!.rule, 'link-name');
  });
  test('--rule-action link-name=warn makes it pass; bad flags are usage errors', async () => {
    assert.equal(await runAuditCommand(['--rule-action', 'link-name=warn'], io().io, source), 0);
    assert.equal(await runAuditCommand(['-o', 'yaml'], io().io, source), 2);
    assert.equal(await runAuditCommand(['-A', '-n', 'x'], io().io, source), 2);
  });
});
