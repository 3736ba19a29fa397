// `npm run docs:dashboard` (docs/install.md#grafana-dashboard): records a real run (run.ts), evaluates every panel
// of charts/clusterlink-webhook/files/dashboard.json over its scrapes (panels.ts) and writes
//   docs/images/dashboard.svg and .png  the picture (PNG by rsvg-convert, else headless Chromium)
//   docs/dashboard/manifest.json        what the picture shows: each panel's title, queries and series
// test/docs/dashboard.test.ts checks the manifest and the SVG against the dashboard JSON.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluatePanels, readDashboard, type PanelData } from './panels.js';
import { MANIFEST_FILE, PNG_FILE, SVG_FILE, type Manifest } from './manifest.js';
import { recordRun } from './run.js';
import { renderSvg } from './svg.js';

function toPng(svgFile: string, pngFile: string): string {
  const rsvg = spawnSync('rsvg-convert', ['-o', pngFile, svgFile], { stdio: 'inherit' });
  if (rsvg.status === 0) return 'rsvg-convert';
  for (const browser of ['chromium', 'chromium-browser', 'google-chrome']) {
    const args = [
      '--headless',
      '--no-sandbox',
      '--hide-scrollbars',
      `--screenshot=${pngFile}`,
      '--window-size=1600,1100',
    ];
    const r = spawnSync(browser, [...args, `file://${svgFile}`], { stdio: 'inherit' });
    if (r.status === 0) return browser;
  }
  throw new Error('no SVG converter: install librsvg2-bin (rsvg-convert) or chromium');
}

function manifestOf(panels: PanelData[]): Manifest['panels'] {
  return panels.map(({ panel, series }) => ({
    id: panel.id,
    title: panel.title,
    type: panel.type,
    targets: panel.targets.map((t) => ({ refId: t.refId, expr: t.expr })),
    series: series.map((s) => ({
      refId: s.refId,
      legend: s.legend,
      points: s.points.length,
      last: Number((s.points.at(-1)?.[1] ?? NaN).toPrecision(6)),
    })),
  }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '150' },
      'scrape-interval': { type: 'string', default: '5' },
      namespace: { type: 'string', default: 'confluent' },
    },
  });
  const durationSeconds = Number(values.duration);
  const scrapeIntervalSeconds = Number(values['scrape-interval']);
  const dashboard = readDashboard();
  const loadBefore = loadavg()[0] ?? 0;
  const run = await recordRun({
    durationSeconds,
    scrapeIntervalSeconds,
    namespace: values.namespace,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const vars = { namespaces: [values.namespace], scrapeIntervalSeconds, stepSeconds: scrapeIntervalSeconds };
  const panels = evaluatePanels(dashboard, run.scrapes, vars);
  const range: [number, number] = [run.scrapes[0]?.t ?? 0, run.scrapes.at(-1)?.t ?? 0];
  const subtitle =
    `recorded ${new Date(range[0] * 1000).toISOString().slice(0, 16)} UTC · ${run.reviewsSent} reviews · ` +
    `namespace ${values.namespace} · ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(1) ?? '?'}`;
  mkdirSync(dirname(SVG_FILE), { recursive: true });
  writeFileSync(SVG_FILE, `${renderSvg(dashboard.title, panels, range, subtitle)}\n`);
  const converter = toPng(SVG_FILE, PNG_FILE);
  const manifest: Manifest = {
    dashboard: dashboard.title,
    recordedAt: new Date(range[0] * 1000).toISOString(),
    durationSeconds,
    scrapeIntervalSeconds,
    scrapes: run.scrapes.length,
    reviewsSent: run.reviewsSent,
    loadAverage: [loadBefore, loadavg()[0] ?? 0].map((l) => Number(l.toFixed(2))),
    cpus: availableParallelism(),
    panels: manifestOf(panels),
  };
  writeFileSync(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`wrote ${SVG_FILE}, ${PNG_FILE} (${converter}) and ${MANIFEST_FILE}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
