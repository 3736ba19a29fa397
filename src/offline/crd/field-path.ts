// Between three spellings of one place in an object: ajv's JSON Pointer segments, the API server's field path
// (`spec.mirrorTopics[0].state`, map keys as `configs[cleanup.policy]`) and the path segments the YAML locator takes.
import type { CrdSchema } from './types.js';

/** The field path of `segments` in an object of `schema`: declared properties as `.name`, map keys as `[key]`. */
export function fieldPathOf(segments: readonly string[], schema: CrdSchema | undefined): string {
  let path = '';
  let node = schema;
  for (const segment of segments) {
    if (node?.type === 'array' || (node === undefined && /^\d+$/.test(segment))) {
      path += `[${segment}]`;
      node = node?.items;
    } else if (node && !node.properties && typeof node.additionalProperties === 'object') {
      path += `[${segment}]`;
      node = node.additionalProperties;
    } else {
      path = path === '' ? segment : `${path}.${segment}`;
      node = node?.properties?.[segment];
    }
  }
  return path;
}

/** A field path back into segments: `a.b[0][k.x]` → ['a', 'b', 0, 'k.x']; bracketed digits are list indexes. */
export function segmentsOf(fieldPath: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of fieldPath.matchAll(/\[([^\]]*)\]|\.?([^.[\]]+)/g)) {
    if (m[1] !== undefined) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    else if (m[2] !== undefined) out.push(m[2]);
  }
  return out;
}
