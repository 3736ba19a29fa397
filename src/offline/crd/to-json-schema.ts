// A CRD's structural schema as the JSON Schema ajv checks, with the API server's semantics
// (docs/cli.md#the-crd-schema):
// - unknown fields are errors (kubectl's default `--validate=strict` is the API server's strict field validation),
//   except below `x-kubernetes-preserve-unknown-fields: true`; `metadata` is checked as ObjectMeta;
// - `nullable: true` admits null, `x-kubernetes-int-or-string` admits an integer or a string;
// - only the formats the API server validates are checked; others (int32, int64, ...) are annotations there.
import type { SchemaObject } from 'ajv';
import type { CrdSchema } from './types.js';

/** Formats kube-openapi's strfmt registry validates (and ajv-formats knows); any other format is not checked. */
export const CHECKED_FORMATS: readonly string[] = [
  'date-time',
  'date',
  'byte',
  'uuid',
  'ipv4',
  'ipv6',
  'hostname',
  'email',
  'uri',
];

/** Keywords copied as they are: same meaning in OpenAPI v3.0 and JSON Schema draft-07. */
const PLAIN_KEYWORDS = [
  'pattern',
  'minLength',
  'maxLength',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
] as const;

const stringMap: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };
const ownerReference: SchemaObject = {
  type: 'object',
  required: ['apiVersion', 'kind', 'name', 'uid'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    uid: { type: 'string' },
    controller: { type: 'boolean' },
    blockOwnerDeletion: { type: 'boolean' },
  },
  additionalProperties: false,
};

/** ObjectMeta's fields (meta/v1): the API server decodes metadata into that struct, so a typo there is refused too. */
export const OBJECT_META: SchemaObject = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    selfLink: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer' },
    creationTimestamp: { type: ['string', 'null'] },
    deletionTimestamp: { type: ['string', 'null'] },
    deletionGracePeriodSeconds: { type: 'integer' },
    labels: stringMap,
    annotations: stringMap,
    ownerReferences: { type: 'array', items: ownerReference },
    finalizers: { type: 'array', items: { type: 'string' } },
    managedFields: { type: 'array', items: { type: 'object' } },
  },
  additionalProperties: false,
};

/** What an `x-kubernetes-embedded-resource` object has without declaring it. */
const EMBEDDED_FIELDS: Record<string, SchemaObject> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: OBJECT_META,
};

function typeOf(schema: CrdSchema): SchemaObject {
  if (schema['x-kubernetes-int-or-string'])
    return { type: schema.nullable ? ['integer', 'string', 'null'] : ['integer', 'string'] };
  if (schema.type === undefined) return {};
  return { type: schema.nullable ? [schema.type, 'null'] : schema.type };
}

/** OpenAPI v3.0's boolean exclusiveMinimum/Maximum become draft-07's numeric ones. */
function bounds(schema: CrdSchema): SchemaObject {
  const out: SchemaObject = {};
  if (schema.minimum !== undefined) out[schema.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = schema.minimum;
  if (schema.maximum !== undefined) out[schema.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'] = schema.maximum;
  return out;
}

/** Value validations; `strictFields` is false inside allOf/anyOf/oneOf/not, which never declare fields. */
function convert(schema: CrdSchema, strictFields: boolean): SchemaObject {
  const out: SchemaObject = { ...typeOf(schema), ...bounds(schema) };
  for (const keyword of PLAIN_KEYWORDS) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  if (schema.enum !== undefined) out.enum = schema.nullable ? [...schema.enum, null] : schema.enum;
  if (schema.format !== undefined && CHECKED_FORMATS.includes(schema.format)) out.format = schema.format;
  if (schema.items) out.items = convert(schema.items, strictFields);
  const properties: Record<string, SchemaObject> = {};
  for (const [name, child] of Object.entries(schema.properties ?? {})) properties[name] = convert(child, strictFields);
  if (schema['x-kubernetes-embedded-resource']) out.properties = { ...EMBEDDED_FIELDS, ...properties };
  else if (schema.properties) out.properties = properties;
  if (typeof schema.additionalProperties === 'object')
    out.additionalProperties = convert(schema.additionalProperties, strictFields);
  else if (schema.additionalProperties === true) out.additionalProperties = true;
  else if (strictFields && schema.type === 'object' && !preservesUnknownFields(schema))
    out.additionalProperties = false;
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const)
    if (schema[keyword]) out[keyword] = schema[keyword].map((s) => convert(s, false));
  if (schema.not) out.not = convert(schema.not, false);
  return out;
}

/** An embedded resource keeps apiVersion, kind and metadata; preserve-unknown-fields keeps everything. */
function preservesUnknownFields(schema: CrdSchema): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true;
}

/**
 * The whole object's schema: the CRD's, with `metadata` as ObjectMeta and `status` left out (the status
 * subresource: the API server drops status from a create or update of the object itself).
 */
export function toJsonSchema(root: CrdSchema): SchemaObject {
  const converted = convert(root, true);
  const properties = { ...(converted.properties as Record<string, SchemaObject> | undefined) };
  properties.metadata = OBJECT_META;
  delete properties.status;
  return { ...converted, properties: { ...properties, status: {} } };
}
