// Shared helpers of the chart tests: paths, YAML loading, ajv set up for Kubernetes OpenAPI schemas.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHART_DIR = join(REPO_ROOT, 'charts', 'clusterlink-webhook');
export const TEMPLATES_DIR = join(CHART_DIR, 'templates');
export const CRDS_DIR = join(CHART_DIR, 'crds');
export const CHART_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'chart');
export const CLUSTERLINK_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'clusterlink');
/** Reference material lives beside the repository; tests that use it skip when it is absent. */
export const SHARED_CFK_SCHEMAS = join(REPO_ROOT, '..', 'shared', 'specs', 'cfk-crd-schemas');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** All documents of a YAML file; throws on any syntax error. */
export function loadYamlDocuments(path: string): Json[] {
  const docs = parseAllDocuments(readText(path));
  if (!Array.isArray(docs)) throw new Error(`${path}: no YAML documents`);
  const out: Json[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as Json;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function loadYamlObject(path: string): JsonObject {
  const docs = loadYamlDocuments(path);
  const first = docs[0];
  if (docs.length !== 1 || !isObject(first)) throw new Error(`${path}: expected exactly one YAML mapping`);
  return first;
}

export function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** ajv that knows the formats and the x-kubernetes-* extensions used in CRD schemas. */
export function kubernetesAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
  addFormats(ajv);
  ajv.addVocabulary([
    'x-kubernetes-validations',
    'x-kubernetes-map-type',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-embedded-resource',
  ]);
  return ajv;
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}
