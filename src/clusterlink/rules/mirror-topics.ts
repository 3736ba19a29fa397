// docs/rules.md#mirror-topics: listed mirror topics and the link prefix.
import { duplicate, forbidden, invalid, required, type FieldPath } from '../field-errors.js';
import { asArray, asRecord, asString, type JsonRecord } from '../../lib/json.js';
import { MIRROR_DIRECTIONS, MIRROR_STATES } from '../enums.js';
import { ShardedStringMap, ShardedStringSet } from './sharded-map.js';
import { checkEnum, checkTopicName, Findings, isEnumSilent, isTopicName, SPEC, type RuleResult } from './common.js';

const REPLICATION_FACTOR_MAX = 32767;
const TOPICS_PATH = SPEC.child('mirrorTopics');
const PREFIX_PATH = SPEC.child('mirrorTopicOptions', 'prefix');

/** What every topic's checks share, built once per object. */
interface TopicsContext {
  out: Findings;
  topics: readonly unknown[];
  /** `spec.mirrorTopics`: item paths are built only for a finding (see validateMirrorTopics). */
  path: FieldPath;
  /** The valid names seen so far (where a name was first listed is looked up only for a duplicate). */
  names: ShardedStringSet;
  /** Where each name is first listed: made at the first duplicate. */
  firstIndex: ShardedStringMap<number> | undefined;
  /** Made at the first valid name with a "_": before it, no two names can collide in Kafka metric names. */
  byMetricName: ShardedStringMap<string> | undefined;
  /** The link prefix when it is a valid one. */
  prefix: string | undefined;
  hasPrefix: boolean;
}

export function validateMirrorTopics(spec: JsonRecord, out = new Findings()): RuleResult {
  const options = asRecord(spec['mirrorTopicOptions']);
  const rawPrefix = options?.['prefix'];
  const prefixValid = checkTopicName(out, PREFIX_PATH, rawPrefix, 'mirror-prefix-name', 'a topic-name prefix');

  // One pass over the topics (docs/performance.md#the-hot-path). Paths are built only for a finding: for 10,000
  // valid topics, five path strings each were most of this family's allocation. The checks run in the same order
  // as when every path was built up front.
  const topics = asArray(spec['mirrorTopics']) ?? [];
  const ctx: TopicsContext = {
    out,
    topics,
    path: TOPICS_PATH,
    names: new ShardedStringSet(topics.length),
    firstIndex: undefined,
    byMetricName: undefined,
    prefix: prefixValid ? asString(rawPrefix) : undefined,
    hasPrefix: rawPrefix !== undefined,
  };
  for (let i = 0; i < topics.length; i++) {
    const topic = asRecord(topics[i]);
    if (topic) checkTopic(ctx, topic, i);
  }
  return out.result();
}

function checkTopic(ctx: TopicsContext, topic: JsonRecord, i: number): void {
  const { out } = ctx;
  const topicsPath = ctx.path;
  const name = topic['name'];
  if (name === undefined)
    out.add(
      required(topicsPath.index(i).child('name'), "the mirror topic's name on this cluster"),
      'mirror-topic-name',
    );
  const nameValid =
    isTopicName(name) || checkTopicName(out, topicsPath.index(i).child('name'), name, 'mirror-topic-name');
  if (nameValid && typeof name === 'string') checkUnique(ctx, name, i);

  const state = topic['state'];
  if (!isEnumSilent(state, MIRROR_STATES))
    checkEnum(out, topicsPath.index(i).child('state'), state, MIRROR_STATES, 'enum-value');
  const direction = topic['direction'];
  if (!isEnumSilent(direction, MIRROR_DIRECTIONS))
    checkEnum(out, topicsPath.index(i).child('direction'), direction, MIRROR_DIRECTIONS, 'enum-value');

  const rf = topic['replicationFactor'];
  if (typeof rf === 'number' && Number.isInteger(rf) && (rf < 1 || rf > REPLICATION_FACTOR_MAX)) {
    out.add(
      invalid(
        topicsPath.index(i).child('replicationFactor'),
        rf,
        `must be between 1 and ${REPLICATION_FACTOR_MAX}; leave it out for the broker default`,
      ),
      'mirror-replication-factor',
    );
  }

  // most topics have no sourceTopicName: then there is nothing to check and no path to build
  const source = topic['sourceTopicName'];
  const sourceValid =
    source !== undefined &&
    (isTopicName(source) ||
      checkTopicName(out, topicsPath.index(i).child('sourceTopicName'), source, 'mirror-topic-name'));
  if (!nameValid || typeof name !== 'string') return;
  if (ctx.prefix !== undefined) checkPrefixedName(ctx, i, name, ctx.prefix, sourceValid ? source : undefined, source);
  else if (!ctx.hasPrefix && source !== undefined && sourceValid) checkSourceWithoutPrefix(ctx, i, name, source);
}

