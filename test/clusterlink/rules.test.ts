// Table-driven tests of every rule in docs/rules.md#rules: for each rule an object that
// breaks it (exact path and kind of every error) and one that just passes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bidirectional,
  check,
  destinationInitiated,
  destinationMode,
  edit,
  errorKeys,
  sourceMode,
  type Json,
} from './support.js';

interface Case {
  name: string;
  object: Json;
  /** Exact `field Kind` list, in order. */
  errors: string[];
  /** Each warning must start with the matching entry (usually `field: `); the count must match. */
  warnings?: string[];
}

const D = destinationInitiated;
const S = 'spec.sourceKafkaCluster';
const T = 'spec.destinationKafkaCluster';
const long = (n: number, c = 'a'): string => c.repeat(n);

const plain = { type: 'plain', jaasConfig: { secretRef: 'sasl-creds' } };
const tlsOn = { enabled: true, secretRef: 'ca-pem' };
const topic = (name: string, extra: Json = {}): Json => ({ name, ...extra });
const include = { name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' };
const acl = (resource: Json, access: Json): Json => ({ resourceFilter: resource, accessFilter: access });
const topicRead = acl(
  { resourceType: 'topic', patternType: 'literal', name: 'orders' },
  { operation: 'read', permissionType: 'allow' },
);

const everywhere: Case[] = [
  { name: 'minimal destination-initiated link passes', object: D(), errors: [] },
  { name: 'spec is required', object: edit(D(), { spec: undefined }), errors: ['spec Required'] },
  { name: 'sourceKafkaCluster is required', object: edit(D(), { [S]: undefined }), errors: [`${S} Required`] },
  { name: 'destinationKafkaCluster is required', object: edit(D(), { [T]: undefined }), errors: [`${T} Required`] },
  {
    name: 'spec.name with illegal characters',
    object: edit(D(), { 'spec.name': 'my link!' }),
    errors: ['spec.name Invalid'],
  },
  { name: 'spec.name too long', object: edit(D(), { 'spec.name': long(256) }), errors: ['spec.name TooLong'] },
  { name: 'spec.name empty', object: edit(D(), { 'spec.name': '' }), errors: ['spec.name Required'] },
  { name: 'spec.name with all legal characters', object: edit(D(), { 'spec.name': 'Dc1_to-dc2.v1' }), errors: [] },
  { name: 'spec.name of 255 characters', object: edit(D(), { 'spec.name': long(255) }), errors: [] },
  {
    name: 'kafkaRestClassRef without name',
    object: edit(D(), { [`${T}.kafkaRestClassRef`]: { namespace: 'x' } }),
    errors: [`${T}.kafkaRestClassRef.name Required`],
  },
  {
    name: 'kafkaRestClassRef name not a DNS label',
    object: edit(D(), { [`${T}.kafkaRestClassRef.name`]: 'Dst_Rest' }),
    errors: [`${T}.kafkaRestClassRef.name Invalid`],
  },
  {
    name: 'kafkaRestClassRef namespace not a DNS label',
    object: edit(D(), { [`${T}.kafkaRestClassRef.namespace`]: 'ns.1' }),
    errors: [`${T}.kafkaRestClassRef.namespace Invalid`],
  },
  {
    name: 'kafkaRestClassRef with a namespace',
    object: edit(D(), { [`${T}.kafkaRestClassRef.namespace`]: 'other-ns' }),
    errors: [],
  },
  {
    name: 'bootstrap without a port',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'kafka' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap with port 0',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'kafka:0' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap with port 70000',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'a:9092,kafka:70000' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap with five-digit ports passes',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'a:19092,b:59999,c:65535,d:09092' }),
    errors: [],
  },
  {
    name: 'bootstrap with port 65536',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'a:19092,b:65536' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap with a trailing comma',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'a:9092,' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap with an empty entry',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'a:1,,b:2' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap blank',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: ' ' }),
    errors: [`${S}.bootstrapEndpoint Required`],
  },
  {
    name: 'bootstrap with a path',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'https://kafka:9092/x' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'bootstrap list with IPv6 and spaces',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: '[::1]:9092 , b:65535' }),
    errors: [],
  },
  {
    name: 'bootstrap with a URL scheme is tolerated with a warning',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'https://pkc-1.confluent.cloud:9092' }),
    errors: [],
    warnings: [`${S}.bootstrapEndpoint: the URL scheme "https://" is ignored`],
  },
  { name: 'empty clusterID', object: edit(D(), { [`${S}.clusterID`]: '' }), errors: [`${S}.clusterID Required`] },
  {
    name: 'clusterID and kafkaRestClassRef both set: warning',
    object: edit(D(), { [`${S}.kafkaRestClassRef`]: { name: 'src-rest' } }),
    errors: [],
    warnings: [`${S}: both clusterID and kafkaRestClassRef are set: clusterID wins`],
  },
  {
    name: 'jaasConfig secret name of 31 chars',
    object: edit(D(), { [`${S}.authentication`]: { type: 'plain', jaasConfig: { secretRef: long(31) } } }),
    errors: [`${S}.authentication.jaasConfig.secretRef TooLong`],
  },
  {
    name: 'jaasConfig secret name of 30 chars',
    object: edit(D(), { [`${S}.authentication`]: { type: 'plain', jaasConfig: { secretRef: long(30) } } }),
    errors: [],
  },
  {
    name: 'jaasConfig secret name not a DNS label',
    object: edit(D(), { [`${S}.authentication`]: { type: 'plain', jaasConfig: { secretRef: 'Sasl_Creds' } } }),
    errors: [`${S}.authentication.jaasConfig.secretRef Invalid`],
  },
  {
    name: 'pass-through secret name of 31 chars',
    object: edit(D(), { [`${S}.authentication`]: { type: 'plain', jaasConfigPassThrough: { secretRef: long(31) } } }),
    errors: [`${S}.authentication.jaasConfigPassThrough.secretRef TooLong`],
  },
  {
    name: 'oauthbearer secret name of 31 chars',
    object: edit(D(), { [`${S}.authentication`]: { type: 'oauthbearer', oauthbearer: { secretRef: long(31) } } }),
    errors: [`${S}.authentication.oauthbearer.secretRef TooLong`],
  },
  {
    name: 'tls secret name of 64 chars',
    object: edit(D(), { [`${S}.tls`]: { enabled: true, secretRef: long(64) } }),
    errors: [`${S}.tls.secretRef TooLong`],
  },
  {
    name: 'tls secret name of 63 chars',
    object: edit(D(), { [`${S}.tls`]: { enabled: true, secretRef: long(63) } }),
    errors: [],
  },
  {
    name: 'keyPassword secret name of 31 chars',
    object: edit(D(), { [`${S}.tls`]: { ...tlsOn, keyPassword: { secretRef: long(31) } } }),
    errors: [`${S}.tls.keyPassword.secretRef TooLong`],
  },
  {
    name: 'client assertion key secret name not a DNS label',
    object: edit(D(), {
      [`${S}.authentication`]: {
        type: 'oauth',
        oauthSettings: {
          tokenEndpointUri: 'https://idp/token',
          clientAssertion: { clientId: 'c', localClientAssertion: { privateKeyFile: { secretRef: 'Key' } } },
        },
      },
    }),
    errors: [`${S}.authentication.oauthSettings.clientAssertion.localClientAssertion.privateKeyFile.secretRef Invalid`],
  },
];

