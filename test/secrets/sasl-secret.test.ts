import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../src/clusterlink/field-errors.js';
import { checkOtherSecret, checkSaslSecret } from '../../src/secrets/checks/sasl-secret.js';
import type { OtherSecretReference, SaslSecretReference } from '../../src/secrets/referenced-secrets.js';
import { assertNoSecretValues } from './leak-scan.js';

const JAAS_FIELD = 'spec.sourceKafkaCluster.authentication.jaasConfig.secretRef';
const PASS_FIELD = 'spec.sourceKafkaCluster.authentication.jaasConfigPassThrough.secretRef';
const ref = (kind: SaslSecretReference['kind']): SaslSecretReference => ({
  kind,
  name: 'creds',
  field: kind === 'jaasConfig' ? JAAS_FIELD : PASS_FIELD,
  cluster: 'sourceKafkaCluster',
});
const data = (key: string, text: string): Record<string, Buffer> => ({ [key]: Buffer.from(text) });
const JAAS_LINE =
  "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='ckey123' password='csecret456';";

const cases: { name: string; kind: SaslSecretReference['kind']; data: Record<string, Buffer>; errors: string[][] }[] = [
  {
    name: 'plain.txt with both lines',
    kind: 'jaasConfig',
    data: data('plain.txt', 'username=kafka\npassword=kafka-secret\n'),
    errors: [],
  },
  {
    name: 'plain.txt with CRLF, spaces and a comment',
    kind: 'jaasConfig',
    data: data('plain.txt', '# creds\r\n username = kafka \r\npassword=kafka-secret\r\n'),
    errors: [],
  },
  {
    name: 'no plain.txt key',
    kind: 'jaasConfig',
    data: data('creds.txt', 'username=kafka\npassword=kafka-secret'),
    errors: [['"creds"', 'no key "plain.txt"']],
  },
  {
    name: 'plain-jaas.conf under a jaasConfig ref',
    kind: 'jaasConfig',
    data: data('plain-jaas.conf', JAAS_LINE),
    errors: [['no key "plain.txt"', 'plain-jaas.conf belongs to jaasConfigPassThrough']],
  },
  {
    name: 'plain.txt without password',
    kind: 'jaasConfig',
    data: data('plain.txt', 'username=kafka\n'),
    errors: [['no "password=" line']],
  },
  {
    name: 'plain.txt without username',
    kind: 'jaasConfig',
    data: data('plain.txt', 'password=kafka-secret\n'),
    errors: [['no "username=" line']],
  },
  {
    name: 'plain.txt with an empty password',
    kind: 'jaasConfig',
    data: data('plain.txt', 'username=kafka\npassword=\n'),
    errors: [['empty "password=" line']],
  },
  {
    name: 'plain.txt holding a JAAS line',
    kind: 'jaasConfig',
    data: data('plain.txt', JAAS_LINE),
    errors: [['no "username=" line', 'use jaasConfigPassThrough'], ['no "password=" line']],
  },
  {
    name: 'plain.txt in YAML style',
    kind: 'jaasConfig',
    data: data('plain.txt', 'username: kafka\npassword: kafka-secret\n'),
    errors: [['no "username="'], ['no "password="']],
  },
  {
    name: 'plain-jaas.conf with the full line',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', `${JAAS_LINE}\n`),
    errors: [],
  },
  {
    name: 'plain-jaas.conf with only the JAAS value',
    kind: 'jaasConfigPassThrough',
    data: data(
      'plain-jaas.conf',
      "org.apache.kafka.common.security.plain.PlainLoginModule required username='ckey123' password='csecret456';",
    ),
    errors: [],
  },
  {
    name: 'no plain-jaas.conf key',
    kind: 'jaasConfigPassThrough',
    data: data('jaas.conf', JAAS_LINE),
    errors: [['no key "plain-jaas.conf"']],
  },
  {
    name: 'plain.txt under a pass-through ref',
    kind: 'jaasConfigPassThrough',
    data: data('plain.txt', 'username=kafka\npassword=kafka-secret'),
    errors: [['no key "plain-jaas.conf"', 'plain.txt belongs to jaasConfig']],
  },
  {
    name: 'plain-jaas.conf without the trailing semicolon',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', JAAS_LINE.slice(0, -1)),
    errors: [['not terminated by ";"']],
  },
  {
    name: 'plain-jaas.conf holding username/password lines',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', 'username=kafka\npassword=kafka-secret\n'),
    errors: [['is not a JAAS line Kafka accepts', 'starts with a property name']],
  },
  {
    name: 'empty plain-jaas.conf',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', ''),
    errors: [['is not a JAAS line Kafka accepts', 'empty']],
  },
  {
    name: 'plain-jaas.conf split over lines with a backslash (CFK kraft_sasl_ldap example)',
    kind: 'jaasConfigPassThrough',
    data: data(
      'plain-jaas.conf',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n  username="kafka" \\\n  password="kafka-secret";\n',
    ),
    errors: [],
  },
  {
    name: 'plain-jaas.conf with a second property line',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', `${JAAS_LINE}\nsasl.mechanism=PLAIN\n`),
    errors: [['more than one property']],
  },
  {
    name: 'plain-jaas.conf with two login modules',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', `${JAAS_LINE} ${JAAS_LINE.replace('sasl.jaas.config=', '')}`),
    errors: [['2 login modules']],
  },
  {
    name: 'type oauth: oauth.txt with clientId and clientSecret (CFK client OAuth form)',
    kind: 'oauthJaasConfig',
    data: data('oauth.txt', 'clientId=ssologin\nclientSecret=W8V4secret\n'),
    errors: [],
  },
  {
    name: 'type oauth: oauth.txt with ":" separators and a comment',
    kind: 'oauthJaasConfig',
    data: data('oauth.txt', '# idp\nclientId: ssologin\nclientSecret: W8V4secret'),
    errors: [],
  },
  {
    name: 'type oauth: no clientSecret',
    kind: 'oauthJaasConfig',
    data: data('oauth.txt', 'clientId=ssologin\n'),
    errors: [['no "clientSecret=" line']],
  },
  {
    name: 'type oauth: no oauth.txt',
    kind: 'oauthJaasConfig',
    data: data('plain.txt', 'username=a\npassword=b'),
    errors: [['no key "oauth.txt"']],
  },
  {
    name: 'plain-jaas.conf with an unknown control flag',
    kind: 'jaasConfigPassThrough',
    data: data('plain-jaas.conf', JAAS_LINE.replace('required', 'mandatory')),
    errors: [['control flag']],
  },
];

