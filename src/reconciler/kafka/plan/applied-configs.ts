// What this reconciler applied to a link, remembered without values (docs/reconciler.md#applied-configs):
// key → the first 16 hex digits of sha256(key, value). Secret-carrying configs come back from the server without
// a value, so their digest is the only way to tell a rotated password or a renewed certificate from an unchanged
// one; the set of keys is how a key removed from spec.configs is recognised as ours to reset.
import { createHash } from 'node:crypto';

export type AppliedConfigs = Record<string, string>;

/** Short, salted by the key so equal values of two keys do not share a digest. Not reversible. */
export function configDigest(key: string, value: string): string {
  return createHash('sha256').update(key).update('\0').update(value).digest('hex').slice(0, 16);
}

export function digestsOf(configs: ReadonlyMap<string, string>): AppliedConfigs {
  const out: AppliedConfigs = {};
  for (const k of [...configs.keys()].sort()) out[k] = configDigest(k, configs.get(k) as string);
  return out;
}

/** Parses the annotation's JSON; anything that is not a flat string map counts as nothing recorded. */
export function parseAppliedConfigs(text: string | undefined): AppliedConfigs | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const out: AppliedConfigs = {};
    for (const [k, d] of Object.entries(v as Record<string, unknown>)) if (typeof d === 'string') out[k] = d;
    return out;
  } catch {
    return undefined;
  }
}

/** Stable JSON for the annotation (sorted keys), so an unchanged record never causes a write. */
export function formatAppliedConfigs(applied: AppliedConfigs): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(applied)
        .sort()
        .map((k) => [k, applied[k]]),
    ),
  );
}

export function sameAppliedConfigs(a: AppliedConfigs | undefined, b: AppliedConfigs | undefined): boolean {
  return a !== undefined && b !== undefined && formatAppliedConfigs(a) === formatAppliedConfigs(b);
}
