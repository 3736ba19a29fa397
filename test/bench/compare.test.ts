// The pure parts of the admission comparison (bench/compare.ts, bench/admission-report.ts, bench/targets.ts): median,
// scatter, the rotated run order, the fixed-rate choice, and ratios refused when a baseline's rounds scatter
// (docs/performance.md#how-it-compares). Fabricated runs only; nothing here measures time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseRate, compare, rotation, scatter, MAX_SCATTER } from '../../bench/compare.js';
import {
  admissionTables,
  admissionTargets,
  summarise,
  CLIENTS,
  TARGETS,
  type Client,
  type ClosedRun,
  type OpenRun,
  type Target,
} from '../../bench/admission-report.js';
import { renderTable, median } from '../../bench/report.js';
import { missingTargets, targetTables } from '../../bench/targets.js';
import { ruleTargets, worstGrowth } from '../../bench/rule-targets.js';

describe('median', () => {
  const cases: Array<{ values: number[]; want: number }> = [
    { values: [3], want: 3 },
    { values: [5, 1, 3], want: 3 },
    { values: [4, 1, 3, 2], want: 2.5 },
    { values: [10, 10, 10, 10, 1000], want: 10 },
  ];
  for (const c of cases)
    test(`median of ${c.values.join(',')} is ${c.want}`, () => assert.equal(median(c.values), c.want));
  test('median of nothing is NaN', () => assert.ok(Number.isNaN(median([]))));
});

describe('scatter = (max − min) / median', () => {
  const cases: Array<{ values: number[]; want: number }> = [
    { values: [100], want: 0 },
    { values: [100, 100, 100, 100, 100], want: 0 },
    { values: [90, 100, 110], want: 0.2 },
    { values: [80, 95, 100, 105, 110], want: 0.3 },
    // One bad round in five is enough: the machine was not steady while this server ran.
    { values: [100, 100, 100, 100, 50], want: 0.5 },
  ];
  for (const c of cases)
    test(`${c.values.join(', ')} → ${c.want}`, () => assert.ok(Math.abs(scatter(c.values) - c.want) < 1e-12));
  const unusable: Array<{ name: string; values: number[] }> = [
    { name: 'no rounds', values: [] },
    { name: 'a zero median', values: [0, 0, 5] },
    { name: 'a NaN round', values: [100, Number.NaN, 100] },
  ];
  for (const c of unusable) test(`${c.name} → NaN`, () => assert.ok(Number.isNaN(scatter(c.values))));
});

describe('rotation: every round starts one place further', () => {
  const items = ['node', 'fastify', 'validate', 'mutate'];
  const cases: Array<{ round: number; want: string[] }> = [
    { round: 0, want: ['node', 'fastify', 'validate', 'mutate'] },
    { round: 1, want: ['fastify', 'validate', 'mutate', 'node'] },
    { round: 3, want: ['mutate', 'node', 'fastify', 'validate'] },
    { round: 4, want: ['node', 'fastify', 'validate', 'mutate'] },
  ];
  for (const c of cases) test(`round ${c.round}`, () => assert.deepEqual(rotation(items, c.round), c.want));
  test('over as many rounds as servers, each server runs in each position once', () => {
    const positions = items.map((item) => new Set(items.map((_, r) => rotation(items, r).indexOf(item))));
    for (const p of positions) assert.equal(p.size, items.length);
  });
  test('an empty list stays empty', () => assert.deepEqual(rotation([], 2), []));
});

