// SASL/OAUTHBEARER configs of a cluster block (docs/reconciler.md#oauth): CFK's `type: oauth` (client credentials
// from oauth.txt, or a client assertion) and `type: oauthbearer` (Confluent MDS token login). The JAAS line always
// carries the credentials its flow needs; when they are missing, a problem is returned instead of a line.
import type { Authentication } from '../../../clusterlink/types.js';
import type { ClusterCredentials } from '../../types.js';
import { jaasQuote } from './jaas-quote.js';

export const OAUTHBEARER_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
export const OAUTH_CALLBACK_HANDLER = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler';
export const MDS_TOKEN_CALLBACK_HANDLER = 'io.confluent.kafka.clients.plugins.auth.token.TokenUserLoginCallbackHandler';

export interface OAuthDerived {
  configs: [string, string][];
  problems: string[];
  warnings: string[];
}

const jaasLine = (options: [string, string | undefined][]): string =>
  `${OAUTHBEARER_LOGIN_MODULE} required${options
    .filter((o): o is [string, string] => o[1] !== undefined && o[1] !== '')
    .map(([k, v]) => ` ${k}=${jaasQuote(v)}`)
    .join('')};`;

/** Broker-side path of a file CFK mounts from a Secret (or the directory given instead). */
const mountedFile = (
  holder: { secretRef?: string; directoryPathInContainer?: string },
  file: string,
): string | undefined =>
  holder.secretRef
    ? `/mnt/secrets/${holder.secretRef}/${file}`
    : holder.directoryPathInContainer
      ? `${holder.directoryPathInContainer.replace(/\/+$/, '')}/${file}`
      : undefined;

/** `type: oauth`: client credentials (clientId/clientSecret[/scope]) or CFK's clientAssertion flow. */
export function oauthConfigs(
  auth: Authentication | undefined,
  creds: ClusterCredentials | undefined,
  where: string,
): OAuthDerived {
  const out: OAuthDerived = { configs: [['sasl.mechanism', 'OAUTHBEARER']], problems: [], warnings: [] };
  const settings = auth?.oauthSettings;
  const path = `${where}.authentication.oauthSettings`;
  if (settings?.tokenEndpointUri) out.configs.push(['sasl.oauthbearer.token.endpoint.url', settings.tokenEndpointUri]);
  else out.problems.push(`${path}.tokenEndpointUri is required`);
  out.configs.push(['sasl.login.callback.handler.class', OAUTH_CALLBACK_HANDLER]);
  const timeouts: [keyof NonNullable<typeof settings>, string][] = [
    ['loginConnectTimeoutMs', 'sasl.login.connect.timeout.ms'],
    ['loginReadTimeoutMs', 'sasl.login.read.timeout.ms'],
    ['loginRetryBackoffMs', 'sasl.login.retry.backoff.ms'],
    ['loginRetryBackoffMaxMs', 'sasl.login.retry.backoff.max.ms'],
  ];
  for (const [field, key] of timeouts) {
    const v = settings?.[field];
    if (typeof v === 'number') out.configs.push([key, String(v)]);
  }
  const scope = settings?.scope ?? creds?.oauth?.scope;
  const assertion = settings?.clientAssertion;
  if (!assertion) {
    const { clientId, clientSecret } = creds?.oauth ?? {};
    if (!clientId || !clientSecret) {
      out.problems.push(
        `${where}.authentication.jaasConfig: OAuth client credentials (oauth.txt with clientId= and clientSecret=) are not available`,
      );
      return out;
    }
    out.configs.push([
      'sasl.jaas.config',
      jaasLine([
        ['clientId', clientId],
        ['clientSecret', clientSecret],
        ['scope', scope],
      ]),
    ]);
    return out;
  }
  clientAssertionConfigs(out, assertion, creds, path, scope);
  return out;
}