const linkModes: Case[] = [
  // destination-initiated
  {
    name: 'D: destination kafkaRestClassRef required',
    object: edit(D(), { [`${T}.kafkaRestClassRef`]: undefined, [`${T}.clusterID`]: 'dst' }),
    errors: [`${T}.kafkaRestClassRef Required`],
  },
  {
    name: 'D: source bootstrapEndpoint required',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: undefined }),
    errors: [`${S}.bootstrapEndpoint Required`],
  },
  {
    name: 'D: source needs clusterID or kafkaRestClassRef',
    object: edit(D(), { [`${S}.clusterID`]: undefined }),
    errors: [`${S} Required`],
  },
  {
    name: 'D: source kafkaRestClassRef instead of clusterID',
    object: edit(D(), { [`${S}.clusterID`]: undefined, [`${S}.kafkaRestClassRef`]: { name: 'src-rest' } }),
    errors: [],
  },
  {
    name: 'D: destination bootstrapEndpoint ignored',
    object: edit(D(), { [`${T}.bootstrapEndpoint`]: 'd:9092' }),
    errors: [],
    warnings: [`${T}.bootstrapEndpoint: ignored: a destination-initiated link`],
  },
  {
    name: 'D: destination authentication ignored',
    object: edit(D(), { [`${T}.authentication`]: plain }),
    errors: [],
    warnings: [`${T}.authentication: ignored`],
  },
  {
    name: 'D: destination tls ignored',
    object: edit(D(), { [`${T}.tls`]: tlsOn }),
    errors: [],
    warnings: [`${T}.tls: ignored`],
  },
  {
    name: 'D: direction toSource forbidden',
    object: edit(D(), { 'spec.mirrorTopics': [topic('t', { direction: 'toSource' })] }),
    errors: ['spec.mirrorTopics[0].direction Forbidden'],
  },
  {
    name: 'D: direction toDestination (the CRD default) passes',
    object: edit(D(), { 'spec.mirrorTopics': [topic('t', { direction: 'toDestination' })] }),
    errors: [],
  },
  {
    name: 'D: source authentication and tls are fine',
    object: edit(D(), { [`${S}.authentication`]: plain, [`${S}.tls`]: tlsOn }),
    errors: [],
  },
  // Source mode
  { name: 'Source: minimal passes', object: sourceMode(), errors: [] },
  {
    name: 'Source: destination bootstrapEndpoint required',
    object: edit(sourceMode(), { [`${T}.bootstrapEndpoint`]: undefined }),
    errors: [`${T}.bootstrapEndpoint Required`],
  },
  {
    name: 'Source: destination needs clusterID or kafkaRestClassRef',
    object: edit(sourceMode(), { [`${T}.clusterID`]: undefined }),
    errors: [`${T} Required`],
  },
  {
    name: 'Source: destination REST class instead of clusterID',
    object: edit(sourceMode(), { [`${T}.clusterID`]: undefined, [`${T}.kafkaRestClassRef`]: { name: 'dst-rest' } }),
    errors: [],
  },
  {
    name: 'Source: source kafkaRestClassRef required',
    object: edit(sourceMode(), { [`${S}.kafkaRestClassRef`]: undefined }),
    errors: [`${S}.kafkaRestClassRef Required`],
  },
  {
    name: 'Source: source bootstrapEndpoint ignored',
    object: edit(sourceMode(), { [`${S}.bootstrapEndpoint`]: 's:9092' }),
    errors: [],
    warnings: [`${S}.bootstrapEndpoint: ignored in Source mode`],
  },
  {
    name: 'Source: own and remote credentials are fine',
    object: edit(sourceMode(), {
      [`${S}.authentication`]: plain,
      [`${S}.tls`]: tlsOn,
      [`${T}.authentication`]: plain,
      [`${T}.tls`]: tlsOn,
    }),
    errors: [],
  },
  {
    name: 'Source: mirrorTopics forbidden',
    object: edit(sourceMode(), { 'spec.mirrorTopics': [topic('t', { state: 'bogus' })] }),
    errors: ['spec.mirrorTopics Forbidden'],
  },
  {
    name: 'Source: nothing more is said about a forbidden block',
    object: edit(sourceMode(), { 'spec.mirrorTopics': [topic('a', { sourceTopicName: 'a' }), topic('a')] }),
    errors: ['spec.mirrorTopics Forbidden'],
  },
  {
    name: 'Source: mirrorTopicOptions forbidden',
    object: edit(sourceMode(), { 'spec.mirrorTopicOptions': { prefix: 'p.' } }),
    errors: ['spec.mirrorTopicOptions Forbidden'],
  },
  {
    name: 'Source: aclFilters forbidden',
    object: edit(sourceMode(), { 'spec.aclFilters': [topicRead] }),
    errors: ['spec.aclFilters Forbidden'],
  },
  {
    name: 'Source: consumerGroupFilters forbidden',
    object: edit(sourceMode(), { 'spec.consumerGroupFilters': [include] }),
    errors: ['spec.consumerGroupFilters Forbidden'],
  },
  {
    name: 'Source: connectionMode forbidden',
    object: edit(sourceMode(), { 'spec.sourceInitiatedLink.connectionMode': 'Outbound' }),
    errors: ['spec.sourceInitiatedLink.connectionMode Forbidden'],
  },
  // Destination mode
  { name: 'Destination: minimal passes', object: destinationMode(), errors: [] },
  {
    name: 'Destination: destination kafkaRestClassRef required',
    object: edit(destinationMode(), { [`${T}.kafkaRestClassRef`]: undefined, [`${T}.clusterID`]: 'x' }),
    errors: [`${T}.kafkaRestClassRef Required`],
  },
  {
    name: 'Destination: source needs clusterID or kafkaRestClassRef',
    object: edit(destinationMode(), { [`${S}.clusterID`]: undefined }),
    errors: [`${S} Required`],
  },
  {
    name: 'Destination: source and destination connection settings ignored',
    object: edit(destinationMode(), {
      [`${S}.bootstrapEndpoint`]: 's:9092',
      [`${S}.authentication`]: plain,
      [`${S}.tls`]: tlsOn,
      [`${T}.bootstrapEndpoint`]: 'd:9092',
      [`${T}.authentication`]: plain,
      [`${T}.tls`]: tlsOn,
    }),
    errors: [],
    warnings: [
      `${T}.bootstrapEndpoint: ignored in Destination mode`,
      `${T}.authentication: ignored`,
      `${T}.tls: ignored`,
      `${S}.bootstrapEndpoint: ignored in Destination mode`,
      `${S}.authentication: ignored`,
      `${S}.tls: ignored`,
    ],
  },
  {
    name: 'Destination: connectionMode forbidden',
    object: edit(destinationMode(), { 'spec.sourceInitiatedLink.connectionMode': 'Inbound' }),
    errors: ['spec.sourceInitiatedLink.connectionMode Forbidden'],
  },
  {
    name: 'Destination: direction toSource forbidden',
    object: edit(destinationMode(), { 'spec.mirrorTopics': [topic('t', { direction: 'toSource' })] }),
    errors: ['spec.mirrorTopics[0].direction Forbidden'],
  },
  {
    name: 'Destination: topics and filters belong here',
    object: edit(destinationMode(), {
      'spec.mirrorTopics': [topic('t')],
      'spec.consumerGroupFilters': [include],
      'spec.aclFilters': [topicRead],
    }),
    errors: [],
  },
  // Bidirectional
  { name: 'Bidirectional: minimal passes', object: bidirectional(), errors: [] },
  {
    name: 'Bidirectional: destination kafkaRestClassRef required',
    object: edit(bidirectional(), { [`${T}.kafkaRestClassRef`]: undefined, [`${T}.clusterID`]: 'x' }),
    errors: [`${T}.kafkaRestClassRef Required`],
  },
  {
    name: 'Bidirectional: Outbound (default) needs source bootstrap',
    object: edit(bidirectional(), { [`${S}.bootstrapEndpoint`]: undefined }),
    errors: [`${S}.bootstrapEndpoint Required`],
  },
  {
    name: 'Bidirectional: Inbound needs no bootstrap',
    object: edit(bidirectional(), {
      [`${S}.bootstrapEndpoint`]: undefined,
      'spec.sourceInitiatedLink.connectionMode': 'Inbound',
    }),
    errors: [],
  },
  {
    name: 'Bidirectional: remote needs clusterID or kafkaRestClassRef',
    object: edit(bidirectional(), { [`${S}.clusterID`]: undefined }),
    errors: [`${S} Required`],
  },
  {
    name: 'Bidirectional: direction toSource allowed',
    object: edit(bidirectional(), { 'spec.mirrorTopics': [topic('t', { direction: 'toSource' })] }),
    errors: [],
  },
  {
    name: 'Bidirectional: destination credentials allowed',
    object: edit(bidirectional(), {
      [`${T}.bootstrapEndpoint`]: 'l:9092',
      [`${T}.authentication`]: plain,
      [`${T}.tls`]: tlsOn,
    }),
    errors: [],
  },
  // enums
  {
    name: 'linkMode lower case',
    object: edit(D(), { 'spec.sourceInitiatedLink': { linkMode: 'source' } }),
    errors: ['spec.sourceInitiatedLink.linkMode NotSupported'],
  },
  {
    name: 'linkMode missing',
    object: edit(D(), { 'spec.sourceInitiatedLink': {} }),
    errors: ['spec.sourceInitiatedLink.linkMode Required'],
  },
  {
    name: 'connectionMode lower case',
    object: edit(bidirectional(), { 'spec.sourceInitiatedLink.connectionMode': 'outbound' }),
    errors: ['spec.sourceInitiatedLink.connectionMode NotSupported'],
  },
  {
    name: 'direction unknown',
    object: edit(bidirectional(), { 'spec.mirrorTopics': [topic('t', { direction: 'both' })] }),
    errors: ['spec.mirrorTopics[0].direction NotSupported'],
  },
];

