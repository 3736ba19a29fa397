// docs/rules.md#link-types and docs/rules.md#per-link-type: what each link type requires, forbids and ignores.
import { FieldPath, forbidden, required } from '../field-errors.js';
import { asArray, asRecord, type JsonRecord } from '../../lib/json.js';
import { CONNECTION_MODES, LINK_MODES } from '../enums.js';
import {
  checkEnum,
  Findings,
  forbidIfSet,
  LINK_TYPE_LABEL,
  SPEC,
  type LinkType,
  type RuleInput,
  type RuleResult,
} from './common.js';

const SRC = SPEC.child('sourceKafkaCluster');
const DST = SPEC.child('destinationKafkaCluster');

/** Field-level expectations of one cluster block in one link type. */
interface ClusterExpectations {
  required: Partial<Record<'kafkaRestClassRef' | 'bootstrapEndpoint', string>>;
  /** When set: clusterID or kafkaRestClassRef must be given (the reason is the detail). */
  needsClusterId?: string;
  /** Fields that have no effect in this mode, with the warning (kept short: the path precedes it). */
  ignored: Partial<Record<'bootstrapEndpoint' | 'authentication' | 'tls', string>>;
}

const CREATED_VIA_DST_REST = 'the link is created on the destination cluster through its KafkaRestClass';
const CREATED_HERE = 'ignored: a destination-initiated link only needs the REST class here';
const WAITS = 'ignored in Destination mode: it waits for the Source-mode link';
const NEEDS_SOURCE_ID = 'set clusterID or kafkaRestClassRef: the link needs the source cluster ID';

type Expectations = { src: ClusterExpectations; dst: ClusterExpectations };

/** What each side must and must not carry, per link type (docs/rules.md#per-link-type); read-only. */
const EXPECTATIONS: Readonly<Record<'DestinationInitiated' | 'Source' | 'Destination', Expectations>> = {
  DestinationInitiated: {
    dst: {
      required: { kafkaRestClassRef: CREATED_VIA_DST_REST },
      ignored: { bootstrapEndpoint: CREATED_HERE, authentication: CREATED_HERE, tls: CREATED_HERE },
    },
    src: {
      required: {
        bootstrapEndpoint: 'the destination cluster connects to the source brokers at this host:port list',
      },
      needsClusterId: NEEDS_SOURCE_ID,
      ignored: {},
    },
  },
  Source: {
    dst: {
      required: {
        bootstrapEndpoint: 'a Source-mode link connects out to the destination brokers at this host:port list',
      },
      needsClusterId: 'set clusterID or kafkaRestClassRef: the link needs the destination cluster ID',
      ignored: {},
    },
    src: {
      required: {
        kafkaRestClassRef: 'a Source-mode link is created on the source cluster through its KafkaRestClass',
      },
      ignored: { bootstrapEndpoint: 'ignored in Source mode: the link runs on this (source) cluster' },
    },
  },
  Destination: {
    dst: {
      required: { kafkaRestClassRef: CREATED_VIA_DST_REST },
      ignored: { bootstrapEndpoint: WAITS, authentication: WAITS, tls: WAITS },
    },
    src: {
      required: {},
      needsClusterId: NEEDS_SOURCE_ID,
      ignored: { bootstrapEndpoint: WAITS, authentication: WAITS, tls: WAITS },
    },
  },
};

function bidirectionalExpectations(outbound: boolean): Expectations {
  return {
    dst: {
      required: {
        kafkaRestClassRef: 'a Bidirectional link is created on its own cluster through its KafkaRestClass',
      },
      ignored: {},
    },
    src: {
      required: outbound
        ? { bootstrapEndpoint: 'an Outbound Bidirectional link connects to the other cluster at this host:port list' }
        : {},
      needsClusterId: 'set clusterID or kafkaRestClassRef: the link needs the other cluster ID',
      ignored: {},
    },
  };
}

/** One side's expectations with its field lists as [field, why] pairs, made once (not per review). */
interface ClusterChecks {
  required: ReadonlyArray<readonly [string, string]>;
  needsClusterId: string | undefined;
  ignored: ReadonlyArray<readonly [string, string]>;
}

const checksOf = (exp: Expectations): { src: ClusterChecks; dst: ClusterChecks } => {
  const side = (c: ClusterExpectations): ClusterChecks => ({
    required: Object.entries(c.required),
    needsClusterId: c.needsClusterId,
    ignored: Object.entries(c.ignored),
  });
  return { src: side(exp.src), dst: side(exp.dst) };
};

