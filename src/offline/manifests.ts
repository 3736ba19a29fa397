// Reading manifests the way kubectl does: files, directories (recursive, .yaml/.yml/.json) and stdin;
// multi-document YAML; JSON; `List` kinds flattened into their items. Every document gets a stable
// reference (`file:doc`, `file:doc.items[i]`) so a report points at exactly one object.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML, { isMap, isSeq, LineCounter, type Document } from 'yaml';
import { asArray, asRecord, asString } from '../lib/json.js';
import type { ManifestInput } from './input.js';
import { expandInput } from './input-paths.js';

const STDIN = '-';
const STDIN_LABEL = '<stdin>';

/** Something that could not be read or parsed; the command exits 2 when there is any. */
export interface LoadProblem {
  ref: string;
  message: string;
  /** The file and line it is about, when known (for SARIF locations). */
  file?: string;
  line?: number;
}

export interface SourceText {
  /** The path as the user would recognise it (relative when they gave a relative path). */
  path: string;
  text: string;
  /** Parse as one JSON value (a `.json` file, or stdin that looks like JSON). */
  json: boolean;
}

export interface ParsedDocument {
  source: string;
  /** 1-based position in its file, counting `---`-separated documents. */
  document: number;
  /** The YAML document with its comments, for editing in place; absent for JSON input. */
  yaml?: Document.Parsed;
  value: unknown;
  /** 1-based line where the document's content starts (after `---` and leading comments). */
  line: number;
  /** The line of the node at a path in this document (the nearest existing ancestor's when it is missing). */
  locate: Locator;
}

/** Line of the node at `path` (keys and list indexes); the nearest existing ancestor's line when it is absent. */
export type Locator = (path: ReadonlyArray<string | number>) => number;

export interface Manifest {
  /** `file:doc` or `file:doc.items[i]`. */
  ref: string;
  source: string;
  document: number;
  /** Index inside a `List` document. */
  item?: number;
  /** JSON Pointer of this object inside its document: '' or `/items/<i>`. */
  pointer: string;
  object: unknown;
  /** 1-based line where the object starts in its file. */
  line: number;
  /** Lines of paths inside this object (see Locator). */
  locate: Locator;
}

/** A document that holds no object the commands check, and why: never dropped silently (docs/cli.md#inputs). */
export interface SkippedDocument {
  ref: string;
  source: string;
  line: number;
  reason: string;
  /** How many manifests of the same load come before it: where it goes among them in a report. */
  index: number;
}

export interface ObjectIdentity {
  apiVersion?: string;
  kind?: string;
  namespace: string;
  name?: string;
  generateName?: string;
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT')
    return 'no such file or directory';
  if (err && typeof err === 'object' && 'code' in err && (err as NodeJS.ErrnoException).code === 'EACCES')
    return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

/** Reads every input (a file, a directory, or `-` for stdin); unreadable ones become problems, not exceptions. */
export interface ReadOptions {
  /** --exclude globs (docs/cli.md#inputs). */
  exclude?: readonly string[];
}

/** Reads every input (a file, a directory, a glob, or `-` for stdin); unreadable ones become problems, not exceptions. */
export async function readSources(
  inputs: readonly string[],
  io: ManifestInput,
  options: ReadOptions = {},
): Promise<{ sources: SourceText[]; problems: LoadProblem[] }> {
  const sources: SourceText[] = [];
  const problems: LoadProblem[] = [];
  let stdin: string | undefined;
  for (const input of inputs) {
    if (input === STDIN) {
      stdin ??= await io.readStdin();
      sources.push({ path: STDIN_LABEL, text: stdin, json: looksLikeJson(stdin) });
      continue;
    }
    try {
      for (const file of await expandInput(input, io.cwd, options.exclude ?? [])) {
        const text = await readFile(file.absolute, 'utf8');
        const json = extname(file.display).toLowerCase() === '.json' || (!file.found && looksLikeJson(text));
        sources.push({ path: file.display, text, json });
      }
    } catch (err) {
      problems.push({ ref: input, message: `cannot read: ${errorMessage(err)}`, file: input });
    }
  }
  return { sources, problems };
}

/** The first line of a YAML error (the rest is a code frame), without its trailing colon. */
function yamlErrorText(err: Error): string {
  return (err.message.split('\n')[0] ?? err.message).replace(/:\s*$/, '');
}

/**
 * Splits a source into documents. YAML is read as YAML 1.1, like kubectl (so `yes`/`on` are booleans there too).
 * Empty documents (a stray `---`, comments only) are kept (their value is null) so output can reproduce them;
 * they hold no object.
 */
/** Lines of nodes in a parsed YAML document (JSON is YAML too, so JSON input gets lines the same way). */
function locatorOf(doc: Document.Parsed | undefined, lines: LineCounter): { line: number; locate: Locator } {
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const contents = doc?.contents;
  const start = lineAt(contents?.range?.[0] ?? doc?.range?.[0]);
  const locate: Locator = (path) => {
    let node: unknown = contents;
    let line = start;
    for (const key of path) {
      if (!isMap(node) && !isSeq(node)) break;
      const pair = isMap(node)
        ? node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(key))
        : undefined;
      const child: unknown = isMap(node) ? pair?.value : node.items[Number(key)];
      const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
      const range = keyNode?.range ?? (child as { range?: [number, number, number] } | undefined)?.range;
      if (range === undefined) break;
      line = lineAt(range[0]);
      node = child;
    }
    return line;
  };
  return { line: start, locate };
}

