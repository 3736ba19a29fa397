// `helm install` of the chart on the e2e cluster with the webhook running outside it (the chart's
// webhook.url.host value, docs/e2e.md): the chart makes its self-signed CA and serving certificate as on
// any cluster, the local `serve` process serves that certificate from the TLS Secret, and it talks to the
// API server with a token of the chart's own ServiceAccount, so the chart's RBAC is what it gets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './cluster.js';
import { CHART_DIR, type Obj } from './objects.js';
import { freePort, startWebhook, type WebhookProcess } from './webhook.js';

export interface Installed {
  release: string;
  namespace: string;
  fullname: string;
  port: number;
  /** Files of the serving certificate taken from the chart's Secret. */
  certFile: string;
  keyFile: string;
  /** kubeconfig with a token of the chart's ServiceAccount. */
  serviceAccountKubeconfig: string;
  /** Starts (another) `serve` process, on the chart's URL port unless `port` is given; `args` after the defaults. */
  startWebhook(args?: readonly string[], env?: NodeJS.ProcessEnv, port?: number): Promise<WebhookProcess>;
}

export interface InstallOptions {
  release?: string;
  namespace?: string;
  values?: Obj;
}

/**
 * JSON values file for `helm -f -`: the test's values with webhook.url.host pointing at `port`. These helpers
 * serve the chart's TLS Secret from files, so the mode is selfSigned unless the test names one (the default mode,
 * managed, has its own e2e file: managed-certs.e2e.ts).
 */
export function valuesWithUrl(values: Obj, port: number): string {
  const webhook = { ...((values['webhook'] as Obj | undefined) ?? {}), url: { host: `127.0.0.1:${port}` } };
  const certificates = { mode: 'selfSigned', ...((values['certificates'] as Obj | undefined) ?? {}) };
  return JSON.stringify({ ...values, webhook, certificates });
}

export async function serviceAccountToken(cluster: Cluster, namespace: string, name: string): Promise<string> {
  return (await cluster.kubectlOk(['create', 'token', name, '-n', namespace, '--duration=2h'])).stdout.trim();
}

async function secretFile(
  cluster: Cluster,
  namespace: string,
  secret: string,
  key: string,
  path: string,
): Promise<void> {
  const jsonPath = `{.data.${key.replace('.', '\\.')}}`;
  const data = (await cluster.kubectlOk(['get', 'secret', secret, '-n', namespace, '-o', `jsonpath=${jsonPath}`]))
    .stdout;
  writeFileSync(path, Buffer.from(data, 'base64'), { mode: 0o600 });
}

export async function installWithLocalWebhook(cluster: Cluster, options: InstallOptions = {}): Promise<Installed> {
  const { release = 'clw', namespace = 'kafka-admission', values = {} } = options;
  const fullname = release.includes('clusterlink-webhook') ? release : `${release}-clusterlink-webhook`;
  const port = await freePort();
  await cluster.kubectlOk(['create', 'namespace', namespace]);
  await cluster.helmOk(['install', release, CHART_DIR, '--namespace', namespace, '-f', '-'], {
    input: valuesWithUrl(values, port),
  });
  const dir = join(cluster.dir, `webhook-${release}`);
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  await secretFile(cluster, namespace, `${fullname}-tls`, 'tls.crt', certFile);
  await secretFile(cluster, namespace, `${fullname}-tls`, 'tls.key', keyFile);
  const serviceAccountKubeconfig = cluster.kubeconfigFor(
    release,
    await serviceAccountToken(cluster, namespace, fullname),
  );
  let started = 0;
  return {
    release,
    namespace,
    fullname,
    port,
    certFile,
    keyFile,
    serviceAccountKubeconfig,
    startWebhook(args = ['--reconciler', 'false'], env = {}, onPort = port) {
      const certDir = join(dir, `serve-${started++}`);
      mkdirSync(certDir, { recursive: true });
      return startWebhook({
        port: onPort,
        certFile,
        keyFile,
        certDir,
        kubeconfig: serviceAccountKubeconfig,
        args,
        env: { POD_NAMESPACE: namespace, ...env },
      });
    },
  };
}
