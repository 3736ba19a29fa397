// Property tests (fast-check): defaulting is idempotent and its JSON Patch is exact under an
// independent RFC 6902 implementation; the patch /mutate records while defaulting is byte for byte the diff-based
// one it replaced; validation never throws, whatever JSON sits in any field, and gives the same answer with or
// without the mutating webhook first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { applyPatch as applyRfc6902 } from 'rfc6902';
import type { Operation as Rfc6902Operation } from 'rfc6902';
import { mutatePatch } from '../../src/admission/patch.js';
import { defaultClusterLink, validateClusterLink, type RuleContext } from '../../src/clusterlink/index.js';
import { diffPatch } from '../support/diff-patch.js';
import { fixtureNames, loadFixture, type Json } from './support.js';

const CTX: RuleContext = { namespace: 'ns1', operation: 'CREATE' };
const RUNS = { numRuns: 300 };

const anyJson = fc.jsonValue({ maxDepth: 2 });
/** Mostly the right shape, sometimes any JSON, sometimes null. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: arb },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constant(null) },
  );
const optional = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] });
const word = fc.oneof(
  fc.constantFrom(
    'orders',
    'dc1.orders',
    'dc1.',
    '*',
    'a/b~c',
    'User:alice',
    'kafka:9092',
    'https://x:9092',
    'src-rest',
    '',
  ),
  fc.string({ maxLength: 8 }),
);
const oneOf = (...values: string[]) => fc.oneof(fc.constantFrom(...values), word);

const krc = optional({ name: maybe(word), namespace: maybe(word) });
const secretHolder = optional({ secretRef: maybe(word), directoryPathInContainer: maybe(word) });
const cluster = optional({
  bootstrapEndpoint: maybe(word),
  clusterID: maybe(word),
  kafkaRestClassRef: maybe(krc),
  authentication: maybe(
    optional({
      type: maybe(oneOf('plain', 'oauthbearer', 'digest', 'mtls', 'oauth', 'none')),
      jaasConfig: maybe(optional({ secretRef: maybe(word) })),
      jaasConfigPassThrough: maybe(secretHolder),
      oauthbearer: maybe(secretHolder),
      oauthSettings: maybe(
        optional({ tokenEndpointUri: maybe(oneOf('https://idp/t', 'http://idp/t')), clientAssertion: maybe(anyJson) }),
      ),
    }),
  ),
  tls: maybe(
    optional({
      enabled: maybe(fc.boolean()),
      secretRef: maybe(word),
      directoryPathInContainer: maybe(word),
      keyPassword: maybe(optional({ secretRef: maybe(word) })),
    }),
  ),
});
const filter = optional({
  name: maybe(word),
  patternType: maybe(oneOf('PREFIXED', 'LITERAL')),
  filterType: maybe(oneOf('INCLUDE', 'EXCLUDE')),
});
const acl = optional({
  resourceFilter: maybe(
    optional({
      resourceType: maybe(oneOf('any', 'topic', 'group', 'cluster', 'transcationId', 'transactionId')),
      patternType: maybe(oneOf('any', 'literal')),
      name: maybe(word),
    }),
  ),
  accessFilter: maybe(
    optional({
      operation: maybe(oneOf('read', 'ALL', 'describe_configs')),
      permissionType: maybe(oneOf('any', 'allow')),
      principal: maybe(word),
      host: maybe(word),
    }),
  ),
  clusterLinkIds: maybe(fc.array(word, { maxLength: 2 })),
});
const topic = optional({
  name: maybe(word),
  sourceTopicName: maybe(word),
  state: maybe(oneOf('ACTIVE', 'PAUSE', 'PROMOTE', 'FAILOVER')),
  replicationFactor: maybe(fc.integer({ min: -2, max: 40000 })),
  configs: maybe(fc.dictionary(word, maybe(word), { maxKeys: 2 })),
  direction: maybe(oneOf('toDestination', 'toSource')),
});
const spec = optional({
  name: maybe(word),
  sourceKafkaCluster: maybe(cluster),
  destinationKafkaCluster: maybe(cluster),
  sourceInitiatedLink: maybe(
    optional({
      linkMode: maybe(oneOf('Source', 'Destination', 'Bidirectional')),
      connectionMode: maybe(oneOf('Outbound', 'Inbound')),
    }),
  ),
  mirrorTopics: maybe(fc.array(maybe(topic), { maxLength: 4 })),
  mirrorTopicOptions: maybe(
    optional({
      prefix: maybe(oneOf('dc1.', 'x')),
      deleteRemovedMirrorTopics: maybe(fc.boolean()),
      autoCreateTopics: maybe(
        optional({ enabled: maybe(fc.boolean()), topicFilters: maybe(fc.array(maybe(filter), { maxLength: 3 })) }),
      ),
    }),
  ),
  consumerGroupFilters: maybe(fc.array(maybe(filter), { maxLength: 3 })),
  aclFilters: maybe(fc.array(maybe(acl), { maxLength: 3 })),
  configs: maybe(fc.dictionary(word, word, { maxKeys: 2 })),
  unknownField: anyJson,
});
/** As the webhook sees it: parsed from JSON (plain prototypes, no -0, no undefined). */
const asParsedJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const clusterLink = fc
  .record(
    {
      apiVersion: fc.constant('platform.confluent.io/v1beta1'),
      kind: fc.constant('ClusterLink'),
      metadata: maybe(
        optional({
          name: maybe(word),
          generateName: maybe(word),
          namespace: maybe(word),
          deletionTimestamp: maybe(fc.constant('2026-01-01T00:00:00Z')),
        }),
      ),
      spec: maybe(spec),
    },
    { requiredKeys: ['apiVersion', 'kind'] },
  )
  .map(asParsedJson);
