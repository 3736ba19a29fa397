// Draws evaluated panels (panels.ts) as one SVG in the look of Grafana's dark theme: the dashboard's 24-column grid
// and row height, time series as lines with a legend, stat panels as their last value. Pure: data in, text out.
import type { PanelData, Series } from './panels.js';

const WIDTH = 1600;
const PAD = 8;
const ROW = 30; // Grafana's grid row height in px
const HEADER = 48;
const COLORS = ['#73BF69', '#F2CC0C', '#8AB8FF', '#FF780A', '#F2495C', '#5794F2', '#B877D9', '#FADE2A'];
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function trim(n: number): string {
  const abs = Math.abs(n);
  const digits = abs === 0 || abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

/** Grafana-like formatting of a value in the panel's unit (reqps, s, short). */
export function formatValue(value: number, unit: string | undefined): string {
  if (unit === 'reqps') return `${trim(value)} req/s`;
  if (unit === 's') {
    const abs = Math.abs(value);
    if (abs === 0) return '0 s';
    if (abs < 1e-3) return `${trim(value * 1e6)} µs`;
    if (abs < 1) return `${trim(value * 1e3)} ms`;
    if (abs < 60) return `${trim(value)} s`;
    if (abs < 3600) return `${trim(value / 60)} min`;
    if (abs < 86400) return `${trim(value / 3600)} hours`;
    return `${trim(value / 86400)} days`;
  }
  if (Math.abs(value) >= 1e6) return `${trim(value / 1e6)} Mil`;
  if (Math.abs(value) >= 1e3) return `${trim(value / 1e3)} K`;
  return trim(value);
}

/** About five round tick values from 0 (or the minimum, when negative) to at least max. */
function ticks(min: number, max: number): number[] {
  const lo = Math.min(0, min);
  const span = max - lo || 1;
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const clock = (t: number): string => new Date(t * 1000).toISOString().slice(11, 19);

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function frame(box: Box, title: string): string {
  return [
    `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="3" fill="#181b1f" stroke="#2c3235"/>`,
    `<text x="${box.x + 10}" y="${box.y + 20}" fill="#ccccdc" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ].join('');
}

function timeseries(box: Box, data: PanelData, range: [number, number]): string {
  const unit = data.panel.fieldConfig?.defaults?.unit;
  const legendRows = Math.ceil(data.series.length / 3);
  const plot = { x: box.x + 78, y: box.y + 34, w: box.w - 92, h: box.h - 34 - 34 - legendRows * 18 };
  const values = data.series.flatMap((s) => s.points.map(([, v]) => v));
  const ys = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const [yMin, yMax] = [ys[0] ?? 0, ys[ys.length - 1] ?? 1];
  const px = (t: number): number => plot.x + ((t - range[0]) / (range[1] - range[0] || 1)) * plot.w;
  const py = (v: number): number => plot.y + plot.h - ((v - yMin) / (yMax - yMin || 1)) * plot.h;
  const parts: string[] = [frame(box, data.panel.title)];
  for (const v of ys) {
    parts.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${py(v)}" y2="${py(v)}" stroke="#2c3235"/>`);
    parts.push(
      `<text x="${plot.x - 6}" y="${py(v) + 4}" fill="#8e8e9a" font-size="11" text-anchor="end">${esc(formatValue(v, unit))}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const t = range[0] + ((range[1] - range[0]) * i) / 4;
    const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
    parts.push(
      `<text x="${px(t)}" y="${plot.y + plot.h + 16}" fill="#8e8e9a" font-size="11" text-anchor="${anchor}">${clock(t)}</text>`,
    );
  }
  data.series.forEach((s: Series, i) => {
    const color = COLORS[i % COLORS.length] ?? '#73BF69';
    const path = s.points.map(([t, v], j) => `${j === 0 ? 'M' : 'L'}${px(t).toFixed(1)},${py(v).toFixed(1)}`).join('');
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    const lx = box.x + 12 + (i % 3) * ((box.w - 24) / 3);
    const ly = plot.y + plot.h + 40 + Math.floor(i / 3) * 18;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="14" height="4" fill="${color}"/>`);
    parts.push(`<text x="${lx + 20}" y="${ly - 2}" fill="#ccccdc" font-size="12">${esc(s.legend)}</text>`);
  });
  if (data.series.length === 0)
    parts.push(
      `<text x="${box.x + box.w / 2}" y="${box.y + box.h / 2}" fill="#8e8e9a" font-size="14" text-anchor="middle">No data</text>`,
    );
  return parts.join('');
}

function stat(box: Box, data: PanelData): string {
  const unit = data.panel.fieldConfig?.defaults?.unit;
  const last = data.series[0]?.points.at(-1)?.[1];
  const text = last === undefined ? 'No data' : formatValue(last, unit);
  const color = last === undefined ? '#8e8e9a' : '#73BF69';
  return [
    frame(box, data.panel.title),
    `<text x="${box.x + box.w / 2}" y="${box.y + box.h / 2 + 24}" fill="${color}" font-size="64" font-weight="bold" text-anchor="middle">${esc(text)}</text>`,
  ].join('');
}

export function renderSvg(title: string, panels: PanelData[], range: [number, number], subtitle: string): string {
  const col = (WIDTH - PAD) / 24;
  const rows = Math.max(...panels.map((p) => p.panel.gridPos.y + p.panel.gridPos.h));
  const height = HEADER + rows * ROW + PAD;
  const body = panels.map((p) => {
    const g = p.panel.gridPos;
    const box = { x: PAD + g.x * col, y: HEADER + g.y * ROW, w: g.w * col - PAD, h: g.h * ROW - PAD };
    return p.panel.type === 'stat' ? stat(box, p) : timeseries(box, p, range);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="#111217"/>`,
    `<text x="${PAD + 4}" y="30" fill="#ccccdc" font-size="20">${esc(title)}</text>`,
    `<text x="${WIDTH - PAD - 4}" y="30" fill="#8e8e9a" font-size="12" text-anchor="end">${esc(subtitle)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}
