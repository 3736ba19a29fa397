// The defaults as RFC 6902 operations, recorded while defaulting (docs/rules.md#defaults, docs/performance.md#mutate):
// /mutate sends them as its JSON Patch without copying the object, diffing a defaulted copy against it, or
// re-applying the result. Each default lands in a record that exists (a default never creates a parent), so an op is
// an `add` (the key is absent) or a `replace` (the key holds null, which the API server treats as unset).
//
// The order of the operations is the one the diff-based patch had (fast-json-patch `compare` of the original and
// the defaulted object), kept so every answer stays byte for byte what it was (test/fixtures/mutate): in each
// object, its members in reverse order (recursing into objects and arrays, a `replace` for a null that got a value),
// then an `add` for each new member in the order the defaults were set.
import type { JsonRecord } from '../lib/json.js';

/** Where a record sits in the object: the key chain from the root, one link per record visited. */
export interface Place {
  readonly up: Place | undefined;
  readonly key: string | number;
}

/** One default as a JSON Patch operation; `value` is what the default wrote. */
export interface DefaultOperation {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** A container on the way to a default: what is recorded in it and below it. */
interface Node {
  container: JsonRecord | readonly unknown[];
  pointer: string;
  /** Nodes below, by member name (a record) or index (an array). */
  members: Map<string, Node> | undefined;
  items: Array<Node | undefined> | undefined;
  /** `replace` ops by key: a member that held null. */
  replaces: Map<string, DefaultOperation> | undefined;
  /** `add` ops in the order the defaults were set: the first, then any more (most records get one or two). */
  add: DefaultOperation | undefined;
  moreAdds: DefaultOperation[] | undefined;
}

/** RFC 6901 escaping of one segment (`~` before `/`); the defaults' own keys never need it, so test first. */
function segment(key: string | number): string {
  if (typeof key === 'number') return String(key);
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

const node = (container: JsonRecord | readonly unknown[], pointer: string): Node => ({
  container,
  pointer,
  members: undefined,
  items: undefined,
  replaces: undefined,
  add: undefined,
  moreAdds: undefined,
});

/** Collects the defaults set in `root` (which it never writes) and hands them out as a JSON Patch. */
export class DefaultsPatchRecorder {
  private readonly root: Node;
  // The defaults of one record are offered one after the other: the last place found is usually the next one.
  private lastPlace: Place | undefined;
  private lastNode: Node | undefined;
  // The same for a list item (the items of a list are offered with the list's place and their index).
  private lastList: Place | undefined;
  private lastItem = -1;
  private lastItemNode: Node | undefined;
  private count = 0;

  constructor(root: JsonRecord) {
    this.root = node(root, '');
  }

  /**
   * Records `record[key] = value` when the key is unset (absent, or null). `record` sits at `at` when `item` is −1,
   * else it is item `item` of the list at `at` (so no place is made per list item).
   */
  record(record: JsonRecord, key: string, value: unknown, at: Place, item: number): void {
    const current = record[key];
    if (current !== undefined && current !== null) return;
    const target = item < 0 ? this.nodeAt(at) : this.itemNode(at, item);
    const op: DefaultOperation = {
      op: current === null ? 'replace' : 'add',
      path: `${target.pointer}/${segment(key)}`,
      value,
    };
    if (op.op === 'replace') {
      target.replaces ??= new Map();
      if (target.replaces.has(key)) return;
      target.replaces.set(key, op);
    } else {
      if (target.add === undefined) target.add = op;
      else if (target.add.path === op.path || target.moreAdds?.some((known) => known.path === op.path)) return;
      else (target.moreAdds ??= []).push(op);
    }
    this.count++;
  }

  /** The operations, in the order described at the top of this file. */
  operations(): DefaultOperation[] {
    const out: DefaultOperation[] = [];
    if (this.count > 0) emit(this.root, out);
    return out;
  }

  private itemNode(list: Place, item: number): Node {
    if (list === this.lastList && item === this.lastItem && this.lastItemNode) return this.lastItemNode;
    const found = childNode(this.nodeAt(list), item);
    this.lastList = list;
    this.lastItem = item;
    this.lastItemNode = found;
    return found;
  }

  private nodeAt(at: Place): Node {
    if (at === this.lastPlace && this.lastNode) return this.lastNode;
    const found = childNode(at.up === undefined ? this.root : this.nodeAt(at.up), at.key);
    this.lastPlace = at;
    this.lastNode = found;
    return found;
  }
}

/** The node of `parent`'s member or item `key`, made on first use. */
function childNode(parent: Node, key: string | number): Node {
  const known = typeof key === 'number' ? parent.items?.[key] : parent.members?.get(key);
  if (known) return known;
  const container = (parent.container as Record<string | number, unknown>)[key];
  const pointer = `${parent.pointer}/${segment(key)}`;
  if (typeof container !== 'object' || container === null) throw new Error(`defaults: no object at ${pointer}`);
  const child = node(container as JsonRecord | unknown[], pointer);
  if (typeof key === 'number') (parent.items ??= [])[key] = child;
  else (parent.members ??= new Map()).set(key, child);
  return child;
}

/** fast-json-patch `compare` order: members in reverse (children and replaces), then the adds. */
function emit(at: Node, out: DefaultOperation[]): void {
  const { items, members, replaces, add, moreAdds, container } = at;
  if (items !== undefined) {
    for (let i = items.length - 1; i >= 0; i--) {
      const child = items[i];
      if (child) emit(child, out);
    }
  } else if (members !== undefined || replaces !== undefined) {
    const keys = Object.keys(container);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const child = members?.get(key);
      if (child) emit(child, out);
      const replace = replaces?.get(key);
      if (replace) out.push(replace);
    }
  }
  if (add !== undefined) out.push(add);
  if (moreAdds !== undefined) for (const op of moreAdds) out.push(op);
}
