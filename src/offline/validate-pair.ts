// `validate --pair A B` (docs/cli.md#pairs): each half admitted as the webhook would, then the two checked together
// by the rule book's pair rules (docs/rules.md#pairs).
import { checkPair, linkTypeOf, type LinkType } from '../clusterlink/index.js';
import { formatFieldError } from '../clusterlink/field-errors.js';
import { asRecord } from '../lib/json.js';
import type { ManifestInput } from './input.js';
import { displayName, loadManifests, type LoadProblem, type Manifest } from './manifests.js';
import { admitOffline, isClusterLink, type AdmissionPipeline } from './offline-admission.js';
import type { DocumentReport, ValidationReport } from './report.js';
import { validateManifest } from './validate-manifests.js';

export interface PairReport {
  /** The two halves, as `file:doc namespace/name (mode)`; absent when a file did not hold exactly one ClusterLink. */
  halves?: [string, string];
  errors: Array<{ field: string; message: string; rule?: string }>;
  createFirst?: { ref: string; why: string };
}

const MODE_LABEL: Record<LinkType, string> = {
  DestinationInitiated: 'destination-initiated',
  Source: 'Source mode',
  Destination: 'Destination mode',
  Bidirectional: 'Bidirectional',
  Unknown: 'unknown mode',
};

async function oneClusterLink(file: string, io: ManifestInput, problems: LoadProblem[]): Promise<Manifest | undefined> {
  const loaded = await loadManifests([file], io);
  problems.push(...loaded.problems);
  const links = loaded.manifests.filter((m) => isClusterLink(m.object));
  if (links.length !== 1) {
    problems.push({ ref: file, message: `--pair needs exactly one ClusterLink per file, found ${links.length}` });
    return undefined;
  }
  return links[0];
}

export async function validatePair(
  files: [string, string],
  options: { defaultNamespace: string; pipeline: AdmissionPipeline; secretsChecked: boolean },
  io: ManifestInput,
  extraProblems: readonly LoadProblem[] = [],
): Promise<{ report: ValidationReport; pair: PairReport }> {
  const problems: LoadProblem[] = [...extraProblems];
  const manifests = [await oneClusterLink(files[0], io, problems), await oneClusterLink(files[1], io, problems)];
  const documents: DocumentReport[] = [];
  const pair: PairReport = { errors: [] };
  const [a, b] = manifests;
  if (a && b) {
    for (const m of [a, b]) documents.push(await validateManifest(m, new Map(), options));
    // the pair rules judge the halves as stored: after the mutating webhook
    const admitted = await Promise.all(
      [a, b].map(async (m, i) => {
        const d = await admitOffline(options.pipeline, m.object, undefined, documents[i]!.identity.namespace);
        return d.checked ? d.admitted : m.object;
      }),
    );
    const label = (m: Manifest, i: number, o: unknown): string =>
      `${m.ref} ${displayName(documents[i]!.identity)} (${MODE_LABEL[linkTypeOf(asRecord(asRecord(o)?.['spec']) ?? {})]})`;
    pair.halves = [label(a, 0, admitted[0]), label(b, 1, admitted[1])];
    const result = checkPair(admitted[0], admitted[1], [a.ref, b.ref]);
    pair.errors = result.errors.map((e) => {
      const text = formatFieldError(e);
      const cut = text.indexOf(': ', e.field.length);
      const entry = { field: e.field, message: text.slice(cut + 2) };
      return e.rule === undefined ? entry : { ...entry, rule: e.rule };
    });
    if (result.createFirst)
      pair.createFirst = { ref: pair.halves[result.createFirst.index], why: result.createFirst.why };
  }
  return { report: { documents, problems, secretsChecked: options.secretsChecked }, pair };
}

/** The pair's lines after the two halves' own report. */
export function formatPairText(pair: PairReport): string {
  if (!pair.halves) return '';
  const lines = [
    `Pair ${pair.halves[0]} + ${pair.halves[1]}: ${pair.errors.length === 0 ? 'OK' : `INVALID (${pair.errors.length} error${pair.errors.length === 1 ? '' : 's'})`}`,
  ];
  for (const e of pair.errors) lines.push(`  * ${e.field}: ${e.message}${e.rule ? ` [${e.rule}]` : ''}`);
  if (pair.createFirst) lines.push(`  Create first: ${pair.createFirst.ref}: ${pair.createFirst.why}`);
  return `${lines.join('\n')}\n`;
}
