// Byte-for-byte answers of the real server (the ClusterLink admitters with strict Secret checks, as `serve` and the
// benchmark wire it): every AdmissionReview fixture, every ClusterLink fixture as a CREATE and as an UPDATE of
// itself, the benchmark's reviews, and the HTTP refusals, POSTed to /validate and /mutate. Status, Content-Type and
// the exact body must equal test/fixtures/golden/admission-bytes.json, which was recorded before the hot path of
// docs/performance.md was optimised: a faster server must give the same bytes.
//
//   GOLDEN_RECORD=1 node test/run.mjs golden-bytes     re-records the file (only for a deliberate change of answers)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createClusterLinkAdmitters } from '../../src/admission/clusterlink-admitter.js';
import { createSecretSourceFromReader } from '../../src/kube/secret-source.js';
import { silentLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createSecretChecker } from '../../src/secrets/checker.js';
import { admissionBodies, secretData } from '../../bench/fixtures.js';
import { inMemorySecretReader } from '../support/builders.js';
import { clusterLinkReview, httpsCall, startWebhook, type RunningWebhook } from '../support/webhook-server.js';

const ADMISSION = new URL('../fixtures/admission/', import.meta.url);
const CLUSTERLINK = new URL('../fixtures/clusterlink/', import.meta.url);
const GOLDEN = new URL('../golden/admission-bytes.json', ADMISSION);
const RECORD = process.env['GOLDEN_RECORD'] === '1';

interface Case {
  name: string;
  path: string;
  body: string;
  contentType?: string;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const WEBHOOKS = ['/validate', '/mutate'] as const;

function bothWebhooks(name: string, body: string): Case[] {
  return WEBHOOKS.map((path) => ({ name: `${name} ${path}`, path, body }));
}

function admissionFixtures(): Case[] {
  return readdirSync(ADMISSION)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => bothWebhooks(`admission/${f}`, readFileSync(new URL(f, ADMISSION), 'utf8')));
}

function clusterLinkFixtures(): Case[] {
  const cases: Case[] = [];
  for (const folder of ['valid', 'invalid']) {
    const dir = new URL(`${folder}/`, CLUSTERLINK);
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.yaml'))
      .sort()) {
      const object: unknown = parse(readFileSync(new URL(f, dir), 'utf8'));
      const uid = `golden-${folder}-${f}`;
      cases.push(
        ...bothWebhooks(`clusterlink/${folder}/${f} CREATE`, JSON.stringify(clusterLinkReview(object, { uid }))),
      );
      const update = clusterLinkReview(object, { uid, operation: 'UPDATE', oldObject: object });
      cases.push(...bothWebhooks(`clusterlink/${folder}/${f} UPDATE of itself`, JSON.stringify(update)));
    }
  }
  return cases;
}

function benchReviews(): Case[] {
  const cases: Case[] = [];
  for (const topics of [20, 200]) {
    const bodies = admissionBodies(topics);
    cases.push(...bothWebhooks(`bench ${topics} topics, as applied`, bodies.mutate));
    cases.push(...bothWebhooks(`bench ${topics} topics, defaulted`, bodies.validate));
  }
  return cases;
}

function refusals(): Case[] {
  const good = admissionBodies(2).mutate;
  return [
    { name: 'text/plain content type', path: '/validate', body: good, contentType: 'text/plain' },
    { name: 'no content type', path: '/mutate', body: good, contentType: '' },
    {
      name: 'content type with charset',
      path: '/validate',
      body: good,
      contentType: 'application/json; charset=utf-8',
    },
    { name: 'empty body', path: '/validate', body: '' },
    { name: 'invalid JSON', path: '/mutate', body: '{"apiVersion": "admission.k8s.io/v1", ' },
    { name: 'not an object', path: '/validate', body: '[1,2,3]' },
    {
      name: 'wrong apiVersion',
      path: '/validate',
      body: '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}',
    },
    { name: 'no request', path: '/mutate', body: '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}' },
    { name: 'unknown route', path: '/validate-other', body: good },
  ];
}

const CASES: Case[] = [...admissionFixtures(), ...clusterLinkFixtures(), ...benchReviews(), ...refusals()];

async function answerOf(wh: RunningWebhook, c: Case): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (c.contentType !== '') headers['content-type'] = c.contentType ?? 'application/json';
  const res = await httpsCall(wh.url, wh.ca, c.path, c.body, { method: 'POST', headers });
  return { status: res.status, contentType: String(res.headers['content-type']), body: res.text };
}

describe('the server answers every fixture with the recorded bytes', () => {
  let wh: RunningWebhook;
  const recorded: Record<string, Answer> = RECORD
    ? {}
    : (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Answer>);
  before(async () => {
    const logger = silentLogger();
    const metrics = createMetrics({ defaultMetrics: false });
    const source = createSecretSourceFromReader(inMemorySecretReader(secretData()), { logger });
    const secretChecker = createSecretChecker(source, { strict: true, logger, metrics });
    wh = await startWebhook({ admitters: createClusterLinkAdmitters({ secretChecker }), logger, metrics });
  });
  after(async () => {
    await wh.close();
    if (RECORD) writeFileSync(GOLDEN, `${JSON.stringify(recorded, null, 2)}\n`);
  });

  test('every case has a recorded answer and no recorded answer is stale', { skip: RECORD }, () => {
    assert.deepEqual(Object.keys(recorded).sort(), CASES.map((c) => c.name).sort());
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const actual = await answerOf(wh, c);
      if (RECORD) {
        recorded[c.name] = actual;
        return;
      }
      assert.deepEqual(actual, recorded[c.name]);
    });
  }
});
