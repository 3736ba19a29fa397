// Smoke test of the benchmark harness (not a benchmark): the rule-cost section runs in-process for tiny sizes
// and hands back figures, a table and target checks of the documented shape. No timing is asserted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runRuleCost } from '../../bench/rule-cost.js';
import { loadConfig } from '../../bench/config.js';
import { renderTable, targetsTable } from '../../bench/report.js';

describe('bench harness', () => {
  test('rule cost: figures, table and targets for tiny sizes', () => {
    const result = runRuleCost({ sizes: [2, 20], budgetMs: 5 });
    const json = JSON.parse(JSON.stringify(result.figures)) as typeof result.figures;
    assert.deepEqual(
      json.sizes.map((s) => s.mirrorTopics),
      [2, 20],
    );
    for (const size of json.sizes) {
      assert.equal(size.errors, 0, 'the benchmark fixture must be a valid ClusterLink');
      for (const key of ['defaultValidateMs', 'patchMs', 'perTopicUs'] as const) {
        assert.equal(typeof size[key], 'number', key);
        assert.ok(Number.isFinite(size[key]) && size[key] >= 0, `${key} is a finite non-negative number`);
      }
      assert.ok(size.samples >= 5);
    }
    assert.equal(json.growth.length, 1);
    assert.deepEqual([json.growth[0]?.from, json.growth[0]?.to, json.growth[0]?.sizeRatio], [2, 20, 10]);
    assert.equal(result.tables.length, 1);
    assert.match(renderTable(result.tables[0]!), /^### Rule cost[\s\S]*\| 20 +\|/);
    // The 10,000-topic target was not measured at these sizes: reported as such, not as passed or failed.
    const largest = result.targets.find((t) => t.name.includes('10,000'));
    assert.equal(largest?.met, null);
    assert.match(renderTable(targetsTable(result.targets)), /n\/a/);
  });

  test('config: quick mode and section selection from the environment', () => {
    const config = loadConfig({ BENCH_QUICK: '1', BENCH_ONLY: 'rules,memory', BENCH_OUT: '/tmp/x.json' });
    assert.equal(config.quick, true);
    assert.deepEqual(config.sections, ['rules', 'memory']);
    assert.equal(config.out, '/tmp/x.json');
    assert.throws(() => loadConfig({ BENCH_ONLY: 'nope' }), /unknown section/);
    assert.throws(() => loadConfig({ BENCH_DURATION_S: '-1' }), /positive/);
  });

  const knobs: Array<{
    env: NodeJS.ProcessEnv;
    rounds: number;
    connections: number;
    fixedRate?: number;
    maxScatter: number;
    /** Seconds per fixed-rate round and of the unrecorded pass before them. */
    fixed: [number, number];
  }> = [
    // The full run: at least 5 rotated rounds, 16 connections, the rate chosen from the figures, the 25 % limit,
    // fixed-rate rounds of 15 s (3,000 answers at 200 req/s: a p99 steady from round to round) after a 5 s pass.
    { env: {}, rounds: 5, connections: 16, maxScatter: 0.25, fixed: [15, 5] },
    // Quick: still enough rounds for the scatter check (3).
    { env: { BENCH_QUICK: '1' }, rounds: 3, connections: 16, maxScatter: 0.25, fixed: [0.3, 0.1] },
    {
      env: {
        BENCH_ROUNDS: '7',
        BENCH_CONNECTIONS: '8',
        BENCH_FIXED_RATE: '150',
        BENCH_MAX_SCATTER: '0.1',
        BENCH_FIXED_S: '8',
        BENCH_FIXED_WARM_S: '2',
      },
      rounds: 7,
      connections: 8,
      fixedRate: 150,
      maxScatter: 0.1,
      fixed: [8, 2],
    },
  ];
  for (const k of knobs) {
    test(`config: admission knobs from ${JSON.stringify(k.env)}`, () => {
      const config = loadConfig(k.env);
      assert.deepEqual(
        [config.rounds, config.connections, config.fixedRate, config.maxScatter, [config.fixedS, config.fixedWarmS]],
        [k.rounds, k.connections, k.fixedRate, k.maxScatter, k.fixed],
      );
      assert.ok(config.sections.includes('coldstart'), 'the cold-start section is part of a full run');
    });
  }
  test('config: a fixed rate that is not a positive number is refused', () => {
    assert.throws(() => loadConfig({ BENCH_FIXED_RATE: 'fast' }), /BENCH_FIXED_RATE must be a positive number/);
  });
});
