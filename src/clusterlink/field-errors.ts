// Field errors in the style of k8s.io/apimachinery/pkg/util/validation/field, so a denial reads
// exactly like one from the API server: `spec.mirrorTopics[2].name: Invalid value: "x": <how to fix it>`.

export type FieldErrorKind =
  'Required' | 'Invalid' | 'NotSupported' | 'Forbidden' | 'Duplicate' | 'TooLong' | 'Internal';

export interface FieldError {
  /** Dotted path with indexes, e.g. `spec.mirrorTopics[2].name`. */
  field: string;
  kind: FieldErrorKind;
  /** The offending value; omitted for Required/Forbidden when there is nothing useful to show. */
  value?: unknown;
  /** A sentence saying what is wrong and how to fix it. */
  detail: string;
  /** Only for NotSupported: the accepted values, printed in the message. */
  supported?: readonly string[];
  /**
   * The stable ID of the rule that found it (docs/rules.md#rule-ids). Not part of the message: the API server's
   * format is kept, and the ID travels beside it (CLI output, audit, logs).
   */
  rule?: string;
}

/** apimachinery's CauseType for each kind, used in `status.details.causes[].reason`. */
export const CAUSE_REASON: Record<FieldErrorKind, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  Internal: 'InternalError',
};

const KIND_LABEL: Record<FieldErrorKind, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  Duplicate: 'Duplicate value',
  TooLong: 'Too long',
  Internal: 'Internal error',
};

/**
 * An immutable field path, like field.NewPath("spec").Child("mirrorTopics").Index(2). The text is built the first time
 * it is asked for: most paths a rule makes are never reported (docs/performance.md#the-hot-path).
 */
export class FieldPath {
  private text: string | undefined;

  private constructor(
    private readonly parent: FieldPath | undefined,
    /** A child's name, or an index's or key's bracket content. */
    private readonly segment: string,
    private readonly bracket: boolean,
  ) {
    if (parent === undefined) this.text = segment;
  }

  static root(name: string): FieldPath {
    return new FieldPath(undefined, name, false);
  }

  child(...names: string[]): FieldPath {
    // a loop, not reduce with a callback: rules make these on every review
    if (names.length === 0) return this;
    let path = new FieldPath(this, names[0]!, false);
    for (let i = 1; i < names.length; i++) path = new FieldPath(path, names[i]!, false);
    return path;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, String(i), true);
  }

  key(k: string): FieldPath {
    return new FieldPath(this, k, true);
  }

  toString(): string {
    if (this.text === undefined) {
      const above = this.parent!.toString();
      this.text = this.bracket ? `${above}[${this.segment}]` : above === '' ? this.segment : `${above}.${this.segment}`;
    }
    return this.text;
  }
}

type PathLike = FieldPath | string;
const p = (path: PathLike): string => path.toString();

export const required = (path: PathLike, detail = ''): FieldError => ({ field: p(path), kind: 'Required', detail });
export const invalid = (path: PathLike, value: unknown, detail: string): FieldError => ({
  field: p(path),
  kind: 'Invalid',
  value,
  detail,
});
export const forbidden = (path: PathLike, detail: string): FieldError => ({
  field: p(path),
  kind: 'Forbidden',
  detail,
});
export const duplicate = (path: PathLike, value: unknown, detail = ''): FieldError => ({
  field: p(path),
  kind: 'Duplicate',
  value,
  detail,
});
export const tooLong = (path: PathLike, value: unknown, max: number): FieldError => ({
  field: p(path),
  kind: 'TooLong',
  value,
  detail: `may not be more than ${max} characters`,
});
export const notSupported = (
  path: PathLike,
  value: unknown,
  supported: readonly string[],
  detail = '',
): FieldError => ({
  field: p(path),
  kind: 'NotSupported',
  value,
  supported,
  detail,
});

/** Render a value the way apimachinery does: strings quoted, scalars bare, objects summarised. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return '"array"';
  if (typeof value === 'object') return '"object"';
  return JSON.stringify(String(value));
}

/** The error's message without its field path: what goes into `causes[].message`. */
export function errorBody(err: FieldError): string {
  const parts: string[] = [KIND_LABEL[err.kind]];
  const showsValue =
    err.kind === 'Invalid' || err.kind === 'NotSupported' || err.kind === 'Duplicate' || err.kind === 'TooLong';
  if (showsValue && err.value !== undefined) parts.push(formatValue(err.value));
  if (err.kind === 'NotSupported' && err.supported && err.supported.length > 0) {
    const list = `supported values: ${err.supported.map((s) => JSON.stringify(s)).join(', ')}`;
    parts.push(err.detail ? `${list} (${err.detail})` : list);
  } else if (err.detail) {
    parts.push(err.detail);
  }
  return parts.join(': ');
}

/** `path: Kind: value: detail`, as kubectl prints each cause. */
export function formatFieldError(err: FieldError): string {
  return err.field ? `${err.field}: ${errorBody(err)}` : errorBody(err);
}

/** apimachinery's ErrorList.ToAggregate().Error(): one error bare, several in brackets. */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const texts = [...new Set(errors.map(formatFieldError))];
  return texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
}
