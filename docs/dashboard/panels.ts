// The chart's Grafana dashboard (charts/clusterlink-webhook/files/dashboard.json) evaluated over recorded scrapes:
// each panel's own queries, with Grafana's variables substituted ($namespace, $__rate_interval), at every scrape
// time, into the series a panel draws. Titles, queries, units, legends and layout all come from the JSON.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Evaluator, labelKey, type Labels, type Scrape } from './promql-eval.js';
import { parsePromQL } from './promql-parse.js';

export const DASHBOARD_FILE = fileURLToPath(
  new URL('../../charts/clusterlink-webhook/files/dashboard.json', import.meta.url),
);

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
}
export interface DashboardPanel {
  id: number;
  title: string;
  type: string;
  gridPos: { h: number; w: number; x: number; y: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets: DashboardTarget[];
}
export interface Dashboard {
  title: string;
  panels: DashboardPanel[];
}

export interface Series {
  refId: string;
  legend: string;
  points: Array<[number, number]>;
}
export interface PanelData {
  panel: DashboardPanel;
  series: Series[];
}

export function readDashboard(file = DASHBOARD_FILE): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

export interface Variables {
  /** Values of the dashboard's `namespace` variable (Grafana's "All" joins them into a regex). */
  namespaces: string[];
  /** Prometheus scrape interval in seconds: Grafana's $__rate_interval is max(step + scrape, 4 × scrape). */
  scrapeIntervalSeconds: number;
  stepSeconds: number;
}

/** Grafana's interpolation of the two variables the dashboard's queries use. */
export function interpolate(expr: string, vars: Variables): string {
  const rateInterval = Math.max(vars.stepSeconds + vars.scrapeIntervalSeconds, 4 * vars.scrapeIntervalSeconds);
  const namespaces = vars.namespaces.length === 1 ? vars.namespaces[0] : `(${vars.namespaces.join('|')})`;
  return expr
    .replaceAll('$__rate_interval', `${Math.round(rateInterval)}s`)
    .replace(/\$\{?namespace\}?/g, namespaces ?? '');
}

/** Grafana's legend format: `{{label}}` replaced by the series' label value. */
export function legendOf(format: string | undefined, labels: Labels): string {
  if (format === undefined || format === '') return labelKey(labels);
  return format.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

/** Every panel's series over the scrapes, evaluated at each step from the first scrape to the last. */
export function evaluatePanels(dashboard: Dashboard, scrapes: Scrape[], vars: Variables): PanelData[] {
  const evaluator = new Evaluator(scrapes);
  const first = scrapes[0]?.t ?? 0;
  const last = scrapes[scrapes.length - 1]?.t ?? 0;
  const times: number[] = [];
  for (let t = first; t <= last + 1e-9; t += vars.stepSeconds) times.push(t);
  return dashboard.panels.map((panel) => ({
    panel,
    series: panel.targets.flatMap((target) => {
      const expr = parsePromQL(interpolate(target.expr, vars));
      const byKey = new Map<string, Series>();
      for (const t of times) {
        const v = evaluator.at(expr, t);
        const elements = v.type === 'scalar' ? [{ labels: {}, value: v.value }] : v.elements;
        for (const e of elements) {
          if (!Number.isFinite(e.value)) continue;
          const key = labelKey(e.labels);
          const s = byKey.get(key) ?? {
            refId: target.refId,
            legend: legendOf(target.legendFormat, e.labels),
            points: [],
          };
          s.points.push([t, e.value]);
          byKey.set(key, s);
        }
      }
      return [...byKey.values()].sort((a, b) => (a.legend < b.legend ? -1 : 1));
    }),
  }));
}
