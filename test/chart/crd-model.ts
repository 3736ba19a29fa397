// The project's own CRDs for ClusterLink, KafkaRestClass and KafkaTopic (platform.confluent.io/v1beta1),
// written from the facts of CFK 3.x's schemas (types, enums, limits, required fields) so that every object
// CFK's CRDs accept is accepted here too. The chart installs them only where absent: a cluster that runs CFK
// keeps its own. The YAML files in charts/clusterlink-webhook/crds/ are generated from this module
// (`node --import tsx test/chart/generate-crds.ts`); a test keeps both in sync.
//
// Where this deliberately differs from CFK's schemas (each never stricter than the webhook):
// - consumerGroupFilters[].name / .patternType are not required but defaulted ("*", LITERAL), exactly the
//   webhook's defaults, so an object the webhook would accept is not refused while the webhook is bypassed;
// - aclFilters[].resourceFilter.resourceType also accepts `transactionId` (the webhook accepts it with a warning);
// - a few CEL rules (x-kubernetes-validations) repeat the simplest webhook rules as defence in depth.

export type JSONSchema = { [key: string]: unknown };

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const KAFKA_NAME = '^[a-zA-Z0-9\\._\\-]*$';

function str(description: string, extra: JSONSchema = {}): JSONSchema {
  return { description, type: 'string', ...extra };
}
function int32(description: string): JSONSchema {
  return { description, type: 'integer', format: 'int32' };
}
function int64(description: string): JSONSchema {
  return { description, type: 'integer', format: 'int64' };
}
function bool(description: string): JSONSchema {
  return { description, type: 'boolean' };
}
function obj(
  description: string,
  properties: Record<string, JSONSchema>,
  required: string[] = [],
  extra: JSONSchema = {},
): JSONSchema {
  return { description, type: 'object', ...(required.length > 0 ? { required } : {}), properties, ...extra };
}
function list(description: string, items: JSONSchema, extra: JSONSchema = {}): JSONSchema {
  return { description, type: 'array', items, ...extra };
}
function stringMap(description: string): JSONSchema {
  return { description, type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'granular' };
}
function secretRef(description: string, maxLength: number): JSONSchema {
  return str(description, { minLength: 1, maxLength, pattern: DNS_LABEL });
}
function kafkaName(description: string): JSONSchema {
  return str(description, { minLength: 1, maxLength: 255, pattern: KAFKA_NAME });
}
function secretSource(what: string): JSONSchema {
  return obj(what, {
    secretRef: secretRef('Name of the Secret in the same namespace.', 30),
    directoryPathInContainer: str('Directory inside the container that holds the same files (e.g. mounted by Vault).', {
      minLength: 1,
    }),
  });
}
function immutable(schema: JSONSchema, message: string): JSONSchema {
  return { ...schema, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message }] };
}

function oauthSettings(description: string): JSONSchema {
  const nonEmpty = (d: string): JSONSchema => str(d, { minLength: 1 });
  return obj(description, {
    tokenEndpointUri: nonEmpty('OAuth token endpoint (https).'),
    jwksEndpointUri: nonEmpty('JWKS endpoint of the identity provider.'),
    expectedIssuer: nonEmpty('Expected issuer of the tokens.'),
    audience: nonEmpty('Audience of the tokens.'),
    scope: nonEmpty('Scope requested with the token.'),
    subClaimName: nonEmpty('Claim that carries the subject.'),
    groupsClaimName: nonEmpty('Claim that carries the groups.'),
    loginConnectTimeoutMs: int32('Connect timeout of the token request, in ms.'),
    loginReadTimeoutMs: int32('Read timeout of the token request, in ms.'),
    loginRetryBackoffMs: int32('First retry backoff of the token request, in ms.'),
    loginRetryBackoffMaxMs: int32('Largest retry backoff of the token request, in ms.'),
    clientAssertion: obj('Client assertion (JWT) instead of a client secret.', {
      clientId: nonEmpty('OAuth client ID.'),
      jwtTokenFile: secretSource('A ready-made assertion JWT.'),
      localClientAssertion: obj('Build and sign the assertion locally.', {
        issuer: nonEmpty('Issuer of the assertion.'),
        subject: nonEmpty('Subject of the assertion.'),
        audience: nonEmpty('Audience of the assertion.'),
        tokenLifetime: int32('Lifetime of the assertion, in seconds.'),
        includeJtiClaim: bool('Add a jti claim.'),
        includeNbfClaim: bool('Add an nbf claim.'),
        privateKeyFile: obj('Private key that signs the assertion.', {
          secretRef: secretRef('Secret with the private key.', 30),
          directoryPathInContainer: str('Directory with the private key.', { minLength: 1 }),
          encryptedPrivateKey: bool('The key is encrypted (passphrase in the same place).'),
          includeAssertionTemplate: bool('Use an assertion template from the same place.'),
        }),
      }),
    }),
  });
}

