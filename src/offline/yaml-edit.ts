// Applies JSON Patch operations to a YAML Document in place, so the user's comments, key order and
// quoting survive `mutate`: only the nodes the patch touches are new.
import type { Operation } from 'fast-json-patch';
import YAML, { CST, Parser, type Document, type ToStringOptions } from 'yaml';

import { pointerSegments } from '../lib/json.js';
/** Follows an alias to the node it names, so an edit through `*ref` lands on the `&ref` node. */
function resolved(doc: Document, node: unknown): unknown {
  return YAML.isAlias(node) ? node.resolve(doc) : node;
}

/** The collection node a pointer's parent segments lead to (through aliases), or undefined. */
function parentNode(doc: Document, segments: readonly string[]): unknown {
  let node = resolved(doc, doc.contents);
  for (const segment of segments) {
    if (YAML.isMap(node)) node = resolved(doc, node.get(segment, true));
    else if (YAML.isSeq(node) && /^\d+$/.test(segment)) node = resolved(doc, node.get(Number(segment), true));
    else return undefined;
  }
  return node;
}

function sameValue(doc: Document, node: unknown, value: unknown): boolean {
  const current = resolved(doc, node);
  return YAML.isNode(current) && JSON.stringify(current.toJS(doc)) === JSON.stringify(value);
}

export function applyOperationToDocument(doc: Document, op: Operation): void {
  const segments = pointerSegments(op.path);
  const last = segments[segments.length - 1];
  if (last === undefined) throw new Error(`cannot ${op.op} the document root`);
  const parent = parentNode(doc, segments.slice(0, -1));
  if (op.op !== 'add' && op.op !== 'replace' && op.op !== 'remove') {
    // A diff of defaults only adds or replaces; anything else would be a bug upstream.
    throw new Error(`unsupported patch operation "${op.op}" at ${op.path}`);
  }
  if (YAML.isSeq(parent)) {
    const index = last === '-' ? parent.items.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.items.length)
      throw new Error(`no index ${last} at ${op.path}`);
    if (op.op === 'add') parent.items.splice(index, 0, doc.createNode(op.value));
    else if (op.op === 'replace') parent.items[index] = doc.createNode(op.value);
    else parent.items.splice(index, 1);
    return;
  }
  if (!YAML.isMap(parent)) throw new Error(`no object at the parent of ${op.path}`);
  if (op.op === 'remove') {
    parent.delete(last);
    return;
  }
  // The same object reached twice through an alias: the first edit already put the value there.
  if (op.op === 'add' && sameValue(doc, parent.get(last, true), op.value)) return;
  parent.set(last, doc.createNode(op.value));
}

/** Applies `patch` (paths relative to the object at `prefix` inside the document). */
export function applyPatchToDocument(doc: Document, patch: readonly Operation[], prefix = ''): void {
  for (const op of patch) applyOperationToDocument(doc, { ...op, path: `${prefix}${op.path}` } as Operation);
}

/**
 * The exact source text of each document of a stream (comments and separators included), so documents
 * that do not change can be printed byte for byte. Undefined when the stream cannot be split reliably.
 */
export function documentTexts(text: string, expectedCount: number): string[] | undefined {
  const texts: string[] = [];
  let pending = '';
  for (const token of new Parser().parse(text)) {
    pending += CST.stringify(token);
    if (token.type === 'document') {
      texts.push(pending);
      pending = '';
    }
  }
  if (texts.length === 0) return expectedCount === 0 ? [] : undefined;
  texts[texts.length - 1] += pending;
  return texts.length === expectedCount && texts.join('') === text ? texts : undefined;
}

/** Indentation habits of the source, so re-printed documents look like their neighbours. */
export function detectStyle(text: string): ToStringOptions {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const indents = lines.map((l) => l.length - l.trimStart().length).filter((n) => n > 0);
  const indent = Math.min(8, Math.max(2, indents.length > 0 ? Math.min(...indents) : 2));
  let indentSeq = true;
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i]!);
    const item = /^( *)- /.exec(lines[i + 1]!) ?? /^( *)-$/.exec(lines[i + 1]!);
    if (key && item) {
      indentSeq = item[1]!.length > key[1]!.length;
      break;
    }
  }
  const flow = /:[ \t]+[{[]([^\n])/.exec(text);
  const flowCollectionPadding = flow ? flow[1] === ' ' : true;
  // lineWidth 0: never fold a long string the user wrote on one line.
  return { indent, indentSeq, flowCollectionPadding, lineWidth: 0 };
}

/** A line compared loosely: the printer re-spaces trailing comments and trailing blanks. */
function looseLine(line: string): string {
  return line.replace(/[ \t]+#/, ' #').trimEnd();
}

const MAX_DIFF_CELLS = 4_000_000;

/**
 * Puts the user's own lines back wherever the re-printed text only differs in spacing (before a comment,
 * at the end of a line), using a longest-common-subsequence match of lines. Lines the patch added or
 * changed stay as printed. The caller must check the result still parses to the intended object.
 */
export function restoreOriginalLines(original: string, printed: string): string {
  const a = original.split('\n');
  const b = printed.split('\n');
  if (a.length * b.length > MAX_DIFF_CELLS) return printed;
  const la = a.map(looseLine);
  const lb = b.map(looseLine);
  // lcs[i][j]: length of the longest common subsequence of la[i..] and lb[j..]
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = la[i] === lb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (j < b.length) {
    if (i < a.length && la[i] === lb[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      i++;
    } else {
      out.push(b[j]!);
      j++;
    }
  }
  return out.join('\n');
}