const CHECKS = {
  DestinationInitiated: checksOf(EXPECTATIONS.DestinationInitiated),
  Source: checksOf(EXPECTATIONS.Source),
  Destination: checksOf(EXPECTATIONS.Destination),
  BidirectionalOutbound: checksOf(bidirectionalExpectations(true)),
  BidirectionalInbound: checksOf(bidirectionalExpectations(false)),
};

function expectations(
  linkType: LinkType,
  connectionMode: unknown,
): { src: ClusterChecks; dst: ClusterChecks } | undefined {
  if (linkType === 'Unknown') return undefined;
  if (linkType !== 'Bidirectional') return CHECKS[linkType];
  const outbound = connectionMode === undefined || connectionMode === 'Outbound';
  return outbound ? CHECKS.BidirectionalOutbound : CHECKS.BidirectionalInbound;
}

function applyExpectations(out: Findings, path: FieldPath, cluster: JsonRecord, exp: ClusterChecks): void {
  for (const [field, why] of exp.required) {
    if (cluster[field] === undefined) out.add(required(path.child(field), why), 'link-type-required');
  }
  if (
    exp.needsClusterId !== undefined &&
    cluster['clusterID'] === undefined &&
    cluster['kafkaRestClassRef'] === undefined
  ) {
    out.add(required(path, exp.needsClusterId), 'link-type-cluster-id');
  }
  for (const [field, why] of exp.ignored) {
    if (cluster[field] !== undefined) out.warn(path.child(field), why, 'link-type-ignored-field');
  }
}

const ON_DESTINATION_CR = 'not allowed on a Source-mode link: set it on the Destination-mode ClusterLink';

export function validateLinkMode(input: RuleInput, out = new Findings()): RuleResult {
  const { spec, linkType } = input;
  const sil = asRecord(spec['sourceInitiatedLink']);
  if (sil) {
    const silPath = SPEC.child('sourceInitiatedLink');
    if (sil['linkMode'] === undefined) {
      out.add(
        required(
          silPath.child('linkMode'),
          'one of "Source", "Destination", "Bidirectional"; leave out sourceInitiatedLink for a destination-initiated link',
        ),
        'link-mode-required',
      );
    }
    checkEnum(out, silPath.child('linkMode'), sil['linkMode'], LINK_MODES, 'enum-value');
    checkEnum(out, silPath.child('connectionMode'), sil['connectionMode'], CONNECTION_MODES, 'enum-value');
    if (linkType === 'Source' || linkType === 'Destination') {
      forbidIfSet(
        out,
        silPath.child('connectionMode'),
        sil['connectionMode'],
        'only a Bidirectional link has a connectionMode',
        'connection-mode-bidirectional-only',
      );
    }
  }

  const exp = expectations(linkType, sil?.['connectionMode']);
  if (exp) {
    const src = asRecord(spec['sourceKafkaCluster']);
    const dst = asRecord(spec['destinationKafkaCluster']);
    if (src) applyExpectations(out, SRC, src, exp.src);
    if (dst) applyExpectations(out, DST, dst, exp.dst);
  }

  if (linkType === 'Source') {
    for (const field of ['mirrorTopics', 'mirrorTopicOptions', 'aclFilters', 'consumerGroupFilters']) {
      forbidIfSet(out, SPEC.child(field), spec[field], ON_DESTINATION_CR, 'source-mode-destination-fields');
    }
  }

  // `toDestination` is the CRD's schema default, which the API server fills in on every mirror topic:
  // only the explicit reverse direction is a mistake outside Bidirectional links.
  if (linkType !== 'Bidirectional' && linkType !== 'Unknown' && linkType !== 'Source') {
    const topics = asArray(spec['mirrorTopics']) ?? [];
    for (let i = 0; i < topics.length; i++) {
      if (asRecord(topics[i])?.['direction'] === 'toSource') {
        out.add(
          forbidden(
            SPEC.child('mirrorTopics').index(i).child('direction'),
            `only a Bidirectional link mirrors toSource; this is ${LINK_TYPE_LABEL[linkType]}`,
          ),
          'mirror-direction-to-source',
        );
      }
    }
  }
  return out.result();
}
