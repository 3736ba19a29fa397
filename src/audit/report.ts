// What `clusterlink-webhook audit` prints (docs/cli.md#audit): a kubectl-like table, or JSON. Pure.
import { firstErrors, type AuditFinding } from './scan.js';

const rulesOf = (f: AuditFinding): string[] => [...new Set(f.errors.map((e) => e.rule ?? 'unknown'))];

function verdict(f: AuditFinding): string {
  if (f.unknown !== undefined) return 'Unknown';
  return f.valid ? 'True' : 'False';
}

/** Columns padded like kubectl's printer: three spaces between columns, no trailing blanks. */
export function formatTable(findings: readonly AuditFinding[]): string {
  if (findings.length === 0) return 'No ClusterLinks found.\n';
  const header = ['NAMESPACE', 'NAME', 'VALID', 'ERRORS', 'WARNINGS', 'RULES', 'EXCEPTIONS', 'FIRST ERROR'];
  const rows = findings.map((f) => [
    f.namespace,
    f.name,
    verdict(f),
    String(f.errors.length),
    String(f.warnings.length),
    rulesOf(f).join(',') || '<none>',
    f.exceptions.join(',') || '<none>',
    f.unknown ?? firstErrors(f, 1)[0] ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export function formatAuditJson(findings: readonly AuditFinding[]): string {
  const items = findings.map((f) => ({
    namespace: f.namespace,
    name: f.name,
    valid: f.unknown === undefined ? f.valid : null,
    ...(f.unknown !== undefined ? { unknown: f.unknown } : {}),
    errors: f.errors.map((e) => ({ field: e.field, rule: e.rule ?? null, message: firstLine(e) })),
    warnings: f.warnings.map((w) => ({ message: w.text, rule: w.rule ?? null })),
    exceptions: f.exceptions,
  }));
  const summary = {
    clusterLinks: findings.length,
    valid: findings.filter((f) => f.valid && f.unknown === undefined).length,
    invalid: findings.filter((f) => !f.valid).length,
    unknown: findings.filter((f) => f.unknown !== undefined).length,
  };
  return `${JSON.stringify({ summary, items }, null, 2)}\n`;
}

function firstLine(e: AuditFinding['errors'][number]): string {
  return firstErrors({ namespace: '', name: '', valid: false, errors: [e], warnings: [], exceptions: [] }, 1)[0] ?? '';
}
