// The CLI and the webhook must agree on every fixture: no rule may exist in only one of them. Each
// ClusterLink fixture is checked by the CLI's validation function and by the real HTTPS server, driven
// the way kube-apiserver drives it (POST /mutate, apply the patch, POST /validate), and also with the raw
// object posted straight to /validate (docs/rules.md#defaults: the answer must not depend on whether /mutate ran).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { AdmissionReviewResponse, StatusCause } from '../../src/admission/types.js';
import { identify, loadManifests, type Manifest } from '../../src/offline/manifests.js';
import { isClusterLink } from '../../src/offline/offline-admission.js';
import { createOfflinePipeline } from '../../src/offline/pipeline.js';
import { loadSecretManifests } from '../../src/offline/secret-files.js';
import { loadOldObjects, validateManifest } from '../../src/offline/validate-manifests.js';
import { createSecretChecker } from '../../src/secrets/checker.js';
import type { SecretChecker } from '../../src/secrets/types.js';
import {
  clusterLinkReview,
  decodePatch,
  postReview,
  startWebhook,
  type RunningWebhook,
} from '../support/webhook-server.js';
import { bufferedIO, INPUTS } from './helpers.js';

const FIXTURE_DIRS = ['test/fixtures/clusterlink', INPUTS];
const OLD_DIR = `${INPUTS}/old`;
const SECRETS_DIR = `${INPUTS}/secrets`;

interface ServerAnswer {
  allowed: boolean;
  causes: StatusCause[];
  warnings: string[];
}

function withNamespace(object: unknown, namespace: string): Record<string, unknown> {
  const copy = structuredClone(object) as Record<string, unknown>;
  const metadata = (copy.metadata ??= {}) as Record<string, unknown>;
  if (typeof metadata.namespace !== 'string' || metadata.namespace === '') metadata.namespace = namespace;
  return copy;
}

async function post(
  wh: RunningWebhook,
  path: '/mutate' | '/validate',
  object: unknown,
  request: Record<string, unknown>,
): Promise<NonNullable<AdmissionReviewResponse['response']>> {
  const res = await postReview(wh.url, wh.ca, path, clusterLinkReview(object, request));
  assert.equal(res.status, 200, `${path} answered HTTP ${res.status}`);
  const response = res.body?.response;
  assert.ok(response, `${path} returned no response`);
  return response;
}

function answerOf(
  response: NonNullable<AdmissionReviewResponse['response']>,
  extraWarnings: readonly string[] = [],
): ServerAnswer {
  return {
    allowed: response.allowed,
    causes: response.status?.details?.causes ?? [],
    warnings: [...new Set([...extraWarnings, ...(response.warnings ?? [])])],
  };
}

/** What kube-apiserver does: mutating webhook, patch, validating webhook. */
async function viaApiServer(
  wh: RunningWebhook,
  object: unknown,
  namespace: string,
  oldObject: unknown,
): Promise<ServerAnswer> {
  const base = { namespace, name: identify(object, namespace).name ?? '' };
  let stored: unknown = null;
  if (oldObject !== undefined) {
    const old = withNamespace(oldObject, namespace);
    const oldPatch = decodePatch(await post(wh, '/mutate', old, { ...base, operation: 'CREATE' })) as Operation[];
    stored = fastJsonPatch.applyPatch(old, oldPatch, false, false).newDocument;
  }
  const request = { ...base, operation: oldObject === undefined ? 'CREATE' : 'UPDATE', oldObject: stored };
  const sent = withNamespace(object, namespace);
  const mutated = await post(wh, '/mutate', sent, request);
  const admitted = fastJsonPatch.applyPatch(
    structuredClone(sent),
    decodePatch(mutated) as Operation[],
    false,
    false,
  ).newDocument;
  return answerOf(await post(wh, '/validate', admitted, request), mutated.warnings ?? []);
}