describe('checkSaslSecret', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = checkSaslSecret(ref(c.kind), c.data);
      const texts = result.errors.map(formatFieldError);
      assert.equal(result.errors.length, c.errors.length, texts.join(' | '));
      for (const [i, pieces] of c.errors.entries()) {
        assert.equal(result.errors[i]!.field, ref(c.kind).field);
        assert.equal(result.errors[i]!.kind, 'Invalid');
        for (const piece of pieces) assert.ok(texts[i]!.includes(piece), `"${texts[i]}" lacks "${piece}"`);
      }
      assert.deepEqual(result.warnings, []);
      assertNoSecretValues(texts, c.data);
    });
  }
});

describe('checkOtherSecret', () => {
  const other = (kind: OtherSecretReference['kind']): OtherSecretReference => ({
    kind,
    name: 'cred',
    field: `spec.sourceKafkaCluster.authentication.${kind}.secretRef`,
    cluster: 'sourceKafkaCluster',
  });
  const otherCases: {
    name: string;
    kind: OtherSecretReference['kind'];
    data: Record<string, Buffer>;
    warning?: string;
  }[] = [
    { name: 'oauthbearer with bearer.txt', kind: 'oauthbearer', data: data('bearer.txt', 'username=a\npassword=b') },
    {
      name: 'oauthbearer without bearer.txt',
      kind: 'oauthbearer',
      data: data('token', 'abc'),
      warning: 'no key "bearer.txt"',
    },
    { name: 'client assertion key with data', kind: 'oauthPrivateKeyFile', data: data('private-key', 'x') },
    { name: 'client assertion key without data', kind: 'oauthPrivateKeyFile', data: {}, warning: 'has no data' },
    { name: 'jwt token file without data', kind: 'oauthJwtTokenFile', data: {}, warning: 'has no data' },
  ];
  for (const c of otherCases) {
    test(c.name, () => {
      const result = checkOtherSecret(other(c.kind), c.data);
      assert.deepEqual(result.errors, []);
      if (c.warning === undefined) assert.deepEqual(result.warnings, []);
      else {
        assert.equal(result.warnings.length, 1);
        assert.ok(result.warnings[0]!.includes(c.warning), result.warnings[0]);
        assert.ok(result.warnings[0]!.startsWith(`${other(c.kind).field}: secret "cred"`));
      }
    });
  }
});
