// What `validate` found, and its renderings: text for people (errors exactly as kubectl would print them) and JSON
// for machines (errors shaped like the API server's `status.details.causes[]`); JUnit and SARIF are report-junit.ts
// and report-sarif.ts.
import type { StatusCause } from '../admission/types.js';
import { displayName, type LoadProblem, type ObjectIdentity } from './manifests.js';

export type DocumentStatus = 'valid' | 'invalid' | 'skipped';

export interface DocumentReport {
  ref: string;
  /** The file (or `<stdin>`) and the 1-based line where the object starts. */
  source: string;
  line: number;
  identity: ObjectIdentity;
  status: DocumentStatus;
  /** Why a document was skipped. */
  reason?: string;
  operation?: 'CREATE' | 'UPDATE';
  /** The denial's `status.details.causes`, exactly as the webhook sends them. */
  causes: StatusCause[];
  /** The rule ID of each cause, by position (docs/rules.md#rule-ids, docs/cli.md#the-crd-schema). */
  causeRules?: Array<string | undefined>;
  /** The line of each cause's field (or of its nearest ancestor in the file), by position. */
  causeLines?: number[];
  /** The rule ID of each warning that has one, by text. */
  warningRules?: Record<string, string>;
  /** The denial's `status.message`. */
  message?: string;
  warnings: string[];
}

export interface ValidationReport {
  documents: DocumentReport[];
  problems: LoadProblem[];
  secretsChecked: boolean;
}

export interface Counts {
  documents: number;
  clusterLinks: number;
  valid: number;
  invalid: number;
  skipped: number;
  unreadable: number;
}

export function countsOf(report: ValidationReport): Counts {
  const count = (status: DocumentStatus) => report.documents.filter((d) => d.status === status).length;
  const valid = count('valid');
  const invalid = count('invalid');
  return {
    documents: report.documents.length,
    clusterLinks: valid + invalid,
    valid,
    invalid,
    skipped: count('skipped'),
    unreadable: report.problems.length,
  };
}

/** The rule ID after a line, as `[rule-id]`: kubectl's text stays as it is before it. */
const ruleSuffix = (rule: string | undefined): string => (rule === undefined ? '' : ` [${rule}]`);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `file:line`, where an editor or CI annotation can jump to. */
export const locationOf = (doc: Pick<DocumentReport, 'source' | 'line'>): string => `${doc.source}:${doc.line}`;

/** The lines of one checked document: its head, one `* error` line each, then `Warning:` lines. */
function documentLines(doc: DocumentReport): string[] {
  // An UPDATE says so: with --old, a typo in a name would otherwise pass silently as a CREATE.
  const head = `${locationOf(doc)} ${displayName(doc.identity)}${doc.operation === 'UPDATE' ? ' (UPDATE)' : ''}`;
  const out: string[] = [];
  if (doc.status === 'valid') {
    out.push(`${head}: OK`);
  } else if (doc.causes.length > 0) {
    // kubectl's rendering of a 422 Invalid: one bullet per cause; then the rule ID and the line of the field.
    out.push(`${head}: INVALID (${plural(doc.causes.length, 'error')})`);
    doc.causes.forEach((c, i) => {
      const line = doc.causeLines?.[i];
      const where = line === undefined ? '' : ` (line ${line})`;
      out.push(`  * ${c.field ? `${c.field}: ${c.message}` : c.message}${ruleSuffix(doc.causeRules?.[i])}${where}`);
    });
  } else {
    out.push(`${head}: DENIED`);
    out.push(`  * ${doc.message ?? 'denied without a reason'}`);
  }
  for (const warning of doc.warnings) out.push(`  Warning: ${warning}${ruleSuffix(doc.warningRules?.[warning])}`);
  return out;
}

/** A skipped document: where, what (when it has a name) and why; never dropped silently (docs/cli.md#inputs). */
function skippedLine(doc: DocumentReport): string {
  const what =
    doc.identity.name !== undefined || doc.identity.generateName !== undefined ? ` ${displayName(doc.identity)}` : '';
  return `${locationOf(doc)}${what}: skipped: ${doc.reason ?? 'not checked'}`;
}

export interface TextOptions {
  /** Only failures: invalid documents and unreadable inputs, no OK or skipped lines and no summary (-q). */
  quiet?: boolean;
}

/** Per document: `file:line namespace/name: OK`, `INVALID` with its errors, or `skipped: why`; then a summary. */
export function formatText(report: ValidationReport, options: TextOptions = {}): { stdout: string; stderr: string } {
  const out: string[] = [];
  for (const doc of report.documents) {
    if (options.quiet && doc.status !== 'invalid') continue;
    out.push(...(doc.status === 'skipped' ? [skippedLine(doc)] : documentLines(doc)));
  }
  const c = countsOf(report);
  const parts = [
    `${plural(c.clusterLinks, 'ClusterLink')} checked: ${c.valid} valid, ${c.invalid} invalid`,
    `${plural(c.skipped, 'other document')} skipped`,
  ];
  if (c.unreadable > 0) parts.push(`${plural(c.unreadable, 'input')} unreadable`);
  parts.push(report.secretsChecked ? 'Secrets checked' : 'Secrets not checked (no --secrets-dir)');
  if (!options.quiet) out.push(`Summary: ${parts.join('; ')}`);
  const stderr = report.problems.map((p) => `error: ${p.ref}: ${p.message}\n`).join('');
  return { stdout: out.length > 0 ? `${out.join('\n')}\n` : '', stderr };
}

/** The JSON report; `exitCode` is the command's exit status for this report (commands/validate.ts). */
export function formatJson(report: ValidationReport, exitCode: number, options: TextOptions = {}): string {
  const shown = options.quiet ? report.documents.filter((d) => d.status === 'invalid') : report.documents;
  const documents = shown.map((doc) => {
    const entry: Record<string, unknown> = { ref: doc.ref, file: doc.source, line: doc.line };
    if (doc.identity.apiVersion !== undefined) entry.apiVersion = doc.identity.apiVersion;
    if (doc.identity.kind !== undefined) entry.kind = doc.identity.kind;
    entry.namespace = doc.identity.namespace;
    if (doc.identity.name !== undefined) entry.name = doc.identity.name;
    else if (doc.identity.generateName !== undefined) entry.generateName = doc.identity.generateName;
    entry.status = doc.status;
    if (doc.reason !== undefined) entry.reason = doc.reason;
    if (doc.operation !== undefined) entry.operation = doc.operation;
    if (doc.status !== 'skipped') {
      // Each error is the cause the webhook sends, plus its rule ID (docs/rules.md#rule-ids).
      entry.errors = doc.causes.map((c, i) => {
        const rule = doc.causeRules?.[i];
        const line = doc.causeLines?.[i];
        return { ...c, ...(rule === undefined ? {} : { rule }), ...(line === undefined ? {} : { line }) };
      });
      if (doc.message !== undefined) entry.message = doc.message;
      entry.warnings = doc.warnings;
      entry.warningRules = doc.warnings.map((w) => doc.warningRules?.[w] ?? null);
    }
    return entry;
  });
  const summary = { ...countsOf(report), secretsChecked: report.secretsChecked, exitCode };
  return `${JSON.stringify({ summary, documents, problems: report.problems }, null, 2)}\n`;
}
