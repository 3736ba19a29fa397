// Stable "document order" for findings: by the position of each path segment among its siblings in
// the object as written (absent fields after present ones), so errors read top to bottom like the YAML.
import { asRecord } from '../lib/json.js';

const SEGMENT = /([^.[\]]+)|\[([^\]]*)\]/g;

function segmentsOf(path: string): string[] {
  const out: string[] = [];
  for (const match of path.matchAll(SEGMENT)) out.push(match[1] ?? match[2] ?? '');
  return out;
}

function rankOf(root: unknown, path: string): number[] {
  const ranks: number[] = [];
  let current: unknown = root;
  for (const segment of segmentsOf(path)) {
    if (Array.isArray(current)) {
      const index = Number(segment);
      ranks.push(Number.isInteger(index) ? index : Number.MAX_SAFE_INTEGER);
      current = current[index];
      continue;
    }
    const record = asRecord(current);
    const keys = record ? Object.keys(record) : [];
    const position = keys.indexOf(segment);
    ranks.push(position === -1 ? keys.length : position);
    current = record?.[segment];
  }
  return ranks;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Sorts items by the document position of their `field`; ties keep their original order. */
export function sortByDocumentOrder<T extends { field: string }>(root: unknown, items: readonly T[]): T[] {
  const ranked = items.map((item, i) => ({ item, i, rank: rankOf(root, item.field) }));
  ranked.sort((x, y) => compareRanks(x.rank, y.rank) || x.i - y.i);
  return ranked.map((r) => r.item);
}