const A = `${S}.authentication`;
const auth = (a: Json, extra: Json = {}): Json => edit(D(), { [A]: a, ...extra });
const authentication: Case[] = [
  { name: 'type required', object: auth({ jaasConfig: { secretRef: 's' } }), errors: [`${A}.type Required`] },
  { name: 'type unsupported', object: auth({ type: 'scram' }), errors: [`${A}.type NotSupported`] },
  { name: 'plain with jaasConfig passes', object: auth(plain), errors: [] },
  {
    name: 'plain with pass-through passes',
    object: auth({ type: 'plain', jaasConfigPassThrough: { secretRef: 'jaas' } }),
    errors: [],
  },
  { name: 'plain without any JAAS block', object: auth({ type: 'plain' }), errors: [`${A}.jaasConfig Required`] },
  {
    name: 'plain with both JAAS blocks',
    object: auth({ ...plain, jaasConfigPassThrough: { secretRef: 'jaas' } }),
    errors: [`${A}.jaasConfigPassThrough Forbidden`],
  },
  {
    name: 'plain jaasConfig without secretRef',
    object: auth({ type: 'plain', jaasConfig: {} }),
    errors: [`${A}.jaasConfig.secretRef Required`],
  },
  {
    name: 'plain pass-through directoryPathInContainer',
    object: auth({
      type: 'plain',
      jaasConfigPassThrough: { secretRef: 'jaas', directoryPathInContainer: '/mnt/jaas' },
    }),
    errors: [`${A}.jaasConfigPassThrough.directoryPathInContainer Forbidden`],
  },
  {
    name: 'plain with oauthSettings',
    object: auth({ ...plain, oauthSettings: { tokenEndpointUri: 'https://idp/token' } }),
    errors: [`${A}.oauthSettings Forbidden`],
  },
  {
    name: 'plain with oauthbearer',
    object: auth({ ...plain, oauthbearer: { secretRef: 'b' } }),
    errors: [`${A}.oauthbearer Forbidden`],
  },
  { name: 'mtls with tls passes', object: auth({ type: 'mtls' }, { [`${S}.tls`]: tlsOn }), errors: [] },
  { name: 'mtls without tls', object: auth({ type: 'mtls' }), errors: [`${S}.tls Required`] },
  {
    name: 'mtls with tls disabled',
    object: auth({ type: 'mtls' }, { [`${S}.tls`]: { enabled: false } }),
    errors: [`${S}.tls.enabled Invalid`],
  },
  {
    name: 'mtls with jaasConfig',
    object: auth({ ...plain, type: 'mtls' }, { [`${S}.tls`]: tlsOn }),
    errors: [`${A}.jaasConfig Forbidden`],
  },
  {
    name: 'oauth passes',
    object: auth({
      type: 'oauth',
      jaasConfig: { secretRef: 'oauth' },
      oauthSettings: { tokenEndpointUri: 'https://idp.example.com/token' },
    }),
    errors: [],
  },
  { name: 'oauth without oauthSettings', object: auth({ type: 'oauth' }), errors: [`${A}.oauthSettings Required`] },
  {
    name: 'oauth without client credentials or a client assertion',
    object: auth({ type: 'oauth', oauthSettings: { tokenEndpointUri: 'https://idp/token' } }),
    errors: [`${A}.jaasConfig.secretRef Required`],
  },
  {
    name: 'oauth with jaasConfig but no secretRef',
    object: auth({ type: 'oauth', jaasConfig: {}, oauthSettings: { tokenEndpointUri: 'https://idp/token' } }),
    errors: [`${A}.jaasConfig.secretRef Required`],
  },
  {
    name: 'oauth client assertion without clientId or key',
    object: auth({ type: 'oauth', oauthSettings: { tokenEndpointUri: 'https://idp/token', clientAssertion: {} } }),
    errors: [
      `${A}.oauthSettings.clientAssertion.clientId Required`,
      `${A}.oauthSettings.clientAssertion.localClientAssertion Required`,
    ],
  },
  {
    name: 'oauth client assertion with clientId and a local assertion passes',
    object: auth({
      type: 'oauth',
      oauthSettings: {
        tokenEndpointUri: 'https://idp/token',
        clientAssertion: { clientId: 'c', localClientAssertion: { privateKeyFile: { secretRef: 'k' } } },
      },
    }),
    errors: [],
  },
  {
    name: 'oauth without tokenEndpointUri',
    object: auth({ type: 'oauth', jaasConfig: { secretRef: 'oauth' }, oauthSettings: { audience: 'kafka' } }),
    errors: [`${A}.oauthSettings.tokenEndpointUri Required`],
  },
  {
    name: 'oauth tokenEndpointUri not a URL',
    object: auth({
      type: 'oauth',
      jaasConfig: { secretRef: 'oauth' },
      oauthSettings: { tokenEndpointUri: 'idp/token' },
    }),
    errors: [`${A}.oauthSettings.tokenEndpointUri Invalid`],
  },
  {
    name: 'oauth tokenEndpointUri ftp',
    object: auth({
      type: 'oauth',
      jaasConfig: { secretRef: 'oauth' },
      oauthSettings: { tokenEndpointUri: 'ftp://idp/token' },
    }),
    errors: [`${A}.oauthSettings.tokenEndpointUri Invalid`],
  },
  {
    name: 'oauth tokenEndpointUri http: warning',
    object: auth({
      type: 'oauth',
      jaasConfig: { secretRef: 'oauth' },
      oauthSettings: { tokenEndpointUri: 'http://idp/token' },
    }),
    errors: [],
    warnings: [`${A}.oauthSettings.tokenEndpointUri: plain http`],
  },
  {
    name: 'oauth with pass-through JAAS',
    object: auth({
      type: 'oauth',
      oauthSettings: { tokenEndpointUri: 'https://idp/t' },
      jaasConfig: { secretRef: 'oauth' },
      jaasConfigPassThrough: { secretRef: 'j' },
    }),
    errors: [`${A}.jaasConfigPassThrough Forbidden`],
  },
  {
    name: 'oauthbearer with a secret passes',
    object: auth({ type: 'oauthbearer', oauthbearer: { secretRef: 'bearer' } }),
    errors: [],
  },
  {
    name: 'oauthbearer with a directory passes',
    object: auth({ type: 'oauthbearer', oauthbearer: { directoryPathInContainer: '/mnt/bearer' } }),
    errors: [],
  },
  {
    name: 'oauthbearer without its block',
    object: auth({ type: 'oauthbearer' }),
    errors: [`${A}.oauthbearer.secretRef Required`],
  },
  {
    name: 'oauthbearer with an empty block',
    object: auth({ type: 'oauthbearer', oauthbearer: {} }),
    errors: [`${A}.oauthbearer.secretRef Required`],
  },
  { name: 'none passes', object: auth({ type: 'none' }), errors: [] },
  { name: 'none with credentials', object: auth({ ...plain, type: 'none' }), errors: [`${A}.jaasConfig Forbidden`] },
  {
    name: 'digest with oauthbearer',
    object: auth({ type: 'digest', oauthbearer: { secretRef: 'b' } }),
    errors: [`${A}.oauthbearer Forbidden`],
  },
  {
    name: 'sslClientAuthentication is accepted',
    object: auth({ ...plain, sslClientAuthentication: true }),
    errors: [],
  },
];

