// Shared set-up for the controller tests: a fake Kubernetes API seeded with a KafkaRestClass and Secrets,
// ClusterLink builders, and a bounded waitFor.
import type { ClusterLink } from '../../../src/clusterlink/types.js';
import type { FakeKubeApi, KubeObject } from '../../support/fake-kube-api.js';

export const API_VERSION = 'platform.confluent.io/v1beta1';

export function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = async (): Promise<void> => {
      let ok = false;
      try {
        ok = await check();
      } catch {
        ok = false;
      }
      if (ok) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(() => void tick(), 15);
    };
    void tick();
  });
}

export function seedRestClass(
  api: FakeKubeApi,
  namespace: string,
  name: string,
  endpoint: string,
  basic?: { username: string; password: string },
): void {
  if (basic) {
    api.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-cred`, namespace },
      data: { 'basic.txt': Buffer.from(`username=${basic.username}\npassword=${basic.password}\n`).toString('base64') },
    });
  }
  api.seed({
    apiVersion: API_VERSION,
    kind: 'KafkaRestClass',
    metadata: { name, namespace },
    spec: {
      kafkaRest: {
        endpoint,
        ...(basic ? { authentication: { type: 'basic', basic: { secretRef: `${name}-cred` } } } : {}),
      },
    },
  });
}

export function seedPlainSecret(
  api: FakeKubeApi,
  namespace: string,
  name: string,
  username: string,
  password: string,
): void {
  api.seed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data: { 'plain.txt': Buffer.from(`username=${username}\npassword=${password}\n`).toString('base64') },
  });
}

export function getLink(api: FakeKubeApi, namespace: string, name: string): ClusterLink | undefined {
  return api.getObject({ apiVersion: API_VERSION, kind: 'ClusterLink', namespace, name });
}

export function linkObject(
  namespace: string,
  name: string,
  spec: NonNullable<ClusterLink['spec']>,
  metadata: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'ClusterLink',
    metadata: { name, namespace, ...metadata },
    spec: spec,
  };
}

export function eventsFor(
  api: FakeKubeApi,
  namespace: string,
  name: string,
): { type: string; reason: string; message: string }[] {
  return api
    .listObjects({ apiVersion: 'v1', kind: 'Event', namespace })
    .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name)
    .map((e) => ({ type: String(e.type), reason: String(e.reason), message: String(e.message) }));
}