// --- ClusterLink ---------------------------------------------------------------------------------------

function linkAuthentication(): JSONSchema {
  return obj(
    'How this side authenticates to the Kafka cluster.',
    {
      type: str('Authentication mechanism.', { enum: ['plain', 'oauthbearer', 'digest', 'mtls', 'oauth', 'none'] }),
      jaasConfig: obj(
        'SASL/PLAIN credentials: a Secret with plain.txt (username=…, password=… lines).',
        { secretRef: secretRef('Name of the Secret.', 30) },
        ['secretRef'],
      ),
      jaasConfigPassThrough: obj('A complete JAAS line: a Secret with plain-jaas.conf.', {
        secretRef: secretRef('Name of the Secret.', 30),
        directoryPathInContainer: str('Directory holding plain-jaas.conf (not supported for cluster links).', {
          minLength: 1,
        }),
      }),
      oauthbearer: secretSource('OAUTHBEARER credentials (RBAC deployments).'),
      oauthSettings: oauthSettings('OAuth settings for type oauth.'),
      sslClientAuthentication: bool('Also authenticate with the TLS client certificate.'),
    },
    ['type'],
  );
}

function linkTLS(): JSONSchema {
  return obj(
    'TLS towards the Kafka cluster (PEM only: fullchain.pem, privkey.pem, cacerts.pem).',
    {
      enabled: bool('Use TLS.'),
      secretRef: secretRef('Secret with the PEM files.', 63),
      directoryPathInContainer: str('Directory with the PEM files (or tls.crt, tls.key, ca.crt).', { minLength: 1 }),
      keyPassword: obj(
        'Password of an encrypted PKCS#8 private key.',
        { secretRef: secretRef('Secret with the password.', 30) },
        ['secretRef'],
      ),
    },
    ['enabled'],
    {
      'x-kubernetes-validations': [
        {
          rule: '!self.enabled || has(self.secretRef) != has(self.directoryPathInContainer)',
          message: 'enabled: true needs exactly one of secretRef or directoryPathInContainer',
        },
      ],
    },
  );
}

function kafkaRestClassRef(description: string): JSONSchema {
  return obj(
    description,
    {
      name: str('Name of the KafkaRestClass.', { minLength: 1 }),
      namespace: str("Namespace of the KafkaRestClass (default: the ClusterLink's)."),
    },
    ['name'],
  );
}

function linkCluster(description: string): JSONSchema {
  return obj(
    description,
    {
      clusterID: immutable(
        str('Kafka cluster ID; when set it wins over discovery through the REST class.', { minLength: 1 }),
        'clusterID cannot be changed once set',
      ),
      bootstrapEndpoint: str('Comma-separated host:port list of the brokers.', { minLength: 1, pattern: '.+:[0-9]+' }),
      kafkaRestClassRef: kafkaRestClassRef("KafkaRestClass of this cluster's Admin REST API."),
      authentication: linkAuthentication(),
      tls: linkTLS(),
    },
    [],
    {
      'x-kubernetes-validations': [
        {
          rule: "!has(self.authentication) || self.authentication.type != 'mtls' || (has(self.tls) && self.tls.enabled)",
          message: 'authentication.type mtls needs tls.enabled: true (the client certificate comes from tls)',
          fieldPath: '.authentication.type',
          reason: 'FieldValueInvalid',
        },
      ],
    },
  );
}

function topicFilter(description: string, defaulted: boolean): JSONSchema {
  return obj(
    description,
    {
      name: str('Name or prefix of the resource.', defaulted ? { default: '*' } : {}),
      patternType: str('How name matches.', {
        enum: ['PREFIXED', 'LITERAL'],
        ...(defaulted ? { default: 'LITERAL' } : {}),
      }),
      filterType: str('Include or exclude the matches.', { enum: ['INCLUDE', 'EXCLUDE'] }),
    },
    defaulted ? ['filterType'] : ['filterType', 'name', 'patternType'],
  );
}

