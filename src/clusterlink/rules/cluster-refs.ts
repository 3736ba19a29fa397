// docs/rules.md#everywhere for each cluster block: REST class reference, bootstrap endpoint, cluster ID.
import { FieldPath, invalid, required } from '../field-errors.js';
import { asRecord, type JsonRecord } from '../../lib/json.js';
import { checkDnsLabel, Findings, SPEC, type RuleResult } from './common.js';

export const CLUSTER_KEYS = ['sourceKafkaCluster', 'destinationKafkaCluster'] as const;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/[\]@]+)):(\d+)$/;

/** Why one `host:port` entry is wrong, or undefined when it is fine. */
function entryProblem(entry: string): string | undefined {
  if (entry === '') return 'has an empty entry: list brokers as host:port separated by commas';
  const match = HOST_PORT.exec(entry);
  if (!match) {
    return entry.includes(':')
      ? `entry "${entry}" is not host:port (for IPv6 use [address]:port)`
      : `"${entry}" has no port: write host:port (Kafka's usual port is 9092)`;
  }
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return `entry "${entry}" has port ${match[3]}: ports are 1-65535`;
  return undefined;
}

function checkBootstrapEndpoint(out: Findings, path: FieldPath, value: unknown): void {
  if (typeof value !== 'string') return;
  if (value.trim() === '') {
    out.add(required(path, 'list the brokers as host:port[,host:port...]'));
    return;
  }
  let schemeSeen: string | undefined;
  for (const raw of value.split(',')) {
    let entry = raw.trim();
    const scheme = SCHEME.exec(entry);
    if (scheme) {
      schemeSeen ??= scheme[0];
      entry = entry.slice(scheme[0].length);
    }
    const problem = entryProblem(entry);
    if (problem !== undefined) {
      out.add(invalid(path, value, problem));
      return;
    }
  }
  if (schemeSeen !== undefined)
    out.warn(path, `the URL scheme "${schemeSeen}" is ignored by Kafka clients; write host:port`);
}

export function validateClusterRefs(spec: JsonRecord): RuleResult {
  const out = new Findings();
  for (const key of CLUSTER_KEYS) {
    const cluster = asRecord(spec[key]);
    if (!cluster) continue;
    const path = SPEC.child(key);

    const refValue = cluster['kafkaRestClassRef'];
    const ref = asRecord(refValue);
    if (ref) {
      if (ref['name'] === undefined)
        out.add(
          required(path.child('kafkaRestClassRef', 'name'), 'name the KafkaRestClass to reach this cluster through'),
        );
      checkDnsLabel(out, path.child('kafkaRestClassRef', 'name'), ref['name'], 63, 'KafkaRestClass');
      checkDnsLabel(out, path.child('kafkaRestClassRef', 'namespace'), ref['namespace'], 63, 'namespace');
    }

    checkBootstrapEndpoint(out, path.child('bootstrapEndpoint'), cluster['bootstrapEndpoint']);

    const clusterID = cluster['clusterID'];
    if (clusterID === '')
      out.add(required(path.child('clusterID'), 'give the Kafka cluster ID, or leave the field out'));
    if (typeof clusterID === 'string' && clusterID !== '' && ref) {
      out.warn(path, 'both clusterID and kafkaRestClassRef are set: clusterID wins as the cluster ID');
    }
  }
  return out.result();
}
