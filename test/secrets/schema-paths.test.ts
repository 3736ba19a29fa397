// Cross-check: every field path the Secret checks report exists in CFK's ClusterLink schema, with the
// CRD's length limit for secret names. Skips when the reference folder (../shared) is not next to the repo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClusterLink, KafkaClusterRef } from '../../src/clusterlink/types.js';
import { referencedSecrets } from '../../src/secrets/referenced-secrets.js';

const schemaFile = fileURLToPath(
  new URL('../../../shared/specs/cfk-crd-schemas/clusterlink_v1beta1.json', import.meta.url),
);

interface Schema {
  properties?: Record<string, Schema>;
  maxLength?: number;
  type?: string;
}

const block = (type: string, extra: KafkaClusterRef['authentication'] = {}): KafkaClusterRef => ({
  authentication: { type, ...extra },
  tls: { enabled: true, secretRef: 'tls', keyPassword: { secretRef: 'kp' } },
});

test(
  'reported secretRef paths exist in the CFK ClusterLink schema',
  { skip: !existsSync(schemaFile) && `reference schema not found at ${schemaFile}` },
  () => {
    const root = JSON.parse(readFileSync(schemaFile, 'utf8')) as Schema;
    const links: ClusterLink[] = [
      {
        spec: {
          sourceInitiatedLink: { linkMode: 'Bidirectional' },
          sourceKafkaCluster: block('plain', {
            jaasConfig: { secretRef: 'j' },
            jaasConfigPassThrough: { secretRef: 'p' },
          }),
          destinationKafkaCluster: block('oauthbearer', { oauthbearer: { secretRef: 'o' } }),
        },
      },
      {
        spec: {
          sourceKafkaCluster: block('oauth', {
            oauthSettings: {
              clientAssertion: {
                jwtTokenFile: { secretRef: 'jwt' },
                localClientAssertion: { privateKeyFile: { secretRef: 'pk' } },
              },
            },
          }),
          destinationKafkaCluster: {},
        },
      },
    ];
    const fields = links.flatMap((l) =>
      referencedSecrets(l).flatMap((r) => [
        r.field,
        ...(r.kind === 'tls' && r.keyPassword ? [r.keyPassword.field] : []),
      ]),
    );
    assert.equal(new Set(fields).size, 9);
    for (const field of fields) {
      let node: Schema | undefined = root;
      for (const part of field.split('.')) node = node?.properties?.[part];
      assert.ok(node, `${field} is not in the CFK schema`);
      assert.equal(node.type, 'string', field);
      const expectedMax = field.endsWith('tls.secretRef') ? 63 : 30;
      if (node.maxLength !== undefined) assert.equal(node.maxLength, expectedMax, field);
    }
  },
);
