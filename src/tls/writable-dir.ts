// Where a generated certificate goes: the configured --cert-dir, or, when that cannot be written (a plain
// `docker run` of the image as UID 1000 with a root-owned /app, a read-only root filesystem), a private directory
// under the system temp dir (docs/install.md#docker). The caller logs where the files went.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCertificateFiles, type CertificateFiles, type CertificateMaterial } from './files.js';

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOENT', 'EEXIST']);

export interface WrittenCertificates {
  files: CertificateFiles;
  /** Set when --cert-dir could not be written: why (an errno code). */
  fellBack?: string;
}

export async function writeCertificatesSomewhere(
  certDir: string,
  material: CertificateMaterial,
): Promise<WrittenCertificates> {
  try {
    return { files: await writeCertificateFiles(certDir, material) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!UNWRITABLE.has(code)) throw err;
    const dir = await mkdtemp(join(tmpdir(), 'clusterlink-webhook-'));
    return { files: await writeCertificateFiles(dir, material), fellBack: code };
  }
}
