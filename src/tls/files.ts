// Writing generated certificate material to disk: the names Kubernetes TLS Secrets use (tls.crt, tls.key,
// ca.crt), keys readable by the owner only.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CertificateFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Only when the CA's key is written (a newly made CA, for later rotations). */
  caKeyFile?: string;
}

export interface CertificateMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  caKeyPem?: string;
}

export async function writeCertificateFiles(dir: string, material: CertificateMaterial): Promise<CertificateFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: CertificateFiles = {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
  };
  await writeFile(files.caFile, material.caPem, { mode: 0o644 });
  await writeFile(files.certFile, material.certPem, { mode: 0o644 });
  await writeSecretFile(files.keyFile, material.keyPem);
  if (material.caKeyPem !== undefined) {
    files.caKeyFile = join(dir, 'ca.key');
    await writeSecretFile(files.caKeyFile, material.caKeyPem);
  }
  return files;
}

async function writeSecretFile(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  // `mode` only applies when the file is created; an existing file keeps its old permissions otherwise.
  await chmod(path, 0o600);
}

/** The value of a webhook configuration's `caBundle`: base64 of the PEM text. */
export function caBundleBase64(caPem: string): string {
  const text = caPem.endsWith('\n') ? caPem : `${caPem}\n`;
  return Buffer.from(text, 'utf8').toString('base64');
}
