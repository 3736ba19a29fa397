// docs/rules.md#everywhere: the required top-level blocks and the link name.
import { invalid, required, tooLong } from '../field-errors.js';
import type { JsonRecord } from '../../lib/json.js';
import { Findings, SPEC, type RuleResult } from './common.js';

const LINK_NAME = /^[A-Za-z0-9._-]+$/;
const LINK_NAME_MAX = 255;

/** `spec` itself must exist; everything else needs it. */
export function validateSpecPresent(object: JsonRecord, out = new Findings()): RuleResult {
  if (object['spec'] === undefined)
    out.add(
      required(SPEC, 'a ClusterLink needs a spec with sourceKafkaCluster and destinationKafkaCluster'),
      'spec-required',
    );
  return out.result();
}

export function validateNames(spec: JsonRecord, out = new Findings()): RuleResult {
  for (const cluster of ['sourceKafkaCluster', 'destinationKafkaCluster']) {
    if (spec[cluster] === undefined)
      out.add(
        required(SPEC.child(cluster), 'every ClusterLink names both clusters, whatever its mode'),
        'spec-required',
      );
  }
  const name = spec['name'];
  const path = SPEC.child('name');
  if (typeof name === 'string') {
    if (name.length === 0)
      out.add(required(path, 'the cluster link name; leave the field out to use metadata.name'), 'link-name');
    else if (name.length > LINK_NAME_MAX) out.add(tooLong(path, name, LINK_NAME_MAX), 'link-name');
    else if (!LINK_NAME.test(name))
      out.add(
        invalid(path, name, 'a cluster link name may only contain letters, digits, ".", "_" and "-"'),
        'link-name',
      );
  }
  return out.result();
}
