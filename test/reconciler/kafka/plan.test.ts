// The pure planner, one case per rule of docs/reconciler.md (link types, config derivation, config diff,
// mirror create/state/delete, deletion order).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLinkSpec, ClusterLinkStatus } from '../../../src/clusterlink/types.js';
import type { LinkConfigData, MirrorData } from '../../../src/kafka-rest/types.js';
import { desiredLinkConfigs, roleOf } from '../../../src/reconciler/kafka/plan/link-configs.js';
import { diffConfigs, planLink } from '../../../src/reconciler/kafka/plan/plan.js';
import { configDigest, digestsOf } from '../../../src/reconciler/kafka/plan/applied-configs.js';
import type { ObservedLink, Plan, PlanAction, PlanInput } from '../../../src/reconciler/kafka/plan/types.js';
import type { ClusterCredentials } from '../../../src/reconciler/types.js';

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----';

const destInit = (extra: Partial<ClusterLinkSpec> = {}): ClusterLinkSpec => ({
  name: 'lk',
  sourceKafkaCluster: { clusterID: 'src', bootstrapEndpoint: 'src:9092' },
  destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst' } },
  ...extra,
});
const link = { link_name: 'lk', cluster_link_id: 'id-1', topic_names: [], link_state: 'ACTIVE' };
const noLink: ObservedLink = { configs: [], mirrors: [] };

function input(spec: ClusterLinkSpec, observed: ObservedLink = noLink, more: Partial<PlanInput> = {}): PlanInput {
  return { spec, linkName: 'lk', credentials: {}, remoteClusterId: 'src', observed, deleting: false, ...more };
}
function cfg(name: string, value: string, more: Partial<LinkConfigData> = {}): LinkConfigData {
  return {
    name,
    value,
    readOnly: false,
    sensitive: false,
    isDefault: false,
    source: 'DYNAMIC_CLUSTER_LINK_CONFIG',
    ...more,
  };
}
function mirror(name: string, status: string, source = name, offsets: number[] = [10]): MirrorData {
  return {
    link_name: 'lk',
    mirror_topic_name: name,
    source_topic_name: source,
    num_partitions: offsets.length,
    mirror_lags: offsets.map((o, p) => ({ partition: p, lag: 0, last_source_fetch_offset: o })),
    mirror_status: status,
    state_time_ms: 1700000000000,
  };
}
function kinds(p: Plan): string[] {
  return p.actions.map((a) =>
    a.kind === 'mirrorAction'
      ? `${a.action}:${a.names.join(',')}`
      : a.kind === 'createMirror'
        ? `createMirror:${a.request.mirror_topic_name}`
        : a.kind === 'deleteTopic'
          ? `deleteTopic:${a.name}`
          : a.kind,
  );
}
function createReq(p: Plan): Extract<PlanAction, { kind: 'createLink' }> {
  const a = p.actions.find((x) => x.kind === 'createLink');
  assert.ok(a && a.kind === 'createLink', `no createLink in ${kinds(p).join(' ')}`);
  return a;
}
function configsOf(p: Plan): Record<string, string | null> {
  return Object.fromEntries(createReq(p).request.configs.map((c) => [c.name, c.value]));
}

