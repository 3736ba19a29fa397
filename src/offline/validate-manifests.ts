// The offline validation: every ClusterLink among the manifests is checked against the chart's CRD (crd/) and
// admitted exactly as the webhook would admit it (see offline-admission.ts); every other document is skipped with a
// reason, and near-miss ClusterLinks are errors (docs/cli.md#skipped-documents).
import { asRecord, asString } from '../lib/json.js';
import { withSchemaFindings } from './crd/merge.js';
import { kindFindings } from './crd/kind.js';
import type { ManifestInput } from './input.js';
import { identify, loadManifests, type LoadProblem, type Manifest, type ReadOptions } from './manifests.js';
import { admitOffline, isClusterLink, type AdmissionPipeline } from './offline-admission.js';
import type { DocumentReport, ValidationReport } from './report.js';

export interface ValidateOptions {
  files: readonly string[];
  oldFiles: readonly string[];
  defaultNamespace: string;
  pipeline: AdmissionPipeline;
  secretsChecked: boolean;
  /** --exclude globs. */
  exclude?: readonly string[];
  /** Check against the CRD's schema and CEL rules too (the default; docs/cli.md#the-crd-schema). */
  schema?: boolean;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** Old ClusterLinks by namespace/name; a name defined twice is a problem (which one would the cluster hold?). */
export async function loadOldObjects(
  files: readonly string[],
  io: ManifestInput,
  defaultNamespace: string,
  options: ReadOptions = {},
): Promise<{ objects: Map<string, unknown>; problems: LoadProblem[] }> {
  const objects = new Map<string, unknown>();
  if (files.length === 0) return { objects, problems: [] };
  const { manifests, problems } = await loadManifests(files, io, options);
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

/** A short picture of a scalar for a skip reason. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Why a document that is not a ClusterLink is skipped, in words that say what it is. */
export function skipReason(object: unknown): string {
  if (Array.isArray(object))
    return 'a YAML sequence, not a Kubernetes object (a list of objects needs kind: List and items)';
  const record = asRecord(object);
  if (!record)
    return `a YAML ${object === null ? 'null' : typeof object} (${preview(object)}), not a Kubernetes object`;
  const kind = asString(record.kind);
  const apiVersion = asString(record.apiVersion);
  if (kind === undefined || apiVersion === undefined)
    return `not a Kubernetes object: no ${kind === undefined ? 'kind' : 'apiVersion'}`;
  return `${kind} (${apiVersion}) is not a ClusterLink`;
}

/** Admits one manifest; a crash outside the Admitters is reported like the webhook reports its own bugs: a denial. */
export async function validateManifest(
  manifest: Manifest,
  oldObjects: ReadonlyMap<string, unknown>,
  options: Pick<ValidateOptions, 'defaultNamespace' | 'pipeline' | 'schema'>,
): Promise<DocumentReport> {
  const identity = identify(manifest.object, options.defaultNamespace);
  const base = { ref: manifest.ref, source: manifest.source, line: manifest.line, identity, causes: [], warnings: [] };
  if (!isClusterLink(manifest.object)) {
    const near = options.schema === false ? [] : kindFindings(manifest.object);
    if (near.length === 0) return { ...base, status: 'skipped', reason: skipReason(manifest.object) };
    return withSchemaFindings({ ...base, status: 'invalid', operation: 'CREATE' }, near, [], manifest);
  }
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
    if (options.schema === false) return withSchemaFindings(report, [], [], manifest);
    // Loaded on first use: ajv compiles the CRD's schema there, which --pair's loading, mutate and -h never need.
    const { checkClusterLinkSchema } = await import('./crd/check.js');
    const crd = checkClusterLinkSchema(decision.admitted, decision.stored);
    return withSchemaFindings(report, crd.findings, crd.warnings, manifest);
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
  const old = await loadOldObjects(options.oldFiles, io, options.defaultNamespace, options);
  const loaded = await loadManifests(options.files, io, options);
  const documents: DocumentReport[] = [];
  const skipped = [...loaded.skipped];
  const skippedBefore = (index: number) => {
    while (skipped[0] !== undefined && skipped[0].index <= index) {
      const { ref, source, line, reason } = skipped.shift()!;
      const identity = { namespace: options.defaultNamespace };
      documents.push({ ref, source, line, reason, identity, status: 'skipped', causes: [], warnings: [] });
    }
  };
  for (const [i, manifest] of loaded.manifests.entries()) {
    skippedBefore(i);
    documents.push(await validateManifest(manifest, old.objects, options));
  }
  skippedBefore(Infinity);
  return {
    documents,
    problems: [...extraProblems, ...old.problems, ...loaded.problems],
    secretsChecked: options.secretsChecked,
  };
}
