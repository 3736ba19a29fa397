// `directoryPathInContainer` for a ClusterLink's own credentials (docs/reconciler.md#link-credentials): CFK reads
// such paths inside its operator pod (Vault-injected files); this reconciler reads them inside its own pod, so the
// same files must be mounted there. A directory that holds none of the expected files is an error that says so,
// never an empty credential.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterLink } from '../../clusterlink/types.js';
import { FieldPath } from '../../clusterlink/field-errors.js';
import { usedClusterBlocks, type SecretReference } from '../../secrets/referenced-secrets.js';
import { ResolutionError } from './resolution-error.js';

/** Marks a reference's `name` as a directory in this pod rather than a Secret. */
export const DIRECTORY_MARK = '\0dir:';

/** The files CFK's CRD names for a TLS directory (both layouts), and the bearer files. */
const TLS_FILES: Record<string, string> = {
  'tls.crt': 'fullchain.pem',
  'tls.key': 'privkey.pem',
  'ca.crt': 'cacerts.pem',
};
const FILES = [
  'fullchain.pem',
  'privkey.pem',
  'cacerts.pem',
  ...Object.keys(TLS_FILES),
  'bearer.txt',
  'oauthbearer.txt',
];

/** References (in the shape of Secret references) for the blocks that name a directory instead of a Secret. */
export function directoryReferences(link: ClusterLink): SecretReference[] {
  const refs: SecretReference[] = [];
  for (const cluster of usedClusterBlocks(link)) {
    const block = link.spec?.[cluster];
    const path = FieldPath.root('spec').child(cluster);
    const tls = block?.tls;
    if (tls?.enabled === true && !tls.secretRef && tls.directoryPathInContainer) {
      const auth = block?.authentication;
      const keyPassword = tls.keyPassword?.secretRef;
      refs.push({
        kind: 'tls',
        name: DIRECTORY_MARK + tls.directoryPathInContainer,
        field: path.child('tls', 'directoryPathInContainer').toString(),
        cluster,
        clientAuth: auth?.type === 'mtls' || auth?.sslClientAuthentication === true,
        ...(keyPassword
          ? {
              keyPassword: {
                name: keyPassword,
                field: path.child('tls', 'keyPassword', 'secretRef').toString(),
                cluster,
              },
            }
          : {}),
      });
    }
    const bearer = block?.authentication?.type === 'oauthbearer' ? block.authentication.oauthbearer : undefined;
    if (bearer && !bearer.secretRef && bearer.directoryPathInContainer)
      refs.push({
        kind: 'oauthbearer',
        name: DIRECTORY_MARK + bearer.directoryPathInContainer,
        field: path.child('authentication', 'oauthbearer', 'directoryPathInContainer').toString(),
        cluster,
      });
  }
  return refs;
}

/** The directory's files, with the kubernetes.io/tls names mapped to CFK's PEM names. */
export async function readCredentialDirectory(directory: string, field: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const file of FILES) {
    try {
      const value = await readFile(join(directory, file));
      const name = TLS_FILES[file] ?? file;
      if (out[name] === undefined) out[name] = value;
    } catch {
      // absent: judged below and by the caller
    }
  }
  if (Object.keys(out).length === 0)
    throw new ResolutionError(
      'CredentialFilesNotFound',
      `${field}: ${directory} holds none of ${FILES.join(', ')} inside the clusterlink-webhook pod. This path is read by this reconciler, not by CFK: mount the same files into the clusterlink-webhook pod at that path, or use a secretRef`,
    );
  return out;
}