describe('link types (docs/rules.md#link-types, docs/reconciler.md create)', () => {
  const cases: {
    name: string;
    spec: ClusterLinkSpec;
    remote?: string;
    idField?: string;
    configs: Record<string, string>;
    absent: string[];
    retry: boolean;
  }[] = [
    {
      name: 'destination-initiated: DESTINATION/OUTBOUND, source_cluster_id, bootstrap of the source',
      spec: destInit(),
      idField: 'source_cluster_id',
      configs: {
        'link.mode': 'DESTINATION',
        'connection.mode': 'OUTBOUND',
        'bootstrap.servers': 'src:9092',
        'security.protocol': 'PLAINTEXT',
      },
      absent: ['local.security.protocol'],
      retry: false,
    },
    {
      name: 'Source mode: SOURCE/OUTBOUND on the source, destination_cluster_id, no behaviour configs',
      spec: {
        sourceInitiatedLink: { linkMode: 'Source' },
        sourceKafkaCluster: { kafkaRestClassRef: { name: 's' } },
        destinationKafkaCluster: { clusterID: 'dst', bootstrapEndpoint: 'dst:9092' },
      },
      remote: 'dst',
      idField: 'destination_cluster_id',
      configs: { 'link.mode': 'SOURCE', 'connection.mode': 'OUTBOUND', 'bootstrap.servers': 'dst:9092' },
      absent: ['cluster.link.prefix', 'local.security.protocol'],
      retry: true,
    },
    {
      name: 'Destination mode: DESTINATION/INBOUND, no bootstrap or credentials, keeps the prefix',
      spec: {
        sourceInitiatedLink: { linkMode: 'Destination' },
        sourceKafkaCluster: {
          clusterID: 'src',
          bootstrapEndpoint: 'ignored:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'x' } },
        },
        destinationKafkaCluster: { kafkaRestClassRef: { name: 'd' } },
        mirrorTopicOptions: { prefix: 'p.' },
      },
      idField: 'source_cluster_id',
      configs: { 'link.mode': 'DESTINATION', 'connection.mode': 'INBOUND', 'cluster.link.prefix': 'p.' },
      absent: ['bootstrap.servers', 'security.protocol', 'sasl.jaas.config'],
      retry: false,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = planLink(input(c.spec, noLink, { remoteClusterId: c.remote ?? 'src' }));
      const req = createReq(p);
      assert.equal(req.retryDestinationMissing, c.retry);
      const ids = Object.keys(req.request).filter((k) => k.endsWith('cluster_id'));
      assert.deepEqual(ids, [c.idField]);
      const got = configsOf(p);
      for (const [k, v] of Object.entries(c.configs)) assert.equal(got[k], v, k);
      for (const k of c.absent) assert.equal(k in got, false, `${k} must not be sent`);
    });
  }

  test('the remote id is left out when unknown (the server discovers it)', () => {
    const p = planLink(input(destInit(), noLink, { remoteClusterId: undefined }));
    assert.equal('source_cluster_id' in createReq(p).request, false);
  });
  test('Destination mode without a source cluster id is blocked', () => {
    const p = planLink(
      input(
        { sourceInitiatedLink: { linkMode: 'Destination' }, sourceKafkaCluster: {}, destinationKafkaCluster: {} },
        noLink,
        { remoteClusterId: undefined },
      ),
    );
    assert.equal(p.blocked?.reason, 'SourceClusterIDUnknown');
    assert.deepEqual(p.actions, []);
  });
  test('bidirectional (docs/reconciler.md#bidirectional-links): BIDIRECTIONAL, remote_cluster_id, both connection modes', () => {
    const cases: [string, ClusterLinkSpec, Record<string, string | null>, string[]][] = [
      [
        'Outbound (default): dials the remote with its credentials; local.* from the destination block',
        destInit({
          sourceInitiatedLink: { linkMode: 'Bidirectional' },
          destinationKafkaCluster: { kafkaRestClassRef: { name: 'dst' }, tls: { enabled: true, secretRef: 't' } },
          mirrorTopics: [{ name: 'in' }, { name: 'out', direction: 'toSource' }],
        }),
        { 'link.mode': 'BIDIRECTIONAL', 'connection.mode': 'OUTBOUND', 'bootstrap.servers': 'src:9092' },
        ['createLink', 'createMirror:in'],
      ],
      [
        'Inbound: no bootstrap, no dialing',
        destInit({ sourceInitiatedLink: { linkMode: 'Bidirectional', connectionMode: 'Inbound' } }),
        { 'link.mode': 'BIDIRECTIONAL', 'connection.mode': 'INBOUND' },
        ['createLink'],
      ],
    ];
    for (const [name, spec, want, actions] of cases) {
      const p = planLink(input(spec, noLink, { credentials: { destination: { tls: { cacertsPem: PEM_CERT } } } }));
      assert.equal(p.blocked, undefined, name);
      const got = configsOf(p);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, `${name}: ${k}`);
      if (want['connection.mode'] === 'INBOUND') assert.equal(got['bootstrap.servers'], undefined, name);
      else assert.equal(got['local.ssl.truststore.certificates'], PEM_CERT, name);
      assert.equal(createReq(p).request.remote_cluster_id, 'src', name);
      assert.equal(createReq(p).request.source_cluster_id, undefined, name);
      assert.deepEqual(kinds(p), actions, `${name}: toSource mirrors are not created locally`);
    }
  });
  test('roleOf maps every mode', () => {
    assert.deepEqual(
      [
        {},
        { sourceInitiatedLink: { linkMode: 'Source' } },
        { sourceInitiatedLink: { linkMode: 'Destination' } },
        { sourceInitiatedLink: { linkMode: 'Bidirectional' } },
      ].map((s) => roleOf(s)),
      ['destination-initiated', 'source', 'destination-inbound', 'bidirectional'],
    );
  });
});