const TLS = `${S}.tls`;
const tls = (t: Json): Json => edit(D(), { [TLS]: t });
const tlsCases: Case[] = [
  { name: 'tls without enabled', object: tls({ secretRef: 'ca' }), errors: [`${TLS}.enabled Required`] },
  {
    name: 'tls enabled without secret or directory',
    object: tls({ enabled: true }),
    errors: [`${TLS}.secretRef Required`],
  },
  {
    name: 'tls enabled with both secret and directory',
    object: tls({ enabled: true, secretRef: 'ca', directoryPathInContainer: '/mnt/tls' }),
    errors: [`${TLS}.directoryPathInContainer Forbidden`],
  },
  {
    name: 'tls enabled with a directory passes',
    object: tls({ enabled: true, directoryPathInContainer: '/mnt/tls' }),
    errors: [],
  },
  {
    name: 'tls disabled with a secret: warning',
    object: tls({ enabled: false, secretRef: 'ca' }),
    errors: [],
    warnings: [`${TLS}.secretRef: ignored because tls.enabled is false`],
  },
  { name: 'tls disabled passes', object: tls({ enabled: false }), errors: [] },
  {
    name: 'keyPassword without secretRef',
    object: tls({ ...tlsOn, keyPassword: {} }),
    errors: [`${TLS}.keyPassword.secretRef Required`],
  },
  { name: 'keyPassword passes', object: tls({ ...tlsOn, keyPassword: { secretRef: 'key-pass' } }), errors: [] },
];

