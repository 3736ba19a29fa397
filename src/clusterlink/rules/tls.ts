// docs/rules.md#tls: the tls block of either cluster (Secret content is checked separately, docs/rules.md#secret-checks).
import { forbidden, required } from '../field-errors.js';
import { asRecord, type JsonRecord } from '../../lib/json.js';
import { checkDnsLabel, Findings, SPEC, type RuleResult } from './common.js';
import { CLUSTER_KEYS } from './cluster-refs.js';

export function validateTls(spec: JsonRecord, out = new Findings()): RuleResult {
  for (const key of CLUSTER_KEYS) {
    const cluster = asRecord(spec[key]);
    const tls = asRecord(cluster?.['tls']);
    if (!tls) continue;
    const usesMtls = asRecord(cluster?.['authentication'])?.['type'] === 'mtls';
    const path = SPEC.child(key, 'tls');
    const enabled = tls['enabled'];
    const hasSecret = tls['secretRef'] !== undefined;
    const hasDirectory = tls['directoryPathInContainer'] !== undefined;
    if (enabled === undefined) {
      out.add(
        required(
          path.child('enabled'),
          'set true to connect with TLS (or false); CFK requires it whenever tls is present',
        ),
        'tls-enabled-required',
      );
    } else if (enabled === true) {
      if (!hasSecret && !hasDirectory) {
        out.add(
          required(
            path.child('secretRef'),
            'tls.enabled is true: name the Secret holding the PEM files, or set directoryPathInContainer',
          ),
          'tls-material',
        );
      } else if (hasSecret && hasDirectory) {
        out.add(
          forbidden(path.child('directoryPathInContainer'), 'set secretRef or directoryPathInContainer, not both'),
          'tls-material',
        );
      }
    } else if (enabled === false && !usesMtls) {
      // With mtls the authentication rule already says enabled must be true; "ignored" would contradict it.
      if (hasSecret) out.warn(path.child('secretRef'), 'ignored because tls.enabled is false', 'tls-disabled-ignored');
      if (hasDirectory)
        out.warn(
          path.child('directoryPathInContainer'),
          'ignored because tls.enabled is false',
          'tls-disabled-ignored',
        );
    }
    checkDnsLabel(out, path.child('secretRef'), tls['secretRef'], 63, 'Secret', 'secret-name');
    const keyPassword = asRecord(tls['keyPassword']);
    if (keyPassword) {
      if (keyPassword['secretRef'] === undefined) {
        out.add(
          required(path.child('keyPassword', 'secretRef'), "name the Secret holding the private key's password"),
          'tls-key-password',
        );
      }
      checkDnsLabel(out, path.child('keyPassword', 'secretRef'), keyPassword['secretRef'], 30, 'Secret', 'secret-name');
    }
  }
  return out.result();
}