describe("config derivation (CFK's documented Secret formats)", () => {
  const cases: {
    name: string;
    spec: ClusterLinkSpec;
    creds?: ClusterCredentials;
    expect: Record<string, string>;
    absent?: string[];
    problem?: RegExp;
  }[] = [
    {
      name: 'SASL/PLAIN from plain.txt without TLS → SASL_PLAINTEXT + PlainLoginModule',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'j' } },
        },
      }),
      creds: { plain: { username: 'alice', password: 'pa\\ss"word' } },
      expect: {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="pa\\\\ss\\"word";',
      },
      absent: ['ssl.truststore.type'],
    },
    {
      name: 'SASL/PLAIN with TLS → SASL_SSL + PEM truststore inline',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'j' } },
          tls: { enabled: true, secretRef: 't' },
        },
      }),
      creds: { plain: { username: 'a', password: 'b' }, tls: { cacertsPem: PEM_CERT } },
      expect: {
        'security.protocol': 'SASL_SSL',
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.certificates': PEM_CERT,
      },
      absent: ['ssl.keystore.type'],
    },
    {
      name: 'SASL/PLAIN + TLS + sslClientAuthentication → SASL_SSL with truststore and keystore (item 6)',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'j' }, sslClientAuthentication: true },
          tls: { enabled: true, secretRef: 't', keyPassword: { secretRef: 'kp' } },
        },
      }),
      creds: {
        plain: { username: 'a', password: 'b' },
        tls: { cacertsPem: PEM_CERT, fullchainPem: PEM_CERT, privkeyPem: PEM_KEY, keyPassword: 'kpw' },
      },
      expect: {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'PLAIN',
        'ssl.truststore.certificates': PEM_CERT,
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.certificate.chain': PEM_CERT,
        'ssl.keystore.key': PEM_KEY,
        'ssl.key.password': 'kpw',
      },
    },
    {
      name: 'sslClientAuthentication without the key material blocks the create',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'j' }, sslClientAuthentication: true },
          tls: { enabled: true, secretRef: 't' },
        },
      }),
      creds: { plain: { username: 'a', password: 'b' }, tls: { cacertsPem: PEM_CERT } },
      expect: {},
      problem: /sslClientAuthentication\) needs fullchain\.pem and privkey\.pem/,
    },
    {
      name: 'pass-through JAAS is sent verbatim',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfigPassThrough: { secretRef: 'j' } },
        },
      }),
      creds: {
        jaasPassThrough:
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="x" password="y";\n',
      },
      expect: {
        'sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="x" password="y";',
        'sasl.mechanism': 'PLAIN',
      },
    },
    {
      name: 'mTLS → SSL with PEM keystore, truststore and key password',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'mtls' },
          tls: { enabled: true, secretRef: 't' },
        },
      }),
      creds: { tls: { fullchainPem: PEM_CERT, privkeyPem: PEM_KEY, cacertsPem: PEM_CERT, keyPassword: 'kp' } },
      expect: {
        'security.protocol': 'SSL',
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.certificate.chain': PEM_CERT,
        'ssl.keystore.key': PEM_KEY,
        'ssl.key.password': 'kp',
        'ssl.truststore.type': 'PEM',
      },
      absent: ['sasl.mechanism', 'sasl.jaas.config'],
    },
    {
      name: 'OAuth client credentials: oauth.txt clientId/clientSecret, scope, login timeouts (item 4)',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: {
            type: 'oauth',
            jaasConfig: { secretRef: 'o' },
            oauthSettings: { tokenEndpointUri: 'https://idp/token', scope: 'kafka', loginConnectTimeoutMs: 15000 },
          },
          tls: { enabled: true, secretRef: 't' },
        },
      }),
      creds: { oauth: { clientId: 'cid', clientSecret: 'cs' }, tls: { cacertsPem: PEM_CERT } },
      expect: {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'OAUTHBEARER',
        'sasl.oauthbearer.token.endpoint.url': 'https://idp/token',
        'sasl.login.callback.handler.class':
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
        'sasl.login.connect.timeout.ms': '15000',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="cid" clientSecret="cs" scope="kafka";',
      },
      absent: ['sasl.oauthbearer.assertion.private.key.file'],
    },
    {
      name: "OAuth client assertion (CFK's client_assertion/clusterlinking example) → assertion configs, no secret",
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: {
            type: 'oauth',
            oauthSettings: {
              tokenEndpointUri: 'https://idp/token',
              clientAssertion: {
                clientId: 'private-key-client',
                localClientAssertion: {
                  issuer: 'private-key-client',
                  subject: 'private-key-client',
                  audience: 'https://idp/token',
                  includeJtiClaim: true,
                  privateKeyFile: { secretRef: 'private-key' },
                },
              },
            },
          },
        },
      }),
      expect: {
        'sasl.mechanism': 'OAUTHBEARER',
        'sasl.login.callback.handler.class':
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="private-key-client";',
        'sasl.oauthbearer.assertion.claim.iss': 'private-key-client',
        'sasl.oauthbearer.assertion.claim.sub': 'private-key-client',
        'sasl.oauthbearer.assertion.claim.aud': 'https://idp/token',
        'sasl.oauthbearer.assertion.claim.jti.include': 'true',
        'sasl.oauthbearer.assertion.private.key.file': '/mnt/secrets/private-key/private-key',
      },
      absent: ['sasl.oauthbearer.assertion.private.key.passphrase'],
    },
    {
      name: 'OAuth client assertion with an encrypted key → the passphrase config',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: {
            type: 'oauth',
            oauthSettings: {
              tokenEndpointUri: 'https://idp/token',
              clientAssertion: {
                clientId: 'c',
                localClientAssertion: { privateKeyFile: { secretRef: 'pk', encryptedPrivateKey: true } },
              },
            },
          },
        },
      }),
      creds: { assertionKeyPassphrase: 'abcde12345' },
      expect: {
        'sasl.oauthbearer.assertion.private.key.file': '/mnt/secrets/pk/private-key',
        'sasl.oauthbearer.assertion.private.key.passphrase': 'abcde12345',
      },
    },
    {
      name: 'oauthbearer (MDS token login): TokenUserLoginCallbackHandler, username/password, metadataServerUrls',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'oauthbearer', oauthbearer: { secretRef: 'o' } },
        },
      }),
      creds: { oauthbearer: { username: 'connect', password: 'pw', metadataServerUrls: 'https://kafka.src:8090' } },
      expect: {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'OAUTHBEARER',
        'sasl.login.callback.handler.class':
          'io.confluent.kafka.clients.plugins.auth.token.TokenUserLoginCallbackHandler',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required username="connect" password="pw" metadataServerUrls="https://kafka.src:8090";',
      },
      absent: ['sasl.oauthbearer.token.endpoint.url'],
    },
    {
      name: 'OAuth without client credentials blocks the create (never a JAAS line without them)',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'oauth', oauthSettings: { tokenEndpointUri: 'https://idp/token' } },
        },
      }),
      expect: {},
      problem: /OAuth client credentials/,
    },
    {
      name: 'oauthbearer without username/password or MDS URL blocks the create',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'oauthbearer', oauthbearer: { secretRef: 'o' } },
        },
      }),
      creds: { oauthbearer: { token: 't' } },
      expect: {},
      problem: /username= and password=.*MDS URL is unknown/,
    },
    {
      name: 'no authentication with TLS → SSL',
      spec: destInit({ sourceKafkaCluster: { bootstrapEndpoint: 's:9092', tls: { enabled: true, secretRef: 't' } } }),
      creds: { tls: { cacertsPem: PEM_CERT } },
      expect: { 'security.protocol': 'SSL', 'ssl.truststore.certificates': PEM_CERT },
    },
    {
      name: 'URL scheme in bootstrapEndpoint is dropped',
      spec: destInit({ sourceKafkaCluster: { bootstrapEndpoint: 'https://a:9092, b:9093' } }),
      expect: { 'bootstrap.servers': 'a:9092,b:9093' },
    },
    {
      name: 'Source mode: its own brokers get local.* configs',
      spec: {
        sourceInitiatedLink: { linkMode: 'Source' },
        sourceKafkaCluster: {
          kafkaRestClassRef: { name: 's' },
          authentication: { type: 'plain', jaasConfig: { secretRef: 'l' } },
          tls: { enabled: true, secretRef: 't' },
        },
        destinationKafkaCluster: { clusterID: 'd', bootstrapEndpoint: 'd:9092' },
      },
      creds: { plain: { username: 'me', password: 'x' }, tls: { cacertsPem: PEM_CERT } },
      expect: {
        'local.security.protocol': 'SASL_SSL',
        'local.sasl.mechanism': 'PLAIN',
        'local.ssl.truststore.type': 'PEM',
        'security.protocol': 'PLAINTEXT',
      },
    },
    {
      name: 'filters as the documented JSON strings',
      spec: destInit({
        mirrorTopicOptions: {
          autoCreateTopics: {
            enabled: true,
            topicFilters: [{ name: 'web', patternType: 'PREFIXED', filterType: 'INCLUDE' }],
          },
        },
        consumerGroupFilters: [
          { name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' },
          { name: 'tmp-', patternType: 'PREFIXED', filterType: 'EXCLUDE' },
        ],
        aclFilters: [
          {
            resourceFilter: { resourceType: 'transcationId', name: 'tx', patternType: 'literal' },
            accessFilter: { principal: 'User:bob', host: '*', operation: 'write', permissionType: 'allow' },
          },
        ],
      }),
      expect: {
        'auto.create.mirror.topics.enable': 'true',
        'auto.create.mirror.topics.filters':
          '{"topicFilters":[{"name":"web","patternType":"PREFIXED","filterType":"INCLUDE"}]}',
        'consumer.offset.sync.enable': 'true',
        'consumer.offset.group.filters':
          '{"groupFilters":[{"name":"*","patternType":"LITERAL","filterType":"INCLUDE"},{"name":"tmp-","patternType":"PREFIXED","filterType":"EXCLUDE"}]}',
        'acl.sync.enable': 'true',
        'acl.filters':
          '{"aclFilters":[{"resourceFilter":{"resourceType":"transactionalId","name":"tx","patternType":"literal"},"accessFilter":{"principal":"User:bob","operation":"write","permissionType":"allow"}}]}',
      },
    },
    {
      name: 'ACL filters: the webhook defaults "*" (any) are omitted fields; User:* and names are kept',
      spec: destInit({
        aclFilters: [
          {
            resourceFilter: { resourceType: 'any', name: '*', patternType: 'any' },
            accessFilter: { principal: '*', host: '*', operation: 'any', permissionType: 'any' },
          },
          {
            resourceFilter: { resourceType: 'topic', name: 'orders', patternType: 'prefixed' },
            accessFilter: { principal: 'User:*', host: '10.0.0.1', operation: 'read', permissionType: 'allow' },
          },
        ],
      }),
      expect: {
        'acl.filters': JSON.stringify({
          aclFilters: [
            {
              resourceFilter: { resourceType: 'any', patternType: 'any' },
              accessFilter: { operation: 'any', permissionType: 'any' },
            },
            {
              resourceFilter: { resourceType: 'topic', name: 'orders', patternType: 'prefixed' },
              accessFilter: { principal: 'User:*', host: '10.0.0.1', operation: 'read', permissionType: 'allow' },
            },
          ],
        }),
      },
    },
    {
      name: 'autoCreateTopics disabled → enable=false and no filters',
      spec: destInit({ mirrorTopicOptions: { autoCreateTopics: { enabled: false, topicFilters: [{ name: 'x' }] } } }),
      expect: { 'auto.create.mirror.topics.enable': 'false' },
      absent: ['auto.create.mirror.topics.filters'],
    },
    {
      name: 'spec.configs pass through and override derived values, not the mode',
      spec: destInit({
        configs: { 'consumer.offset.sync.ms': '1000', 'security.protocol': 'SSL', 'link.mode': 'SOURCE' },
      }),
      expect: { 'consumer.offset.sync.ms': '1000', 'security.protocol': 'SSL', 'link.mode': 'DESTINATION' },
    },
    {
      name: 'missing SASL credentials block the create',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'plain', jaasConfig: { secretRef: 'j' } },
        },
      }),
      expect: {},
      problem: /SASL\/PLAIN credentials/,
    },
    {
      name: 'mTLS without key material blocks the create',
      spec: destInit({
        sourceKafkaCluster: {
          bootstrapEndpoint: 's:9092',
          authentication: { type: 'mtls' },
          tls: { enabled: true, secretRef: 't' },
        },
      }),
      creds: { tls: { cacertsPem: PEM_CERT } },
      expect: {},
      problem: /fullchain\.pem and privkey\.pem/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = planLink(input(c.spec, noLink, { remoteClusterId: 'x', credentials: { source: c.creds } }));
      if (c.problem) {
        assert.equal(p.blocked?.reason, 'InvalidConfiguration');
        assert.match(p.blocked?.message ?? '', c.problem);
        assert.doesNotMatch(p.blocked?.message ?? '', /pa\\ss|kp|cs/, 'no secret in messages');
        return;
      }
      const got = configsOf(p);
      for (const [k, v] of Object.entries(c.expect)) assert.equal(got[k], v, k);
      for (const k of c.absent ?? []) assert.equal(k in got, false, `${k} must not be sent`);
    });
  }
  test('a spec.configs value for link.mode is reported, not applied', () => {
    const d = desiredLinkConfigs(destInit({ configs: { 'link.mode': 'SOURCE' } }), 'destination-initiated', {});
    assert.match(d.warnings.join(), /link\.mode/);
  });
});

