// The rule IDs of docs/rules.md#rule-ids: the documented table, the catalogue (src/clusterlink/rule-ids.ts) and what
// the rule book emits name the same rules, and every error and warning carries one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES, isRuleId } from '../../src/clusterlink/index.js';
import { check, destinationInitiated, edit, fixtureNames, loadFixture, sourceMode } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(`${ROOT}docs/rules.md`, 'utf8');
const ids = RULES.map((r) => r.id);

/** The IDs in the first column of the table under "## Rule IDs". */
function documentedIds(): string[] {
  const section = DOC.split('\n## Rule IDs')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
}

/** Every quoted rule ID in the sources that emit findings. */
function emittedIds(): Set<string> {
  const files = [
    ...readdirSync(`${ROOT}src/clusterlink/rules`).map((f) => `${ROOT}src/clusterlink/rules/${f}`),
    `${ROOT}src/clusterlink/schema.ts`,
    `${ROOT}src/clusterlink/pair.ts`,
    `${ROOT}src/admission/judge.ts`,
  ];
  const found = new Set<string>();
  for (const file of files)
    for (const m of readFileSync(file, 'utf8').matchAll(/'([a-z][a-z0-9]*(?:-[a-z0-9]+)+)'/g))
      if (isRuleId(m[1] ?? '')) found.add(m[1] ?? '');
  return found;
}

describe('rule IDs', () => {
  test('the table in docs/rules.md lists exactly the catalogue, once each', () => {
    const documented = documentedIds();
    assert.deepEqual([...documented].sort(), [...ids].sort());
    assert.equal(new Set(documented).size, documented.length);
  });

  test('every catalogued rule is emitted somewhere, and every emitted ID is catalogued', () => {
    const emitted = emittedIds();
    assert.deepEqual(
      ids.filter((id) => !emitted.has(id)),
      [],
      'catalogued but never emitted',
    );
    for (const file of readdirSync(`${ROOT}src/clusterlink/rules`)) {
      const text = readFileSync(`${ROOT}src/clusterlink/rules/${file}`, 'utf8');
      // a literal after `add(...)` / `warn(...)` or as a helper argument that is not catalogued would not typecheck;
      // this catches strings that look like IDs in comments drifting from the catalogue
      for (const m of text.matchAll(/, '([a-z]+(?:-[a-z]+){1,})'\)/g)) assert.ok(isRuleId(m[1]!), `${file}: ${m[1]}`);
    }
  });

  test('each rule names a section of docs/rules.md that exists', () => {
    const anchors = new Set(
      [...DOC.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of RULES) assert.ok(anchors.has(rule.section), `${rule.id}: no section #${rule.section}`);
  });

  const objects: Array<[string, unknown, unknown?]> = [
    ...fixtureNames('invalid').map((f): [string, unknown] => [`invalid/${f}`, loadFixture(`invalid/${f}`)]),
    ...fixtureNames('valid').map((f): [string, unknown] => [`valid/${f}`, loadFixture(`valid/${f}`)]),
    ['wrong types', edit(destinationInitiated(), { 'spec.name': 5, 'spec.mirrorTopics': 'x' })],
    ['not an object', 'a string'],
    ['update', edit(sourceMode(), { 'spec.name': 'other' }), sourceMode()],
  ];
  for (const [name, object, old] of objects) {
    test(`${name}: every error and warning carries a catalogued rule ID`, () => {
      const result = check(object, old);
      for (const e of result.errors) assert.ok(e.rule !== undefined && isRuleId(e.rule), `${e.field}: ${e.rule}`);
      assert.equal(result.ruleWarnings?.length ?? 0, result.warnings.length);
      for (const w of result.ruleWarnings ?? []) assert.ok(w.rule !== undefined && isRuleId(w.rule), w.text);
    });
  }
});
