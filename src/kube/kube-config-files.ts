// Whether a Kubernetes API is configured at all, found from the environment and the file system only: the in-cluster
// service account, else KUBECONFIG or ~/.kube/config. It imports nothing of @kubernetes/client-node (about a second
// and 55 MB to load), so a `serve` without a cluster never loads it (docs/performance.md#cold-start);
// loadKubeConfigIfAny loads the client only when there is something to read.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { LoadedKubeConfig } from './kubeconfig.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadKubeConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides KUBECONFIG (tests). */
  kubeconfigPath?: string;
  /** Where the service-account token lives (tests). */
  serviceAccountDir?: string;
  homeDir?: string;
}

/** Where the configuration would come from: the pod's service account, or the kubeconfig files that exist. */
export type KubeConfigLocation =
  | { source: 'in-cluster'; host: string; port: string; serviceAccountDir: string }
  | { source: 'kubeconfig'; paths: string[] };

/** The configuration to read, in kubectl's order; undefined when there is none. */
export function findKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfigLocation | undefined {
  const env = options.env ?? process.env;
  const serviceAccountDir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (options.kubeconfigPath === undefined && host && port && existsSync(join(serviceAccountDir, 'token')))
    return { source: 'in-cluster', host, port, serviceAccountDir };

  const candidates = options.kubeconfigPath
    ? [options.kubeconfigPath]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(delimiter).filter((p) => p !== '')
      : [join(options.homeDir ?? homedir(), '.kube', 'config')];
  const paths = candidates.filter((p) => existsSync(p));
  return paths.length === 0 ? undefined : { source: 'kubeconfig', paths };
}

/**
 * loadKubeConfig (src/kube/kubeconfig.ts), importing the Kubernetes client only when findKubeConfig finds something
 * to read. Throws what loadKubeConfig throws (an unreadable kubeconfig).
 */
export async function loadKubeConfigIfAny(options: LoadKubeConfigOptions = {}): Promise<LoadedKubeConfig | undefined> {
  if (findKubeConfig(options) === undefined) return undefined;
  const { loadKubeConfig } = await import('./kubeconfig.js');
  return loadKubeConfig(options);
}
