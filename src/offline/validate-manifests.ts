// The offline validation: every ClusterLink among the manifests is admitted exactly as the webhook would
// admit it (see offline-admission.ts); everything else is skipped and counted.
import { asRecord } from '../lib/json.js';
import type { ManifestInput } from './input.js';
import { identify, loadManifests, type LoadProblem, type Manifest } from './manifests.js';
import { admitOffline, CLUSTERLINK_API_VERSION, isClusterLink, type AdmissionPipeline } from './offline-admission.js';
import type { DocumentReport, ValidationReport } from './report.js';

export interface ValidateOptions {
  files: readonly string[];
  oldFiles: readonly string[];
  defaultNamespace: string;
  pipeline: AdmissionPipeline;
  secretsChecked: boolean;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** Old ClusterLinks by namespace/name; a name defined twice is a problem (which one would the cluster hold?). */
export async function loadOldObjects(
  files: readonly string[],
  io: ManifestInput,
  defaultNamespace: string,
): Promise<{ objects: Map<string, unknown>; problems: LoadProblem[] }> {
  const objects = new Map<string, unknown>();
  if (files.length === 0) return { objects, problems: [] };
  const { manifests, problems } = await loadManifests(files, io);
  const seenAt = new Map<string, string>();
  for (const manifest of manifests) {
    if (!isClusterLink(manifest.object)) continue;
    const identity = identify(manifest.object, defaultNamespace);
    if (identity.name === undefined) continue; // never stored without a name: nothing to match
    const key = keyOf(identity.namespace, identity.name);
    const earlier = seenAt.get(key);
    if (earlier !== undefined) {
      problems.push({ ref: manifest.ref, message: `old ClusterLink ${key} is also defined at ${earlier}` });
      continue;
    }
    seenAt.set(key, manifest.ref);
    objects.set(key, manifest.object);
  }
  return { objects, problems };
}

function skipReason(manifest: Manifest): string {
  const record = asRecord(manifest.object);
  if (!record) return 'not a Kubernetes object';
  if (
    record.kind === 'ClusterLink' &&
    typeof record.apiVersion === 'string' &&
    record.apiVersion !== CLUSTERLINK_API_VERSION
  ) {
    return `the webhook checks ${CLUSTERLINK_API_VERSION} only, not ${record.apiVersion}`;
  }
  return 'not a ClusterLink';
}

/** Admits one manifest; a crash outside the Admitters is reported like the webhook reports its own bugs: a denial. */
export async function validateManifest(
  manifest: Manifest,
  oldObjects: ReadonlyMap<string, unknown>,
  options: Pick<ValidateOptions, 'defaultNamespace' | 'pipeline'>,
): Promise<DocumentReport> {
  const identity = identify(manifest.object, options.defaultNamespace);
  const base = { ref: manifest.ref, identity, causes: [], warnings: [] };
  if (!isClusterLink(manifest.object)) return { ...base, status: 'skipped', reason: skipReason(manifest) };
  const old = identity.name === undefined ? undefined : oldObjects.get(keyOf(identity.namespace, identity.name));
  try {
    const decision = await admitOffline(options.pipeline, manifest.object, old, identity.namespace);
    if (!decision.checked)
      return { ...base, status: 'skipped', operation: decision.operation, reason: decision.reason };
    const report: DocumentReport = {
      ...base,
      status: decision.allowed ? 'valid' : 'invalid',
      operation: decision.operation,
      causes: decision.causes,
      causeRules: decision.causeRules,
      warningRules: decision.warningRules,
      warnings: decision.warnings,
    };
    if (decision.message !== undefined) report.message = decision.message;
    return report;
  } catch (err) {
    const message = `internal error while checking the manifest: ${err instanceof Error ? err.message : String(err)}`;
    return { ...base, status: 'invalid', operation: old === undefined ? 'CREATE' : 'UPDATE', message };
  }
}

export async function validateManifests(
  options: ValidateOptions,
  io: ManifestInput,
  extraProblems: readonly LoadProblem[] = [],
): Promise<ValidationReport> {
  const old = await loadOldObjects(options.oldFiles, io, options.defaultNamespace);
  const loaded = await loadManifests(options.files, io);
  const documents: DocumentReport[] = [];
  for (const manifest of loaded.manifests) documents.push(await validateManifest(manifest, old.objects, options));
  return {
    documents,
    problems: [...extraProblems, ...old.problems, ...loaded.problems],
    secretsChecked: options.secretsChecked,
  };
}
