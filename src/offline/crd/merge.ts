// The CRD check's findings joined to the webhook's answer for one document (docs/cli.md#the-crd-schema): all errors at
// once, the API server's first (it checks the schema before calling the validating webhook), each with its rule ID and
// line. A place the webhook reports too (the same field) is shown once, in the webhook's words (they say how to fix it);
// unknown fields are the CRD check's alone.
import type { Manifest } from '../manifests.js';
import type { DocumentReport } from '../report.js';
import { segmentsOf } from './field-path.js';
import type { SchemaFinding } from './findings.js';

const QUALIFIED_KIND = 'ClusterLink.platform.confluent.io';

/** `report` with `findings` and `warnings` added; every cause gets the line of its field in `manifest`. */
export function withSchemaFindings(
  report: DocumentReport,
  findings: readonly SchemaFinding[],
  warnings: readonly string[],
  manifest: Pick<Manifest, 'locate'>,
): DocumentReport {
  const known = new Set(report.causes.map((c) => c.field));
  const added = findings.filter((f) => f.rule === 'crd-unknown-field' || !known.has(f.cause.field));
  // Field errors first; a note without a field (CEL rules not run) closes the list, after the webhook's errors.
  const first = added.filter((f) => f.cause.field !== '');
  const last = added.filter((f) => f.cause.field === '');
  const causes = [...first.map((f) => f.cause), ...report.causes, ...last.map((f) => f.cause)];
  const webhookRules = report.causeRules ?? report.causes.map(() => undefined);
  const out: DocumentReport = {
    ...report,
    causes,
    causeRules: [...first.map((f) => f.rule), ...webhookRules, ...last.map((f) => f.rule)],
    causeLines: causes.map((c) => manifest.locate(segmentsOf(c.field))),
    warnings: [...report.warnings, ...warnings],
    warningRules: { ...report.warningRules, ...Object.fromEntries(warnings.map((w) => [w, 'crd-cel'])) },
  };
  if (added.length > 0) {
    out.status = 'invalid';
    const name = report.identity.name ?? report.identity.generateName ?? '';
    const texts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    out.message = `${QUALIFIED_KIND} "${name}" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
  }
  return out;
}
