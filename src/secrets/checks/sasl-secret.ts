// Checks SASL credential Secrets (docs/rules.md#secret-checks, CFK's documented Secret formats): `plain.txt` for jaasConfig, `plain-jaas.conf`
// for jaasConfigPassThrough, and the existence-level checks of the other credential Secrets.
// Messages say which line or key is missing; they never quote a line.
import { invalid, type FieldError } from '../../clusterlink/field-errors.js';
import type { SecretCheckResult } from '../types.js';
import type { OtherSecretReference, SaslSecretReference } from '../referenced-secrets.js';
import { parsePassThroughJaas } from '../jaas.js';
import { hasOwn } from '../../lib/json.js';
import { OAUTH_TXT, parseProperties } from '../properties.js';

const PLAIN_TXT = 'plain.txt';
const PLAIN_JAAS_CONF = 'plain-jaas.conf';
const BEARER_TXT = 'bearer.txt';

const has = (data: Record<string, Buffer>, key: string): boolean => hasOwn(data, key);

/** `key=value` lines (properties style, `#` comments); values are only tested for emptiness by callers. */
function propertyLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

const looksLikeJaas = (text: string): boolean => /LoginModule|sasl\.jaas\.config/.test(text);

/** oauth.txt of a type oauth jaasConfig Secret: clientId=, and clientSecret= unless a client assertion replaces it. */
function checkOAuthSecret(ref: SaslSecretReference, data: Record<string, Buffer>): SecretCheckResult {
  const errors: FieldError[] = [];
  const fail = (detail: string): void => void errors.push(invalid(ref.field, ref.name, detail));
  if (!has(data, OAUTH_TXT)) {
    fail(`secret has no key "${OAUTH_TXT}" (lines clientId=<client id> and clientSecret=<client secret>)`);
    return { errors, warnings: [] };
  }
  const props = parseProperties(data[OAUTH_TXT]!.toString('utf8'));
  const needed = ref.clientAssertion ? [] : ['clientId', 'clientSecret'];
  for (const name of needed) {
    if (props.get(name) === undefined) fail(`key "${OAUTH_TXT}" has no "${name}=" line`);
    else if (props.get(name) === '') fail(`key "${OAUTH_TXT}" has an empty "${name}=" line`);
  }
  return { errors, warnings: [] };
}

export function checkSaslSecret(ref: SaslSecretReference, data: Record<string, Buffer>): SecretCheckResult {
  if (ref.kind === 'oauthJaasConfig') return checkOAuthSecret(ref, data);
  const errors: FieldError[] = [];
  const fail = (detail: string): void => void errors.push(invalid(ref.field, ref.name, detail));
  if (ref.kind === 'jaasConfig') {
    if (!has(data, PLAIN_TXT)) {
      const hint = has(data, PLAIN_JAAS_CONF) ? `; ${PLAIN_JAAS_CONF} belongs to jaasConfigPassThrough` : '';
      fail(`secret has no key "${PLAIN_TXT}" (lines username=<user> and password=<password>)${hint}`);
      return { errors, warnings: [] };
    }
    const text = data[PLAIN_TXT]!.toString('utf8');
    const props = propertyLines(text);
    for (const name of ['username', 'password']) {
      const value = props.get(name);
      if (value === undefined) {
        const hint = looksLikeJaas(text)
          ? `; it looks like a JAAS line: use jaasConfigPassThrough with ${PLAIN_JAAS_CONF}`
          : '';
        fail(`key "${PLAIN_TXT}" has no "${name}=" line${hint}`);
      } else if (value === '') {
        fail(`key "${PLAIN_TXT}" has an empty "${name}=" line`);
      }
    }
    return { errors, warnings: [] };
  }

  if (!has(data, PLAIN_JAAS_CONF)) {
    const hint = has(data, PLAIN_TXT) ? `; ${PLAIN_TXT} belongs to jaasConfig` : '';
    fail(`secret has no key "${PLAIN_JAAS_CONF}" (one line: sasl.jaas.config=<LoginModule> required ...;)${hint}`);
    return { errors, warnings: [] };
  }
  // The reconciler sends what parsePassThroughJaas returns; Kafka's JAAS grammar decides what is valid.
  const parsed = parsePassThroughJaas(data[PLAIN_JAAS_CONF]!.toString('utf8'));
  if (!parsed.ok)
    fail(
      `key "${PLAIN_JAAS_CONF}" is not a JAAS line Kafka accepts (${parsed.problem}): write sasl.jaas.config=<LoginModule> required key="value" ...;`,
    );
  return { errors, warnings: [] };
}

/** Secrets whose inner format CFK does not pin down for ClusterLinks: present and non-empty is all we ask. */
export function checkOtherSecret(ref: OtherSecretReference, data: Record<string, Buffer>): SecretCheckResult {
  const warnings: string[] = [];
  const keys = Object.keys(data);
  if (keys.length === 0) {
    warnings.push(`${ref.field}: secret "${ref.name}" has no data`);
  } else if (ref.kind === 'oauthbearer' && !has(data, BEARER_TXT)) {
    warnings.push(`${ref.field}: secret "${ref.name}" has no key "${BEARER_TXT}" (expected for oauthbearer)`);
  }
  return { errors: [], warnings };
}
