// Helpers for parsed JSON (and YAML parsed to JSON values). Rules read untrusted input through the defensive
// readers, so a wrong-typed field is simply "not usable here" (the shape check reports it once) and nothing
// ever throws; the copies and the pointer helpers are shared by defaulting, patching and the offline YAML edit.

export type JsonRecord = Record<string, unknown>;

/** A JSON object: an object that is neither null nor an array. */
export function isPlainObject(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonRecord | undefined {
  return isPlainObject(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function hasOwn(record: JsonRecord, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Structural equality of JSON values: same keys (in any order), same items in the same order. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => isDeepEqual(x, b[i]));
  const ra = a as JsonRecord;
  const rb = b as JsonRecord;
  const ka = Object.keys(ra);
  return ka.length === Object.keys(rb).length && ka.every((k) => hasOwn(rb, k) && isDeepEqual(ra[k], rb[k]));
}

// ---- JSON Pointer (RFC 6901) ----

/** Escaping of one path segment (`~` before `/`). */
export const escapePointerSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The inverse of escapePointerSegment (`~1` before `~0`). */
export const unescapePointerSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** `/a~1b/0` → ['a/b', '0']; the empty pointer (the whole document) has no segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapePointerSegment);
}

// ---- Deep copies ----

/**
 * What a copy keeps. `structured`: every member as it is, anything that is not a plain object or array through
 * structuredClone. `json`: what the wire would carry, as a JSON round trip gives it (undefined and function
 * members dropped, or null in arrays; non-finite numbers null; other objects through their JSON form).
 */
export type CopyMode = 'structured' | 'json';

/**
 * Past this depth a copy switches from recursion to an explicit work list: recursion is about three times
 * faster on admission-sized objects (a copy is made for every review), but it and structuredClone overflow the
 * stack a few thousand levels down (a hostile body, a YAML alias cycle).
 */
const RECURSION_DEPTH = 100;

/** Deep copy of parsed JSON/YAML, keeping every member (docs/rules.md#defaults works on one). Any depth. */
export function deepCopy(value: unknown): unknown {
  return copyNode(value, 'structured', 0);
}

/** JSON-equal copy: exactly what `JSON.parse(JSON.stringify(value))` gives, without its cost. Any depth. */
export function jsonCopy(value: unknown): unknown {
  if (value === undefined) return undefined;
  return copyNode(value, 'json', 0);
}

function isPlainPrototype(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A leaf as the mode copies it: primitives as they are (json: non-finite numbers null), other objects whole. */
function copyLeaf(value: unknown, mode: CopyMode): unknown {
  if (mode === 'json' && typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  return mode === 'json' ? (JSON.parse(JSON.stringify(value)) as unknown) : structuredClone(value);
}

/** json mode: the wire has no undefined and no functions. */
const dropped = (value: unknown, mode: CopyMode): boolean =>
  mode === 'json' && (value === undefined || typeof value === 'function');

function setOwn(target: JsonRecord, key: string, value: unknown): void {
  // defineProperty keeps a "__proto__" key plain data instead of changing the copy's prototype
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function copyNode(value: unknown, mode: CopyMode, depth: number): unknown {
  if (value === null || typeof value !== 'object') return copyLeaf(value, mode);
  if (depth > RECURSION_DEPTH) return copyWithoutRecursion(value, mode);
  if (Array.isArray(value))
    return value.map((item: unknown) => (dropped(item, mode) ? null : copyNode(item, mode, depth + 1)));
  if (!isPlainPrototype(value)) return copyLeaf(value, mode);
  const out: JsonRecord = {};
  const source = value as JsonRecord;
  // Object.keys, not Object.entries: the same own enumerable keys without a [key, value] pair per field
  // (for 10,000 mirror topics those pairs were megabytes of garbage per call).
  for (const key of Object.keys(source)) {
    const child = source[key];
    if (!dropped(child, mode)) setOwn(out, key, copyNode(child, mode, depth + 1));
  }
  return out;
}

/** The same copy with an explicit work list: any depth, and cycles (YAML aliases) are copied as cycles. */
function copyWithoutRecursion(root: object, mode: CopyMode): unknown {
  const copies = new Map<object, JsonRecord | unknown[]>();
  const pending: Array<[object, JsonRecord | unknown[]]> = [];
  const copyOf = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return copyLeaf(value, mode);
    const known = copies.get(value);
    if (known) return known;
    if (!Array.isArray(value) && !isPlainPrototype(value)) return copyLeaf(value, mode);
    const copy: JsonRecord | unknown[] = Array.isArray(value) ? [] : {};
    copies.set(value, copy);
    pending.push([value, copy]);
    return copy;
  };
  const result = copyOf(root);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [source, target] = next;
    if (Array.isArray(source)) {
      for (const item of source) (target as unknown[]).push(dropped(item, mode) ? null : copyOf(item));
    } else {
      const record = source as JsonRecord;
      for (const key of Object.keys(record)) {
        const child = record[key];
        if (!dropped(child, mode)) setOwn(target as JsonRecord, key, copyOf(child));
      }
    }
  }
  return result;
}
