// SPEC §4.6: listed mirror topics and the link prefix.
import { duplicate, forbidden, invalid, required } from '../field-errors.js';
import { asArray, asRecord, asString, type JsonRecord } from '../json.js';
import { MIRROR_DIRECTIONS, MIRROR_STATES } from '../enums.js';
import { checkEnum, checkTopicName, Findings, SPEC, type RuleResult } from './common.js';

const REPLICATION_FACTOR_MAX = 32767;

export function validateMirrorTopics(spec: JsonRecord): RuleResult {
  const out = new Findings();
  const options = asRecord(spec['mirrorTopicOptions']);
  const prefixPath = SPEC.child('mirrorTopicOptions', 'prefix');
  const rawPrefix = options?.['prefix'];
  const prefixValid = checkTopicName(out, prefixPath, rawPrefix, 'a topic-name prefix');
  const prefix = prefixValid ? asString(rawPrefix) : undefined;
  const hasPrefix = rawPrefix !== undefined;

  const path = SPEC.child('mirrorTopics');
  const byName = new Map<string, number>();
  const byMetricName = new Map<string, string>();
  (asArray(spec['mirrorTopics']) ?? []).forEach((item, i) => {
    const topic = asRecord(item);
    if (!topic) return;
    const itemPath = path.index(i);
    const namePath = itemPath.child('name');
    const name = topic['name'];
    if (name === undefined) out.add(required(namePath, 'the mirror topic\'s name on this cluster'));
    const nameValid = checkTopicName(out, namePath, name);

    if (nameValid && typeof name === 'string') {
      const first = byName.get(name);
      if (first !== undefined) out.add(duplicate(namePath, name, `already listed at ${path.index(first).toString()}`));
      else byName.set(name, i);
      // Kafka builds metric names with "." replaced by "_", so these two topics would share metrics
      const metricName = name.replace(/\./g, '_');
      const other = byMetricName.get(metricName);
      if (other !== undefined && other !== name) out.warn(namePath, `collides with "${other}" in Kafka metric names ("." and "_" are the same there)`);
      else byMetricName.set(metricName, name);
    }

    checkEnum(out, itemPath.child('state'), topic['state'], MIRROR_STATES);
    checkEnum(out, itemPath.child('direction'), topic['direction'], MIRROR_DIRECTIONS);

    const rf = topic['replicationFactor'];
    if (typeof rf === 'number' && Number.isInteger(rf) && (rf < 1 || rf > REPLICATION_FACTOR_MAX)) {
      out.add(invalid(itemPath.child('replicationFactor'), rf, `must be between 1 and ${REPLICATION_FACTOR_MAX}; leave it out for the broker default`));
    }

    const sourcePath = itemPath.child('sourceTopicName');
    const source = topic['sourceTopicName'];
    const sourceValid = checkTopicName(out, sourcePath, source);
    if (!nameValid || typeof name !== 'string') return;
    if (prefix !== undefined) {
      if (sourceValid && typeof source === 'string') {
        const expected = prefix + source;
        if (name !== expected) out.add(invalid(namePath, name, `must be "${expected}" (prefix "${prefix}" + sourceTopicName)`));
      } else if (source === undefined) {
        const detail = name === prefix
          ? `must be longer than the link prefix "${prefix}": add the source topic name after it`
          : `must start with the link prefix "${prefix}" (or set sourceTopicName and name it "${prefix}<sourceTopicName>")`;
        out.add(invalid(namePath, name, detail));
      }
    } else if (!hasPrefix && source !== undefined && sourceValid) {
      if (source === name) out.warn(sourcePath, 'redundant: without a link prefix the source topic has the mirror\'s name');
      else out.add(forbidden(sourcePath, `needs mirrorTopicOptions.prefix; without one the source topic is "${name}" (the mirror's name)`));
    }
  });
  return out.result();
}