describe('config diff (configs:alter)', () => {
  const desired = new Map([
    ['link.mode', 'DESTINATION'],
    ['cluster.link.prefix', 'p.'],
    ['bootstrap.servers', 'a:9092'],
    ['sasl.jaas.config', 'secret'],
    ['consumer.offset.sync.enable', 'true'],
    ['consumer.offset.group.filters', '{"groupFilters":[{"name":"*","patternType":"LITERAL","filterType":"INCLUDE"}]}'],
  ]);
  const same = [
    cfg('link.mode', 'DESTINATION'),
    cfg('cluster.link.prefix', 'p.'),
    cfg('bootstrap.servers', 'a:9092'),
    cfg('sasl.jaas.config', '', { sensitive: true }),
    cfg('consumer.offset.sync.enable', 'TRUE'),
    cfg(
      'consumer.offset.group.filters',
      '{"groupFilters": [{"filterType":"INCLUDE","name":"*","patternType":"LITERAL"}]}',
    ),
    cfg('remote.link.connection.mode', 'OUTBOUND', { readOnly: true }),
    cfg('acl.sync.enable', 'false', { isDefault: true, source: 'DEFAULT_CONFIG' }),
  ];
  const recorded = digestsOf(desired);
  const cases: {
    name: string;
    observed: LinkConfigData[];
    ops: string[];
    note?: string;
    applied?: Record<string, string> | null;
  }[] = [
    { name: 'equal (sensitive set, JSON re-serialised, boolean case) → nothing', observed: same, ops: [] },
    {
      name: 'sensitive listed with value null (Kafka describeConfigs) and recorded → nothing',
      observed: same.map((c) => (c.name === 'sasl.jaas.config' ? { ...c, value: null } : c)),
      ops: [],
    },
    {
      name: 'sensitive, set, but no applied record → SET (it cannot be compared)',
      observed: same,
      applied: null,
      ops: ['SET sasl.jaas.config=secret'],
    },
    {
      name: 'sensitive whose recorded digest differs (password rotated) → SET',
      observed: same,
      applied: { ...recorded, 'sasl.jaas.config': configDigest('sasl.jaas.config', 'old-secret') },
      ops: ['SET sasl.jaas.config=secret'],
    },
    {
      name: 'a spec.configs key recorded as applied and no longer desired → DELETE',
      observed: [...same, cfg('consumer.offset.sync.ms', '999')],
      applied: { ...recorded, 'consumer.offset.sync.ms': configDigest('consumer.offset.sync.ms', '999') },
      ops: ['DELETE consumer.offset.sync.ms'],
    },
    {
      name: 'a recorded key already back at its default → nothing',
      observed: [...same, cfg('consumer.offset.sync.ms', '30000', { isDefault: true, source: 'DEFAULT_CONFIG' })],
      applied: { ...recorded, 'consumer.offset.sync.ms': configDigest('consumer.offset.sync.ms', '999') },
      ops: [],
    },
    {
      name: 'one differing value → SET only that one',
      observed: same.map((c) => (c.name === 'bootstrap.servers' ? cfg(c.name, 'b:9092') : c)),
      ops: ['SET bootstrap.servers=a:9092'],
    },
    {
      name: 'missing owned config → SET',
      observed: same.filter((c) => c.name !== 'consumer.offset.sync.enable'),
      ops: ['SET consumer.offset.sync.enable=true'],
    },
    {
      name: 'sensitive but unset → SET',
      observed: same.map((c) =>
        c.name === 'sasl.jaas.config' ? cfg(c.name, '', { sensitive: true, isDefault: true }) : c,
      ),
      ops: ['SET sasl.jaas.config=secret'],
    },
    {
      name: 'a managed config no longer derived → DELETE',
      observed: [...same, cfg('acl.filters', '{"aclFilters":[]}')],
      ops: ['DELETE acl.filters'],
    },
    {
      name: 'an unmanaged server config is left alone',
      observed: [...same, cfg('consumer.offset.sync.ms', '999')],
      ops: [],
    },
    {
      name: 'immutable prefix differs → note, never sent',
      observed: same.map((c) => (c.name === 'cluster.link.prefix' ? cfg(c.name, 'q.') : c)),
      ops: [],
      note: 'ImmutableConfigDiffers',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = diffConfigs(desired, c.observed, c.applied === null ? undefined : (c.applied ?? recorded));
      assert.deepEqual(
        d.ops.map((o) => (o.operation === 'DELETE' ? `DELETE ${o.name}` : `SET ${o.name}=${o.value}`)),
        c.ops,
      );
      assert.deepEqual(
        d.notes.map((n) => n.reason),
        c.note ? [c.note] : [],
      );
    });
  }
  test('an existing link with a different link.mode is blocked', () => {
    const p = planLink(input(destInit(), { link, configs: [cfg('link.mode', 'SOURCE')], mirrors: [] }));
    assert.equal(p.blocked?.reason, 'LinkModeMismatch');
  });
});