function clusterLinkSpec(): JSONSchema {
  return obj(
    'Desired state of the cluster link.',
    {
      name: immutable(
        kafkaName('Name of the link on the Kafka cluster (default: metadata.name).'),
        'the link name cannot be changed: create a new link',
      ),
      sourceInitiatedLink: obj(
        'Present for a source-initiated or bidirectional link; absent for a destination-initiated link.',
        {
          linkMode: immutable(
            str('Which end of the link this object is.', { enum: ['Source', 'Destination', 'Bidirectional'] }),
            'linkMode cannot be changed',
          ),
          connectionMode: str('Who opens the connection (Bidirectional links only; default Outbound).', {
            enum: ['Outbound', 'Inbound'],
          }),
        },
        ['linkMode'],
        {
          'x-kubernetes-validations': [
            {
              rule: "!has(self.connectionMode) || self.linkMode == 'Bidirectional'",
              message: 'connectionMode is only allowed with linkMode Bidirectional',
              fieldPath: '.connectionMode',
            },
          ],
        },
      ),
      sourceKafkaCluster: linkCluster('The cluster the data comes from.'),
      destinationKafkaCluster: linkCluster('The cluster the data goes to (in Source mode: the remote cluster).'),
      mirrorTopics: list(
        'Topics mirrored over the link.',
        obj(
          'A mirror topic.',
          {
            name: kafkaName('Name of the mirror topic on the destination.'),
            sourceTopicName: kafkaName('Name of the topic on the source (with a link prefix: name minus the prefix).'),
            replicationFactor: int32('Replication factor of the mirror topic (default: the broker default).'),
            state: str('Desired state; PROMOTE and FAILOVER are final (default ACTIVE).', {
              enum: ['PAUSE', 'PROMOTE', 'FAILOVER', 'ACTIVE'],
            }),
            configs: stringMap('Topic config overrides.'),
            direction: str('Bidirectional links: pull from the remote (toDestination) or push to it (toSource).', {
              enum: ['toDestination', 'toSource'],
              default: 'toDestination',
            }),
          },
          ['name'],
        ),
      ),
      mirrorTopicOptions: obj('Options of the mirror topics.', {
        prefix: immutable(
          kafkaName('Prefix of every mirror topic name (fixed when the link is created).'),
          'the prefix cannot be changed: create a new link',
        ),
        autoCreateTopics: obj('Create mirror topics automatically for source topics that match the filters.', {
          enabled: bool('Turn auto-creation on (false clears the filters).'),
          topicFilters: list('Which source topics to mirror.', topicFilter('A topic filter.', false)),
        }),
        deleteRemovedMirrorTopics: {
          ...bool('Delete a mirror topic on the destination when it is removed from mirrorTopics.'),
          default: true,
        },
      }),
      consumerGroupFilters: list(
        'Consumer groups whose offsets are synced.',
        topicFilter('A consumer group filter.', true),
      ),
      aclFilters: list(
        'ACLs synced from the source.',
        obj(
          'An ACL filter.',
          {
            resourceFilter: obj(
              'Which resources.',
              {
                resourceType: str("Resource type (transcationId is CFK's spelling; transactionId is accepted too).", {
                  enum: ['any', 'cluster', 'group', 'topic', 'transcationId', 'transactionId', 'delegationToken'],
                }),
                patternType: str('How name matches.', { enum: ['prefixed', 'literal', 'any', 'match'] }),
                name: str('Resource name (default "*").'),
              },
              ['patternType', 'resourceType'],
            ),
            accessFilter: obj(
              'Which access.',
              {
                operation: str('ACL operation, e.g. read, write, describe, any.'),
                permissionType: str('Allow, deny or any.', { enum: ['any', 'allow', 'deny'] }),
                principal: str('Principal as Type:name (default "*").'),
                host: str('Host (default "*").'),
              },
              ['operation', 'permissionType'],
            ),
            clusterLinkIds: list('Cluster link IDs.', { type: 'string' }),
          },
          ['accessFilter', 'resourceFilter'],
        ),
      ),
      configs: stringMap('Other cluster link configs, passed as they are.'),
    },
    ['destinationKafkaCluster', 'sourceKafkaCluster'],
    {
      'x-kubernetes-validations': [
        {
          rule: 'has(self.sourceInitiatedLink) == has(oldSelf.sourceInitiatedLink)',
          message: 'sourceInitiatedLink cannot be added or removed: the link type is fixed when the link is created',
          fieldPath: '.sourceInitiatedLink',
        },
      ],
    },
  );
}

