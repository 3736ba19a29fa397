// Reads the Prometheus text exposition format that /metrics serves (prom-client's output) into samples, with the
// target labels Prometheus would attach from the ServiceMonitor (namespace, service, pod, …).
import type { Sample } from './promql-eval.js';

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;

const number = (text: string): number =>
  text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : text === 'NaN' ? NaN : Number(text);

const unescape = (text: string): string => text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

export function parseExposition(text: string, targetLabels: Record<string, string> = {}): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = { ...targetLabels, __name__: m[1] ?? '' };
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k ?? ''] = unescape(v ?? '');
    samples.push({ labels, value: number(m[3] ?? '') });
  }
  return samples;
}

/** The metric family names of an exposition (`# TYPE name kind`), with the sample suffixes each kind has. */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, kind] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    names.add(name);
    if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (kind === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}
