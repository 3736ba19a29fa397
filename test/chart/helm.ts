// Runs the real Helm (test/chart/kube-tools.ts) on the chart: `helm template`, `helm lint` and a client-side
// `helm install --dry-run` for NOTES.txt, with values given as one JSON document on stdin (`-f -`), exactly
// as a values file. Helm never reaches a cluster here: KUBECONFIG points nowhere and Helm's own config,
// cache and data directories are private to the test process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubeTools } from './kube-tools.js';
import { CHART_DIR } from './support.js';

export type Obj = Record<string, unknown>;

export interface Manifest {
  /** The template file the object came from, e.g. `webhooks.yaml` (Helm's `# Source:` comment). */
  template: string;
  object: Obj;
}

/** A render Helm refused (schema violation, `fail`, template error): Helm's own message. */
export class HelmFailure extends Error {
  constructor(
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`helm ${args[0] ?? ''} failed (${status}): ${stderr.trim()}`);
  }
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let home: string | undefined;
function helmEnv(): NodeJS.ProcessEnv {
  home ??= mkdtempSync(join(tmpdir(), 'clw-helm-'));
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: join(home, 'no-cluster'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    NO_COLOR: '1',
  };
}

/** `helm <args>` with `values` on stdin when given (pass `-f -` in args yourself). */
export function runHelm(args: readonly string[], values?: Obj): HelmResult {
  const run = spawnSync(kubeTools().helm, [...args], {
    env: helmEnv(),
    input: values === undefined ? '' : JSON.stringify(values),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  /** Extra flags, e.g. ['--show-only', 'templates/webhooks.yaml'] or ['--api-versions', 'x/v1']. */
  flags?: readonly string[];
}

/** Every object `helm template` prints, with the template it came from; throws HelmFailure when refused. */
export function helmTemplate(values: Obj = {}, options: RenderOptions = {}): Manifest[] {
  const { release = 'clusterlink-webhook', namespace = 'kafka-admission', flags = [] } = options;
  const args = ['template', release, CHART_DIR, '--namespace', namespace, '-f', '-', ...flags];
  const run = runHelm(args, values);
  if (run.status !== 0) throw new HelmFailure(args, run.status, run.stderr);
  return parseManifests(run.stdout);
}

/** Splits Helm's output into objects; each document's `# Source: <chart>/templates/<file>` names its template. */
export function parseManifests(text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new Error(`helm printed invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const object = doc.toJS() as Obj | null;
    if (object === null || typeof object !== 'object') continue;
    // The yaml library puts a comment that opens a document before its first node.
    const comment = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string | null } | null)?.commentBefore ?? ''}`;
    const source = /Source: [^/]+\/templates\/(\S+)/.exec(comment)?.[1] ?? '';
    out.push({ template: source, object });
  }
  return out;
}

/** `helm lint` of the chart with these values: Helm's exit status and everything it printed. */
export function helmLint(values: Obj = {}, flags: readonly string[] = []): HelmResult {
  return runHelm(['lint', CHART_DIR, '-f', '-', ...flags], values);
}

/** NOTES.txt as `helm install` prints it (client-side dry run: nothing is installed, no cluster needed). */
export function helmNotes(values: Obj = {}, options: RenderOptions = {}): string {
  const { release = 'clusterlink-webhook', namespace = 'kafka-admission' } = options;
  const args = ['install', release, CHART_DIR, '--namespace', namespace, '--dry-run=client', '-o', 'json', '-f', '-'];
  const run = runHelm(args, values);
  if (run.status !== 0) throw new HelmFailure(args, run.status, run.stderr);
  const release_ = JSON.parse(run.stdout) as { info?: { notes?: string } };
  return release_.info?.notes ?? '';
}
