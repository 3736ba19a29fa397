// Defaults of docs/rules.md#defaults. Fills only what is missing (never a value the user set), never creates a
// parent object, keeps unknown fields, and a second run changes nothing. One walk offers every default; it either
// writes them into a deep copy (applyDefaults), only looks (needsDefaults), or records them as the JSON Patch that
// /mutate sends (defaultsPatch), without copying the object (docs/performance.md#mutate).
import { asArray, asRecord, asString, deepCopy, type JsonRecord } from '../lib/json.js';
import { isBeingDeleted } from './metadata.js';
import type { RuleContext } from './context.js';
import { DefaultsPatchRecorder, type DefaultOperation, type Place } from './defaults-patch.js';

export type { DefaultOperation } from './defaults-patch.js';

/** True when the key is absent or null (which the API server treats as unset): a default may go there. */
function isUnset(record: JsonRecord | undefined, key: string): record is JsonRecord {
  if (record === undefined) return false;
  // one read: `key` varies, so each `record[key]` is a generic keyed lookup (mirror topics come in many shapes)
  const value = record[key];
  return value === undefined || value === null;
}

/**
 * Called for each default of docs/rules.md#defaults that applies to an object, in order; `record` may be undefined
 * (no parent). `record` sits at `at` when `item` is −1, else it is item `item` of the list at `at`: mirror topics
 * and filters get no place object of their own (10,000 topics made 10,000 of them per call).
 */
type Filler = (record: JsonRecord | undefined, key: string, value: unknown, at: Place, item: number) => void;
const OWN_PLACE = -1;

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
 * The JSON Patch that turns `object` into `applyDefaults(object, ctx)`: `add`/`replace` operations only, in the
 * order of the diff-based patch this replaced (src/clusterlink/defaults-patch.ts). `object` is only read.
 */
export function defaultsPatch(object: JsonRecord, ctx: RuleContext): DefaultOperation[] {
  const recorder = new DefaultsPatchRecorder(object);
  visitDefaults(object, ctx, (record, key, value, at, item) => {
    if (record !== undefined) recorder.record(record, key, value, at, item);
  });
  return recorder.operations();
}

// The places of the records the defaults write into; one link more per array item.
const SPEC: Place = { up: undefined, key: 'spec' };
const CLUSTER_REFS = ['sourceKafkaCluster', 'destinationKafkaCluster'].map((key): [string, Place] => [
  key,
  { up: { up: SPEC, key }, key: 'kafkaRestClassRef' },
]);
const CONSUMER_GROUP_FILTERS: Place = { up: SPEC, key: 'consumerGroupFilters' };
const ACL_FILTERS: Place = { up: SPEC, key: 'aclFilters' };
const MIRROR_TOPICS: Place = { up: SPEC, key: 'mirrorTopics' };
const SOURCE_INITIATED_LINK: Place = { up: SPEC, key: 'sourceInitiatedLink' };

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
  if (metaName) fill(spec, 'name', metaName, SPEC, OWN_PLACE);

  const namespace = ctx.namespace || asString(metadata?.['namespace']);
  for (const [clusterKey, at] of CLUSTER_REFS) {
    const ref = asRecord(asRecord(spec[clusterKey])?.['kafkaRestClassRef']);
    if (namespace) fill(ref, 'namespace', namespace, at, OWN_PLACE);
  }

  const groupFilters = asArray(spec['consumerGroupFilters']) ?? [];
  for (let i = 0; i < groupFilters.length; i++) {
    const filter = asRecord(groupFilters[i]);
    if (filter === undefined) continue;
    fill(filter, 'name', '*', CONSUMER_GROUP_FILTERS, i);
    fill(filter, 'patternType', 'LITERAL', CONSUMER_GROUP_FILTERS, i);
  }

  const aclFilters = asArray(spec['aclFilters']) ?? [];
  for (let i = 0; i < aclFilters.length; i++) {
    const filter = asRecord(aclFilters[i]);
    if (filter === undefined) continue;
    const item: Place = { up: ACL_FILTERS, key: i };
    const access = asRecord(filter['accessFilter']);
    const accessAt: Place = { up: item, key: 'accessFilter' };
    fill(access, 'host', '*', accessAt, OWN_PLACE);
    fill(access, 'principal', '*', accessAt, OWN_PLACE);
    fill(asRecord(filter['resourceFilter']), 'name', '*', { up: item, key: 'resourceFilter' }, OWN_PLACE);
  }

  visitMirrorTopicDefaults(spec, fill);

  const sourceInitiated = asRecord(spec['sourceInitiatedLink']);
  if (sourceInitiated?.['linkMode'] === 'Bidirectional')
    fill(sourceInitiated, 'connectionMode', 'Outbound', SOURCE_INITIATED_LINK, OWN_PLACE);
}

/** Each mirror topic's state, and its sourceTopicName when the link prefix makes it unambiguous. */
function visitMirrorTopicDefaults(spec: JsonRecord, fill: Filler): void {
  const prefix = asString(asRecord(spec['mirrorTopicOptions'])?.['prefix']);
  const topics = asArray(spec['mirrorTopics']) ?? [];
  for (let i = 0; i < topics.length; i++) {
    const topic = asRecord(topics[i]);
    if (topic === undefined) continue;
    fill(topic, 'state', 'ACTIVE', MIRROR_TOPICS, i);
    const name = asString(topic['name']);
    // the source topic is the mirror's name without the link prefix (only when that is unambiguous); the slice
    // is only made when the field is unset (one string per topic otherwise)
    if (
      prefix &&
      name !== undefined &&
      name.startsWith(prefix) &&
      name.length > prefix.length &&
      isUnset(topic, 'sourceTopicName')
    ) {
      fill(topic, 'sourceTopicName', name.slice(prefix.length), MIRROR_TOPICS, i);
    }
  }
}