const context = fc.record({
  namespace: fc.option(word, { nil: undefined }),
  operation: fc.constantFrom('CREATE' as const, 'UPDATE' as const),
});

/** Every path in a fixture (and one below each object), to drop arbitrary JSON into. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    out.push([...prefix, 'unexpected']);
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

function replaceAt(object: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(object) as Record<string | number, unknown>;
  let current = copy;
  for (const key of path.slice(0, -1)) current = current[key] as Record<string | number, unknown>;
  current[path.at(-1)!] = value;
  return copy;
}

const fixtures: Json[] = [
  ...fixtureNames('valid').map((n) => loadFixture(`valid/${n}`)),
  ...fixtureNames('invalid').map((n) => loadFixture(`invalid/${n}`)),
];
const perturbedFixture = fc
  .constantFrom(...fixtures)
  .chain((fixture) =>
    fc.tuple(fc.constant(fixture), fc.constantFrom(...pathsOf(fixture)), fc.jsonValue({ maxDepth: 3 })),
  )
  .map(([fixture, path, value]) => asParsedJson(replaceAt(fixture, path, value)));

describe('defaulting properties', () => {
  test('mutate twice equals mutate once', () => {
    fc.assert(
      fc.property(clusterLink, context, (object, ctx) => {
        const once = defaultClusterLink(object, ctx);
        assert.deepEqual(defaultClusterLink(once, ctx), once);
      }),
      RUNS,
    );
  });

  test('the fast-json-patch diff, applied by rfc6902, yields the defaulted object', () => {
    fc.assert(
      fc.property(fc.oneof(clusterLink, perturbedFixture), context, (object, ctx) => {
        const original = structuredClone(object);
        const defaulted = defaultClusterLink(object, ctx);
        assert.deepEqual(object, original, 'the input is never mutated');
        const patch = jsonPatch.compare(original as object, defaulted as object);
        for (const op of patch) assert.ok(op.op === 'add' || op.op === 'replace', `unexpected ${op.op} at ${op.path}`);
        const target = structuredClone(original);
        const results = applyRfc6902(target, patch as Rfc6902Operation[]);
        assert.ok(
          results.every((r) => r === null),
          JSON.stringify(results),
        );
        assert.deepEqual(target, defaulted);
      }),
      RUNS,
    );
  });
});

/** `value` with the members of every object in an order drawn from `seed` (users write keys in any order). */
function shuffleKeys(value: unknown, seed: number): unknown {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    return Object.fromEntries(keys.map((k) => [k, walk((v as Json)[k])]));
  };
  return walk(value);
}

describe('the recorded /mutate patch', () => {
  const anyObject = fc
    .tuple(fc.oneof(clusterLink, perturbedFixture), fc.integer())
    .map(([object, seed]) => shuffleKeys(object, seed))
    .filter((object) => typeof object === 'object' && object !== null && !Array.isArray(object));

  test('is byte for byte the diff of the original and the defaulted object, and applies to exactly it', () => {
    fc.assert(
      fc.property(anyObject, context, (object, ctx) => {
        const original = structuredClone(object);
        const patch = mutatePatch(object, ctx);
        assert.deepEqual(object, original, 'the input is never mutated');
        const defaulted = defaultClusterLink(object, ctx);
        assert.equal(JSON.stringify(patch), JSON.stringify(diffPatch(object, defaulted)));
        for (const op of patch) assert.ok(op.op === 'add' || op.op === 'replace', `unexpected ${op.op} at ${op.path}`);

        const byRfc6902 = structuredClone(original);
        const results = applyRfc6902(byRfc6902, patch as Rfc6902Operation[]);
        assert.ok(
          results.every((r) => r === null),
          JSON.stringify(results),
        );
        assert.deepEqual(byRfc6902, defaulted);
        // fast-json-patch with its operation validation on: every op well-formed, every parent there
        const byFastJsonPatch = jsonPatch.applyPatch(structuredClone(original), patch, true, false).newDocument;
        assert.deepEqual(byFastJsonPatch, defaulted);
        assert.deepEqual(mutatePatch(byRfc6902, ctx), [], 'nothing left to default');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validation properties', () => {
  test('validate never throws on arbitrary JSON in any field', () => {
    fc.assert(
      fc.property(
        fc.oneof(clusterLink, perturbedFixture, fc.jsonValue().map(asParsedJson)),
        fc.oneof(fc.constant(undefined), clusterLink, perturbedFixture, fc.jsonValue().map(asParsedJson)),
        context,
        (object, old, ctx) => {
          const result = validateClusterLink(object, old, ctx);
          assert.ok(Array.isArray(result.errors) && Array.isArray(result.warnings));
          for (const e of result.errors) assert.equal(typeof e.field, 'string');
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the answer is the same whether or not /mutate ran first', () => {
    fc.assert(
      fc.property(fc.oneof(clusterLink, perturbedFixture), context, (object, ctx) => {
        assert.deepEqual(
          validateClusterLink(defaultClusterLink(object, ctx), undefined, ctx),
          validateClusterLink(object, undefined, ctx),
        );
      }),
      RUNS,
    );
  });

  test('no error is reported twice', () => {
    fc.assert(
      fc.property(fc.oneof(clusterLink, perturbedFixture), (object) => {
        const keys = validateClusterLink(object, undefined, CTX).errors.map((e) => `${e.field} ${e.kind} ${e.detail}`);
        assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
      }),
      RUNS,
    );
  });
});
