// The CRD's structural schema, checked with ajv (the schema converted by to-json-schema.ts): each ajv error becomes
// the field error the API server reports for it, with its wording (kube-openapi's "in body" sentences).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { errorBody, invalid, notSupported, required, tooLong } from '../../clusterlink/field-errors.js';
import { nearMiss } from '../../clusterlink/suggest.js';
import { pointerSegments } from '../../lib/json.js';
import { fieldPathOf } from './field-path.js';
import { findingOf, TYPE_INVALID, unknownField, type SchemaFinding } from './findings.js';
import { CHECKED_FORMATS, toJsonSchema } from './to-json-schema.js';
import type { CrdSchema } from './types.js';

// ajv-formats is CommonJS: under ESM its function is the default export, or the module itself.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

export type StructuralCheck = (object: unknown) => SchemaFinding[];

/** JSON's name for a value's type, as kube-openapi prints it. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The declared field names at the place of an unknown field, for a did-you-mean. */
function declaredNames(parentSchema: unknown): string[] {
  const properties = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

function expectedType(type: unknown): string {
  return Array.isArray(type) ? type.filter((t) => t !== 'null').join(' or ') : String(type);
}

/** Errors about fields: an undeclared one, or a required one that is missing. */
function fieldFinding(error: ErrorObject, root: CrdSchema): SchemaFinding {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);
    const segments = [...pointerSegments(error.instancePath), name];
    return unknownField(fieldPathOf(segments, root), nearMiss(name, declaredNames(error.parentSchema)));
  }
  const segments = [...pointerSegments(error.instancePath), String(params.missingProperty)];
  return findingOf(required(fieldPathOf(segments, root)), 'crd-schema');
}

const RELATIONS: Record<string, string> = {
  minimum: 'greater than or equal to',
  maximum: 'less than or equal to',
  exclusiveMinimum: 'greater than',
  exclusiveMaximum: 'less than',
};

/** The "in body" sentence kube-openapi uses for a value that fails a keyword. */
function inBodySentence(error: ErrorObject, value: unknown): string {
  const params = error.params as Record<string, unknown>;
  const limit = String(params.limit);
  switch (error.keyword) {
    case 'minLength':
      return `should be at least ${limit} chars long`;
    case 'pattern':
      return `should match '${String(params.pattern)}'`;
    case 'format':
      return `must be of type ${String(params.format)}: "${String(value)}"`;
    case 'minItems':
      return `should have at least ${limit} items`;
    case 'maxItems':
      return `should have at most ${limit} items`;
    case 'uniqueItems':
      return "shouldn't contain duplicates";
    default:
      return RELATIONS[error.keyword]
        ? `should be ${RELATIONS[error.keyword]} ${limit}`
        : (error.message ?? 'is invalid');
  }
}

/** One ajv error as the API server's field error; `path` is its field path, `value` the value there. */
function findingFor(error: ErrorObject, path: string, value: unknown, root: CrdSchema): SchemaFinding | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'required':
      return fieldFinding(error, root);
    case 'type': {
      const actual = jsonType(value);
      const detail = `${path} in body must be of type ${expectedType(params.type)}: "${actual}"`;
      // apimachinery's field.TypeInvalid: rendered as "Invalid value", with a cause type of its own
      return {
        ...findingOf(invalid(path, actual, detail), 'crd-schema'),
        cause: { reason: TYPE_INVALID, message: errorBody(invalid(path, actual, detail)), field: path },
      };
    }
    case 'enum': {
      const supported = (params.allowedValues as unknown[]).filter((v) => v !== null).map(String);
      const near = typeof value === 'string' ? nearMiss(value, supported) : undefined;
      return findingOf(notSupported(path, value, supported, near ? `did you mean "${near}"?` : ''), 'crd-schema');
    }
    case 'maxLength':
      return findingOf(tooLong(path, value, Number(params.limit)), 'crd-schema');
    case 'if':
    case 'anyOf':
    case 'oneOf':
    case 'allOf':
      return undefined; // their sub-errors say what is wrong
    default:
      return findingOf(invalid(path, value, `${path} in body ${inBodySentence(error, value)}`), 'crd-schema');
  }
}

/** The value at a JSON Pointer, or undefined. */
function valueAt(object: unknown, segments: readonly string[]): unknown {
  let node = object;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function compile(root: CrdSchema): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv, [...CHECKED_FORMATS]);
  return ajv.compile(toJsonSchema(root));
}

/** A checker for objects of the CRD whose openAPIV3Schema is `root`; compiled once, on first use. */
export function structuralCheck(root: CrdSchema): StructuralCheck {
  let validate: ValidateFunction | undefined;
  return (object) => {
    validate ??= compile(root);
    if (validate(object)) return [];
    const findings: SchemaFinding[] = [];
    for (const error of validate.errors ?? []) {
      const segments = pointerSegments(error.instancePath);
      const finding = findingFor(error, fieldPathOf(segments, root), valueAt(object, segments), root);
      if (finding) findings.push(finding);
    }
    // A value of the wrong type fails its enum, pattern, ... too: the type error alone says it.
    const mistyped = new Set(findings.filter((f) => f.cause.reason === TYPE_INVALID).map((f) => f.cause.field));
    return findings.filter((f) => !mistyped.has(f.cause.field) || f.cause.reason === TYPE_INVALID);
  };
}