const CG = 'spec.consumerGroupFilters';
const cg = (filters: unknown[]): Json => edit(D(), { [CG]: filters });
const AF = 'spec.aclFilters';
const acls = (filters: unknown[]): Json => edit(D(), { [AF]: filters });
const TF = 'spec.mirrorTopicOptions.autoCreateTopics.topicFilters';
const autoCreate = (value: Json): Json => edit(D(), { 'spec.mirrorTopicOptions.autoCreateTopics': value });
const filters: Case[] = [
  { name: 'consumer groups: empty list', object: cg([]), errors: [`${CG} Invalid`] },
  {
    name: 'consumer groups: no INCLUDE',
    object: cg([{ ...include, filterType: 'EXCLUDE' }]),
    errors: [`${CG} Invalid`],
  },
  {
    name: 'consumer groups: filterType required',
    object: cg([include, { name: 'x', patternType: 'LITERAL' }]),
    errors: [`${CG}[1].filterType Required`],
  },
  {
    name: 'consumer groups: misspelt filterType is reported alone',
    object: cg([{ ...include, filterType: 'INCLUDES' }]),
    errors: [`${CG}[0].filterType NotSupported`],
  },
  {
    name: 'consumer groups: filterType lower case',
    object: cg([include, { ...include, name: 'x', filterType: 'exclude' }]),
    errors: [`${CG}[1].filterType NotSupported`],
  },
  {
    name: 'consumer groups: patternType unknown',
    object: cg([{ ...include, patternType: 'MATCH' }]),
    errors: [`${CG}[0].patternType NotSupported`],
  },
  { name: 'consumer groups: name and patternType default', object: cg([{ filterType: 'INCLUDE' }]), errors: [] },
  { name: 'consumer groups: empty name', object: cg([{ ...include, name: '' }]), errors: [`${CG}[0].name Required`] },
  {
    name: 'consumer groups: "*" with PREFIXED',
    object: cg([{ ...include, patternType: 'PREFIXED' }]),
    errors: [`${CG}[0].name Invalid`],
  },
  { name: 'consumer groups: duplicate', object: cg([include, { ...include }]), errors: [`${CG}[1] Duplicate`] },
  {
    name: 'consumer groups: fields that run together the same are no duplicate',
    object: cg([
      { name: 'b', patternType: 'LITERAL', filterType: 'INCLUDEa' },
      { name: 'ab', patternType: 'LITERAL', filterType: 'INCLUDE' },
    ]),
    errors: [`${CG}[0].filterType NotSupported`],
  },
  {
    name: 'consumer groups: include and exclude of the same name',
    object: cg([include, { ...include, filterType: 'EXCLUDE', name: 'tmp', patternType: 'PREFIXED' }]),
    errors: [],
  },
  { name: 'ACL: empty list', object: acls([]), errors: [`${AF} Invalid`] },
  { name: 'ACL: topic read passes', object: acls([topicRead]), errors: [] },
  {
    name: 'ACL: resourceFilter required',
    object: acls([{ accessFilter: { operation: 'any', permissionType: 'any' } }]),
    errors: [`${AF}[0].resourceFilter Required`],
  },
  {
    name: 'ACL: accessFilter required',
    object: acls([{ resourceFilter: { resourceType: 'any', patternType: 'any' } }]),
    errors: [`${AF}[0].accessFilter Required`],
  },
  {
    name: 'ACL: resourceType required',
    object: acls([acl({ patternType: 'any' }, { operation: 'any', permissionType: 'any' })]),
    errors: [`${AF}[0].resourceFilter.resourceType Required`],
  },
  {
    name: 'ACL: resourceType capitalised',
    object: acls([acl({ resourceType: 'Topic', patternType: 'any' }, { operation: 'read', permissionType: 'any' })]),
    errors: [`${AF}[0].resourceFilter.resourceType NotSupported`],
  },
  {
    name: 'ACL: CFK spelling transcationId passes',
    object: acls([
      acl({ resourceType: 'transcationId', patternType: 'any' }, { operation: 'write', permissionType: 'allow' }),
    ]),
    errors: [],
  },
  {
    name: 'ACL: transactionId accepted with a warning',
    object: acls([
      acl({ resourceType: 'transactionId', patternType: 'any' }, { operation: 'describe', permissionType: 'allow' }),
    ]),
    errors: [],
    warnings: [`${AF}[0].resourceFilter.resourceType: CFK's CRD spells this "transcationId"`],
  },
  {
    name: 'ACL: patternType required',
    object: acls([acl({ resourceType: 'topic' }, { operation: 'read', permissionType: 'allow' })]),
    errors: [`${AF}[0].resourceFilter.patternType Required`],
  },
  {
    name: 'ACL: patternType upper case',
    object: acls([
      acl({ resourceType: 'topic', patternType: 'PREFIXED' }, { operation: 'read', permissionType: 'allow' }),
    ]),
    errors: [`${AF}[0].resourceFilter.patternType NotSupported`],
  },
  {
    name: 'ACL: permissionType required',
    object: acls([acl({ resourceType: 'topic', patternType: 'any' }, { operation: 'read' })]),
    errors: [`${AF}[0].accessFilter.permissionType Required`],
  },
  {
    name: 'ACL: permissionType unknown',
    object: acls([acl({ resourceType: 'topic', patternType: 'any' }, { operation: 'read', permissionType: 'permit' })]),
    errors: [`${AF}[0].accessFilter.permissionType NotSupported`],
  },
  {
    name: 'ACL: operation required',
    object: acls([acl({ resourceType: 'topic', patternType: 'any' }, { permissionType: 'allow' })]),
    errors: [`${AF}[0].accessFilter.operation Required`],
  },
  {
    name: 'ACL: operation not valid for topics',
    object: acls([
      acl({ resourceType: 'topic', patternType: 'any' }, { operation: 'idempotentWrite', permissionType: 'allow' }),
    ]),
    errors: [`${AF}[0].accessFilter.operation NotSupported`],
  },
  {
    name: 'ACL: cluster IdempotentWrite (case-insensitive) passes',
    object: acls([
      acl({ resourceType: 'cluster', patternType: 'any' }, { operation: 'IdempotentWrite', permissionType: 'allow' }),
    ]),
    errors: [],
  },
  {
    name: 'ACL: topic describe_configs passes',
    object: acls([
      acl({ resourceType: 'topic', patternType: 'any' }, { operation: 'describe_configs', permissionType: 'allow' }),
    ]),
    errors: [],
  },
  {
    name: 'ACL: delegationToken read',
    object: acls([
      acl({ resourceType: 'delegationToken', patternType: 'any' }, { operation: 'read', permissionType: 'allow' }),
    ]),
    errors: [`${AF}[0].accessFilter.operation NotSupported`],
  },
  {
    name: 'ACL: group ALL passes',
    object: acls([acl({ resourceType: 'group', patternType: 'any' }, { operation: 'ALL', permissionType: 'allow' })]),
    errors: [],
  },
  {
    name: 'ACL: unknown operation on any',
    object: acls([
      acl({ resourceType: 'any', patternType: 'any' }, { operation: 'frobnicate', permissionType: 'allow' }),
    ]),
    errors: [`${AF}[0].accessFilter.operation NotSupported`],
  },
  {
    name: 'ACL: principal without a type',
    object: acls([
      acl(
        { resourceType: 'topic', patternType: 'any' },
        { operation: 'read', permissionType: 'allow', principal: 'alice' },
      ),
    ]),
    errors: [`${AF}[0].accessFilter.principal Invalid`],
  },
  {
    name: 'ACL: principal User:alice passes',
    object: acls([
      acl(
        { resourceType: 'topic', patternType: 'any' },
        { operation: 'read', permissionType: 'allow', principal: 'User:alice' },
      ),
    ]),
    errors: [],
  },
  { name: 'auto-create: enabled without filters', object: autoCreate({ enabled: true }), errors: [`${TF} Required`] },
  {
    name: 'auto-create: enabled with only EXCLUDE',
    object: autoCreate({ enabled: true, topicFilters: [{ ...include, filterType: 'EXCLUDE' }] }),
    errors: [`${TF} Invalid`],
  },
  {
    name: 'auto-create: enabled with INCLUDE passes',
    object: autoCreate({ enabled: true, topicFilters: [include] }),
    errors: [],
  },
  {
    name: 'auto-create: filter name required',
    object: autoCreate({ enabled: true, topicFilters: [include, { patternType: 'LITERAL', filterType: 'EXCLUDE' }] }),
    errors: [`${TF}[1].name Required`],
  },
  {
    name: 'auto-create: filter patternType required',
    object: autoCreate({ enabled: true, topicFilters: [include, { name: 'x', filterType: 'EXCLUDE' }] }),
    errors: [`${TF}[1].patternType Required`],
  },
  {
    name: 'auto-create: filter filterType unknown',
    object: autoCreate({ enabled: true, topicFilters: [{ ...include, filterType: 'INCLUDED' }] }),
    errors: [`${TF}[0].filterType NotSupported`],
  },
  {
    name: 'auto-create: disabled with filters: warning',
    object: autoCreate({ enabled: false, topicFilters: [include] }),
    errors: [],
    warnings: [`${TF}: ignored and cleared`],
  },
  { name: 'auto-create: disabled without filters passes', object: autoCreate({ enabled: false }), errors: [] },
];