describe('compare: a ratio of medians, refused when the baseline scatters', () => {
  const steady = [1000, 1020, 980, 1010, 990];
  const cases: Array<{
    name: string;
    ours: number[];
    baseline: number[];
    invert?: boolean;
    ratio: number | null;
    refused?: RegExp;
  }> = [
    { name: 'steady baseline', ours: [800, 810, 790, 805, 795], baseline: steady, ratio: 0.8 },
    { name: 'inverted (CPU per review)', ours: [200, 200, 200], baseline: [100, 100, 100], invert: true, ratio: 0.5 },
    { name: 'exactly at the limit is accepted', ours: [100, 100, 100], baseline: [90, 100, 115], ratio: 1 },
    {
      name: 'scattered baseline',
      ours: [800, 800, 800, 800, 800],
      baseline: [1000, 1000, 700, 1000, 1000],
      ratio: null,
      refused: /bare Fastify's own rounds scatter by 30 % \(> 25 %\)/,
    },
    {
      name: 'too few rounds',
      ours: [800, 800],
      baseline: [1000, 1000],
      ratio: null,
      refused: /2 round\(s\), at least 3/,
    },
    {
      name: 'a baseline that never answered',
      ours: [800, 800, 800],
      baseline: [0, 0, 0],
      ratio: null,
      refused: /no usable/,
    },
    {
      name: 'ours never answered',
      ours: [0, 0, 0],
      baseline: steady,
      ratio: null,
      refused: /no usable rounds of ours/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = compare(c.ours, c.baseline, { baselineName: 'bare Fastify', invert: c.invert ?? false });
      if (c.ratio === null) {
        assert.equal(got.ratio, null);
        assert.match(got.refused ?? '', c.refused ?? /./);
      } else {
        assert.equal(got.refused, null);
        assert.ok(Math.abs((got.ratio ?? Number.NaN) - c.ratio) < 1e-9, `ratio ${got.ratio}`);
      }
      assert.equal(got.baselineRounds, c.baseline.length);
    });
  }
  test('the limit is 25 % unless told otherwise', () => {
    assert.equal(MAX_SCATTER, 0.25);
    const loose = compare([1, 1, 1], [0.7, 1, 1], { baselineName: 'b', maxScatter: 0.5 });
    assert.ok(loose.ratio !== null);
  });
});

describe('chooseRate: a fixed rate every server sustains', () => {
  const cases: Array<{
    name: string;
    throughputs: number[];
    override?: number;
    rate: number;
    preferredUsed: boolean;
    reason: RegExp;
  }> = [
    {
      name: 'all fast: target 2’s 200 req/s',
      throughputs: [9000, 8000, 3000, 2500],
      rate: 200,
      preferredUsed: true,
      reason: /200 req\/s, within 50 % of the slowest server's 2500 req\/s/,
    },
    { name: 'slowest exactly twice 200', throughputs: [400, 5000], rate: 200, preferredUsed: true, reason: /within/ },
    {
      name: 'slowest below 400: half of it',
      throughputs: [5000, 350],
      rate: 175,
      preferredUsed: false,
      reason: /175 req\/s = 50 % of the slowest server's 350 req\/s; 200 req\/s is not sustained/,
    },
    {
      name: 'unusable figures are ignored',
      throughputs: [Number.NaN, 0, 1000],
      rate: 200,
      preferredUsed: true,
      reason: /1000/,
    },
    { name: 'nothing measured', throughputs: [], rate: 200, preferredUsed: true, reason: /no closed-loop throughput/ },
    {
      name: 'override within the ceiling',
      throughputs: [3000],
      override: 1000,
      rate: 1000,
      preferredUsed: false,
      reason: /^BENCH_FIXED_RATE=1000$/,
    },
    {
      name: 'override above the ceiling is said',
      throughputs: [1000],
      override: 900,
      rate: 900,
      preferredUsed: false,
      reason: /above 50 % of the slowest server's 1000 req\/s: some servers may queue/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = chooseRate({ throughputs: c.throughputs, ...(c.override ? { override: c.override } : {}) });
      assert.equal(got.rate, c.rate);
      assert.equal(got.preferredUsed, c.preferredUsed);
      assert.match(got.reason, c.reason);
    });
  }
});

/** Five rounds per server and client at the given req/s and CPU µs per review; `bad` replaces round 3's rps. */
function rounds(rps: number, cpu: number, bad?: number): ClosedRun[] {
  return [0, 1, 2, 3, 4].map((i) => ({
    round: i + 1,
    rps: i === 2 && bad !== undefined ? bad : rps,
    responses: rps * 5,
    p99Ms: 10,
    cpuUsPerReview: cpu,
    clientCpuShare: 0.5,
    failures: 0,
  }));
}

function openRounds(p99: number, rate = 200, jitter = 0, cpu = 100): OpenRun[] {
  return [0, 1, 2, 3, 4].map((i) => ({
    round: i + 1,
    answeredRps: rate,
    responses: rate * 5,
    cpuUsPerReview: cpu,
    p50Ms: 1,
    p99Ms: i === 0 ? p99 + jitter : p99,
    failures: 0,
  }));
}

