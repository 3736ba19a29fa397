// `validate -o sarif` (docs/cli.md#output-formats): SARIF 2.1.0, what GitHub code scanning and other PR annotators
// read. Each error and warning is a result with its rule ID (docs/rules.md#rule-ids, or the CRD check's) and the
// file and line of its field; the rules table lists every ID the command can report.
import { RULES } from '../clusterlink/rule-ids.js';
import { SCHEMA_RULES } from './crd/findings.js';
import type { ValidationReport } from './report.js';

/** IDs of the command's own findings beside the rule book's and the CRD check's. */
export const CLI_RULES = {
  'input-unreadable': 'an input that cannot be read or parsed (the result is incomplete: exit 2)',
  'webhook-denial': 'a denial without field errors (an internal error of the webhook, or a refused exception)',
  'webhook-warning': 'a warning of the webhook that has no rule ID',
} as const;

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning';
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
}

function ruleTable(): SarifRule[] {
  const rules: SarifRule[] = RULES.map((r) => ({
    id: r.id,
    shortDescription: { text: `${r.id}: see docs/rules.md#${r.section}` },
    defaultConfiguration: { level: r.severity === 'warning' ? 'warning' : 'error' },
  }));
  for (const [id, text] of [...Object.entries(SCHEMA_RULES), ...Object.entries(CLI_RULES)])
    rules.push({
      id,
      shortDescription: { text },
      defaultConfiguration: { level: id === 'webhook-warning' ? 'warning' : 'error' },
    });
  return rules;
}

/** A path as a relative URI reference (SARIF artifactLocation.uri); standard input as `stdin`. */
const uriOf = (path: string): string => (path === '<stdin>' ? 'stdin' : encodeURI(path.split('\\').join('/')));

export function formatSarif(report: ValidationReport, version: string): string {
  const rules = ruleTable();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: SarifResult[] = [];
  const add = (ruleId: string, level: SarifResult['level'], text: string, file: string, line: number) =>
    results.push({
      ruleId,
      ruleIndex: index.get(ruleId) ?? index.get('webhook-denial')!,
      level,
      message: { text },
      locations: [
        { physicalLocation: { artifactLocation: { uri: uriOf(file) }, region: { startLine: Math.max(1, line) } } },
      ],
    });
  for (const doc of report.documents) {
    if (doc.status === 'skipped') continue;
    doc.causes.forEach((c, i) => {
      const text = c.field ? `${c.field}: ${c.message}` : c.message;
      add(doc.causeRules?.[i] ?? 'webhook-denial', 'error', text, doc.source, doc.causeLines?.[i] ?? doc.line);
    });
    if (doc.status === 'invalid' && doc.causes.length === 0)
      add('webhook-denial', 'error', doc.message ?? 'denied without a reason', doc.source, doc.line);
    for (const w of doc.warnings) add(doc.warningRules?.[w] ?? 'webhook-warning', 'warning', w, doc.source, doc.line);
  }
  for (const p of report.problems) {
    add('input-unreadable', 'error', `${p.ref}: ${p.message}`, p.file ?? p.ref, p.line ?? 1);
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'clusterlink-webhook',
            version,
            informationUri: 'https://github.com/confluentinc/confluent-kubernetes-examples',
            rules,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
