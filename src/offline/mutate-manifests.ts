// The mutating webhook, offline: each ClusterLink gets the patch the webhook would return, applied to the
// user's own YAML Document so comments and key order survive. Other documents pass through untouched.
import type { Operation } from 'fast-json-patch';
import YAML from 'yaml';
import { isDeepEqual } from '../lib/json.js';
import type { ManifestInput } from './input.js';
import {
  identify,
  manifestsOf,
  parseSource,
  readSources,
  type LoadProblem,
  type ParsedDocument,
  type SourceText,
} from './manifests.js';
import { applyOperations, isClusterLink, mutateOffline, type AdmissionPipeline } from './offline-admission.js';
import { applyPatchToDocument, detectStyle, documentTexts, restoreOriginalLines } from './yaml-edit.js';

export interface DocumentPatch {
  ref: string;
  namespace: string;
  name?: string;
  patch?: Operation[];
}

export interface MutationResult {
  /** The manifests with defaults applied, as one YAML stream. */
  text: string;
  patches: DocumentPatch[];
  /** `ref: warning` lines: the webhook's warnings, and documents that had to be re-printed without comments. */
  warnings: string[];
  problems: LoadProblem[];
}

export interface MutateOptions {
  files: readonly string[];
  defaultNamespace: string;
  pipeline: AdmissionPipeline;
  /** --exclude globs (docs/cli.md#inputs). */
  exclude?: readonly string[];
}

function prefixed(patch: readonly Operation[], pointer: string): Operation[] {
  return patch.map((op) => ({ ...op, path: `${pointer}${op.path}` }) as Operation);
}

interface DocumentOutcome {
  /** Operations on the whole document (List items prefixed). */
  patch: Operation[];
  expected: unknown;
}

async function mutateDocument(
  doc: ParsedDocument,
  options: MutateOptions,
  result: MutationResult,
): Promise<DocumentOutcome> {
  const patch: Operation[] = [];
  for (const manifest of manifestsOf(doc)) {
    if (!isClusterLink(manifest.object)) continue;
    const identity = identify(manifest.object, options.defaultNamespace);
    const mutated = await mutateOffline(options.pipeline, manifest.object, identity.namespace);
    const entry: DocumentPatch = { ref: manifest.ref, namespace: identity.namespace };
    if (identity.name !== undefined) entry.name = identity.name;
    result.patches.push({ ...entry, patch: mutated.patch });
    for (const warning of mutated.warnings) result.warnings.push(`${manifest.ref}: ${warning}`);
    patch.push(...prefixed(mutated.patch, manifest.pointer));
  }
  return { patch, expected: applyOperations(doc.value, patch) };
}

function parsesTo(text: string, expected: unknown): boolean {
  try {
    const docs = YAML.parseAllDocuments(text, { version: '1.1' });
    const first = docs[0];
    return (
      docs.length === 1 &&
      first !== undefined &&
      first.errors.length === 0 &&
      isDeepEqual(first.toJS({ maxAliasCount: 100 }), expected)
    );
  } catch {
    return false;
  }
}

/**
 * A changed YAML document, re-printed from its edited Document with the user's own lines restored where
 * only spacing differs; plain YAML (comments lost, with a warning) if that would not give the right object.
 */
function printChanged(
  doc: ParsedDocument,
  outcome: DocumentOutcome,
  source: SourceText,
  original: string | undefined,
  result: MutationResult,
): string {
  const yamlDoc = doc.yaml;
  if (yamlDoc) {
    try {
      applyPatchToDocument(yamlDoc, outcome.patch);
      const printed = yamlDoc.toString(detectStyle(original ?? source.text));
      const restored = original === undefined ? printed : restoreOriginalLines(original, printed);
      if (parsesTo(restored, outcome.expected)) return restored;
      if (parsesTo(printed, outcome.expected)) return printed;
    } catch {
      // fall through to the plain rendering below
    }
  }
  result.warnings.push(`${doc.source}:${doc.document}: printed without its comments (they could not be kept)`);
  const marker = doc.document > 1 ? '---\n' : '';
  return `${marker}${YAML.stringify(outcome.expected, { version: '1.1', lineWidth: 0 })}`;
}

async function mutateSource(source: SourceText, options: MutateOptions, result: MutationResult): Promise<string> {
  const parsed = parseSource(source);
  if (parsed.problems.length > 0) {
    result.problems.push(...parsed.problems);
    return '';
  }
  const outcomes: DocumentOutcome[] = [];
  for (const doc of parsed.documents) outcomes.push(await mutateDocument(doc, options, result));
  if (outcomes.every((o) => o.patch.length === 0)) return source.text;
  // JSON input (one value, no YAML Document) is answered in JSON.
  if (parsed.documents.length === 1 && parsed.documents[0]?.yaml === undefined)
    return `${JSON.stringify(outcomes[0]?.expected, null, 2)}\n`;
  const verbatim = documentTexts(source.text, parsed.documents.length);
  return parsed.documents
    .map((doc, i) => {
      const outcome = outcomes[i]!;
      const original = verbatim?.[i];
      if (outcome.patch.length === 0 && original !== undefined) return original;
      let printed = printChanged(doc, outcome, source, original, result);
      if (source.text.includes('\r\n')) printed = printed.replace(/\r?\n/g, '\r\n'); // keep Windows line endings
      return original !== undefined && !/\n$/.test(original) ? printed.replace(/\r?\n$/, '') : printed;
    })
    .join('');
}

/** Starts a stream's next source with a document marker unless it already has one. */
function joinSources(texts: readonly string[]): string {
  let out = '';
  for (const text of texts) {
    if (text === '') continue;
    if (out !== '') {
      if (!out.endsWith('\n')) out += '\n';
      const firstLine = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
      if (firstLine === undefined || !firstLine.startsWith('---')) out += '---\n';
    }
    out += text;
  }
  return out;
}

export async function mutateManifests(options: MutateOptions, io: ManifestInput): Promise<MutationResult> {
  const result: MutationResult = { text: '', patches: [], warnings: [], problems: [] };
  const { sources, problems } = await readSources(options.files, io, options);
  result.problems.push(...problems);
  const texts: string[] = [];
  for (const source of sources) texts.push(await mutateSource(source, options, result));
  result.text = joinSources(texts);
  return result;
}