const MT = 'spec.mirrorTopics';
const topics = (list: unknown[], extra: Record<string, unknown> = {}): Json => edit(D(), { [MT]: list, ...extra });
const prefixed = (list: unknown[]): Json => topics(list, { 'spec.mirrorTopicOptions.prefix': 'dc1.' });
const mirrorTopics: Case[] = [
  { name: 'name required', object: topics([{ state: 'ACTIVE' }]), errors: [`${MT}[0].name Required`] },
  { name: 'name with a space', object: topics([topic('bad name')]), errors: [`${MT}[0].name Invalid`] },
  { name: 'name of 250 characters', object: topics([topic(long(250))]), errors: [`${MT}[0].name TooLong`] },
  { name: 'name of 249 characters passes', object: topics([topic(long(249))]), errors: [] },
  { name: 'name ".."', object: topics([topic('..')]), errors: [`${MT}[0].name Invalid`] },
  { name: 'duplicate names', object: topics([topic('a'), topic('a')]), errors: [`${MT}[1].name Duplicate`] },
  {
    name: '"." and "_" collide in metrics: warning',
    object: topics([topic('a.b'), topic('a_b')]),
    errors: [],
    warnings: [`${MT}[1].name: collides with "a.b"`],
  },
  {
    name: 'state with a typo',
    object: topics([topic('a', { state: 'ACTVE' })]),
    errors: [`${MT}[0].state NotSupported`],
  },
  { name: 'state RESUME', object: topics([topic('a', { state: 'RESUME' })]), errors: [`${MT}[0].state NotSupported`] },
  {
    name: 'state lower case',
    object: topics([topic('a', { state: 'pause' })]),
    errors: [`${MT}[0].state NotSupported`],
  },
  {
    name: 'every state passes',
    object: topics(['ACTIVE', 'PAUSE', 'PROMOTE', 'FAILOVER'].map((s, i) => topic(`t${i}`, { state: s }))),
    errors: [],
  },
  {
    name: 'replicationFactor 0',
    object: topics([topic('a', { replicationFactor: 0 })]),
    errors: [`${MT}[0].replicationFactor Invalid`],
  },
  {
    name: 'replicationFactor 40000',
    object: topics([topic('a', { replicationFactor: 40000 })]),
    errors: [`${MT}[0].replicationFactor Invalid`],
  },
  {
    name: 'replicationFactor not an integer',
    object: topics([topic('a', { replicationFactor: 1.5 })]),
    errors: [`${MT}[0].replicationFactor Invalid`],
  },
  { name: 'replicationFactor 32767 passes', object: topics([topic('a', { replicationFactor: 32767 })]), errors: [] },
  {
    name: 'config value not a string',
    object: topics([topic('a', { configs: { 'retention.ms': 1000 } })]),
    errors: [`${MT}[0].configs[retention.ms] Invalid`],
  },
  {
    name: 'prefix: name must be prefix + sourceTopicName',
    object: prefixed([topic('orders', { sourceTopicName: 'orders' })]),
    errors: [`${MT}[0].name Invalid`],
  },
  {
    name: 'prefix: name must start with the prefix',
    object: prefixed([topic('orders')]),
    errors: [`${MT}[0].name Invalid`],
  },
  { name: 'prefix: name equal to the prefix', object: prefixed([topic('dc1.')]), errors: [`${MT}[0].name Invalid`] },
  {
    name: 'prefix: matching names pass',
    object: prefixed([topic('dc1.orders', { sourceTopicName: 'orders' }), topic('dc1.pay')]),
    errors: [],
  },
  {
    name: 'prefix with illegal characters',
    object: edit(D(), { 'spec.mirrorTopicOptions.prefix': 'dc 1' }),
    errors: ['spec.mirrorTopicOptions.prefix Invalid'],
  },
  {
    name: 'no prefix: different sourceTopicName',
    object: topics([topic('orders', { sourceTopicName: 'orders-v1' })]),
    errors: [`${MT}[0].sourceTopicName Forbidden`],
  },
  {
    name: 'no prefix: redundant sourceTopicName: warning',
    object: topics([topic('orders', { sourceTopicName: 'orders' })]),
    errors: [],
    warnings: [`${MT}[0].sourceTopicName: redundant`],
  },
  {
    name: 'sourceTopicName with illegal characters',
    object: prefixed([topic('dc1.a', { sourceTopicName: 'a b' })]),
    errors: [`${MT}[0].sourceTopicName Invalid`],
  },
  {
    name: 'listed topics coexist with auto-create, even if excluded',
    object: edit(prefixed([topic('dc1.tmp-1')]), {
      'spec.mirrorTopicOptions.autoCreateTopics': {
        enabled: true,
        topicFilters: [include, { name: 'tmp-', patternType: 'PREFIXED', filterType: 'EXCLUDE' }],
      },
    }),
    errors: [],
  },
];