/** The raw object straight to /validate, as if the mutating webhook were not installed. */
async function validateOnly(
  wh: RunningWebhook,
  object: unknown,
  namespace: string,
  oldObject: unknown,
): Promise<ServerAnswer> {
  const base = { namespace, name: identify(object, namespace).name ?? '' };
  const request = {
    ...base,
    operation: oldObject === undefined ? 'CREATE' : 'UPDATE',
    oldObject: oldObject === undefined ? null : withNamespace(oldObject, namespace),
  };
  return answerOf(await post(wh, '/validate', withNamespace(object, namespace), request));
}

describe('CLI and webhook agree on every fixture', () => {
  let manifests: Manifest[] = [];
  let oldObjects = new Map<string, unknown>();
  let secretChecker: SecretChecker;
  let plain: RunningWebhook | undefined;
  let withSecrets: RunningWebhook | undefined;

  before(async () => {
    const io = bufferedIO();
    manifests = (await loadManifests(FIXTURE_DIRS, io)).manifests.filter((m) => isClusterLink(m.object));
    oldObjects = (await loadOldObjects([OLD_DIR], io, 'default')).objects;
    const secrets = await loadSecretManifests([SECRETS_DIR], io, 'default');
    assert.deepEqual(secrets.problems, []);
    secretChecker = createSecretChecker(secrets.source, { strict: false });
    plain = await startWebhook();
    withSecrets = await startWebhook({ secretChecker });
  });

  after(async () => {
    await plain?.close();
    await withSecrets?.close();
  });

  test('the fixtures cover valid and invalid objects, CREATE and UPDATE', async () => {
    const pipeline = createOfflinePipeline({});
    const statuses = new Set<string>();
    for (const m of manifests)
      statuses.add(
        (await validateManifest(m, new Map(), { defaultNamespace: 'default', pipeline, schema: false })).status,
      );
    assert.ok(manifests.length >= 20, `only ${manifests.length} ClusterLink fixtures found`);
    assert.deepEqual([...statuses].sort(), ['invalid', 'valid']);
    assert.ok(
      manifests.some((m) =>
        oldObjects.has(`${identify(m.object, 'default').namespace}/${identify(m.object, 'default').name}`),
      ),
      'no UPDATE case',
    );
  });

  for (const mode of ['without Secret checks', 'with Secret checks'] as const) {
    test(mode, async () => {
      const wh = mode === 'with Secret checks' ? withSecrets! : plain!;
      const pipeline = createOfflinePipeline(mode === 'with Secret checks' ? { secretChecker } : {});
      let compared = 0;
      for (const manifest of manifests) {
        const identity = identify(manifest.object, 'default');
        const old = oldObjects.get(`${identity.namespace}/${identity.name}`);
        for (const oldObject of old === undefined ? [undefined] : [undefined, old]) {
          const label = `${manifest.ref} (${oldObject === undefined ? 'CREATE' : 'UPDATE'}, ${mode})`;
          const olds = new Map(oldObject === undefined ? [] : [[`${identity.namespace}/${identity.name}`, oldObject]]);
          const cli = await validateManifest(manifest, olds, { defaultNamespace: 'default', pipeline, schema: false });
          const server = await viaApiServer(wh, manifest.object, identity.namespace, oldObject);
          assert.equal(cli.status, server.allowed ? 'valid' : 'invalid', label);
          assert.deepEqual(cli.causes, server.causes, label);
          assert.deepEqual(cli.warnings, server.warnings, label);
          const direct = await validateOnly(wh, manifest.object, identity.namespace, oldObject);
          assert.equal(direct.allowed, server.allowed, `${label}: /validate without /mutate`);
          assert.deepEqual(direct.causes, server.causes, `${label}: /validate without /mutate`);
          assert.deepEqual(direct.warnings, server.warnings, `${label}: /validate without /mutate`);
          compared++;
        }
      }
      assert.ok(compared > manifests.length, 'UPDATE cases were compared too');
    });
  }
});