describe('mirror topics', () => {
  const spec = (mirrorTopics: ClusterLinkSpec['mirrorTopics'], more: Partial<ClusterLinkSpec> = {}) =>
    destInit({ mirrorTopicOptions: { prefix: 'dc1.' }, mirrorTopics, ...more });
  const observed = (...mirrors: MirrorData[]): ObservedLink => ({
    link,
    configs: [
      cfg('link.mode', 'DESTINATION'),
      cfg('connection.mode', 'OUTBOUND'),
      cfg('cluster.link.prefix', 'dc1.'),
      cfg('bootstrap.servers', 'src:9092'),
      cfg('security.protocol', 'PLAINTEXT'),
    ],
    mirrors,
  });
  const prevStatus = (...names: string[]): ClusterLinkStatus => ({
    mirrorTopics: Object.fromEntries(names.map((n) => [n, { status: 'ACTIVE', observedGeneration: 1 }])),
  });
  const cases: {
    name: string;
    spec: ClusterLinkSpec;
    observed: ObservedLink;
    prev?: ClusterLinkStatus;
    kinds: string[];
    notes?: string[];
  }[] = [
    {
      name: 'missing mirror → create (source name = name minus prefix)',
      spec: spec([{ name: 'dc1.a', state: 'ACTIVE' }]),
      observed: observed(),
      kinds: ['createMirror:dc1.a'],
    },
    {
      name: 'missing mirror in PAUSE → create then pause',
      spec: spec([{ name: 'dc1.a', state: 'PAUSE' }]),
      observed: observed(),
      kinds: ['createMirror:dc1.a', 'pause:dc1.a'],
    },
    {
      name: 'ACTIVE wanted, PAUSED seen → resume',
      spec: spec([{ name: 'dc1.a', state: 'ACTIVE' }]),
      observed: observed(mirror('dc1.a', 'PAUSED', 'a')),
      kinds: ['resume:dc1.a'],
    },
    {
      name: 'PAUSE wanted for two → one batched pause',
      spec: spec([
        { name: 'dc1.a', state: 'PAUSE' },
        { name: 'dc1.b', state: 'PAUSE' },
      ]),
      observed: observed(mirror('dc1.a', 'ACTIVE', 'a'), mirror('dc1.b', 'ACTIVE', 'b')),
      kinds: ['pause:dc1.a,dc1.b'],
    },
    {
      name: 'PROMOTE → snapshot before promote, then await STOPPED',
      spec: spec([{ name: 'dc1.a', state: 'PROMOTE' }]),
      observed: observed(mirror('dc1.a', 'ACTIVE', 'a')),
      kinds: ['snapshot', 'promote:dc1.a', 'awaitStopped'],
    },
    {
      name: 'FAILOVER of a FAILED mirror is attempted',
      spec: spec([{ name: 'dc1.a', state: 'FAILOVER' }]),
      observed: observed(mirror('dc1.a', 'FAILED', 'a')),
      kinds: ['snapshot', 'failover:dc1.a', 'awaitStopped'],
    },
    {
      name: 'PENDING_STOPPED → only await',
      spec: spec([{ name: 'dc1.a', state: 'PROMOTE' }]),
      observed: observed(mirror('dc1.a', 'PENDING_STOPPED', 'a')),
      kinds: ['awaitStopped'],
    },
    {
      name: 'STOPPED and PROMOTE → nothing',
      spec: spec([{ name: 'dc1.a', state: 'PROMOTE' }]),
      observed: observed(mirror('dc1.a', 'STOPPED', 'a', [-1])),
      kinds: [],
    },
    {
      name: 'STOPPED but ACTIVE wanted → warning, no action',
      spec: spec([{ name: 'dc1.a', state: 'ACTIVE' }]),
      observed: observed(mirror('dc1.a', 'STOPPED', 'a')),
      kinds: [],
      notes: ['MirrorStopped'],
    },
    {
      name: 'unknown status is tolerated',
      spec: spec([{ name: 'dc1.a', state: 'ACTIVE' }]),
      observed: observed(mirror('dc1.a', 'PENDING_SOMETHING_NEW', 'a')),
      kinds: [],
    },
    {
      name: 'PROMOTE of an absent mirror → warning',
      spec: spec([{ name: 'dc1.a', state: 'PROMOTE' }]),
      observed: observed(),
      kinds: [],
      notes: ['MirrorNotFound'],
    },
    {
      name: 'removed from the spec (known from status) → topic deleted',
      spec: spec([]),
      observed: observed(mirror('dc1.a', 'ACTIVE', 'a')),
      prev: prevStatus('dc1.a'),
      kinds: ['deleteTopic:dc1.a'],
    },
    {
      name: 'removed but deleteRemovedMirrorTopics: false → kept',
      spec: spec([], { mirrorTopicOptions: { prefix: 'dc1.', deleteRemovedMirrorTopics: false } }),
      observed: observed(mirror('dc1.a', 'ACTIVE', 'a')),
      prev: prevStatus('dc1.a'),
      kinds: [],
      notes: ['MirrorKept'],
    },
    {
      name: 'auto-created mirror never listed → untouched',
      spec: spec([]),
      observed: observed(mirror('dc1.auto', 'ACTIVE', 'auto')),
      kinds: [],
    },
    {
      name: 'auto-created mirror shown in the previous status (no observedGeneration) → untouched',
      spec: spec([]),
      observed: observed(mirror('dc1.auto', 'ACTIVE', 'auto')),
      prev: { mirrorTopics: { 'dc1.auto': { status: 'ACTIVE', sourceTopicName: 'auto' } } },
      kinds: [],
    },
    {
      name: 'removed but already STOPPED (promoted) → untouched',
      spec: spec([]),
      observed: observed(mirror('dc1.a', 'STOPPED', 'a')),
      prev: prevStatus('dc1.a'),
      kinds: [],
    },
    {
      name: 'Source-mode CR never plans mirrors',
      spec: {
        sourceInitiatedLink: { linkMode: 'Source' },
        sourceKafkaCluster: {},
        destinationKafkaCluster: { bootstrapEndpoint: 'd:1' },
        mirrorTopics: [{ name: 'x' }],
      },
      observed: {
        link,
        configs: [
          cfg('link.mode', 'SOURCE'),
          cfg('connection.mode', 'OUTBOUND'),
          cfg('bootstrap.servers', 'd:1'),
          cfg('security.protocol', 'PLAINTEXT'),
        ],
        mirrors: [],
      },
      kinds: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = planLink(input(c.spec, c.observed, { previousStatus: c.prev }));
      assert.deepEqual(kinds(p), c.kinds);
      assert.deepEqual(
        p.notes.map((n) => n.reason),
        c.notes ?? [],
      );
    });
  }
  test('create request carries names, replication factor and configs', () => {
    const p = planLink(
      input(
        spec([{ name: 'dc1.a', sourceTopicName: 'a', replicationFactor: 2, configs: { 'retention.ms': '1000' } }]),
        observed(),
      ),
    );
    const a = p.actions[0];
    assert.ok(a?.kind === 'createMirror');
    assert.deepEqual(a.request, {
      source_topic_name: 'a',
      mirror_topic_name: 'dc1.a',
      replication_factor: 2,
      configs: [{ name: 'retention.ms', value: '1000' }],
    });
  });
  test('the snapshot holds every partition offset read before the stop', () => {
    const p = planLink(
      input(spec([{ name: 'dc1.a', state: 'FAILOVER' }]), observed(mirror('dc1.a', 'ACTIVE', 'a', [5, 9]))),
    );
    const s = p.actions[0];
    assert.ok(s?.kind === 'snapshot');
    assert.deepEqual(s.snapshots[0], {
      topicName: 'dc1.a',
      sourceTopicName: 'a',
      action: 'FAILOVER',
      partitions: 2,
      lastSourceFetchOffsets: [
        { partition: 0, offset: 5 },
        { partition: 1, offset: 9 },
      ],
      stateTimeMs: 1700000000000,
    });
  });
});