// Shapes of the official CFK examples that the rule book used to get wrong (issue 19, items 8-11).
const cfkExamples: Case[] = [
  {
    name: 'bootstrap with SASL_SSL:// (as Confluent Cloud prints it) is tolerated with a warning',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'SASL_SSL://pkc-1.confluent.cloud:9092' }),
    errors: [],
    warnings: [`${S}.bootstrapEndpoint: the URL scheme "SASL_SSL://" is ignored`],
  },
  {
    name: 'bootstrap with SASL_PLAINTEXT:// in a list is tolerated with one warning',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'SASL_PLAINTEXT://a:9092,SASL_PLAINTEXT://b:9092' }),
    errors: [],
    warnings: [`${S}.bootstrapEndpoint: the URL scheme "SASL_PLAINTEXT://" is ignored`],
  },
  {
    name: 'a scheme-like prefix without a port is still refused',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: 'SASL_SSL://kafka' }),
    errors: [`${S}.bootstrapEndpoint Invalid`],
  },
  {
    name: 'Bidirectional with clusterID and kafkaRestClassRef (the official example): no warning',
    object: edit(bidirectional(), { [`${S}.kafkaRestClassRef`]: { name: 'remote-rest' } }),
    errors: [],
  },
  {
    name: 'Bidirectional Inbound with clusterID and kafkaRestClassRef: no warning',
    object: edit(bidirectional(), {
      'spec.sourceInitiatedLink.connectionMode': 'Inbound',
      [`${S}.kafkaRestClassRef`]: { name: 'remote-rest' },
    }),
    errors: [],
  },
  {
    name: 'Source mode with clusterID and kafkaRestClassRef still warns',
    object: edit(sourceMode(), { [`${T}.kafkaRestClassRef`]: { name: 'dst-rest' } }),
    errors: [],
    warnings: [`${T}: both clusterID and kafkaRestClassRef are set`],
  },
  {
    name: 'mtls with tls.enabled false: the error alone, no "ignored" warning',
    object: edit(D(), {
      [`${S}.authentication`]: { type: 'mtls' },
      [`${S}.tls`]: { enabled: false, secretRef: 'client-pem' },
    }),
    errors: [`${S}.tls.enabled Invalid`],
  },
  {
    name: 'plain with tls.enabled false and a secretRef: still the "ignored" warning',
    object: edit(D(), {
      [`${S}.authentication`]: plain,
      [`${S}.tls`]: { enabled: false, secretRef: 'ca-pem' },
    }),
    errors: [],
    warnings: [`${S}.tls.secretRef: ignored because tls.enabled is false`],
  },
  {
    name: 'empty sourceInitiatedLink (null in YAML): linkMode is required, nothing else',
    object: edit(D(), { 'spec.sourceInitiatedLink': null, [`${S}.bootstrapEndpoint`]: undefined }),
    errors: ['spec.sourceInitiatedLink.linkMode Required'],
  },
  {
    name: 'no sourceInitiatedLink key: a destination-initiated link as before',
    object: edit(D(), { [`${S}.bootstrapEndpoint`]: undefined }),
    errors: [`${S}.bootstrapEndpoint Required`],
  },
];

