// The pair rules of docs/rules.md#pairs: the two halves of a source-initiated or bidirectional link together.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPair } from '../../src/clusterlink/index.js';
import { bidirectional, destinationMode, edit, sourceMode, type Json } from './support.js';

const S = 'spec.sourceKafkaCluster';
const T = 'spec.destinationKafkaCluster';
/** Source half: local source cluster src-id (REST class), remote destination dst-id. */
const source = (): Json => edit(sourceMode(), { 'spec.name': 'l', [`${S}.clusterID`]: 'src-id' });
/** Destination half: remote source src-id, local destination. */
const destination = (): Json => edit(destinationMode(), { 'spec.name': 'l' });
const east = (): Json =>
  edit(bidirectional(), { 'spec.name': 'ew', [`${T}.clusterID`]: 'east-id', [`${S}.clusterID`]: 'west-id' });
const west = (): Json =>
  edit(bidirectional(), {
    'spec.name': 'ew',
    [`${T}.clusterID`]: 'west-id',
    [`${S}.clusterID`]: 'east-id',
    'spec.sourceInitiatedLink.connectionMode': 'Inbound',
  });

const cases: Array<{ name: string; a: Json; b: Json; rules: string[]; first?: 0 | 1 }> = [
  { name: 'Source + Destination: OK, the Destination half first', a: source(), b: destination(), rules: [], first: 1 },
  { name: 'Destination + Source: the order follows the modes', a: destination(), b: source(), rules: [], first: 0 },
  {
    name: 'different link names',
    a: source(),
    b: edit(destination(), { 'spec.name': 'other' }),
    rules: ['pair-link-name'],
    first: 1,
  },
  {
    name: 'the link name from metadata.name when spec.name is absent',
    a: edit(source(), { 'spec.name': undefined }),
    b: edit(destination(), { 'spec.name': undefined }),
    rules: [],
    first: 1,
  },
  {
    name: 'source cluster IDs that disagree',
    a: source(),
    b: edit(destination(), { [`${S}.clusterID`]: 'another-id' }),
    rules: ['pair-cluster-id'],
    first: 1,
  },
  { name: 'two Source halves', a: source(), b: source(), rules: ['pair-link-modes'] },
  { name: 'Source + Bidirectional', a: source(), b: east(), rules: ['pair-link-name', 'pair-link-modes'] },
  { name: 'Bidirectional Outbound + Inbound: OK, the Inbound half first', a: east(), b: west(), rules: [], first: 1 },
  {
    name: 'Bidirectional Outbound + Outbound: OK, any order',
    a: east(),
    b: edit(west(), { 'spec.sourceInitiatedLink.connectionMode': 'Outbound' }),
    rules: [],
  },
  {
    name: 'Bidirectional Inbound + Inbound: nobody connects',
    a: edit(east(), { 'spec.sourceInitiatedLink.connectionMode': 'Inbound' }),
    b: west(),
    rules: ['pair-connection-modes'],
  },
  {
    name: 'Bidirectional halves that name the same cluster as their own',
    a: east(),
    b: edit(west(), { [`${T}.clusterID`]: 'east-id' }),
    rules: ['pair-cluster-id'],
    first: 1,
  },
];

describe('pairs', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = checkPair(c.a, c.b);
      assert.deepEqual(
        result.errors.map((e) => e.rule),
        c.rules,
      );
      assert.equal(result.createFirst?.index, c.first);
      for (const e of result.errors) assert.match(e.field, /^B: spec\./);
    });
  }
});
