// The PromQL subset that draws the dashboard picture (docs/dashboard/): parsing with Prometheus's precedence, and
// the values Prometheus itself gives for rate() (extrapolation, counter resets), histogram_quantile()
// (interpolation, the +Inf bucket), aggregations, vector matching, comparisons, `or` and absent().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketQuantile, Evaluator, extrapolatedRate, type Scrape } from '../../docs/dashboard/promql-eval.js';
import { metricNames, parsePromQL } from '../../docs/dashboard/promql-parse.js';
import { interpolate, legendOf } from '../../docs/dashboard/panels.js';
import { parseExposition } from '../../docs/dashboard/exposition.js';

describe('parsePromQL', () => {
  const cases: Array<[string, string, string[]]> = [
    ['rate in sum by', 'sum by (webhook) (rate(a_total{x="1"}[5m]))', ['a_total']],
    ['by after the argument', 'sum(rate(a_total[1m])) by (le)', ['a_total']],
    ['division of two aggregations', 'sum(rate(a[5m])) / clamp_min(sum(rate(b[5m])), 1e-9) > 0.05', ['a', 'b']],
    ['or with absent', 'max(m{name="c"}) < 1 or absent(m{name="c"})', ['m']],
    ['time arithmetic', 'min(expiry) - time() < 604800', ['expiry']],
    ['up == 1', 'absent(up{namespace="n", service="s"} == 1)', ['up']],
    ['name matcher', '{__name__="x_total"}', ['x_total']],
  ];
  for (const [name, src, names] of cases)
    test(`${name}: parses, names ${names.join(', ')}`, () => assert.deepEqual(metricNames(parsePromQL(src)), names));

  test('precedence: * before -, comparison after both, `or` last', () => {
    const e = parsePromQL('a - b * 2 > 1 or c');
    assert.equal(e.kind === 'binary' && e.op, 'or');
    const lhs = e.kind === 'binary' ? e.lhs : e;
    assert.equal(lhs.kind === 'binary' && lhs.op, '>');
  });

  const bad = ['sum(', 'a{b="c"', 'rate(a[5m]', '@@'];
  for (const src of bad) test(`refuses ${JSON.stringify(src)}`, () => assert.throws(() => parsePromQL(src), /PromQL/));
});

describe('extrapolatedRate (Prometheus promql/functions.go)', () => {
  const cases: Array<[string, Array<[number, number]>, number, number, number | undefined]> = [
    // samples every 5 s over the window: extrapolated to its start (5 s, where the counter would reach 0)
    [
      'steady counter',
      [
        [5, 10],
        [10, 20],
        [15, 30],
        [20, 40],
      ],
      0,
      20,
      (30 * (15 + 5 + 0)) / 15 / 20,
    ],
    // the counter went 30 → 5: a reset adds the value before it (35 in all); the start is extrapolated only to
    // where the counter would have been 0 (15 s × 10/35 before the first sample)
    [
      'reset',
      [
        [5, 10],
        [10, 30],
        [15, 5],
        [20, 15],
      ],
      0,
      20,
      (35 * (15 + (15 * 10) / 35)) / 15 / 20,
    ],
    // the counter cannot have been below zero: extrapolation to the start stops where it would reach 0
    [
      'starts near zero',
      [
        [10, 1],
        [15, 11],
        [20, 21],
      ],
      0,
      20,
      (20 * (10 + 0.5 + 0)) / 10 / 20,
    ],
    ['one sample: no rate', [[5, 10]], 0, 20, undefined],
  ];
  for (const [name, points, from, to, want] of cases)
    test(name, () => {
      const got = extrapolatedRate(points, from, to);
      if (want === undefined) assert.equal(got, undefined);
      else assert.ok(Math.abs((got ?? NaN) - want) < 1e-9, `${got} != ${want}`);
    });
});

