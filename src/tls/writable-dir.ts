// Where a generated certificate goes: the configured --cert-dir, or, when that cannot be written (a plain
// `docker run` of the image as UID 1000 with a root-owned /app, a read-only root filesystem), a private directory
// under the system temp dir (docs/install.md#docker). The caller logs where the files went.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOENT', 'EEXIST']);

export interface InWritableDir<T> {
  result: T;
  /** The directory the files are in. */
  dir: string;
  /** Set when --cert-dir could not be written: why (an errno code). */
  fellBack?: string;
}

/** Runs `write` in `certDir`, or in a new private temp directory when `certDir` cannot be written. */
export async function inWritableDir<T>(certDir: string, write: (dir: string) => Promise<T>): Promise<InWritableDir<T>> {
  try {
    return { result: await write(certDir), dir: certDir };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!UNWRITABLE.has(code)) throw err;
    const dir = await mkdtemp(join(tmpdir(), 'clusterlink-webhook-'));
    return { result: await write(dir), dir, fellBack: code };
  }
}