/**
 * Splits a source into documents. YAML is read as YAML 1.1, like kubectl (so `yes`/`on` are booleans there too).
 * Empty documents (a stray `---`, comments only) are kept (their value is null) so output can reproduce them;
 * they hold no object.
 */
export function parseSource(source: SourceText): { documents: ParsedDocument[]; problems: LoadProblem[] } {
  const documents: ParsedDocument[] = [];
  const problems: LoadProblem[] = [];
  if (source.json) {
    try {
      const value = JSON.parse(source.text) as unknown;
      const lines = new LineCounter();
      const yaml = YAML.parseDocument(source.text, { lineCounter: lines });
      documents.push({ source: source.path, document: 1, value, ...locatorOf(yaml, lines) });
      return { documents, problems };
    } catch (err) {
      if (extname(source.path).toLowerCase() === '.json') {
        problems.push({ ref: `${source.path}:1`, message: `invalid JSON: ${errorMessage(err)}`, file: source.path });
        return { documents, problems };
      }
      // stdin that only looked like JSON: let the YAML parser have it (a flow mapping is YAML too).
    }
  }
  const lines = new LineCounter();
  const parsed = YAML.parseAllDocuments(source.text, { version: '1.1', prettyErrors: true, lineCounter: lines });
  parsed.forEach((doc, i) => {
    const ref = `${source.path}:${i + 1}`;
    const firstError = doc.errors[0];
    if (firstError) {
      const line = firstError.linePos?.[0]?.line ?? 1;
      problems.push({ ref, message: `invalid YAML: ${yamlErrorText(firstError)}`, file: source.path, line });
      return;
    }
    try {
      const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
      documents.push({ source: source.path, document: i + 1, yaml: doc, value, ...locatorOf(doc, lines) });
    } catch (err) {
      problems.push({ ref, message: `invalid YAML: ${errorMessage(err)}` });
    }
  });
  return { documents, problems };
}

/** True for `kind: List` and typed lists (`ClusterLinkList`) as `kubectl get -o yaml` prints them. */
function isList(value: unknown): boolean {
  const record = asRecord(value);
  const kind = asString(record?.kind);
  return kind !== undefined && kind.endsWith('List') && asArray(record?.items) !== undefined;
}

/** The objects of one document: the document itself, or each item of a List. */
export function manifestsOf(doc: ParsedDocument): Manifest[] {
  const base = `${doc.source}:${doc.document}`;
  if (doc.value === null || doc.value === undefined) return [];
  const whole = { source: doc.source, document: doc.document, line: doc.line };
  if (!isList(doc.value)) return [{ ref: base, ...whole, pointer: '', object: doc.value, locate: doc.locate }];
  const items = asArray(asRecord(doc.value)?.items) ?? [];
  return items.map((object, item) => ({
    ref: `${base}.items[${item}]`,
    ...whole,
    line: doc.locate(['items', item]),
    item,
    pointer: `/items/${item}`,
    object,
    locate: (path) => doc.locate(['items', item, ...path]),
  }));
}

/** Why a document holds no object to check, or undefined when it holds some. */
export function emptyReason(doc: ParsedDocument): string | undefined {
  if (doc.value === null || doc.value === undefined) return 'empty document (nothing between the --- separators)';
  if (isList(doc.value) && (asArray(asRecord(doc.value)?.items) ?? []).length === 0) return 'a List without items';
  return undefined;
}

/** Reads, parses and flattens every input; problems and skipped documents come in input order. */
export async function loadManifests(
  inputs: readonly string[],
  io: ManifestInput,
  options: ReadOptions = {},
): Promise<{ manifests: Manifest[]; problems: LoadProblem[]; skipped: SkippedDocument[] }> {
  const manifests: Manifest[] = [];
  const problems: LoadProblem[] = [];
  const skipped: SkippedDocument[] = [];
  for (const input of inputs) {
    const read = await readSources([input], io, options);
    problems.push(...read.problems);
    for (const source of read.sources) {
      const parsed = parseSource(source);
      problems.push(...parsed.problems);
      for (const doc of parsed.documents) {
        const reason = emptyReason(doc);
        if (reason !== undefined)
          skipped.push({
            ref: `${doc.source}:${doc.document}`,
            source: doc.source,
            line: doc.line,
            reason,
            index: manifests.length,
          });
        manifests.push(...manifestsOf(doc));
      }
    }
  }
  return { manifests, problems, skipped };
}

/** apiVersion, kind, namespace (the default when the manifest has none, as kubectl applies it) and name. */
export function identify(object: unknown, defaultNamespace: string): ObjectIdentity {
  const record = asRecord(object);
  const metadata = asRecord(record?.metadata);
  const identity: ObjectIdentity = { namespace: asString(metadata?.namespace) || defaultNamespace };
  const apiVersion = asString(record?.apiVersion);
  const kind = asString(record?.kind);
  const name = asString(metadata?.name);
  const generateName = asString(metadata?.generateName);
  if (apiVersion !== undefined) identity.apiVersion = apiVersion;
  if (kind !== undefined) identity.kind = kind;
  if (name) identity.name = name;
  if (generateName) identity.generateName = generateName;
  return identity;
}

/** `namespace/name` for humans; a generated name shows its prefix. */
export function displayName(identity: ObjectIdentity): string {
  const name =
    identity.name ?? (identity.generateName !== undefined ? `${identity.generateName}<generated>` : '<no name>');
  return `${identity.namespace}/${name}`;
}