function conditions(): JSONSchema {
  return list(
    'Conditions of the resource.',
    obj('A condition.', {
      type: str('Condition type, e.g. Ready.'),
      status: str('True, False or Unknown.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable message.'),
      lastProbeTime: str('Last probe.', { format: 'date-time' }),
      lastTransitionTime: str('Last status change.', { format: 'date-time' }),
      observedGeneration: int64('Generation of the spec this condition was set for.'),
    }),
  );
}

function appState(): JSONSchema {
  return str('Lifecycle of the resource.', { enum: ['Unknown', 'Created', 'Failed', 'Deleted'], default: 'Unknown' });
}

function mirrorTopicStatusMap(description: string): JSONSchema {
  return {
    description,
    type: 'object',
    additionalProperties: obj('Status of one mirror topic.', {
      sourceTopicName: str('Source topic.'),
      replicationFactor: int32('Replication factor.'),
      status: str('Mirror status reported by Kafka (ACTIVE, PAUSED, PENDING_STOPPED, STOPPED, FAILED, …).'),
      observedGeneration: int64('Generation this entry was written for.'),
      lastSourceFetchOffset: int64('Last offset fetched from the source (kept from before a promote or failover).'),
      // Stopped-mirror history and failed transitions (docs/reconciler.md): written by the reconciler.
      lastSourceFetchOffsets: list(
        'Last offset fetched from the source, per partition, kept once the mirror stopped.',
        obj('One partition.', { partition: int32('Partition.'), offset: int64('Last fetched source offset.') }),
      ),
      stoppedAt: str('When the mirror became STOPPED (the Status Time).', { format: 'date-time' }),
      requestedAction: str('The stop the reconciler asked for (PROMOTE or FAILOVER).'),
      transitionAttempts: int32('How often that stop was requested without the mirror stopping.'),
      lastTransitionAttemptTime: str('When it was last requested.', { format: 'date-time' }),
      stateTransitionErrors: list(
        'Why the server could not make the transition (include_state_transition_errors).',
        obj('One error.', { errorCode: str('Error code.'), errorMessage: str('Error message.') }),
      ),
    }),
    'x-kubernetes-map-type': 'granular',
  };
}

function clusterLinkStatus(): JSONSchema {
  return obj('Observed state of the cluster link.', {
    appState: appState(),
    state: str('State of the link, e.g. CREATED.'),
    clusterLinkID: str('ID of the link on the Kafka cluster.'),
    clusterLinkName: str('Name of the link on the Kafka cluster.'),
    sourceKafkaClusterID: str('ID of the source cluster.'),
    destinationKafkaClusterID: str('ID of the destination cluster.'),
    kafkaCluster: str('namespace/name of the local Kafka.'),
    numMirrorTopics: { description: 'Number of mirror topics.', type: 'integer' },
    mirrorTopics: mirrorTopicStatusMap('Mirror topics by name.'),
    numReverseMirrorTopics: { description: 'Number of reverse mirror topics (Bidirectional).', type: 'integer' },
    reverseMirrorTopics: mirrorTopicStatusMap('Reverse mirror topics by name (Bidirectional).'),
    bidirectionalState: obj('State of both directions of a Bidirectional link.', {
      sourceToDestinationActive: bool('Data flows from source to destination.'),
      destinationToSourceActive: bool('Data flows from destination to source.'),
      consumerOffsetSyncEnabled: bool('Consumer offsets are synced.'),
    }),
    mirrorTopicSnapshots: mirrorTopicSnapshots(),
    conditions: conditions(),
    observedGeneration: int64('Generation the status was written for.'),
  });
}

/** Written by clusterlink-webhook's reconciler: per-partition offsets read just before a promote or failover. */
function mirrorTopicSnapshots(): JSONSchema {
  return {
    description:
      'Per mirror topic: the last source fetch offset of every partition, read just before it was promoted or failed over (the broker reports -1 afterwards).',
    type: 'object',
    additionalProperties: obj('Offsets of one mirror topic before it stopped.', {
      topicName: str('Mirror topic.'),
      sourceTopicName: str('Source topic.'),
      action: str('PROMOTE or FAILOVER.'),
      partitions: int32('Number of partitions.'),
      lastSourceFetchOffsets: list(
        'Last offset fetched from the source, per partition.',
        obj('One partition.', { partition: int32('Partition.'), offset: int64('Offset.') }),
      ),
      stateTimeMs: int64('When the mirror changed state (ms since the epoch).'),
    }),
    'x-kubernetes-map-type': 'granular',
  };
}