/** CFK's clientAssertion flow (security/oauth/client_assertion example): the JAAS line carries only the client id. */
function clientAssertionConfigs(
  out: OAuthDerived,
  assertion: NonNullable<NonNullable<Authentication['oauthSettings']>['clientAssertion']>,
  creds: ClusterCredentials | undefined,
  path: string,
  scope: string | undefined,
): void {
  const clientId = assertion.clientId ?? creds?.oauth?.clientId;
  if (!clientId) out.problems.push(`${path}.clientAssertion.clientId is required`);
  if (assertion.jwtTokenFile) {
    out.problems.push(
      `${path}.clientAssertion.jwtTokenFile is not supported by this reconciler (its file name is not documented); use localClientAssertion`,
    );
    return;
  }
  const local = assertion.localClientAssertion;
  const keyFile = local?.privateKeyFile ? mountedFile(local.privateKeyFile, 'private-key') : undefined;
  if (!keyFile) {
    out.problems.push(`${path}.clientAssertion.localClientAssertion.privateKeyFile needs secretRef`);
    return;
  }
  if (clientId)
    out.configs.push([
      'sasl.jaas.config',
      jaasLine([
        ['clientId', clientId],
        ['scope', scope],
      ]),
    ]);
  const claims: [string, string | undefined][] = [
    ['sasl.oauthbearer.assertion.claim.iss', local?.issuer],
    ['sasl.oauthbearer.assertion.claim.sub', local?.subject],
    ['sasl.oauthbearer.assertion.claim.aud', local?.audience],
    ['sasl.oauthbearer.assertion.claim.exp.seconds', local?.tokenLifetime?.toString()],
    ['sasl.oauthbearer.assertion.claim.jti.include', local?.includeJtiClaim === true ? 'true' : undefined],
  ];
  for (const [k, v] of claims) if (v !== undefined) out.configs.push([k, v]);
  out.configs.push(['sasl.oauthbearer.assertion.private.key.file', keyFile]);
  if (local?.privateKeyFile?.encryptedPrivateKey === true) {
    if (creds?.assertionKeyPassphrase)
      out.configs.push(['sasl.oauthbearer.assertion.private.key.passphrase', creds.assertionKeyPassphrase]);
    else
      out.problems.push(
        `${path}.clientAssertion.localClientAssertion.privateKeyFile: encryptedPrivateKey needs the key private-key-passphrase in its Secret`,
      );
  }
  if (local?.includeNbfClaim !== undefined || local?.privateKeyFile?.includeAssertionTemplate !== undefined)
    out.warnings.push(
      `${path}.clientAssertion.localClientAssertion: includeNbfClaim and includeAssertionTemplate have no documented link config; Kafka's defaults apply`,
    );
}

/**
 * `type: oauthbearer` (Confluent MDS token login, CFK's RBAC examples): username/password of bearer.txt and the MDS
 * URL(s) (`metadataServerUrls=` in bearer.txt, else the remote cluster's REST endpoint, where CFK serves MDS).
 */
export function oauthbearerConfigs(
  creds: ClusterCredentials | undefined,
  where: string,
  mdsUrls: string | undefined,
): OAuthDerived {
  const out: OAuthDerived = {
    configs: [
      ['sasl.mechanism', 'OAUTHBEARER'],
      ['sasl.login.callback.handler.class', MDS_TOKEN_CALLBACK_HANDLER],
    ],
    problems: [],
    warnings: [],
  };
  const b = creds?.oauthbearer ?? {};
  const urls = b['metadataServerUrls'] ?? mdsUrls;
  if (!b['username'] || !b['password'])
    out.problems.push(
      `${where}.authentication.oauthbearer: bearer.txt with username= and password= lines is not available`,
    );
  if (!urls)
    out.problems.push(
      `${where}.authentication.oauthbearer: the MDS URL is unknown: add metadataServerUrls=<https://host:8090> to bearer.txt, or give the cluster a kafkaRestClassRef`,
    );
  if (out.problems.length === 0)
    out.configs.push([
      'sasl.jaas.config',
      jaasLine([
        ['username', b['username']],
        ['password', b['password']],
        ['metadataServerUrls', urls],
      ]),
    ]);
  return out;
}
