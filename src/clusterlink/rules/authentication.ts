// docs/rules.md#authentication: the authentication block of either cluster.
import { FieldPath, forbidden, invalid, required } from '../field-errors.js';
import { asRecord, asString, type JsonRecord } from '../../lib/json.js';
import { AUTH_TYPES } from '../enums.js';
import { checkDnsLabel, checkRequiredEnum, Findings, SPEC, type RuleResult } from './common.js';
import { CLUSTER_KEYS } from './cluster-refs.js';

const CREDENTIAL_BLOCKS = ['jaasConfig', 'jaasConfigPassThrough', 'oauthSettings', 'oauthbearer'] as const;
type CredentialBlock = (typeof CREDENTIAL_BLOCKS)[number];

/** The credential blocks each authentication type reads; every other block is Forbidden. */
const OWNED_BLOCKS: Record<string, readonly CredentialBlock[]> = {
  plain: ['jaasConfig', 'jaasConfigPassThrough'],
  // CFK's client OAuth: oauthSettings, with clientId/clientSecret in jaasConfig's Secret (oauth.txt).
  oauth: ['oauthSettings', 'jaasConfig'],
  oauthbearer: ['oauthbearer'],
  mtls: [],
  digest: [],
  none: [],
};

const SECRET_MAX = 30;

function checkSecretRefs(out: Findings, path: FieldPath, auth: JsonRecord, blocks: readonly CredentialBlock[]): void {
  for (const block of ['jaasConfig', 'jaasConfigPassThrough', 'oauthbearer'] as const) {
    if (!blocks.includes(block)) continue;
    checkDnsLabel(
      out,
      path.child(block, 'secretRef'),
      asRecord(auth[block])?.['secretRef'],
      SECRET_MAX,
      'Secret',
      'secret-name',
    );
  }
  if (blocks.includes('oauthSettings')) {
    const assertion = asRecord(asRecord(auth['oauthSettings'])?.['clientAssertion']);
    const assertionPath = path.child('oauthSettings', 'clientAssertion');
    checkDnsLabel(
      out,
      assertionPath.child('jwtTokenFile', 'secretRef'),
      asRecord(assertion?.['jwtTokenFile'])?.['secretRef'],
      SECRET_MAX,
      'Secret',
      'secret-name',
    );
    const keyFile = asRecord(asRecord(assertion?.['localClientAssertion'])?.['privateKeyFile']);
    checkDnsLabel(
      out,
      assertionPath.child('localClientAssertion', 'privateKeyFile', 'secretRef'),
      keyFile?.['secretRef'],
      SECRET_MAX,
      'Secret',
      'secret-name',
    );
  }
}

function validatePlain(out: Findings, path: FieldPath, auth: JsonRecord): void {
  const jaas = asRecord(auth['jaasConfig']);
  const passThrough = asRecord(auth['jaasConfigPassThrough']);
  if (jaas && jaas['secretRef'] === undefined) {
    out.add(
      required(
        path.child('jaasConfig', 'secretRef'),
        'name the Secret whose plain.txt holds username= and password= lines',
      ),
      'auth-plain-credentials',
    );
  }
  if (passThrough) {
    if (passThrough['directoryPathInContainer'] !== undefined) {
      out.add(
        forbidden(
          path.child('jaasConfigPassThrough', 'directoryPathInContainer'),
          'pass-through JAAS for a cluster link is read from a Secret only; use secretRef',
        ),
        'auth-plain-passthrough-secret-only',
      );
    }
    if (passThrough['secretRef'] === undefined) {
      out.add(
        required(
          path.child('jaasConfigPassThrough', 'secretRef'),
          'name the Secret whose plain-jaas.conf holds the sasl.jaas.config line',
        ),
        'auth-plain-credentials',
      );
    }
  }
  if (auth['jaasConfig'] === undefined && auth['jaasConfigPassThrough'] === undefined) {
    out.add(
      required(path.child('jaasConfig'), 'type plain needs jaasConfig.secretRef or jaasConfigPassThrough.secretRef'),
      'auth-plain-credentials',
    );
  } else if (auth['jaasConfig'] !== undefined && auth['jaasConfigPassThrough'] !== undefined) {
    out.add(
      forbidden(path.child('jaasConfigPassThrough'), 'set jaasConfig or jaasConfigPassThrough, not both'),
      'auth-plain-credentials',
    );
  }
}

/**
 * OAuth credentials (docs/rules.md#authentication): client credentials from jaasConfig's Secret (oauth.txt with
 * clientId= and clientSecret=), or a client assertion (oauthSettings.clientAssertion with its clientId). Without
 * either the brokers would log in with a JAAS line that carries no credentials.
 */