function figures(fastifyBad?: number, openJitter = 0) {
  const closed = {} as Record<Client, Record<Target, ClosedRun[]>>;
  for (const c of CLIENTS)
    closed[c] = {
      'node-validate': rounds(10_000, 60),
      'fastify-validate': rounds(9_000, 70, fastifyBad),
      validate: rounds(7_200, 90),
      'node-mutate': rounds(9_000, 65),
      'fastify-mutate': rounds(8_000, 75),
      mutate: rounds(6_300, 100),
    };
  const open = {
    'node-validate': openRounds(2, 200, 0, 50),
    'fastify-validate': openRounds(2, 200, openJitter, 60),
    validate: openRounds(2.4, 200, 0, 80),
    'node-mutate': openRounds(2, 200, 0, 55),
    'fastify-mutate': openRounds(2, 200, 0, 65),
    mutate: openRounds(3, 200, 0, 100),
  };
  return summarise({
    closed,
    open,
    choice: chooseRate({ throughputs: [10_000, 9_000, 7_200, 9_000, 8_000, 6_300] }),
    settings: {
      connections: 16,
      runDurationS: 5,
      fixedS: 5,
      rounds: 5,
      maxScatter: 0.25,
      pinned: true,
      mirrorTopics: 20,
      bodyBytes: { mutate: 3500, validate: 4200 },
    },
  });
}

