// Finding a Kubernetes API to talk to: the in-cluster service account first, else KUBECONFIG or
// ~/.kube/config. Returns undefined when there is none (client-node's loadFromDefault would silently
// fall back to http://localhost:8080, which is never what a webhook pod wants).
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { findKubeConfig, type KubeConfigLocation, type LoadKubeConfigOptions } from './kube-config-files.js';
import { requestOptions } from './request-options.js';
import { describeKubeError } from './errors.js';

export { describeKubeError };
export type { LoadKubeConfigOptions } from './kube-config-files.js';

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  source: 'in-cluster' | 'kubeconfig';
  /** The kubeconfig file(s) read (source 'kubeconfig'). */
  paths?: string[];
  /** Namespace of the current context, or the pod's own namespace in-cluster. */
  namespace?: string;
}

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): LoadedKubeConfig | undefined {
  const found = findKubeConfig(options);
  if (found === undefined) return undefined;
  return found.source === 'in-cluster' ? inCluster(found, options.env ?? process.env) : fromFiles(found.paths);
}

/** What client-node's loadFromCluster does, but from the given env and directory (testable). */
function inCluster(
  found: Extract<KubeConfigLocation, { source: 'in-cluster' }>,
  env: NodeJS.ProcessEnv,
): LoadedKubeConfig {
  const { host, port, serviceAccountDir: saDir } = found;
  const kubeConfig = new KubeConfig();
  const serverHost = isIPv6(host) ? `[${host}]` : host;
  kubeConfig.loadFromClusterAndUser(
    {
      name: 'in-cluster',
      server: `https://${serverHost}:${port}`,
      caFile: join(saDir, 'ca.crt'),
      skipTLSVerify: false,
    },
    { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(saDir, 'token') } } },
  );
  const namespaceFile = join(saDir, 'namespace');
  const namespace =
    env.POD_NAMESPACE || (existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined);
  return { kubeConfig, source: 'in-cluster', ...(namespace ? { namespace } : {}) };
}

function fromFiles(paths: string[]): LoadedKubeConfig | undefined {
  const kubeConfig = new KubeConfig();
  if (paths.length === 1) kubeConfig.loadFromFile(paths[0]!);
  else {
    // kubectl's rule: entries merge, the first file that names a current-context wins.
    let currentContext = '';
    for (const path of paths) {
      const one = new KubeConfig();
      one.loadFromFile(path);
      kubeConfig.mergeConfig(one, true);
      currentContext ||= one.getCurrentContext() ?? '';
    }
    kubeConfig.setCurrentContext(currentContext);
  }
  if (!kubeConfig.getCurrentCluster()) return undefined;
  const namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  return { kubeConfig, source: 'kubeconfig', paths, ...(namespace ? { namespace } : {}) };
}

export type ProbeResult = { ok: true; version?: string } | { ok: false; error: string };

/** One bounded GET /version: is the API server there and does it accept our credentials? */
export async function probeKubeApi(kubeConfig: KubeConfig, timeoutMs = 3000): Promise<ProbeResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const api = kubeConfig.makeApiClient(VersionApi);
    const info = await api.getCode({}, requestOptions({ signal }));
    return { ok: true, version: info.gitVersion };
  } catch (err) {
    if (signal.aborted)
      return {
        ok: false,
        error: `no answer from ${kubeConfig.getCurrentCluster()?.server ?? 'the API server'} within ${timeoutMs} ms`,
      };
    return { ok: false, error: describeKubeError(err) };
  }
}