// --- KafkaRestClass and KafkaTopic -------------------------------------------------------------------------

function kafkaRest(description: string): JSONSchema {
  return obj(description, {
    endpoint: str('Admin REST endpoint (http or https URL).', { minLength: 1, pattern: '^https?://.*' }),
    kafkaClusterID: str('Kafka cluster ID; when set it wins over discovery.', { minLength: 1 }),
    authentication: obj(
      'How to authenticate to the REST endpoint.',
      {
        type: str('Authentication mechanism.', { enum: ['basic', 'bearer', 'mtls', 'oauth'] }),
        basic: obj('HTTP basic authentication: a Secret with basic.txt (username=…, password=… lines).', {
          secretRef: secretRef('Name of the Secret.', 30),
          directoryPathInContainer: str('Directory holding basic.txt.', { minLength: 1 }),
          debug: bool('Debug logging of the authentication.'),
          roles: list('Roles.', { type: 'string' }),
          restrictedRoles: list('Restricted roles.', { type: 'string' }, { minItems: 1 }),
          ignoreRoles: bool('Ignore roles.'),
        }),
        bearer: secretSource('Bearer authentication: a Secret with bearer.txt.'),
        oauth: obj(
          'OAuth authentication.',
          {
            secretRef: secretRef('Secret with the OAuth client credentials.', 30),
            directoryPathInContainer: str('Directory with the OAuth client credentials.', { minLength: 1 }),
            configuration: oauthSettings('OAuth settings.'),
          },
          ['configuration'],
        ),
        sslClientAuthentication: bool('Also authenticate with the TLS client certificate.'),
      },
      ['type'],
    ),
    tls: obj('TLS towards the REST endpoint.', {
      secretRef: secretRef('Secret with the certificates.', 63),
      directoryPathInContainer: str('Directory with the certificates.', { minLength: 1 }),
      jksPassword: obj('Password of JKS stores.', { secretRef: secretRef('Secret with jksPassword.txt.', 30) }, [
        'secretRef',
      ]),
    }),
  });
}

function kafkaClusterRef(description: string): JSONSchema {
  return obj(
    description,
    { name: str('Name of the Kafka resource.'), namespace: str('Namespace of the Kafka resource.') },
    ['name'],
  );
}

function kafkaRestClassSpec(): JSONSchema {
  return obj("Where and how to reach a Kafka cluster's Admin REST API.", {
    kafkaClusterRef: kafkaClusterRef('A Kafka resource of this cluster (endpoint and TLS derived from it).'),
    kafkaRest: kafkaRest('An explicit REST endpoint (remote clusters, Confluent Cloud).'),
    secondaryKafkaClusterRef: kafkaClusterRef('Secondary Kafka resource (centralized RBAC).'),
    secondaryKafkaRest: kafkaRest('Secondary REST endpoint (centralized RBAC).'),
  });
}

function kafkaRestClassStatus(): JSONSchema {
  return obj('Observed state of the KafkaRestClass.', {
    conditions: conditions(),
    endpoint: str('Resolved REST endpoint.'),
    kafkaClusterID: str('Resolved Kafka cluster ID.'),
    observedGeneration: int64('Generation the status was written for.'),
  });
}

function kafkaTopicSpec(): JSONSchema {
  return obj('Desired state of the topic.', {
    name: kafkaName('Topic name (default: metadata.name).'),
    replicas: int32('Replication factor.'),
    partitionCount: int32('Number of partitions.'),
    configs: stringMap('Topic configs.'),
    kafkaRestClassRef: kafkaRestClassRef('KafkaRestClass of the cluster that holds the topic.'),
    kafkaClusterRef: kafkaClusterRef('Kafka resource of the cluster that holds the topic.'),
    kafkaRest: kafkaRest('An explicit REST endpoint.'),
  });
}

function kafkaTopicStatus(): JSONSchema {
  return obj('Observed state of the topic.', {
    appState: appState(),
    state: str('State of the topic.'),
    conditions: conditions(),
    kafkaCluster: str('namespace/name of the Kafka resource.'),
    kafkaClusterID: str('Kafka cluster ID.'),
    kafkaRestEndpoint: str('REST endpoint used.'),
    observedGeneration: int64('Generation the status was written for.'),
    partitionCount: int32('Number of partitions.'),
    replicas: int32('Replication factor.'),
  });
}

