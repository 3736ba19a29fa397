// docs/rules.md#everywhere for each cluster block: REST class reference, bootstrap endpoint, cluster ID.
import { FieldPath, invalid, required } from '../field-errors.js';
import { asRecord, type JsonRecord } from '../../lib/json.js';
import { checkDnsLabel, Findings, linkTypeOf, SPEC, type RuleResult } from './common.js';

export const CLUSTER_KEYS = ['sourceKafkaCluster', 'destinationKafkaCluster'] as const;

// `_` included: Kafka's listener names as Confluent Cloud prints them (SASL_SSL://, SASL_PLAINTEXT://) are schemes here.
const SCHEME = /^([A-Za-z][A-Za-z0-9+._-]*):\/\//;
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/[\]@]+)):(\d+)$/;
/**
 * The common form, host:port entries without spaces, schemes or IPv6 and with ports 1–59999, which the entry checks
 * below accept without a finding: one test instead of a split, a trim and two regular expressions per entry.
 */
const PLAIN_HOST_PORTS = /^[^\s:/[\]@,]+:(?:[1-9]\d{0,3}|[1-5]\d{4})(?:,[^\s:/[\]@,]+:(?:[1-9]\d{0,3}|[1-5]\d{4}))*$/;

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
  if (typeof value !== 'string' || PLAIN_HOST_PORTS.test(value)) return;
  if (value.trim() === '') {
    out.add(required(path, 'list the brokers as host:port[,host:port...]'), 'bootstrap-endpoint');
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
      out.add(invalid(path, value, problem), 'bootstrap-endpoint');
      return;
    }
  }
  if (schemeSeen !== undefined)
    out.warn(path, `the URL scheme "${schemeSeen}" is ignored; Kafka clients take host:port`, 'bootstrap-url-scheme');
}

export function validateClusterRefs(spec: JsonRecord, out = new Findings()): RuleResult {
  // A Bidirectional link sets both on purpose: the REST class must exist even when clusterID is given
  // (docs/rules.md#everywhere), so the warning would fire on every correct Bidirectional link.
  const warnBoth = linkTypeOf(spec) !== 'Bidirectional';
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
          'rest-class-ref',
        );
      checkDnsLabel(out, path.child('kafkaRestClassRef', 'name'), ref['name'], 63, 'KafkaRestClass', 'rest-class-ref');
      checkDnsLabel(
        out,
        path.child('kafkaRestClassRef', 'namespace'),
        ref['namespace'],
        63,
        'namespace',
        'rest-class-ref',
      );
    }

    checkBootstrapEndpoint(out, path.child('bootstrapEndpoint'), cluster['bootstrapEndpoint']);

    const clusterID = cluster['clusterID'];
    if (clusterID === '')
      out.add(
        required(path.child('clusterID'), 'give the Kafka cluster ID, or leave the field out'),
        'cluster-id-empty',
      );
    if (warnBoth && typeof clusterID === 'string' && clusterID !== '' && ref) {
      out.warn(
        path,
        'both clusterID and kafkaRestClassRef are set: clusterID wins as the cluster ID',
        'cluster-id-and-rest-class',
      );
    }
  }
  return out.result();
}