describe('deletion sequence', () => {
  const stoppedPrev: ClusterLinkStatus = { mirrorTopics: { a: { status: 'STOPPED' } } };
  const cases: {
    name: string;
    observed: ObservedLink;
    prev?: ClusterLinkStatus;
    spec?: ClusterLinkSpec;
    kinds: string[];
    finalized?: boolean;
    handover?: boolean;
  }[] = [
    { name: 'link already gone → finalized, no calls', observed: noLink, kinds: [], finalized: true },
    {
      name: 'live mirrors → snapshot, failover, await (in that order)',
      observed: { link, configs: [], mirrors: [mirror('a', 'ACTIVE'), mirror('b', 'PAUSED'), mirror('c', 'STOPPED')] },
      kinds: ['snapshot', 'failover:a,b', 'awaitStopped'],
      handover: true,
    },
    {
      name: 'pending stops → await only',
      observed: { link, configs: [], mirrors: [mirror('a', 'PENDING_STOPPED')] },
      kinds: ['awaitStopped'],
      handover: true,
    },
    {
      name: 'all STOPPED but not yet recorded in status → wait for the hand-over',
      observed: { link, configs: [], mirrors: [mirror('a', 'STOPPED')] },
      kinds: [],
      handover: true,
    },
    {
      name: 'all STOPPED and recorded → delete the link',
      observed: { link, configs: [], mirrors: [mirror('a', 'STOPPED')] },
      prev: stoppedPrev,
      kinds: ['deleteLink'],
    },
    { name: 'no mirrors → delete the link', observed: { link, configs: [], mirrors: [] }, kinds: ['deleteLink'] },
    {
      name: 'bidirectional → nothing to undo, finalized',
      observed: noLink,
      spec: { sourceInitiatedLink: { linkMode: 'Bidirectional' } },
      kinds: [],
      finalized: true,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = planLink(input(c.spec ?? destInit(), c.observed, { deleting: true, previousStatus: c.prev }));
      assert.deepEqual(kinds(p), c.kinds);
      assert.equal(p.finalized ?? false, c.finalized ?? false);
      assert.equal(p.awaitingHandover ?? false, c.handover ?? false);
    });
  }
});

