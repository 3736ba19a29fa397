// Objects that are almost ClusterLinks (docs/cli.md#skipped-documents): `kind: Clusterlink`, another version or group.
// kubectl refuses them ("no matches for kind"), so `validate` reports them as invalid instead of skipping them.
import { notSupported, required } from '../../clusterlink/field-errors.js';
import { CLUSTERLINK_GROUP, CLUSTERLINK_KIND } from '../../clusterlink/types.js';
import { asRecord, asString } from '../../lib/json.js';
import { findingOf, type SchemaFinding } from './findings.js';
import { CLUSTERLINK_CRD_VERSION } from './clusterlink-schema.generated.js';

const API_VERSION = `${CLUSTERLINK_GROUP}/${CLUSTERLINK_CRD_VERSION}`;

/** Findings when `object` looks meant as a ClusterLink but is not one the CRD serves; empty otherwise. */
export function kindFindings(object: unknown): SchemaFinding[] {
  const record = asRecord(object);
  const kind = asString(record?.kind);
  const apiVersion = asString(record?.apiVersion);
  const kindNear = kind !== undefined && kind.toLowerCase() === CLUSTERLINK_KIND.toLowerCase();
  const groupNear = apiVersion !== undefined && apiVersion.toLowerCase().startsWith(`${CLUSTERLINK_GROUP}/`);
  if (!kindNear && !(groupNear && kind === undefined)) return [];
  const findings: SchemaFinding[] = [];
  if (kind === undefined)
    findings.push(findingOf(required('kind', `a ${API_VERSION} object needs kind: ${CLUSTERLINK_KIND}`), 'crd-kind'));
  else if (kind !== CLUSTERLINK_KIND) {
    const detail = `kinds are case-sensitive; kubectl would answer: no matches for kind "${kind}"`;
    findings.push(findingOf(notSupported('kind', kind, [CLUSTERLINK_KIND], detail), 'crd-kind'));
  }
  if (apiVersion === undefined)
    findings.push(findingOf(required('apiVersion', `use apiVersion: ${API_VERSION}`), 'crd-kind'));
  else if (apiVersion !== API_VERSION) {
    const detail = `the CRD serves ${API_VERSION} only`;
    findings.push(findingOf(notSupported('apiVersion', apiVersion, [API_VERSION], detail), 'crd-kind'));
  }
  return findings;
}
