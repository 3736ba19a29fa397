// docs/rules.md#updates: what may not change on UPDATE, and mirror-state transitions.
import { forbidden, invalid, type FieldPath } from '../field-errors.js';
import { asArray, asRecord, asString, isDeepEqual, type JsonRecord } from '../../lib/json.js';
import { Findings, SPEC, type RuleResult } from './common.js';
import { CLUSTER_KEYS } from './cluster-refs.js';

const RECREATE = 'field is immutable: the link fixes it at creation; delete and recreate the ClusterLink to change it';
const FINAL_STATES = new Set(['PROMOTE', 'FAILOVER']);

/** Without a prefix the source topic is the mirror's own name, whether or not sourceTopicName says so. */
const sourceOf = (t: JsonRecord): unknown => t['sourceTopicName'] ?? t['name'];

/** `spec.mirrorTopics[i]`, built only for a finding (most existing topics have none). */
const topicPath = (index: number): FieldPath => SPEC.child('mirrorTopics').index(index);

function topicsByName(spec: JsonRecord): Map<string, { index: number; topic: JsonRecord }> {
  const map = new Map<string, { index: number; topic: JsonRecord }>();
  (asArray(spec['mirrorTopics']) ?? []).forEach((item, index) => {
    const topic = asRecord(item);
    const name = asString(topic?.['name']);
    if (topic && name !== undefined && !map.has(name)) map.set(name, { index, topic });
  });
  return map;
}

export function validateUpdate(spec: JsonRecord, oldSpec: JsonRecord, out = new Findings()): RuleResult {
  checkLinkIdentity(out, spec, oldSpec);
  const oldTopics = topicsByName(oldSpec);
  const newTopics = topicsByName(spec);
  for (const [name, { index, topic }] of newTopics) {
    const before = oldTopics.get(name)?.topic;
    if (before) checkExistingTopic(out, name, index, topic, before);
  }
  const deletes = asRecord(spec['mirrorTopicOptions'])?.['deleteRemovedMirrorTopics'] !== false;
  for (const name of oldTopics.keys()) {
    if (newTopics.has(name)) continue;
    out.warn(
      SPEC.child('mirrorTopics'),
      deletes
        ? `"${name}" removed: it will be deleted on the destination (deleteRemovedMirrorTopics)`
        : `"${name}" removed: it stays on the destination (deleteRemovedMirrorTopics is false)`,
      'mirror-topic-removed',
    );
  }
  return out.result();
}

/** What the link fixes at creation: its name, its type and mode, the clusters it joins, the mirror prefix. */
function checkLinkIdentity(out: Findings, spec: JsonRecord, oldSpec: JsonRecord): void {
  if (oldSpec['name'] !== undefined && !isDeepEqual(spec['name'], oldSpec['name'])) {
    out.add(invalid(SPEC.child('name'), spec['name'], RECREATE), 'immutable-link-name');
  }

  const sil = asRecord(spec['sourceInitiatedLink']);
  const oldSil = asRecord(oldSpec['sourceInitiatedLink']);
  if ((sil === undefined) !== (oldSil === undefined)) {
    out.add(
      forbidden(
        SPEC.child('sourceInitiatedLink'),
        `may not be ${sil ? 'added' : 'removed'}: the link type is fixed at creation; create a new ClusterLink`,
      ),
      'immutable-link-type',
    );
  } else if (sil && oldSil && !isDeepEqual(sil['linkMode'], oldSil['linkMode'])) {
    out.add(invalid(SPEC.child('sourceInitiatedLink', 'linkMode'), sil['linkMode'], RECREATE), 'immutable-link-type');
  }

  for (const key of CLUSTER_KEYS) {
    const oldId = asRecord(oldSpec[key])?.['clusterID'];
    const newId = asRecord(spec[key])?.['clusterID'];
    if (typeof oldId === 'string' && oldId !== '' && newId !== oldId) {
      out.add(
        invalid(
          SPEC.child(key, 'clusterID'),
          newId,
          `field is immutable once set (was "${oldId}"): a link cannot move to another cluster`,
        ),
        'immutable-cluster-id',
      );
    }
  }

  const prefix = asRecord(spec['mirrorTopicOptions'])?.['prefix'];
  const oldPrefix = asRecord(oldSpec['mirrorTopicOptions'])?.['prefix'];
  if (!isDeepEqual(prefix, oldPrefix)) {
    out.add(invalid(SPEC.child('mirrorTopicOptions', 'prefix'), prefix, RECREATE), 'immutable-prefix');
  }
}

/** A mirror topic in both versions: its source and replication factor are fixed, a final state is final. */
function checkExistingTopic(out: Findings, name: string, index: number, topic: JsonRecord, before: JsonRecord): void {
  if (!isDeepEqual(sourceOf(topic), sourceOf(before))) {
    out.add(
      invalid(
        topicPath(index).child('sourceTopicName'),
        topic['sourceTopicName'],
        `field is immutable for an existing mirror topic (was ${JSON.stringify(sourceOf(before))})`,
      ),
      'immutable-mirror-source',
    );
  }
  if (!isDeepEqual(topic['replicationFactor'], before['replicationFactor'])) {
    const was = JSON.stringify(before['replicationFactor'] ?? 'the broker default');
    out.add(
      invalid(
        topicPath(index).child('replicationFactor'),
        topic['replicationFactor'],
        `field is immutable for an existing mirror topic (was ${was})`,
      ),
      'immutable-replication-factor',
    );
  }
  const oldState = asString(before['state']);
  const newState = topic['state'];
  // PROMOTE → FAILOVER is an escalation (docs/rules.md#updates): a promote stuck in PENDING_STOPPED (source down)
  // can be finished by a failover, which does not need the source; every other change of a final state is refused.
  const escalation = oldState === 'PROMOTE' && newState === 'FAILOVER';
  if (oldState !== undefined && FINAL_STATES.has(oldState) && newState !== oldState && !escalation) {
    const done = oldState === 'PROMOTE' ? 'promoted' : 'failed over';
    out.add(
      forbidden(
        topicPath(index).child('state'),
        `"${name}" was ${done} and is no longer a mirror: its state cannot change from ${oldState}`,
      ),
      'mirror-state-final',
    );
  }
}