/** A name listed twice is an error; two names that share a Kafka metric name are a warning. */
function checkUnique(ctx: TopicsContext, name: string, i: number): void {
  const { out, path } = ctx;
  if (!ctx.names.add(name))
    out.add(
      duplicate(
        path.index(i).child('name'),
        name,
        `already listed at ${path.index(firstListed(ctx, name)).toString()}`,
      ),
      'mirror-topic-duplicate',
    );
  // Kafka builds metric names with "." replaced by "_", so these two topics would share metrics
  const byMetricName = ctx.byMetricName ?? (name.includes('_') ? metricNamesBefore(ctx, i) : undefined);
  if (!byMetricName) return;
  const metricName = name.replaceAll('.', '_');
  const other = byMetricName.get(metricName);
  if (other !== undefined && other !== name)
    out.warn(
      path.index(i).child('name'),
      `collides with "${other}" in Kafka metric names ("." and "_" are the same there)`,
      'mirror-topic-metric-collision',
    );
  else byMetricName.set(metricName, name);
}

/**
 * The index of the first topic named `name` (a valid name, so the first one checkUnique recorded). The index of
 * every name is made at the first duplicate, in one pass: a search per duplicate made a list of 5,000 names listed
 * twice quadratic.
 */
function firstListed(ctx: TopicsContext, name: string): number {
  ctx.firstIndex ??= firstIndexOfNames(ctx.topics);
  return ctx.firstIndex.get(name) ?? -1;
}

function firstIndexOfNames(topics: readonly unknown[]): ShardedStringMap<number> {
  const index = new ShardedStringMap<number>(topics.length);
  for (let i = 0; i < topics.length; i++) {
    const name = asRecord(topics[i])?.['name'];
    if (typeof name === 'string' && index.get(name) === undefined) index.set(name, i);
  }
  return index;
}

/**
 * The metric-name map, made at topic `i`, the first valid name with a "_", holding the valid names before it. Two
 * different names share a metric name only if one has "_" where the other has ".", so none of those earlier names
 * (all without "_") collide with each other: each is just recorded, as it was when it came.
 */
function metricNamesBefore(ctx: TopicsContext, i: number): ShardedStringMap<string> {
  const map = new ShardedStringMap<string>(ctx.topics.length);
  for (let j = 0; j < i; j++) {
    const name = asRecord(ctx.topics[j])?.['name'];
    if (isTopicName(name)) map.set(name.replaceAll('.', '_'), name);
  }
  ctx.byMetricName = map;
  return map;
}

/** `spec.mirrorTopics[i].name`, built only for a finding. */
const nameField = (ctx: TopicsContext, i: number): FieldPath => ctx.path.index(i).child('name');

/** With a link prefix the mirror's name is prefix + source topic. `validSource` is the source when it is valid. */
function checkPrefixedName(
  ctx: TopicsContext,
  i: number,
  name: string,
  prefix: string,
  validSource: unknown,
  source: unknown,
): void {
  if (typeof validSource === 'string') {
    // name === prefix + source, without building that string for every valid topic
    const matches =
      name.length === prefix.length + validSource.length && name.startsWith(prefix) && name.endsWith(validSource);
    if (!matches)
      ctx.out.add(
        invalid(nameField(ctx, i), name, `must be "${prefix + validSource}" (prefix "${prefix}" + sourceTopicName)`),
        'mirror-prefix-match',
      );
  } else if (source === undefined) {
    const detail =
      name === prefix
        ? `must be longer than the link prefix "${prefix}": add the source topic name after it`
        : `must start with the link prefix "${prefix}" (or set sourceTopicName and name it "${prefix}<sourceTopicName>")`;
    ctx.out.add(invalid(nameField(ctx, i), name, detail), 'mirror-prefix-match');
  }
}

/** Without a link prefix the source topic is the mirror's own name. */
function checkSourceWithoutPrefix(ctx: TopicsContext, i: number, name: string, source: unknown): void {
  const path = ctx.path.index(i).child('sourceTopicName');
  if (source === name)
    ctx.out.warn(
      path,
      "redundant: without a link prefix the source topic has the mirror's name",
      'mirror-source-topic-redundant',
    );
  else
    ctx.out.add(
      forbidden(path, `needs mirrorTopicOptions.prefix; without one the source topic is "${name}" (the mirror's name)`),
      'mirror-source-topic-needs-prefix',
    );
}