const groups: Array<[string, Case[]]> = [
  ['everywhere', everywhere],
  ['link modes', linkModes],
  ['authentication', authentication],
  ['tls', tlsCases],
  ['filters', filters],
  ['mirror topics', mirrorTopics],
  ['official CFK example shapes', cfkExamples],
];

for (const [title, cases] of groups) {
  describe(title, () => {
    for (const c of cases) {
      test(c.name, () => {
        const result = check(c.object);
        assert.deepEqual(errorKeys(result), c.errors);
        const expected = c.warnings ?? [];
        assert.equal(result.warnings.length, expected.length, `warnings: ${JSON.stringify(result.warnings)}`);
        expected.forEach((prefix, i) =>
          assert.ok(result.warnings[i]!.startsWith(prefix), `${result.warnings[i]} should start with ${prefix}`),
        );
        for (const w of result.warnings) assert.ok(w.length <= 120, `warning longer than 120 characters: ${w}`);
        for (const e of result.errors)
          assert.ok(
            e.detail.length > 0 || e.kind === 'Duplicate' || e.kind === 'TooLong' || e.kind === 'NotSupported',
            `error without a how-to-fix sentence: ${e.field}`,
          );
      });
    }
  });
}

describe('mirror topics: each duplicate names where its name was first listed', () => {
  const cases: Array<{ name: string; list: unknown[]; expected: string[] }> = [
    {
      name: 'interleaved',
      list: [topic('a'), topic('b'), topic('a'), topic('b'), topic('a')],
      expected: [`${MT}[2].name at ${MT}[0]`, `${MT}[3].name at ${MT}[1]`, `${MT}[4].name at ${MT}[0]`],
    },
    {
      name: 'after entries that are not topics',
      list: ['x', { state: 'ACTIVE' }, topic('c'), topic('c')],
      expected: [`${MT}[3].name at ${MT}[2]`],
    },
    {
      name: 'many listed twice, in the same order',
      list: [
        ...Array.from({ length: 300 }, (_, i) => topic(`t${i}`)),
        ...Array.from({ length: 300 }, (_, i) => topic(`t${i}`)),
      ],
      expected: Array.from({ length: 300 }, (_, i) => `${MT}[${300 + i}].name at ${MT}[${i}]`),
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const found = check(topics(c.list))
        .errors.filter((e) => e.kind === 'Duplicate')
        .map((e) => `${e.field} at ${/already listed at (\S+)/.exec(e.detail)?.[1] ?? '?'}`);
      assert.deepEqual(found, c.expected);
    });
  }
});
