import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterLink, KafkaClusterRef } from '../../src/clusterlink/types.js';
import { referencedSecrets, secretNames } from '../../src/secrets/referenced-secrets.js';

const link = (spec: ClusterLink['spec']): ClusterLink => ({
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l' },
  spec,
});
const plainTls: KafkaClusterRef = {
  bootstrapEndpoint: 'src:9092',
  authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
  tls: { enabled: true, secretRef: 'src-tls' },
};
const mtls: KafkaClusterRef = {
  bootstrapEndpoint: 'dst:9092',
  authentication: { type: 'mtls' },
  tls: { enabled: true, secretRef: 'dst-tls', keyPassword: { secretRef: 'dst-key-pass' } },
};

/** Compact form: `field=name` (+ `!` for client auth). */
const summary = (l: ClusterLink): string[] =>
  referencedSecrets(l).flatMap((r) => [
    `${r.field}=${r.name}${r.kind === 'tls' && r.clientAuth ? '!' : ''}`,
    ...(r.kind === 'tls' && r.keyPassword ? [`${r.keyPassword.field}=${r.keyPassword.name}`] : []),
  ]);

const cases: { name: string; link: ClusterLink; expected: string[] }[] = [
  {
    name: 'destination-initiated: the source block only (destination credentials are ignored)',
    link: link({
      sourceKafkaCluster: plainTls,
      destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' }, ...mtls },
    }),
    expected: [
      'spec.sourceKafkaCluster.tls.secretRef=src-tls',
      'spec.sourceKafkaCluster.authentication.jaasConfig.secretRef=src-plain',
    ],
  },
  {
    name: 'mtls: client auth and the keyPassword secret',
    link: link({ sourceKafkaCluster: mtls, destinationKafkaCluster: {} }),
    expected: [
      'spec.sourceKafkaCluster.tls.secretRef=dst-tls!',
      'spec.sourceKafkaCluster.tls.keyPassword.secretRef=dst-key-pass',
    ],
  },
  {
    name: 'sslClientAuthentication makes plain + TLS present a client certificate',
    link: link({
      sourceKafkaCluster: {
        ...plainTls,
        authentication: { ...plainTls.authentication, sslClientAuthentication: true },
      },
      destinationKafkaCluster: {},
    }),
    expected: [
      'spec.sourceKafkaCluster.tls.secretRef=src-tls!',
      'spec.sourceKafkaCluster.authentication.jaasConfig.secretRef=src-plain',
    ],
  },
  {
    name: 'tls.enabled false: its secretRef is ignored',
    link: link({ sourceKafkaCluster: { tls: { enabled: false, secretRef: 'unused' } }, destinationKafkaCluster: {} }),
    expected: [],
  },
  {
    name: 'Source mode: both blocks (remote destination and local brokers)',
    link: link({
      sourceInitiatedLink: { linkMode: 'Source' },
      sourceKafkaCluster: plainTls,
      destinationKafkaCluster: mtls,
    }),
    expected: [
      'spec.sourceKafkaCluster.tls.secretRef=src-tls',
      'spec.sourceKafkaCluster.authentication.jaasConfig.secretRef=src-plain',
      'spec.destinationKafkaCluster.tls.secretRef=dst-tls!',
      'spec.destinationKafkaCluster.tls.keyPassword.secretRef=dst-key-pass',
    ],
  },
  {
    name: 'Destination mode: nothing (it waits for the Source-mode CR)',
    link: link({
      sourceInitiatedLink: { linkMode: 'Destination' },
      sourceKafkaCluster: plainTls,
      destinationKafkaCluster: mtls,
    }),
    expected: [],
  },
  {
    name: 'Bidirectional: both blocks',
    link: link({
      sourceInitiatedLink: { linkMode: 'Bidirectional' },
      sourceKafkaCluster: mtls,
      destinationKafkaCluster: plainTls,
    }),
    expected: [
      'spec.sourceKafkaCluster.tls.secretRef=dst-tls!',
      'spec.sourceKafkaCluster.tls.keyPassword.secretRef=dst-key-pass',
      'spec.destinationKafkaCluster.tls.secretRef=src-tls',
      'spec.destinationKafkaCluster.authentication.jaasConfig.secretRef=src-plain',
    ],
  },
  {
    name: 'pass-through JAAS',
    link: link({
      sourceKafkaCluster: { authentication: { type: 'plain', jaasConfigPassThrough: { secretRef: 'ccloud' } } },
      destinationKafkaCluster: {},
    }),
    expected: ['spec.sourceKafkaCluster.authentication.jaasConfigPassThrough.secretRef=ccloud'],
  },
  {
    name: 'JAAS blocks under mtls are not read (the rules forbid them)',
    link: link({
      sourceKafkaCluster: { ...mtls, authentication: { type: 'mtls', jaasConfig: { secretRef: 'stray' } } },
      destinationKafkaCluster: {},
    }),
    expected: [
      'spec.sourceKafkaCluster.tls.secretRef=dst-tls!',
      'spec.sourceKafkaCluster.tls.keyPassword.secretRef=dst-key-pass',
    ],
  },
  {
    name: 'oauthbearer',
    link: link({
      sourceKafkaCluster: { authentication: { type: 'oauthbearer', oauthbearer: { secretRef: 'bearer' } } },
      destinationKafkaCluster: {},
    }),
    expected: ['spec.sourceKafkaCluster.authentication.oauthbearer.secretRef=bearer'],
  },
  {
    name: 'oauth client assertion secrets',
    link: link({
      sourceKafkaCluster: {
        authentication: {
          type: 'oauth',
          oauthSettings: {
            tokenEndpointUri: 'https://idp/token',
            clientAssertion: {
              jwtTokenFile: { secretRef: 'jwt' },
              localClientAssertion: { privateKeyFile: { secretRef: 'assert-key' } },
            },
          },
        },
      },
      destinationKafkaCluster: {},
    }),
    expected: [
      'spec.sourceKafkaCluster.authentication.oauthSettings.clientAssertion.jwtTokenFile.secretRef=jwt',
      'spec.sourceKafkaCluster.authentication.oauthSettings.clientAssertion.localClientAssertion.privateKeyFile.secretRef=assert-key',
    ],
  },
  {
    name: 'oauth client credentials: the jaasConfig Secret (oauth.txt)',
    link: link({
      sourceKafkaCluster: {
        authentication: {
          type: 'oauth',
          jaasConfig: { secretRef: 'oauth-jass' },
          oauthSettings: { tokenEndpointUri: 'https://idp/token' },
        },
      },
      destinationKafkaCluster: {},
    }),
    expected: ['spec.sourceKafkaCluster.authentication.jaasConfig.secretRef=oauth-jass'],
  },
  {
    name: 'directoryPathInContainer and empty refs read nothing',
    link: link({
      sourceKafkaCluster: {
        authentication: { type: 'plain', jaasConfigPassThrough: { directoryPathInContainer: '/vault' } },
        tls: { enabled: true, secretRef: '' },
      },
      destinationKafkaCluster: {},
    }),
    expected: [],
  },
  { name: 'no spec at all', link: { metadata: { name: 'x' } }, expected: [] },
  {
    name: 'a cluster block that is not an object',
    link: { spec: { sourceKafkaCluster: 'nonsense' as unknown as KafkaClusterRef } },
    expected: [],
  },
];

describe('referencedSecrets', () => {
  for (const c of cases) test(c.name, () => assert.deepEqual(summary(c.link), c.expected));

  test('secretNames lists each Secret once, keyPassword Secrets included', () => {
    const l = link({
      sourceInitiatedLink: { linkMode: 'Bidirectional' },
      sourceKafkaCluster: mtls,
      destinationKafkaCluster: mtls,
    });
    assert.deepEqual(secretNames(referencedSecrets(l)), ['dst-tls', 'dst-key-pass']);
  });
});