describe('bucketQuantile (Prometheus promql/quantile.go)', () => {
  const b = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));
  const cases: Array<[string, number, Array<[number, number]>, number]> = [
    [
      'median inside the first bucket',
      0.5,
      [
        [1, 10],
        [2, 10],
        [Infinity, 10],
      ],
      0.5,
    ],
    [
      'p90 between 0.1 and 0.5',
      0.9,
      [
        [0.1, 50],
        [0.5, 100],
        [Infinity, 100],
      ],
      0.1 + 0.4 * ((90 - 50) / 50),
    ],
    [
      'rank in +Inf: the largest finite bound',
      0.99,
      [
        [0.1, 10],
        [0.5, 20],
        [Infinity, 100],
      ],
      0.5,
    ],
    [
      'no observations',
      0.5,
      [
        [1, 0],
        [Infinity, 0],
      ],
      NaN,
    ],
    ['no +Inf bucket', 0.5, [[1, 5]], NaN],
    [
      'q > 1',
      1.5,
      [
        [1, 5],
        [Infinity, 5],
      ],
      Infinity,
    ],
  ];
  for (const [name, q, buckets, want] of cases)
    test(name, () => {
      const got = bucketQuantile(q, b(buckets));
      if (Number.isNaN(want)) assert.ok(Number.isNaN(got));
      else if (!Number.isFinite(want)) assert.equal(got, want);
      else assert.ok(Math.abs(got - want) < 1e-9, `${got} != ${want}`);
    });
});

describe('Evaluator over scrapes', () => {
  const scrape = (t: number, text: string): Scrape => ({ t, samples: parseExposition(text, { namespace: 'ns' }) });
  const scrapes = [
    scrape(0, 'req_total{webhook="validate",allowed="true"} 0\nreq_total{webhook="mutate",allowed="true"} 0\ng 3'),
    scrape(10, 'req_total{webhook="validate",allowed="true"} 100\nreq_total{webhook="mutate",allowed="true"} 50\ng 4'),
    scrape(20, 'req_total{webhook="validate",allowed="true"} 200\nreq_total{webhook="mutate",allowed="true"} 100'),
  ];
  const ev = new Evaluator(scrapes);
  const values = (src: string, t: number) => {
    const v = ev.at(parsePromQL(src), t);
    return v.type === 'scalar' ? v.value : v.elements.map((e) => [e.labels, e.value]);
  };
  const cases: Array<[string, string, number, unknown]> = [
    ['sum of rates', 'sum(rate(req_total{namespace=~"n.*"}[20s]))', 20, [[{}, 15]]],
    [
      'sum by webhook',
      'sum by (webhook) (rate(req_total[20s]))',
      20,
      [
        [{ webhook: 'validate' }, 10],
        [{ webhook: 'mutate' }, 5],
      ],
    ],
    ['a matcher that selects nothing', 'sum(rate(req_total{namespace="other"}[20s]))', 20, []],
    [
      'ratio with one-to-one matching',
      'sum by (webhook) (rate(req_total[20s])) / sum by (webhook) (rate(req_total[20s]))',
      20,
      [
        [{ webhook: 'validate' }, 1],
        [{ webhook: 'mutate' }, 1],
      ],
    ],
    ['comparison filters', 'sum by (webhook) (rate(req_total[20s])) > 7', 20, [[{ webhook: 'validate' }, 10]]],
    ['scalar arithmetic with time()', 'time() - 5', 20, 15],
    ['a gauge at the latest scrape', 'max(g)', 10, [[{}, 4]]],
    ['a gauge gone from the latest scrape is stale', 'max(g)', 20, []],
    ['absent of a missing series', 'absent(g{name="x"})', 20, [[{ name: 'x' }, 1]]],
    ['absent of a present series', 'absent(req_total)', 20, []],
    ['or adds what the left lacks', 'max(g) < 1 or absent(g)', 20, [[{}, 1]]],
  ];
  for (const [name, src, t, want] of cases) test(name, () => assert.deepEqual(values(src, t), want));
});

describe('Grafana variables and legends', () => {
  const vars = { namespaces: ['confluent'], scrapeIntervalSeconds: 5, stepSeconds: 5 };
  test('$__rate_interval is max(step + scrape, 4 × scrape); one namespace is its name', () =>
    assert.equal(
      interpolate('rate(x{namespace=~"$namespace"}[$__rate_interval])', vars),
      'rate(x{namespace=~"confluent"}[20s])',
    ));
  test('several namespaces become an alternation', () =>
    assert.equal(interpolate('$namespace', { ...vars, namespaces: ['a', 'b'] }), '(a|b)'));
  test('legend format fills {{label}}', () =>
    assert.equal(
      legendOf('{{webhook}} allowed={{allowed}}', { webhook: 'mutate', allowed: 'true' }),
      'mutate allowed=true',
    ));
});
