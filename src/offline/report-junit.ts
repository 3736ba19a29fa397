// `validate -o junit` (docs/cli.md#output-formats): JUnit XML as CI servers read it (GitLab, Jenkins, Azure DevOps),
// one <testsuite> per file and one <testcase> per document, like kubeconform's. An invalid ClusterLink is a
// <failure>, a skipped document <skipped>, an unreadable input an <error>.
import { displayName } from './manifests.js';
import { countsOf, locationOf, type DocumentReport, type ValidationReport } from './report.js';

const escapeXml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 cannot carry most control characters, even escaped
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');

const attributes = (attrs: Record<string, string | number>): string =>
  Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');

/** The error lines of a document, as the text output prints them. */
function failureText(doc: DocumentReport): string {
  if (doc.causes.length === 0) return doc.message ?? 'denied without a reason';
  return doc.causes
    .map((c, i) => {
      const rule = doc.causeRules?.[i];
      const line = doc.causeLines?.[i];
      return `${c.field ? `${c.field}: ` : ''}${c.message}${rule ? ` [${rule}]` : ''}${line ? ` (line ${line})` : ''}`;
    })
    .join('\n');
}

function testcase(doc: DocumentReport): string {
  const kind = doc.identity.kind ?? 'document';
  const named = doc.identity.name !== undefined || doc.identity.generateName !== undefined;
  const attrs = {
    name: `${locationOf(doc)}${named ? ` ${displayName(doc.identity)}` : ''}`,
    classname: kind,
    file: doc.source,
    line: doc.line,
  };
  const open = `    <testcase${attributes(attrs)}`;
  if (doc.status === 'valid') return `${open}/>`;
  if (doc.status === 'skipped')
    return `${open}>\n      <skipped${attributes({ message: doc.reason ?? 'not checked' })}/>\n    </testcase>`;
  const count = doc.causes.length;
  const message = count > 0 ? `${count} error${count === 1 ? '' : 's'}` : 'denied';
  const failure = `      <failure${attributes({ message, type: 'invalid' })}>${escapeXml(failureText(doc))}</failure>`;
  return `${open}>\n${failure}\n    </testcase>`;
}

function suite(name: string, docs: DocumentReport[], cases: string[], errors = 0): string {
  const attrs = {
    name,
    tests: cases.length,
    failures: docs.filter((d) => d.status === 'invalid').length,
    errors,
    skipped: docs.filter((d) => d.status === 'skipped').length,
  };
  return `  <testsuite${attributes(attrs)}>\n${cases.join('\n')}\n  </testsuite>`;
}

export function formatJunit(report: ValidationReport): string {
  const bySource = new Map<string, DocumentReport[]>();
  for (const doc of report.documents) bySource.set(doc.source, [...(bySource.get(doc.source) ?? []), doc]);
  const suites = [...bySource].map(([source, docs]) => suite(source, docs, docs.map(testcase)));
  if (report.problems.length > 0) {
    const cases = report.problems.map(
      (p) =>
        `    <testcase${attributes({ name: p.ref, classname: 'input' })}>\n      <error${attributes({ message: p.message, type: 'unreadable' })}/>\n    </testcase>`,
    );
    suites.push(suite('unreadable inputs', [], cases, cases.length));
  }
  const c = countsOf(report);
  const total = {
    name: 'clusterlink-webhook validate',
    tests: c.documents + c.unreadable,
    failures: c.invalid,
    errors: c.unreadable,
    skipped: c.skipped,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attributes(total)}>\n${suites.join('\n')}\n</testsuites>\n`;
}
