// Realistic inputs for the benchmarks: a destination-initiated ClusterLink over SASL/PLAIN + TLS with a link
// prefix, consumer-group and ACL filters and N mirror topics, wrapped in the AdmissionReview the API server
// would send, plus the Secrets it references (so the validate path runs its real checks on a warm cache).
import { defaultClusterLink } from '../src/clusterlink/index.js';
import { makeTlsMaterial } from '../test/support/pem-fixtures.js';
import { clusterLinkReview } from '../test/support/webhook-server.js';

export const NAMESPACE = 'destination';
export const SASL_SECRET = 'source-sasl-creds';
export const TLS_SECRET = 'source-tls';
const PREFIX = 'dc1.';

/** One mirror topic in the mix users write: most topics bare, some with state, replication factor or configs. */
function mirrorTopic(i: number): Record<string, unknown> {
  const source = `orders-${String(i).padStart(5, '0')}`;
  const topic: Record<string, unknown> = { name: PREFIX + source };
  if (i % 2 === 0) topic['sourceTopicName'] = source;
  if (i % 5 === 1) topic['state'] = 'PAUSE';
  if (i % 4 === 3) topic['replicationFactor'] = 3;
  if (i % 10 === 7) topic['configs'] = { 'retention.ms': '604800000', 'cleanup.policy': 'delete' };
  return topic;
}

/** The ClusterLink as `kubectl apply` sends it (not yet defaulted). */
export function clusterLinkObject(mirrorTopics: number): Record<string, unknown> {
  return {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind: 'ClusterLink',
    metadata: {
      name: 'orders-link',
      namespace: NAMESPACE,
      uid: '5f0c6a8e-2b7d-4c55-9a0e-2d3f1e4b6c7a',
      generation: 1,
      labels: { 'app.kubernetes.io/part-of': 'orders' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
    spec: {
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'destination-rest' } },
      sourceKafkaCluster: {
        bootstrapEndpoint:
          'kafka-0.source.example.com:9092,kafka-1.source.example.com:9092,kafka-2.source.example.com:9092',
        clusterID: '4Bl7nHd1SK-l9SfFRZZ3eA',
        authentication: { type: 'plain', jaasConfig: { secretRef: SASL_SECRET } },
        tls: { enabled: true, secretRef: TLS_SECRET },
      },
      mirrorTopicOptions: {
        prefix: PREFIX,
        autoCreateTopics: {
          enabled: true,
          topicFilters: [
            { name: 'payments.', patternType: 'PREFIXED', filterType: 'INCLUDE' },
            { name: 'payments.internal', patternType: 'LITERAL', filterType: 'EXCLUDE' },
          ],
        },
      },
      consumerGroupFilters: [
        { name: 'orders-', patternType: 'PREFIXED', filterType: 'INCLUDE' },
        { name: 'orders-test-', patternType: 'PREFIXED', filterType: 'EXCLUDE' },
      ],
      aclFilters: [
        {
          resourceFilter: { resourceType: 'topic', patternType: 'prefixed', name: 'orders' },
          accessFilter: { operation: 'read', permissionType: 'allow', principal: 'User:orders-app' },
        },
        {
          resourceFilter: { resourceType: 'group', patternType: 'literal' },
          accessFilter: { operation: 'describe', permissionType: 'any' },
        },
      ],
      mirrorTopics: Array.from({ length: mirrorTopics }, (_, i) => mirrorTopic(i)),
      configs: { 'connections.max.idle.ms': '620000', 'consumer.offset.sync.ms': '30000' },
    },
  };
}

/** The AdmissionReview for a CREATE of `object` (the tests' own builder; name and namespace from its metadata). */
export function admissionReview(
  object: Record<string, unknown>,
  uid = '2f6b1a3c-8d4e-4f7a-9b0c-1d2e3f4a5b6c',
): Record<string, unknown> {
  return { ...clusterLinkReview(object, { uid }) };
}

export interface AdmissionBodies {
  /** What /mutate receives: the object as applied. */
  mutate: string;
  /** What /validate receives: the object after the mutating webhook (the API server validates the mutated form). */
  validate: string;
}

export function admissionBodies(mirrorTopics = 20): AdmissionBodies {
  const object = clusterLinkObject(mirrorTopics);
  const defaulted = defaultClusterLink(object, { namespace: NAMESPACE, operation: 'CREATE' }) as Record<
    string,
    unknown
  >;
  return { mutate: JSON.stringify(admissionReview(object)), validate: JSON.stringify(admissionReview(defaulted)) };
}

/** The Secret data the fixture references: SASL/PLAIN credentials and CFK's PEM TLS layout (RSA, like most CAs issue). */
export function secretData(): Map<string, Record<string, Buffer>> {
  const tls = makeTlsMaterial({ algorithm: 'rsa' });
  return new Map([
    [
      `${NAMESPACE}/${SASL_SECRET}`,
      { 'plain.txt': Buffer.from('username=orders-link\npassword=not-a-real-password\n') },
    ],
    [`${NAMESPACE}/${TLS_SECRET}`, tls.secretData],
  ]);
}
