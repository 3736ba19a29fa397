// Reading manifests the way kubectl does: files, directories (recursive, .yaml/.yml/.json) and stdin;
// multi-document YAML; JSON; `List` kinds flattened into their items. Every document gets a stable
// reference (`file:doc`, `file:doc.items[i]`) so a report points at exactly one object.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import YAML, { type Document } from 'yaml';
import { asArray, asRecord, asString } from '../lib/json.js';
import type { ManifestInput } from './input.js';

const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];
const STDIN = '-';
const STDIN_LABEL = '<stdin>';

/** Something that could not be read or parsed; the command exits 2 when there is any. */
export interface LoadProblem {
  ref: string;
  message: string;
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
}

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
}

export interface ObjectIdentity {
  apiVersion?: string;
  kind?: string;
  namespace: string;
  name?: string;
  generateName?: string;
}

function isManifestFile(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** Files under `dir`, sorted, recursing into sub-directories (symlinked directories are not followed: no loops). */
async function walk(absolute: string, display: string): Promise<Array<{ absolute: string; display: string }>> {
  const entries = await readdir(absolute, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: Array<{ absolute: string; display: string }> = [];
  for (const entry of entries) {
    const child = { absolute: join(absolute, entry.name), display: join(display, entry.name) };
    if (entry.isDirectory()) files.push(...(await walk(child.absolute, child.display)));
    else if (
      isManifestFile(entry.name) &&
      (entry.isFile() || (entry.isSymbolicLink() && (await stat(child.absolute)).isFile()))
    )
      files.push(child);
  }
  return files;
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
export async function readSources(
  inputs: readonly string[],
  io: ManifestInput,
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
    const absolute = resolve(io.cwd, input);
    try {
      const info = await stat(absolute);
      const files = info.isDirectory() ? await walk(absolute, input) : [{ absolute, display: input }];
      for (const file of files) {
        const text = await readFile(file.absolute, 'utf8');
        sources.push({
          path: file.display,
          text,
          json: extname(file.display).toLowerCase() === '.json' || (!info.isDirectory() && looksLikeJson(text)),
        });
      }
    } catch (err) {
      problems.push({ ref: input, message: `cannot read: ${errorMessage(err)}` });
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
export function parseSource(source: SourceText): { documents: ParsedDocument[]; problems: LoadProblem[] } {
  const documents: ParsedDocument[] = [];
  const problems: LoadProblem[] = [];
  if (source.json) {
    try {
      documents.push({ source: source.path, document: 1, value: JSON.parse(source.text) as unknown });
      return { documents, problems };
    } catch (err) {
      if (extname(source.path).toLowerCase() === '.json') {
        problems.push({ ref: `${source.path}:1`, message: `invalid JSON: ${errorMessage(err)}` });
        return { documents, problems };
      }
      // stdin that only looked like JSON: let the YAML parser have it (a flow mapping is YAML too).
    }
  }
  const parsed = YAML.parseAllDocuments(source.text, { version: '1.1', prettyErrors: true });
  parsed.forEach((doc, i) => {
    const ref = `${source.path}:${i + 1}`;
    const firstError = doc.errors[0];
    if (firstError) {
      problems.push({ ref, message: `invalid YAML: ${yamlErrorText(firstError)}` });
      return;
    }
    try {
      documents.push({
        source: source.path,
        document: i + 1,
        yaml: doc,
        value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      });
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
  if (!isList(doc.value))
    return [{ ref: base, source: doc.source, document: doc.document, pointer: '', object: doc.value }];
  const items = asArray(asRecord(doc.value)?.items) ?? [];
  return items.map((object, item) => ({
    ref: `${base}.items[${item}]`,
    source: doc.source,
    document: doc.document,
    item,
    pointer: `/items/${item}`,
    object,
  }));
}

/** Reads, parses and flattens every input; problems come in input order, like the documents. */
export async function loadManifests(
  inputs: readonly string[],
  io: ManifestInput,
): Promise<{ manifests: Manifest[]; problems: LoadProblem[] }> {
  const manifests: Manifest[] = [];
  const problems: LoadProblem[] = [];
  for (const input of inputs) {
    const read = await readSources([input], io);
    problems.push(...read.problems);
    for (const source of read.sources) {
      const parsed = parseSource(source);
      problems.push(...parsed.problems);
      for (const doc of parsed.documents) manifests.push(...manifestsOf(doc));
    }
  }
  return { manifests, problems };
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