// --- CRD envelopes -------------------------------------------------------------------------------------

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description: string;
  priority?: number;
}

function crd(
  kind: string,
  plural: string,
  shortNames: string[],
  spec: JSONSchema,
  status: JSONSchema,
  columns: PrinterColumn[],
  specRequired: boolean,
): JSONSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.platform.confluent.io`,
      labels: { 'app.kubernetes.io/part-of': 'clusterlink-webhook' },
      annotations: {
        // Helm never upgrades or deletes files from crds/; this marks who wrote the definition.
        'clusterlink-webhook/crd-source': 'clusterlink-webhook chart, compatible with Confluent for Kubernetes 3.x',
      },
    },
    spec: {
      group: 'platform.confluent.io',
      scope: 'Namespaced',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        shortNames,
        categories: ['all', 'confluent-platform', 'confluent'],
      },
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            ...columns,
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
          ],
          schema: {
            openAPIV3Schema: obj(
              `${kind} of Confluent for Kubernetes (platform.confluent.io/v1beta1).`,
              {
                apiVersion: str('Versioned schema of this object.'),
                kind: str('Kind of this object.'),
                metadata: { type: 'object' },
                spec,
                status,
              },
              specRequired ? ['spec'] : [],
            ),
          },
        },
      ],
    },
  };
}

export const CLUSTERLINK_COLUMNS: PrinterColumn[] = [
  { name: 'ID', type: 'string', jsonPath: '.status.clusterLinkID', description: 'ID of the link on Kafka.' },
  {
    name: 'Mode',
    type: 'string',
    jsonPath: '.spec.sourceInitiatedLink.linkMode',
    description: 'Source, Destination or Bidirectional (empty: destination-initiated).',
  },
  { name: 'State', type: 'string', jsonPath: '.status.state', description: 'State of the link.' },
  { name: 'Mirrors', type: 'integer', jsonPath: '.status.numMirrorTopics', description: 'Number of mirror topics.' },
  {
    name: 'SrcClusterID',
    type: 'string',
    jsonPath: '.status.sourceKafkaClusterID',
    description: 'Source cluster ID.',
    priority: 1,
  },
  {
    name: 'DestClusterID',
    type: 'string',
    jsonPath: '.status.destinationKafkaClusterID',
    description: 'Destination cluster ID.',
    priority: 1,
  },
];

export const KAFKARESTCLASS_COLUMNS: PrinterColumn[] = [
  { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', description: 'Resolved REST endpoint.' },
  { name: 'ClusterID', type: 'string', jsonPath: '.status.kafkaClusterID', description: 'Resolved Kafka cluster ID.' },
];

export const KAFKATOPIC_COLUMNS: PrinterColumn[] = [
  { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas', description: 'Replication factor.' },
  { name: 'Partitions', type: 'integer', jsonPath: '.status.partitionCount', description: 'Number of partitions.' },
  { name: 'Status', type: 'string', jsonPath: '.status.appState', description: 'Lifecycle state.' },
  { name: 'ClusterID', type: 'string', jsonPath: '.status.kafkaClusterID', description: 'Kafka cluster ID.' },
];

/** File name in charts/clusterlink-webhook/crds/ → CRD object. */
export function projectCRDs(): Record<string, JSONSchema> {
  return {
    'platform.confluent.io_clusterlinks.yaml': crd(
      'ClusterLink',
      'clusterlinks',
      ['cl', 'clink'],
      clusterLinkSpec(),
      clusterLinkStatus(),
      CLUSTERLINK_COLUMNS,
      true,
    ),
    'platform.confluent.io_kafkarestclasses.yaml': crd(
      'KafkaRestClass',
      'kafkarestclasses',
      ['krc'],
      kafkaRestClassSpec(),
      kafkaRestClassStatus(),
      KAFKARESTCLASS_COLUMNS,
      true,
    ),
    'platform.confluent.io_kafkatopics.yaml': crd(
      'KafkaTopic',
      'kafkatopics',
      ['kt'],
      kafkaTopicSpec(),
      kafkaTopicStatus(),
      KAFKATOPIC_COLUMNS,
      false,
    ),
  };
}
