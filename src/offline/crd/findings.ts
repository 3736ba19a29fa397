// What the offline CRD check reports (docs/cli.md#the-crd-schema): causes in the API server's field-error style, each
// with a rule ID of its own. These IDs are the CLI's, beside the webhook's rule book (docs/rules.md#rule-ids): in a
// cluster the API server itself reports these errors, before any webhook runs.
import type { StatusCause } from '../../admission/types.js';
import { CAUSE_REASON, errorBody, type FieldError } from '../../clusterlink/field-errors.js';

export const SCHEMA_RULES = {
  'crd-unknown-field': 'a field the CRD schema does not declare (the API server refuses it: strict field validation)',
  'crd-schema': "a value the CRD's structural schema refuses: type, enum, required, pattern, length, format, bounds",
  'crd-cel': 'a CRD validation rule (x-kubernetes-validations, CEL) that is false or fails',
  'crd-kind':
    'an object that is almost a platform.confluent.io/v1beta1 ClusterLink: a wrong-case kind or another version',
} as const;

export type SchemaRuleId = keyof typeof SCHEMA_RULES;

export interface SchemaFinding {
  cause: StatusCause;
  rule: SchemaRuleId;
}

/** metav1.CauseTypeTypeInvalid: a value of the wrong JSON type (it stops the CEL rules, see check.ts). */
export const TYPE_INVALID = 'FieldValueTypeInvalid';

/** Not a metav1 CauseType: the API server answers an unknown field with a 400 `strict decoding error`, no causes. */
export const UNKNOWN_FIELD_REASON = 'FieldValueUnknown';

export function findingOf(error: FieldError, rule: SchemaRuleId): SchemaFinding {
  return { cause: { reason: CAUSE_REASON[error.kind], message: errorBody(error), field: error.field }, rule };
}

/** `unknown field "spec.x"`, kubectl's wording, plus the declared field that is nearest to it. */
export function unknownField(field: string, suggestion: string | undefined): SchemaFinding {
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return {
    cause: { reason: UNKNOWN_FIELD_REASON, message: `unknown field "${field}"${hint}`, field },
    rule: 'crd-unknown-field',
  };
}
