// How Confluent Server judges link config values, written independently of src/ so the simulator does not share
// the reconciler's assumptions (docs/reconciler.md#simulator-assumptions). Each check names its source.
import { SimHttpError } from './state.js';

/**
 * `sasl.jaas.config` (Kafka JaasConfig + JaasContext): `<class> <flag> (key=value)* ;`, exactly one module.
 * Tokens as java.io.StreamTokenizer with JaasConfig's table: `=`/`;` single, quotes `"`/`'`, `/` comments.
 * ASSUMPTION (not observed on a server): the parse error comes back as 400/40002 with Kafka's message, at create
 * and at configs:alter. With validate_link=false a real server may accept it and fail the link later.
 */
export function kafkaJaasError(value: string): string | undefined {
  const tokens: (string | { s: string })[] = []; // plain string = ordinary char token; {s} = word or quoted
  for (let i = 0; i < value.length;) {
    const c = value[i] as string;
    if (c <= ' ') i++;
    else if (c === '/') {
      if (value[i + 1] === '*') {
        const e = value.indexOf('*/', i + 2);
        i = e < 0 ? value.length : e + 2;
      } else while (i < value.length && value[i] !== '\n' && value[i] !== '\r') i++;
    } else if (c === '"' || c === "'") {
      let s = '';
      for (i++; i < value.length && value[i] !== c && value[i] !== '\n' && value[i] !== '\r'; i++)
        s += value[i] === '\\' ? (value[++i] ?? '') : value[i];
      if (value[i] === c) i++;
      tokens.push({ s });
    } else if (c === '=' || c === ';') {
      tokens.push(c);
      i++;
    } else {
      let s = '';
      while (i < value.length && value[i]! > ' ' && !'/"\'=;'.includes(value[i]!)) s += value[i++];
      tokens.push({ s });
    }
  }
  let modules = 0;
  for (let i = 0; i < tokens.length;) {
    if (typeof tokens[i] === 'string') return 'Login module not specified in JAAS config';
    i++;
    const flag = tokens[i];
    if (flag === undefined) return 'Login module control flag not specified in JAAS config';
    if (typeof flag === 'string') return 'Login module control flag is not available in the JAAS config';
    if (!/^(required|requisite|sufficient|optional)$/i.test(flag.s))
      return `Invalid login module control flag '${flag.s}' in JAAS config`;
    for (i++; i < tokens.length && tokens[i] !== ';'; i += 3) {
      const key = tokens[i];
      if (typeof key === 'string' || tokens[i + 1] !== '=' || typeof tokens[i + 2] !== 'object')
        return `Value not specified for key '${typeof key === 'string' ? key : key?.s}' in JAAS config`;
    }
    if (tokens[i] !== ';') return 'JAAS config entry not terminated by semi-colon';
    i++;
    modules++;
  }
  if (modules === 0) return 'Login module not specified in JAAS config';
  if (modules !== 1) return `JAAS config property contains ${modules} login modules, should be 1 module`;
  return undefined;
}

/**
 * `acl.filters` (Confluent's AclJson, 2020 public copy): a non-null `principal` goes through
 * SecurityUtils.parseKafkaPrincipal, which wants `Type:name`; unknown JSON fields are rejected. `name`, `host`
 * and `principal` may be omitted or null (= any).
 */
export function kafkaAclFiltersError(filters: unknown[]): string | undefined {
  for (const f of filters) {
    const filter = (f ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(filter))
      if (k !== 'resourceFilter' && k !== 'accessFilter') return `Unrecognized field "${k}"`;
    const access = (filter['accessFilter'] ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(access))
      if (!['principal', 'host', 'operation', 'permissionType'].includes(k)) return `Unrecognized field "${k}"`;
    const principal = access['principal'];
    if (principal !== undefined && principal !== null) {
      const p = typeof principal === 'string' ? principal : JSON.stringify(principal);
      const colon = p.indexOf(':');
      if (p === '' || colon < 0) return `expected a string in format principalType:principalName but got ${p}`;
    }
    const resource = (filter['resourceFilter'] ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(resource))
      if (!['resourceType', 'name', 'patternType'].includes(k)) return `Unrecognized field "${k}"`;
    if (!resource['resourceType']) return 'resourceType field may not be null.';
  }
  return undefined;
}

/** Throws the server's 400 for a link config value Kafka would refuse (create and configs:alter). */
export function checkLinkConfigValue(name: string, value: string): void {
  if (name === 'sasl.jaas.config' || name === 'local.sasl.jaas.config') {
    const problem = kafkaJaasError(value);
    // The message never repeats the value: it is a secret.
    if (problem) throw new SimHttpError(400, 40002, `Invalid value for configuration ${name}: ${problem}`);
  }
}
