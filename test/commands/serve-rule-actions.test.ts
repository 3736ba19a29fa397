// Rule actions of serve (docs/rules.md#rule-actions): flags, the file, flags over the file, refused input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseServeArgs } from '../../src/commands/serve-config.js';
import { loadRuleActions, RuleActionsFileError } from '../../src/commands/serve-rule-actions.js';
import { parseRuleActions } from '../../src/clusterlink/index.js';

describe('rule action parsing', () => {
  const cases: Array<{ text: string; policy: Record<string, string>; problems: number }> = [
    { text: 'link-name=warn', policy: { 'link-name': 'warn' }, problems: 0 },
    {
      text: 'link-name: off\n# comment\nacl-principal = WARN',
      policy: { 'link-name': 'off', 'acl-principal': 'warn' },
      problems: 0,
    },
    { text: 'link-name=warn,link-name=deny', policy: { 'link-name': 'deny' }, problems: 0 },
    { text: 'no-such-rule=warn', policy: {}, problems: 1 },
    { text: 'link-name=ignore', policy: {}, problems: 1 },
    { text: 'bootstrap-url-scheme=deny', policy: {}, problems: 1 },
    { text: 'just-text', policy: {}, problems: 1 },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.text), () => {
      const parsed = parseRuleActions(c.text);
      assert.deepEqual(Object.fromEntries(parsed.policy), c.policy);
      assert.equal(parsed.problems.length, c.problems, parsed.problems.join('; '));
    });
  }
});

describe('serve flags', () => {
  test('--rule-action is repeatable and RULE_ACTIONS is its variable', () => {
    const flags = parseServeArgs(['--rule-action', 'link-name=warn', '--rule-action', 'acl-principal=off'], {});
    assert.deepEqual(Object.fromEntries(flags.config.ruleActions), { 'link-name': 'warn', 'acl-principal': 'off' });
    const env = parseServeArgs([], { RULE_ACTIONS: 'link-name=off' });
    assert.deepEqual(Object.fromEntries(env.config.ruleActions), { 'link-name': 'off' });
  });
  test('an unknown rule is a configuration error', () => {
    assert.throws(() => parseServeArgs(['--rule-action', 'nope=warn'], {}), ConfigError);
  });
  test('--rule-actions-file is made absolute', () => {
    assert.equal(parseServeArgs(['--rule-actions-file', 'r/actions'], {}, '/x').config.ruleActionsFile, '/x/r/actions');
  });
});

describe('rule actions file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rule-actions-'));
  test('flags win over the file', () => {
    const file = join(dir, 'a');
    writeFileSync(file, 'link-name: off\nacl-principal: warn\n');
    const policy = loadRuleActions(new Map([['link-name', 'deny']]), file);
    assert.deepEqual(Object.fromEntries(policy), { 'link-name': 'deny', 'acl-principal': 'warn' });
  });
  test('a file with a problem is refused as a whole', () => {
    const file = join(dir, 'b');
    writeFileSync(file, 'link-name: off\nnope: warn\n');
    assert.throws(() => loadRuleActions(new Map(), file), RuleActionsFileError);
  });
  test('a missing file is refused', () => {
    assert.throws(() => loadRuleActions(new Map(), join(dir, 'missing')), RuleActionsFileError);
  });
});
