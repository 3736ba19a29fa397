// Where `npm run docs:dashboard` (render.ts) writes the picture and what it shows; read by test/docs/.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCS = fileURLToPath(new URL('..', import.meta.url));
export const MANIFEST_FILE = join(DOCS, 'dashboard', 'manifest.json');
export const SVG_FILE = join(DOCS, 'images', 'dashboard.svg');
export const PNG_FILE = join(DOCS, 'images', 'dashboard.png');

export interface Manifest {
  dashboard: string;
  recordedAt: string;
  durationSeconds: number;
  scrapeIntervalSeconds: number;
  scrapes: number;
  reviewsSent: number;
  /** The machine's 1-minute load average before and after the run, and its CPUs: latencies depend on them. */
  loadAverage: number[];
  cpus: number;
  panels: Array<{
    id: number;
    title: string;
    type: string;
    targets: Array<{ refId: string; expr: string }>;
    series: Array<{ refId: string; legend: string; points: number; last: number }>;
  }>;
}