function validateOAuthCredentials(out: Findings, path: FieldPath, auth: JsonRecord, settings: JsonRecord): void {
  const jaas = asRecord(auth['jaasConfig']);
  const assertion = asRecord(settings['clientAssertion']);
  if (auth['jaasConfig'] !== undefined && jaas && jaas['secretRef'] === undefined) {
    out.add(
      required(
        path.child('jaasConfig', 'secretRef'),
        'name the Secret whose oauth.txt holds clientId= and clientSecret= lines',
      ),
      'auth-oauth-credentials',
    );
    return;
  }
  if (assertion) {
    if (assertion['clientId'] === undefined && auth['jaasConfig'] === undefined)
      out.add(
        required(
          path.child('oauthSettings', 'clientAssertion', 'clientId'),
          'the OAuth client id the assertion is issued for (or a jaasConfig Secret whose oauth.txt has clientId=)',
        ),
        'auth-oauth-credentials',
      );
    if (assertion['localClientAssertion'] === undefined && assertion['jwtTokenFile'] === undefined)
      out.add(
        required(
          path.child('oauthSettings', 'clientAssertion', 'localClientAssertion'),
          'a client assertion needs localClientAssertion (issuer, subject, audience, privateKeyFile) or jwtTokenFile',
        ),
        'auth-oauth-credentials',
      );
    return;
  }
  if (auth['jaasConfig'] === undefined)
    out.add(
      required(
        path.child('jaasConfig', 'secretRef'),
        'type oauth needs client credentials: a Secret whose oauth.txt holds clientId= and clientSecret= lines, or oauthSettings.clientAssertion',
      ),
      'auth-oauth-credentials',
    );
}

function validateOAuth(out: Findings, path: FieldPath, auth: JsonRecord): void {
  const settingsPath = path.child('oauthSettings');
  if (auth['oauthSettings'] === undefined) {
    out.add(
      required(settingsPath, 'type oauth needs oauthSettings with at least tokenEndpointUri'),
      'auth-oauth-token-endpoint',
    );
    return;
  }
  const settings = asRecord(auth['oauthSettings']);
  if (!settings) return;
  validateOAuthCredentials(out, path, auth, settings);
  const uriPath = settingsPath.child('tokenEndpointUri');
  const uri = settings['tokenEndpointUri'];
  if (uri === undefined) {
    out.add(required(uriPath, "the identity provider's token endpoint, an https:// URL"), 'auth-oauth-token-endpoint');
    return;
  }
  if (typeof uri !== 'string') return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(uri);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '') {
    out.add(invalid(uriPath, uri, 'must be an https:// URL of the token endpoint'), 'auth-oauth-token-endpoint');
  } else if (parsed.protocol === 'http:') {
    out.warn(uriPath, 'plain http exposes credentials; use https', 'auth-oauth-plain-http');
  }
}

function validateMtls(out: Findings, clusterPath: FieldPath, cluster: JsonRecord): void {
  const tls = cluster['tls'];
  if (tls === undefined) {
    out.add(
      required(
        clusterPath.child('tls'),
        'type mtls takes the client certificate from tls: set enabled: true and secretRef',
      ),
      'auth-mtls-requires-tls',
    );
    return;
  }
  if (asRecord(tls)?.['enabled'] === false) {
    out.add(
      invalid(clusterPath.child('tls', 'enabled'), false, 'must be true for authentication type mtls'),
      'auth-mtls-requires-tls',
    );
  }
}

function validateOAuthBearer(out: Findings, path: FieldPath, auth: JsonRecord): void {
  const bearer = auth['oauthbearer'];
  const block = asRecord(bearer);
  if (
    bearer === undefined ||
    (block && block['secretRef'] === undefined && block['directoryPathInContainer'] === undefined)
  ) {
    out.add(
      required(
        path.child('oauthbearer', 'secretRef'),
        'type oauthbearer needs oauthbearer.secretRef or oauthbearer.directoryPathInContainer',
      ),
      'auth-oauthbearer-credentials',
    );
  }
}

export function validateAuthentication(spec: JsonRecord, out = new Findings()): RuleResult {
  for (const key of CLUSTER_KEYS) {
    const cluster = asRecord(spec[key]);
    const auth = asRecord(cluster?.['authentication']);
    if (!cluster || !auth) continue;
    const clusterPath = SPEC.child(key);
    const path = clusterPath.child('authentication');
    const typeOk = checkRequiredEnum(
      out,
      path.child('type'),
      auth['type'],
      AUTH_TYPES,
      'one of plain, oauthbearer, digest, mtls, oauth, none',
      'auth-type-required',
    );
    const type = typeOk ? asString(auth['type']) : undefined;
    if (type === undefined) {
      checkSecretRefs(out, path, auth, CREDENTIAL_BLOCKS);
      continue;
    }
    const owned = OWNED_BLOCKS[type] ?? [];
    for (const block of CREDENTIAL_BLOCKS) {
      if (!owned.includes(block) && auth[block] !== undefined) {
        out.add(
          forbidden(path.child(block), `not used by authentication type "${type}"; remove it or change the type`),
          'auth-credential-block-type',
        );
      }
    }
    checkSecretRefs(out, path, auth, owned);
    if (type === 'plain') validatePlain(out, path, auth);
    else if (type === 'oauth') validateOAuth(out, path, auth);
    else if (type === 'mtls') validateMtls(out, clusterPath, cluster);
    else if (type === 'oauthbearer') validateOAuthBearer(out, path, auth);
  }
  return out.result();
}