test('idempotency: the state a plan converges to yields no writing action', () => {
  const s = destInit({
    mirrorTopicOptions: { prefix: 'dc1.' },
    consumerGroupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }],
    mirrorTopics: [{ name: 'dc1.a', state: 'PAUSE' }],
  });
  const first = planLink(input(s));
  const configs = createReq(first).request.configs.map((c) => cfg(c.name, c.value ?? ''));
  const second = planLink(input(s, { link, configs, mirrors: [mirror('dc1.a', 'PAUSED', 'a')] }));
  assert.deepEqual(kinds(second), []);
});

describe('oauthbearer MDS URL (item 4)', () => {
  const spec = destInit({
    sourceKafkaCluster: {
      bootstrapEndpoint: 's:9092',
      authentication: { type: 'oauthbearer', oauthbearer: { secretRef: 'o' } },
    },
  });
  const cases: { name: string; bearer: Record<string, string>; remote?: string; urls?: string }[] = [
    {
      name: 'from bearer.txt',
      bearer: { username: 'u', password: 'p', metadataServerUrls: 'https://a:8090,https://b:8090' },
      remote: 'https://r:8090',
      urls: 'https://a:8090,https://b:8090',
    },
    {
      name: "from the remote cluster's REST endpoint",
      bearer: { username: 'u', password: 'p' },
      remote: 'https://r:8090',
      urls: 'https://r:8090',
    },
    { name: 'unknown → blocked', bearer: { username: 'u', password: 'p' } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = planLink(
        input(spec, noLink, {
          credentials: { source: { oauthbearer: c.bearer } },
          ...(c.remote ? { remoteRestEndpoint: c.remote } : {}),
        }),
      );
      if (!c.urls) {
        assert.match(p.blocked?.message ?? '', /MDS URL is unknown/);
        return;
      }
      assert.match(configsOf(p)['sasl.jaas.config'] ?? '', new RegExp(`metadataServerUrls="${c.urls}";$`));
    });
  }
});
