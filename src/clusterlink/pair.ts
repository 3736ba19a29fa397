// The two halves of a source-initiated or bidirectional link (docs/rules.md#pairs), checked together: the same
// cluster link name, complementary modes, cluster IDs that agree, and which half is created first. Pure; takes the
// two objects as the rules see them (defaulted).
import { FieldPath, invalid, type FieldError } from './field-errors.js';
import { asRecord, asString, type JsonRecord } from '../lib/json.js';
import { linkTypeOf, type LinkType } from './rules/common.js';
import type { RuleId } from './rule-ids.js';

export interface PairResult {
  /** Errors about the pair; each field is prefixed with the half it is in (`A: spec.name`). */
  errors: FieldError[];
  /** 0 or 1: the half to create first, and why. */
  createFirst?: { index: 0 | 1; why: string };
}

const tag = (e: FieldError, rule: RuleId, half: string): FieldError => ({ ...e, field: `${half}: ${e.field}`, rule });

const specOf = (o: unknown): JsonRecord => asRecord(asRecord(o)?.['spec']) ?? {};
const nameOf = (o: unknown): string | undefined =>
  asString(specOf(o)['name']) ?? asString(asRecord(asRecord(o)?.['metadata'])?.['name']);
const clusterId = (o: unknown, side: 'sourceKafkaCluster' | 'destinationKafkaCluster'): string | undefined =>
  asString(asRecord(specOf(o)[side])?.['clusterID']) || undefined;
const connectionMode = (o: unknown): string =>
  asString(asRecord(specOf(o)['sourceInitiatedLink'])?.['connectionMode']) ?? 'Outbound';

const SPEC = FieldPath.root('spec');

/**
 * The cluster each block of a half names, as "local" (where the CR is created) or "remote": the other half must name
 * the same clusters the other way round.
 */
function sameCluster(
  out: FieldError[],
  a: unknown,
  aSide: 'sourceKafkaCluster' | 'destinationKafkaCluster',
  b: unknown,
  bSide: 'sourceKafkaCluster' | 'destinationKafkaCluster',
  labels: [string, string],
): void {
  const ida = clusterId(a, aSide);
  const idb = clusterId(b, bSide);
  if (ida !== undefined && idb !== undefined && ida !== idb) {
    out.push(
      tag(
        invalid(
          SPEC.child(bSide, 'clusterID'),
          idb,
          `names another cluster than ${labels[0]}'s ${aSide}.clusterID "${ida}": both halves must name the same two clusters`,
        ),
        'pair-cluster-id',
        labels[1],
      ),
    );
  }
}

/** Both halves carry one cluster link name: the name is what the two clusters' links are matched by. */
function checkLinkName(errors: FieldError[], a: unknown, b: unknown, labels: [string, string]): void {
  const nameA = nameOf(a);
  const nameB = nameOf(b);
  if (nameA !== nameB)
    errors.push(
      tag(
        invalid(
          SPEC.child('name'),
          nameB ?? '',
          `must be the cluster link name of ${labels[0]} ("${nameA ?? ''}"): the two halves are one link`,
        ),
        'pair-link-name',
        labels[1],
      ),
    );
}

/** A Source-mode and a Destination-mode half: both name the same source and destination clusters. */
function checkSourceDestination(
  errors: FieldError[],
  a: unknown,
  b: unknown,
  types: [LinkType, LinkType],
  labels: [string, string],
): PairResult {
  const [source, destination] = types[0] === 'Source' ? [a, b] : [b, a];
  const [sl, dl]: [string, string] = types[0] === 'Source' ? labels : [labels[1], labels[0]];
  sameCluster(errors, source, 'sourceKafkaCluster', destination, 'sourceKafkaCluster', [sl, dl]);
  sameCluster(errors, source, 'destinationKafkaCluster', destination, 'destinationKafkaCluster', [sl, dl]);
  const index = types[0] === 'Destination' ? 0 : 1;
  return {
    errors,
    createFirst: { index, why: 'the Destination-mode half waits (INBOUND) for the Source-mode half' },
  };
}

/** Two Bidirectional halves: clusters crosswise, and at least one half Outbound so that a connection is made. */
function checkBidirectional(errors: FieldError[], a: unknown, b: unknown, labels: [string, string]): PairResult {
  // each half's destination is its own cluster and its source the other one
  sameCluster(errors, a, 'destinationKafkaCluster', b, 'sourceKafkaCluster', labels);
  sameCluster(errors, a, 'sourceKafkaCluster', b, 'destinationKafkaCluster', labels);
  const inbound = [connectionMode(a), connectionMode(b)].map((m) => m === 'Inbound');
  if (inbound[0] && inbound[1])
    errors.push(
      tag(
        invalid(
          SPEC.child('sourceInitiatedLink', 'connectionMode'),
          'Inbound',
          `${labels[0]} is Inbound too: one half at least must be Outbound, or neither connects`,
        ),
        'pair-connection-modes',
        labels[1],
      ),
    );
  if (inbound[0] !== inbound[1]) {
    const index = inbound[0] ? 0 : 1;
    return { errors, createFirst: { index, why: 'the Inbound half must exist before the Outbound half connects' } };
  }
  return { errors };
}

/** Any other combination of link modes is not a pair; no creation order can be given. */
function wrongModes(errors: FieldError[], types: [LinkType, LinkType], labels: [string, string]): PairResult {
  errors.push(
    tag(
      invalid(
        SPEC.child('sourceInitiatedLink', 'linkMode'),
        `${types[0]}+${types[1]}`,
        'a pair is a Source-mode and a Destination-mode ClusterLink, or two Bidirectional ones',
      ),
      'pair-link-modes',
      labels[1],
    ),
  );
  return { errors };
}

export function checkPair(a: unknown, b: unknown, labels: [string, string] = ['A', 'B']): PairResult {
  const errors: FieldError[] = [];
  checkLinkName(errors, a, b, labels);
  const types: [LinkType, LinkType] = [linkTypeOf(specOf(a)), linkTypeOf(specOf(b))];
  const modes = [...types].sort().join('+');
  if (modes === 'Destination+Source') return checkSourceDestination(errors, a, b, types, labels);
  if (modes === 'Bidirectional+Bidirectional') return checkBidirectional(errors, a, b, labels);
  return wrongModes(errors, types, labels);
}
