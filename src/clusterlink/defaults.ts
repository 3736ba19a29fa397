// Defaults of docs/rules.md#defaults. Works on a deep copy, fills only what is missing (never a value the user
// set), never creates a parent object, keeps unknown fields: diffing input vs output gives a
// minimal add-only JSON Patch, and a second run changes nothing.
import { asArray, asRecord, asString, deepCopy, type JsonRecord } from '../lib/json.js';
import { isBeingDeleted } from './metadata.js';
import type { RuleContext } from './context.js';

/** True when the key is absent or null (which the API server treats as unset): a default may go there. */
function isUnset(record: JsonRecord | undefined, key: string): record is JsonRecord {
  return record !== undefined && (record[key] === undefined || record[key] === null);
}

/** Called for each default of docs/rules.md#defaults that applies to an object, in order; `record` may be undefined (no parent). */
type Filler = (record: JsonRecord | undefined, key: string, value: unknown) => void;

/** Sets `record[key] = value` only when the key is unset: never a value the user set. */
const writeDefault: Filler = (record, key, value) => {
  if (isUnset(record, key)) record[key] = value;
};

/** Returns the defaulted deep copy; anything that is not an object comes back as an unchanged copy. */
export function applyDefaults(object: unknown, ctx: RuleContext): unknown {
  const copy: unknown = deepCopy(object);
  visitDefaults(copy, ctx, writeDefault);
  return copy;
}

/**
 * True when applyDefaults would change anything in `object`, found without copying it. Validating an object that
 * is already defaulted (/mutate ran first) can then read it as it is instead of copying it.
 */
export function needsDefaults(object: unknown, ctx: RuleContext): boolean {
  let needed = false;
  visitDefaults(object, ctx, (record, key) => {
    if (!needed && isUnset(record, key)) needed = true;
  });
  return needed;
}

/**
 * Offers each default of docs/rules.md#defaults to `fill`, in order. It reads only fields no default writes, so whether `fill`
 * writes or only looks, it is offered the same defaults.
 */
function visitDefaults(object: unknown, ctx: RuleContext, fill: Filler): void {
  const root = asRecord(object);
  if (root === undefined || isBeingDeleted(root)) return;
  const metadata = asRecord(root['metadata']);
  const spec = asRecord(root['spec']);
  if (spec === undefined) return;

  // spec.name ← metadata.name (with generateName only, the name is not known yet: leave it)
  const metaName = asString(metadata?.['name']);
  if (metaName) fill(spec, 'name', metaName);

  const namespace = ctx.namespace || asString(metadata?.['namespace']);
  for (const clusterKey of ['sourceKafkaCluster', 'destinationKafkaCluster']) {
    const ref = asRecord(asRecord(spec[clusterKey])?.['kafkaRestClassRef']);
    if (namespace) fill(ref, 'namespace', namespace);
  }

  for (const item of asArray(spec['consumerGroupFilters']) ?? []) {
    const filter = asRecord(item);
    fill(filter, 'name', '*');
    fill(filter, 'patternType', 'LITERAL');
  }

  for (const item of asArray(spec['aclFilters']) ?? []) {
    const filter = asRecord(item);
    const access = asRecord(filter?.['accessFilter']);
    fill(access, 'host', '*');
    fill(access, 'principal', '*');
    fill(asRecord(filter?.['resourceFilter']), 'name', '*');
  }

  visitMirrorTopicDefaults(spec, fill);

  const sourceInitiated = asRecord(spec['sourceInitiatedLink']);
  if (sourceInitiated?.['linkMode'] === 'Bidirectional') fill(sourceInitiated, 'connectionMode', 'Outbound');
}

/** Each mirror topic's state, and its sourceTopicName when the link prefix makes it unambiguous. */
function visitMirrorTopicDefaults(spec: JsonRecord, fill: Filler): void {
  const prefix = asString(asRecord(spec['mirrorTopicOptions'])?.['prefix']);
  for (const item of asArray(spec['mirrorTopics']) ?? []) {
    const topic = asRecord(item);
    fill(topic, 'state', 'ACTIVE');
    const name = asString(topic?.['name']);
    // the source topic is the mirror's name without the link prefix (only when that is unambiguous); the slice
    // is only made when the field is unset (one string per topic otherwise)
    if (
      prefix &&
      name !== undefined &&
      name.startsWith(prefix) &&
      name.length > prefix.length &&
      isUnset(topic, 'sourceTopicName')
    ) {
      fill(topic, 'sourceTopicName', name.slice(prefix.length));
    }
  }
}
