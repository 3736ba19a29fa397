// The machine formats of `validate` (docs/cli.md#output-formats), checked for their shape beyond the goldens: SARIF
// 2.1.0 as code-scanning tools require it (ajv over the parts of the SARIF schema they read), JUnit XML that is well
// formed and whose counts add up, and both with every document or finding of the report.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { RULES } from '../../src/clusterlink/rule-ids.js';
import { SCHEMA_RULES } from '../../src/offline/crd/findings.js';
import { formatJunit } from '../../src/offline/report-junit.js';
import { formatSarif } from '../../src/offline/report-sarif.js';
import type { ValidationReport } from '../../src/offline/report.js';
import { INPUTS, runCli } from './helpers.js';

const ARGS = [`${INPUTS}/mixed.yaml`, `${INPUTS}/kinds`, `${INPUTS}/broken.yaml`, `${INPUTS}/update.yaml`];

/** The SARIF 2.1.0 schema's requirements for what this command writes (sarif-schema-2.1.0.json). */
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    $schema: { type: 'string', format: 'uri' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  version: { type: 'string' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id'],
                      properties: {
                        id: { type: 'string' },
                        shortDescription: { type: 'object', required: ['text'] },
                        defaultConfiguration: {
                          type: 'object',
                          properties: { level: { enum: ['none', 'note', 'warning', 'error'] } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: 0 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
                locations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        required: ['artifactLocation', 'region'],
                        properties: {
                          artifactLocation: {
                            type: 'object',
                            required: ['uri'],
                            properties: { uri: { type: 'string', pattern: '^[^/<>\\\\ ][^<>\\\\ ]*$' } },
                          },
                          region: {
                            type: 'object',
                            required: ['startLine'],
                            properties: { startLine: { type: 'integer', minimum: 1 } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

interface Sarif {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string } }>;
  }>;
}

describe('-o sarif', () => {
  test('is SARIF 2.1.0 with a rule for every result, and one result per error, warning and unreadable input', async () => {
    const run = await runCli(['validate', '-o', 'sarif', ...ARGS]);
    assert.equal(run.code, 2);
    const log = JSON.parse(run.stdout) as Sarif;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(SARIF_SUBSET);
    assert.ok(validate(log), JSON.stringify(validate.errors));
    const [sarifRun] = log.runs;
    const ids = sarifRun!.tool.driver.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const id of [...RULES.map((r) => r.id), ...Object.keys(SCHEMA_RULES)]) assert.ok(ids.includes(id), id);
    for (const result of sarifRun!.results) assert.equal(ids[result.ruleIndex], result.ruleId);

    const json = JSON.parse((await runCli(['validate', '-o', 'json', ...ARGS])).stdout) as {
      documents: Array<{ errors?: unknown[]; warnings?: unknown[] }>;
      problems: unknown[];
    };
    const expected = json.documents.reduce((n, d) => n + (d.errors?.length ?? 0) + (d.warnings?.length ?? 0), 0);
    assert.equal(sarifRun!.results.length, expected + json.problems.length);
    assert.ok(sarifRun!.results.some((r) => r.ruleId === 'crd-unknown-field' && r.level === 'error'));
    assert.ok(sarifRun!.results.some((r) => r.ruleId === 'input-unreadable'));
    assert.ok(sarifRun!.results.some((r) => r.level === 'warning'));
  });
});

/** Tags of an XML text in order, checked for balance; returns the elements with their attributes. */
function parseXml(xml: string): Array<{ name: string; attrs: Record<string, string>; depth: number }> {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  const elements: Array<{ name: string; attrs: Record<string, string>; depth: number }> = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z]+)((?:\s+[a-z]+="[^"<]*")*)\s*(\/?)>|<|&(?!amp;|lt;|gt;|quot;)/g)) {
    assert.ok(m[2] !== undefined, `stray markup at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      assert.equal(stack.pop(), name, `unbalanced </${name}>`);
      continue;
    }
    const attrs = Object.fromEntries([...(attrText ?? '').matchAll(/([a-z]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    elements.push({ name: name, attrs, depth: stack.length });
    if (!selfClose) stack.push(name);
  }
  assert.deepEqual(stack, [], 'every element is closed');
  return elements;
}

describe('-o junit', () => {
  test('is well-formed XML: one testsuite per file, one testcase per document, counts that add up', async () => {
    const run = await runCli(['validate', '-o', 'junit', ...ARGS]);
    assert.equal(run.code, 2);
    const elements = parseXml(run.stdout);
    const root = elements[0]!;
    assert.equal(root.name, 'testsuites');
    const suites = elements.filter((e) => e.name === 'testsuite');
    const cases = elements.filter((e) => e.name === 'testcase');
    assert.ok(suites.every((s) => s.depth === 1) && cases.every((c) => c.depth === 2));
    const sum = (key: string) => suites.reduce((n, s) => n + Number(s.attrs[key]), 0);
    assert.equal(Number(root.attrs.tests), cases.length);
    for (const key of ['tests', 'failures', 'errors', 'skipped']) assert.equal(sum(key), Number(root.attrs[key]), key);
    assert.equal(elements.filter((e) => e.name === 'failure').length, Number(root.attrs.failures));
    assert.equal(elements.filter((e) => e.name === 'skipped').length, Number(root.attrs.skipped));
    assert.equal(elements.filter((e) => e.name === 'error').length, Number(root.attrs.errors));
    const json = JSON.parse((await runCli(['validate', '-o', 'json', ...ARGS])).stdout) as {
      summary: { documents: number; unreadable: number };
    };
    assert.equal(cases.length, json.summary.documents + json.summary.unreadable);
  });

  test('escapes what XML cannot carry as it is', () => {
    const report: ValidationReport = {
      documents: [
        {
          ref: 'a.yaml:1',
          source: 'a&b.yaml',
          line: 3,
          identity: { namespace: 'ns', name: '<x>' },
          status: 'invalid',
          causes: [{ reason: 'FieldValueInvalid', field: 'spec.name', message: 'Invalid value: "a\u0001<b>"' }],
          warnings: [],
        },
      ],
      problems: [],
      secretsChecked: false,
    };
    const xml = formatJunit(report);
    parseXml(xml);
    assert.match(xml, /name="a&amp;b\.yaml:3 ns\/&lt;x&gt;"/);
    assert.match(xml, /Invalid value: &quot;a\uFFFD&lt;b&gt;&quot;/);
  });
});

describe('-o sarif for standard input', () => {
  test('names the artifact "stdin"', () => {
    const report: ValidationReport = {
      documents: [],
      problems: [{ ref: '<stdin>:1', message: 'invalid YAML', file: '<stdin>', line: 4 }],
      secretsChecked: false,
    };
    const log = JSON.parse(formatSarif(report, '1.2.3')) as {
      runs: Array<{ tool: { driver: { version: string } }; results: Array<{ locations: unknown }> }>;
    };
    assert.equal(log.runs[0]!.tool.driver.version, '1.2.3');
    assert.deepEqual(log.runs[0]!.results[0]!.locations, [
      { physicalLocation: { artifactLocation: { uri: 'stdin' }, region: { startLine: 4 } } },
    ]);
  });
});
