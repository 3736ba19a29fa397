// Shared plumbing for the rule families: a findings collector, the link type, and small checks
// (enum with near-miss, DNS-1123 label, Kafka topic name) that several families use.
import { FieldPath, forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../field-errors.js';
import { asRecord, asString, type JsonRecord } from '../../lib/json.js';
import { DNS1123_LABEL } from '../metadata.js';
import { suggestionDetail } from '../suggest.js';
import type { RuleContext } from '../context.js';
import type { RuleId } from '../rule-ids.js';

/** A soft problem: reported as an admission warning `field: message`, never blocks. */
export interface FieldWarning {
  field: string;
  message: string;
  /** The rule that found it (docs/rules.md#rule-ids). */
  rule?: string;
}

export interface RuleResult {
  errors: FieldError[];
  warnings: FieldWarning[];
}

/**
 * Accumulates findings; families return `collector.result()`. validate passes one collector to every family, in
 * order, instead of a collector, two arrays and a result object per family and review.
 */
export class Findings {
  readonly errors: FieldError[] = [];
  readonly warnings: FieldWarning[] = [];

  add(error: FieldError, rule: RuleId): void {
    error.rule = rule;
    this.errors.push(error);
  }

  warn(path: FieldPath | string, message: string, rule: RuleId): void {
    this.warnings.push({ field: path.toString(), message, rule });
  }

  /** The collector itself: it is a RuleResult, and one collector may gather several families' findings. */
  result(): RuleResult {
    return this;
  }
}

export type LinkType = 'DestinationInitiated' | 'Source' | 'Destination' | 'Bidirectional' | 'Unknown';

/** The link type of docs/rules.md#link-types; `Unknown` when `sourceInitiatedLink.linkMode` is missing or misspelt. */
export function linkTypeOf(spec: JsonRecord): LinkType {
  if (spec['sourceInitiatedLink'] === undefined || spec['sourceInitiatedLink'] === null) return 'DestinationInitiated';
  const mode = asString(asRecord(spec['sourceInitiatedLink'])?.['linkMode']);
  return mode === 'Source' || mode === 'Destination' || mode === 'Bidirectional' ? mode : 'Unknown';
}

export const LINK_TYPE_LABEL: Record<LinkType, string> = {
  DestinationInitiated: 'a destination-initiated link',
  Source: 'a Source-mode link',
  Destination: 'a Destination-mode link',
  Bidirectional: 'a Bidirectional link',
  Unknown: 'this link',
};

/** Everything a rule family reads: the (defaulted) spec, the whole object, the context. */
export interface RuleInput {
  object: JsonRecord;
  spec: JsonRecord;
  linkType: LinkType;
  ctx: RuleContext;
}

export const SPEC = FieldPath.root('spec');

/** Unsupported value with a near-miss hint; silent when absent or not a string (the shape check reports that). */
export function checkEnum(
  out: Findings,
  path: FieldPath,
  value: unknown,
  supported: readonly string[],
  rule: RuleId = 'enum-value',
): boolean {
  if (typeof value !== 'string') return false;
  if (supported.includes(value)) return true;
  out.add(notSupported(path, value, supported, suggestionDetail(value, supported)), rule);
  return false;
}

/** Same, but a missing value is Required. */
export function checkRequiredEnum(
  out: Findings,
  path: FieldPath,
  value: unknown,
  supported: readonly string[],
  why: string,
  /** The rule of a missing value; an unsupported one is `enum-value`. */
  rule: RuleId,
): boolean {
  if (value === undefined || value === null) {
    out.add(required(path, why), rule);
    return false;
  }
  return checkEnum(out, path, value, supported);
}

/** checkRequiredEnum for `parent.field`, whose path is built only when there is something to report. */
export function checkRequiredEnumField(
  out: Findings,
  parent: FieldPath,
  field: string,
  value: unknown,
  supported: readonly string[],
  why: string,
  rule: RuleId,
): boolean {
  if (typeof value === 'string' && supported.includes(value)) return true;
  return checkRequiredEnum(out, parent.child(field), value, supported, why, rule);
}

/** A Kubernetes object name that must be a DNS-1123 label (Secrets, REST classes, namespaces). */
export function checkDnsLabel(
  out: Findings,
  path: FieldPath,
  value: unknown,
  max: number,
  what: string,
  rule: RuleId,
): void {
  if (typeof value !== 'string') return;
  if (value.length === 0) {
    out.add(required(path, `name the ${what}`), rule);
  } else if (value.length > max) {
    out.add(tooLong(path, value, max), rule);
  } else if (!DNS1123_LABEL.test(value)) {
    out.add(
      invalid(
        path,
        value,
        `must be the name of a ${what}: a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)`,
      ),
      rule,
    );
  }
}

const TOPIC_NAME_MAX = 249;

/** A character a Kafka topic name may not hold. */
const NOT_TOPIC_CHAR = /[^A-Za-z0-9._-]/;

/**
 * Only [A-Za-z0-9._-] (and not empty). One search for a character outside the class: on Node 20 it takes half the
 * time of the char loop it replaced, which had replaced an anchored `^[…]+$` regex (docs/performance.md#the-hot-path).
 */
function hasTopicChars(value: string): boolean {
  return value.length > 0 && !NOT_TOPIC_CHAR.test(value);
}

/** True for a legal Kafka topic name: what checkTopicName accepts, without building a path to report with. */
export function isTopicName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= TOPIC_NAME_MAX &&
    hasTopicChars(value) &&
    value !== '.' &&
    value !== '..'
  );
}

/** True when checkEnum would report nothing about `value` (absent, not a string, or supported). */
export function isEnumSilent(value: unknown, supported: readonly string[]): boolean {
  return typeof value !== 'string' || supported.includes(value);
}

/** A legal Kafka topic name (or prefix): 1–249 of [A-Za-z0-9._-], not "." or "..". */
export function checkTopicName(
  out: Findings,
  path: FieldPath,
  value: unknown,
  rule: RuleId,
  what = 'a Kafka topic name',
): boolean {
  if (typeof value !== 'string') return false;
  if (value.length === 0) {
    out.add(required(path, `must be ${what}`), rule);
  } else if (value.length > TOPIC_NAME_MAX) {
    out.add(tooLong(path, value, TOPIC_NAME_MAX), rule);
  } else if (!hasTopicChars(value)) {
    out.add(invalid(path, value, `must be ${what}: only letters, digits, ".", "_" and "-"`), rule);
  } else if (value === '.' || value === '..') {
    out.add(invalid(path, value, `must be ${what}: "." and ".." are not allowed`), rule);
  } else {
    return true;
  }
  return false;
}

/** Forbidden when present (any type): a field that does not belong where it is. */
export function forbidIfSet(out: Findings, path: FieldPath, value: unknown, detail: string, rule: RuleId): void {
  if (value !== undefined && value !== null) out.add(forbidden(path, detail), rule);
}
