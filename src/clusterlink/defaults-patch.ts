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
  /** The second (a mirror topic's sourceTopicName after its state): no array for the commonest pair. */
  add2: DefaultOperation | undefined;
  moreAdds: DefaultOperation[] | undefined;
}

/** RFC 6901 escaping of one segment (`~` before `/`); the defaults' own keys never need it, so test first. */
function segment(key: string | number): string {
  if (typeof key === 'number') return String(key);
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/**
 * `/` + the escaped key, kept per key: the keys are the defaults' own few field names, and each operation's path is
 * then one concatenation. Bounded all the same, in case a caller ever passes keys from the object.
 */
const slashSegments = new Map<string, string>();
function slashSegment(key: string): string {
  let known = slashSegments.get(key);
  if (known === undefined) {
    known = `/${segment(key)}`;
    if (slashSegments.size < 256) slashSegments.set(key, known);
  }
  return known;
}

const node = (container: JsonRecord | readonly unknown[], pointer: string): Node => ({
  container,
  pointer,
  members: undefined,
  items: undefined,
  replaces: undefined,
  add: undefined,
  add2: undefined,
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
      path: target.pointer + slashSegment(key),
      value,
    };
    if (op.op === 'replace') {
      target.replaces ??= new Map();
      if (target.replaces.has(key)) return;
      target.replaces.set(key, op);
    } else {
      if (target.add === undefined) target.add = op;
      else if (target.add.path === op.path || target.add2?.path === op.path) return;
      else if (target.add2 === undefined) target.add2 = op;
      else if (target.moreAdds?.some((known) => known.path === op.path)) return;
      else (target.moreAdds ??= []).push(op);
    }
    this.count++;
  }

  /** The operations, in the order described at the top of this file. */
  operations(): DefaultOperation[] {
    // made at its final length: for 10,000 topics, growing it op by op copied it over and over
    const out = new Array<DefaultOperation>(this.count);
    const written = this.count > 0 ? emit(this.root, out, 0) : 0;
    // every recorded operation sits in a member the walk reaches; should one not, leave no hole at the end
    if (written !== out.length) out.length = written;
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

/**
 * fast-json-patch `compare` order: members in reverse (children and replaces), then the adds. Writes from
 * `out[next]` on and returns the index after the last operation written.
 */
function emit(at: Node, out: DefaultOperation[], next: number): number {
  const { items, members, replaces, add, add2, moreAdds, container } = at;
  let k = next;
  if (items !== undefined) {
    for (let i = items.length - 1; i >= 0; i--) {
      const child = items[i];
      if (child) k = emit(child, out, k);
    }
  } else if (members !== undefined || replaces !== undefined) {
    const keys = Object.keys(container);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const child = members?.get(key);
      if (child) k = emit(child, out, k);
      const replace = replaces?.get(key);
      if (replace) out[k++] = replace;
    }
  }
  if (add !== undefined) out[k++] = add;
  if (add2 !== undefined) out[k++] = add2;
  if (moreAdds !== undefined) for (const op of moreAdds) out[k++] = op;
  return k;
}
