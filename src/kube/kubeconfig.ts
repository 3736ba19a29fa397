// Finding a Kubernetes API to talk to: the in-cluster service account first, else KUBECONFIG or
// ~/.kube/config. Returns undefined when there is none (client-node's loadFromDefault would silently
// fall back to http://localhost:8080, which is never what a webhook pod wants).
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { requestOptions } from './request-options.js';
import { describeKubeError } from './errors.js';

export { describeKubeError };

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  source: 'in-cluster' | 'kubeconfig';
  /** The kubeconfig file(s) read (source 'kubeconfig'). */
  paths?: string[];
  /** Namespace of the current context, or the pod's own namespace in-cluster. */
  namespace?: string;
}

export interface LoadKubeConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides KUBECONFIG (tests). */
  kubeconfigPath?: string;
  /** Where the service-account token lives (tests). */
  serviceAccountDir?: string;
  homeDir?: string;
}

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): LoadedKubeConfig | undefined {
  const env = options.env ?? process.env;
  const saDir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;

  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (options.kubeconfigPath === undefined && host && port && existsSync(join(saDir, 'token'))) {
    // What client-node's loadFromCluster does, but from the given env and directory (testable).
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

  const candidates = options.kubeconfigPath
    ? [options.kubeconfigPath]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(delimiter).filter((p) => p !== '')
      : [join(options.homeDir ?? homedir(), '.kube', 'config')];
  const paths = candidates.filter((p) => existsSync(p));
  if (paths.length === 0) return undefined;

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