describe('admission report: target lines and refusals from the runs', () => {
  test('steady baselines: ratios, met and not met, nothing refused', () => {
    const f = figures();
    assert.deepEqual(f.refusals, []);
    assert.equal(f.closedLoop.autocannon.validate.vs.fastify?.throughput.ratio, 0.8);
    assert.equal(f.closedLoop.autocannon.validate.vs.node?.throughput.ratio, 0.72);
    // Each endpoint against the baselines answering its own review: /mutate against the /mutate-review baselines.
    assert.equal(f.closedLoop.autocannon.mutate.vs.fastify?.cpu.ratio, 0.75);
    assert.equal(f.closedLoop.autocannon.mutate.vs.fastify?.throughput.ratio, 0.7875);
    assert.equal(f.closedLoop.autocannon['fastify-validate'].vs.fastify, undefined, 'no ratio of a baseline to itself');
    assert.equal(f.closedLoop.autocannon['fastify-mutate'].vs.node?.throughput.ratio, 8_000 / 9_000);
    // At the fixed rate: bare Fastify's CPU per review ÷ ours, per endpoint.
    assert.equal(f.openLoop.perTarget.validate.cpuVsFastify?.ratio, 0.75);
    assert.equal(f.openLoop.perTarget.mutate.cpuVsFastify?.ratio, 0.65);
    const lines = admissionTargets(f);
    const byName = new Map(lines.map((l) => [l.name, l]));
    assert.equal(byName.get('20.1 /validate throughput (autocannon)')?.met, true);
    assert.equal(byName.get('20.1 /mutate throughput (node-https)')?.met, false);
    assert.match(
      byName.get('20.1 /validate throughput (autocannon)')?.actual ?? '',
      /0\.80 × bare Fastify, 0\.72 × bare node;.*CPU ratio at 200 req\/s 0\.75/,
    );
    assert.equal(byName.get('20.2 /validate p99 at 200 req/s, open loop')?.met, true);
    assert.equal(byName.get('20.2 /mutate p99 at 200 req/s, open loop')?.met, false);
    assert.equal(byName.get('20.5 bench comparable with the held-out figures')?.met, true);
    for (const l of lines) assert.ok(l.id?.startsWith('20.'), l.name);
  });

  test('a scattered bare Fastify: no ratio against it, said in the lines, the tables and the JSON', () => {
    const f = figures(5_000);
    const json = JSON.parse(JSON.stringify(f)) as typeof f;
    assert.equal(json.closedLoop.autocannon.validate.vs.fastify?.throughput.ratio, null);
    assert.ok(json.closedLoop.autocannon.validate.vs.node?.throughput.ratio !== null, 'bare node is steady');
    assert.ok(
      json.refusals.some((r) =>
        /autocannon, ratios against bare Fastify 5, \/validate review \(throughput\): .*scatter by 44 %/.test(r),
      ),
    );
    const line = admissionTargets(f).find((l) => l.name === '20.1 /validate throughput (autocannon)');
    assert.equal(line?.met, null);
    assert.match(line?.actual ?? '', /^no ratio: bare Fastify 5's own rounds scatter by 44 % \(> 25 %\)/);
    const text = admissionTables(f).map(renderTable).join('\n');
    assert.match(text, /refused/);
    assert.match(text, /Ratios refused:\n- /);
  });

  test('a scattered p99 of bare Fastify refuses the latency ratio only', () => {
    const f = figures(undefined, 2);
    const lines = admissionTargets(f);
    assert.equal(lines.find((l) => l.id === '20.2')?.met, null);
    assert.equal(lines.find((l) => l.name === '20.1 /validate throughput (autocannon)')?.met, true);
    assert.ok(f.refusals.some((r) => r.startsWith('open loop, p99 ratios against bare Fastify 5, /validate review')));
    // Only the /validate-review baseline scattered: /mutate keeps its ratio.
    assert.equal(lines.find((l) => l.name.startsWith('20.2 /mutate'))?.met, false);
  });
});

describe('issue target lines', () => {
  test('a target no section measured gets a line saying why', () => {
    const lines = missingTargets(
      [{ id: '20.1', name: '20.1 x', target: 't', actual: 'a', met: true }],
      ['admission', 'coldstart'],
      {},
      { coldstart: { skipped: 'bench/cold-start.ts not present' } },
    );
    assert.deepEqual(
      lines.map((l) => [l.id, l.met, l.actual]),
      [
        ['20.2', null, 'not measured: section admission reported no figure for it'],
        ['20.3', null, 'not measured: section rules not selected (BENCH_ONLY)'],
        ['20.4', null, 'not measured: section coldstart skipped (bench/cold-start.ts not present)'],
        ['20.5', null, 'not measured: section admission reported no figure for it'],
      ],
    );
  });
  test('issue targets first, in order; the others after', () => {
    const tables = targetTables([
      { name: 'other', target: 't', actual: 'a', met: true },
      { id: '20.2', name: 'b', target: 't', actual: 'a', met: false },
      { id: '20.1', name: 'a', target: 't', actual: 'a', met: null },
    ]);
    assert.deepEqual(
      tables.map((t) => [t.title, t.rows.map((r) => r[0])]),
      [
        ['Targets of issue 20', ['a', 'b']],
        ['Other targets', ['other']],
      ],
    );
    assert.deepEqual(
      tables[0]?.rows.map((r) => r[3]),
      ['n/a', 'NO'],
    );
  });
});

describe('target 3 from the rule-cost figures', () => {
  const cases: Array<{ name: string; ms: number[]; want: number | undefined }> = [
    { name: 'linear', ms: [0.01, 0.1, 1, 10], want: 10 },
    { name: 'the step from 10 topics is not judged', ms: [0.001, 0.1, 1, 10], want: 10 },
    { name: 'quadratic at the top', ms: [0.01, 0.1, 1, 100], want: 100 },
    { name: 'a zero figure is no step', ms: [0.01, 0, 1, 10], want: 10 },
  ];
  for (const c of cases)
    test(`worst growth: ${c.name}`, () => {
      const sizes = [10, 100, 1000, 10_000].map((n, i) => ({ mirrorTopics: n, ms: c.ms[i] as number }));
      assert.equal(worstGrowth(sizes), c.want);
    });
  test('no 10× steps from 100 topics: not measured', () =>
    assert.equal(worstGrowth([{ mirrorTopics: 2, ms: 1 }]), undefined));

  const size = (n: number, dv: number, patch: number) => ({
    mirrorTopics: n,
    defaultValidateMs: dv,
    patchMs: patch,
    perTopicUs: (dv * 1000) / n,
    samples: 5,
    errors: 0,
  });
  const table: Array<{ name: string; sizes: ReturnType<typeof size>[]; met: Array<boolean | null> }> = [
    {
      name: 'all met',
      sizes: [size(100, 0.05, 0.1), size(1000, 0.5, 1), size(10_000, 5, 12)],
      met: [true, true, true, true],
    },
    {
      name: '/mutate too slow and superlinear',
      sizes: [size(100, 0.05, 0.1), size(1000, 0.5, 1), size(10_000, 5, 30)],
      met: [true, false, true, false],
    },
    { name: 'small sizes only', sizes: [size(2, 0.01, 0.01), size(20, 0.02, 0.02)], met: [null, null, null, null] },
  ];
  for (const c of table)
    test(c.name, () => {
      const lines = ruleTargets({ sizes: c.sizes, growth: [] });
      assert.deepEqual(
        lines.map((l) => l.met),
        c.met,
      );
      for (const l of lines) assert.equal(l.id, '20.3');
    });
});

test('every server and client of the comparison is listed once', () => {
  assert.deepEqual([...TARGETS].sort(), [
    'fastify-mutate',
    'fastify-validate',
    'mutate',
    'node-mutate',
    'node-validate',
    'validate',
  ]);
  assert.deepEqual([...CLIENTS].sort(), ['autocannon', 'node-https']);
});
