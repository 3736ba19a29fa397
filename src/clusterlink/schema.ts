// The ClusterLink's shape (JSON types only), checked with ajv. Compiled once, at module load.
// Deliberately no enums, patterns or required lists here: those are semantic rules with better
// messages (near-miss hints, mode-aware requirements). Unknown fields are allowed: the API server
// prunes them, and a newer CFK may add some.
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import { FieldPath, invalid, type FieldError } from './field-errors.js';
import { pointerSegments } from '../lib/json.js';

const str: SchemaObject = { type: 'string' };
const bool: SchemaObject = { type: 'boolean' };
const int32: SchemaObject = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
const obj = (properties: Record<string, SchemaObject>): SchemaObject => ({ type: 'object', properties });
const arrayOf = (items: SchemaObject): SchemaObject => ({ type: 'array', items });
const stringMap: SchemaObject = { type: 'object', additionalProperties: str };
const secretRefHolder = obj({ secretRef: str, directoryPathInContainer: str });

const oauthSettings = obj({
  tokenEndpointUri: str,
  jwksEndpointUri: str,
  expectedIssuer: str,
  audience: str,
  scope: str,
  subClaimName: str,
  groupsClaimName: str,
  loginConnectTimeoutMs: int32,
  loginReadTimeoutMs: int32,
  loginRetryBackoffMs: int32,
  loginRetryBackoffMaxMs: int32,
  clientAssertion: obj({
    clientId: str,
    jwtTokenFile: secretRefHolder,
    localClientAssertion: obj({
      issuer: str,
      subject: str,
      audience: str,
      tokenLifetime: int32,
      includeJtiClaim: bool,
      includeNbfClaim: bool,
      privateKeyFile: obj({
        secretRef: str,
        directoryPathInContainer: str,
        encryptedPrivateKey: bool,
        includeAssertionTemplate: bool,
      }),
    }),
  }),
});

const kafkaCluster = obj({
  clusterID: str,
  bootstrapEndpoint: str,
  kafkaRestClassRef: obj({ name: str, namespace: str }),
  authentication: obj({
    type: str,
    jaasConfig: obj({ secretRef: str }),
    jaasConfigPassThrough: secretRefHolder,
    oauthbearer: secretRefHolder,
    oauthSettings,
    sslClientAuthentication: bool,
  }),
  tls: obj({ enabled: bool, secretRef: str, directoryPathInContainer: str, keyPassword: obj({ secretRef: str }) }),
});

const filter = obj({ name: str, patternType: str, filterType: str });

const CLUSTERLINK_SHAPE: SchemaObject = obj({
  apiVersion: str,
  kind: str,
  metadata: obj({ name: str, generateName: str, namespace: str, deletionTimestamp: str }),
  spec: obj({
    name: str,
    sourceKafkaCluster: kafkaCluster,
    destinationKafkaCluster: kafkaCluster,
    sourceInitiatedLink: obj({ linkMode: str, connectionMode: str }),
    mirrorTopics: arrayOf(
      obj({
        name: str,
        sourceTopicName: str,
        state: str,
        replicationFactor: int32,
        configs: stringMap,
        direction: str,
      }),
    ),
    mirrorTopicOptions: obj({
      prefix: str,
      deleteRemovedMirrorTopics: bool,
      autoCreateTopics: obj({ enabled: bool, topicFilters: arrayOf(filter) }),
    }),
    consumerGroupFilters: arrayOf(filter),
    aclFilters: arrayOf(
      obj({
        resourceFilter: obj({ resourceType: str, name: str, patternType: str }),
        accessFilter: obj({ principal: str, host: str, operation: str, permissionType: str }),
        clusterLinkIds: arrayOf(str),
      }),
    ),
    configs: stringMap,
  }),
  status: { type: 'object' },
});

// ajv is loaded (about 80 files) and the schema compiled on first use, not at import: together they take longer than
// the rest of `serve`'s start-up, and a command that never checks a shape (`serve --help`, `certs`) should not pay
// them; `serve` does it right after it listens (warmUpShapeCheck; docs/performance.md#cold-start). ajv is CommonJS,
// so a require loads it synchronously where the first check needs it.
let compiled: ValidateFunction | undefined;
function validateShape(): ValidateFunction {
  if (compiled) return compiled;
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  compiled = new Ajv({ allErrors: true, strict: true }).compile(CLUSTERLINK_SHAPE);
  return compiled;
}

/** Compiles the shape check now, so the first review does not wait for it. */
export function warmUpShapeCheck(): void {
  validateShape();
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  object: 'an object',
  array: 'a list',
};
/** Map-valued fields whose keys print as `[key]`, like apimachinery's path.Key. */
const MAP_FIELDS = new Set(['configs']);

/** Turns an ajv instancePath (`/spec/mirrorTopics/2/configs/a.b`) into `spec.mirrorTopics[2].configs[a.b]`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  const segments = pointerSegments(pointer);
  let path: FieldPath | undefined;
  let previous = '';
  for (const segment of segments) {
    if (path === undefined) path = FieldPath.root(segment);
    else if (MAP_FIELDS.has(previous)) path = path.key(segment);
    else if (/^\d+$/.test(segment)) path = path.index(Number(segment));
    else path = path.child(segment);
    previous = segment;
  }
  return path?.toString() ?? '';
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const key of pointerSegments(pointer)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'type') {
    const expected = String((error.params as { type?: unknown }).type ?? '');
    return `must be ${TYPE_NAMES[expected] ?? expected}`;
  }
  if (error.keyword === 'minimum' || error.keyword === 'maximum') return 'must fit in a 32-bit signed integer';
  return error.message ?? 'has the wrong shape';
}

/** Shape errors (wrong JSON types) as field errors, in the order ajv found them. */
export function checkShape(object: unknown): FieldError[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    return [{ ...invalid('', object, 'a ClusterLink must be a JSON object'), rule: 'shape-type' }];
  }
  const validator = validateShape();
  if (validator(object)) return [];
  return (validator.errors ?? []).map((error) => ({
    ...invalid(pointerToPath(error.instancePath), valueAt(object, error.instancePath), describe(error)),
    rule: 'shape-type',
  }));
}
