// Fake Admitters for the HTTP-contract tests: their output is fixed by the test, so the goldens do not
// depend on the real rule book (written in parallel). The fake mutate goes through the real patch code.
import { notSupported, required } from '../../src/clusterlink/field-errors.js';
import { diffPatch } from '../support/diff-patch.js';
import type { AdmissionDecision, AdmissionRequest, Admitter } from '../../src/admission/types.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

export const FAKE_ANNOTATION = 'example.com/defaulted~by';
const LINK_MODES = ['Source', 'Destination', 'Bidirectional'];

/** Simple stand-in defaults, chosen to exercise add, add-whole-parent, replace and key escaping. */
export function fakeDefaults(object: unknown, namespace: string | undefined): unknown {
  const o = structuredClone(object) as Json;
  const metadata = (o.metadata ??= {}) as Json;
  metadata.annotations = { ...(obj(metadata.annotations) ?? {}), [FAKE_ANNOTATION]: 'fake-admitter' };
  const spec = obj(o.spec);
  if (spec) {
    if (spec.name === undefined && typeof metadata.name === 'string') spec.name = metadata.name;
    for (const side of ['destinationKafkaCluster', 'sourceKafkaCluster']) {
      const ref = obj(obj(spec[side])?.kafkaRestClassRef);
      if (ref && ref.namespace === undefined && namespace) ref.namespace = namespace;
    }
    if (Array.isArray(spec.mirrorTopics))
      for (const t of spec.mirrorTopics) if (obj(t) && (t as Json).state === undefined) (t as Json).state = 'ACTIVE';
    const sil = obj(spec.sourceInitiatedLink);
    const canonical = LINK_MODES.find(
      (m) => typeof sil?.linkMode === 'string' && m.toLowerCase() === sil.linkMode.toLowerCase(),
    );
    if (sil && canonical) sil.linkMode = canonical;
  }
  return o;
}

export interface FakeAdmitters {
  mutate: Admitter;
  validate: Admitter;
  /** Every request each fake was asked about, in order. */
  calls: { mutate: AdmissionRequest[]; validate: AdmissionRequest[] };
}

const allow = (warnings: string[] = []): AdmissionDecision => ({ allowed: true, errors: [], warnings });

/** Validate decisions of the golden fixtures, by request uid. */
export const GOLDEN_DECISIONS: Record<string, (req: AdmissionRequest) => AdmissionDecision> = {
  '7d6c5f0a-1c2b-4e3d-8f9a-000000000001': () =>
    allow([
      // A newline (dropped by the API server if sent) and a duplicate: the server must clean both up.
      'spec.destinationKafkaCluster.bootstrapEndpoint: ignored for a destination-initiated link\n(the destination is the cluster the link is created on)',
      'spec.sourceKafkaCluster.tls: expires within 30 days',
      'spec.sourceKafkaCluster.tls: expires within 30 days',
    ]),
  '7d6c5f0a-1c2b-4e3d-8f9a-000000000002': () => ({
    allowed: false,
    errors: [
      required('spec.sourceKafkaCluster', 'every ClusterLink names both clusters'),
      notSupported('spec.sourceInitiatedLink.linkMode', 'source', LINK_MODES),
    ],
    warnings: ['spec.sourceInitiatedLink.linkMode: enum values are case-sensitive; did you mean "Source"?'],
  }),
  '7d6c5f0a-1c2b-4e3d-8f9a-000000000003': (req) => {
    const generation = obj(obj(req.oldObject)?.metadata)?.generation;
    return allow([`spec.mirrorTopics: fake rules saw oldObject generation ${String(generation)}`]);
  },
};

export function fakeAdmitters(
  decisions: Record<string, (req: AdmissionRequest) => AdmissionDecision> = GOLDEN_DECISIONS,
): FakeAdmitters {
  const calls: FakeAdmitters['calls'] = { mutate: [], validate: [] };
  return {
    calls,
    mutate: async (req) => {
      calls.mutate.push(req);
      return { ...allow(), patch: diffPatch(req.object, fakeDefaults(req.object, req.namespace)) };
    },
    validate: async (req) => {
      calls.validate.push(req);
      return decisions[req.uid]?.(req) ?? allow();
    },
  };
}
