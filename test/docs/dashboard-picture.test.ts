// The dashboard picture of docs/install.md#grafana-dashboard (docs/images/dashboard.png, made by `npm run
// docs:dashboard`) shows the dashboard of the chart as it is: its manifest lists every panel of
// charts/clusterlink-webhook/files/dashboard.json with the same title, type and queries, each with series drawn from
// a recorded run of a couple of minutes; the SVG names every panel and series; the PNG is that SVG's size.
// A panel added to or changed in the JSON without re-rendering the picture fails here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDashboard } from '../../docs/dashboard/panels.js';
import { MANIFEST_FILE, PNG_FILE, SVG_FILE, type Manifest } from '../../docs/dashboard/manifest.js';
import { REPO_ROOT } from '../support/serve-process.js';

const manifest = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as Manifest;
const dashboard = readDashboard();
const svg = readFileSync(SVG_FILE, 'utf8');
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('the dashboard picture matches files/dashboard.json', () => {
  test('the manifest has every panel of the JSON, in order, with its title, type and queries', () => {
    assert.deepEqual(
      manifest.panels.map((p) => ({ id: p.id, title: p.title, type: p.type, targets: p.targets })),
      dashboard.panels.map((p) => ({
        id: p.id,
        title: p.title,
        type: p.type,
        targets: p.targets.map((t) => ({ refId: t.refId, expr: t.expr })),
      })),
    );
    assert.equal(manifest.dashboard, dashboard.title);
  });

  test('it was recorded from a real run of at least two minutes', () => {
    assert.ok(manifest.durationSeconds >= 120, `${manifest.durationSeconds} s`);
    assert.ok(manifest.scrapes >= manifest.durationSeconds / manifest.scrapeIntervalSeconds);
    assert.ok(manifest.reviewsSent > 1000, `${manifest.reviewsSent} reviews`);
  });

  for (const panel of dashboard.panels)
    test(`"${panel.title}": every query has data in the picture`, () => {
      const drawn = manifest.panels.find((p) => p.id === panel.id);
      for (const target of panel.targets) {
        const series = drawn?.series.filter((s) => s.refId === target.refId) ?? [];
        assert.ok(series.length > 0, `${target.refId} has no series`);
        for (const s of series) {
          assert.ok(s.points >= (panel.type === 'stat' ? 1 : 10), `${s.legend}: ${s.points} points`);
          assert.ok(Number.isFinite(s.last), `${s.legend}: last value ${s.last}`);
        }
      }
    });

  test('the SVG shows every panel title and every series legend', () => {
    for (const p of manifest.panels) {
      assert.ok(svg.includes(`>${esc(p.title)}</text>`), p.title);
      if (p.type !== 'stat') for (const s of p.series) assert.ok(svg.includes(`>${esc(s.legend)}</text>`), s.legend);
    }
  });

  test('the PNG is the SVG rendered (same size), and docs/install.md shows it', () => {
    const png = readFileSync(PNG_FILE);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    const [, w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Number(w), Number(h)]);
    const install = readFileSync(join(REPO_ROOT, 'docs', 'install.md'), 'utf8');
    assert.match(install, /!\[[^\]]+\]\(images\/dashboard\.png\)/);
    assert.ok(existsSync(join(REPO_ROOT, 'docs', 'dashboard', 'render.ts')));
  });
});
