// The API edge of the managed certificate mode (docs/install.md#managed-certificates): the CA and serving Secrets
// (get, create, update guarded by resourceVersion) and the caBundle of the two webhook configurations (get, and a
// JSON patch whose first op tests the resourceVersion). Nothing logged here holds Secret data. A 409, or a failed
// `test` op (422), is a lost race: it surfaces as an error with `writeConflict: true`, the writer plans again.
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1MutatingWebhookConfiguration,
  type V1Secret,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { isKubeConflict, isKubeNotFound, kubeStatusCode } from './errors.js';
import { requestOptions } from './request-options.js';
import { COMPONENT } from './resources.js';
// The port this edge implements, and its shapes, are the writer's (CONTRIBUTING.md, Layout: kube → tls ports).
import type { ManagedCertStore, SecretWrite, WebhookTrust } from '../tls/managed-writer.js';
import type { SecretSnapshot } from '../tls/managed-plan.js';

export interface ManagedCertStoreOptions {
  namespace: string;
  mutatingConfiguration?: string;
  validatingConfiguration?: string;
  timeoutMs?: number;
}

class WriteConflict extends Error {
  readonly writeConflict = true;
}

const text = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
const b64 = (t: string): string => Buffer.from(t, 'utf8').toString('base64');

function snapshot(s: V1Secret): SecretSnapshot {
  return {
    name: s.metadata?.name ?? '',
    ...(s.type !== undefined ? { type: s.type } : {}),
    labels: s.metadata?.labels ?? {},
    annotations: s.metadata?.annotations ?? {},
    data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, text(v)])),
    ...(s.metadata?.resourceVersion !== undefined ? { resourceVersion: s.metadata.resourceVersion } : {}),
  };
}

function body(s: SecretWrite, namespace: string, extra: Record<string, unknown> = {}): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: s.type,
    metadata: { name: s.name, namespace, labels: s.labels, annotations: s.annotations, ...extra },
    data: Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, b64(v)])),
  };
}

function conflictOr(err: unknown): Error {
  // 422 from a JSON patch: its `test` op saw another resourceVersion.
  if (isKubeConflict(err) || kubeStatusCode(err) === 422) return new WriteConflict('changed meanwhile');
  return err as Error;
}

export class KubeManagedCertStore implements ManagedCertStore {
  private readonly core: CoreV1Api;
  private readonly admission: AdmissionregistrationV1Api;
  private readonly timeoutMs: number;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: ManagedCertStoreOptions,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private opts(contentType?: 'application/json-patch+json'): ReturnType<typeof requestOptions> {
    return requestOptions({ timeoutMs: this.timeoutMs, ...(contentType ? { contentType } : {}) });
  }

  async readSecret(name: string): Promise<SecretSnapshot | undefined> {
    try {
      return snapshot(await this.core.readNamespacedSecret({ name, namespace: this.options.namespace }, this.opts()));
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }

  async createSecret(secret: SecretWrite, owner?: WebhookTrust): Promise<SecretSnapshot> {
    const ownerReferences =
      owner?.uid !== undefined
        ? [{ apiVersion: 'admissionregistration.k8s.io/v1', kind: owner.kind, name: owner.name, uid: owner.uid }]
        : undefined;
    const namespace = this.options.namespace;
    try {
      const made = await this.core.createNamespacedSecret(
        {
          namespace,
          body: body(secret, namespace, ownerReferences ? { ownerReferences } : {}),
          fieldManager: COMPONENT,
        },
        this.opts(),
      );
      return snapshot(made);
    } catch (err) {
      throw conflictOr(err);
    }
  }

  async replaceSecret(secret: SecretWrite, resourceVersion: string): Promise<SecretSnapshot> {
    const namespace = this.options.namespace;
    // The owner references the Secret has stay: a replace without them would drop them.
    const current = await this.core.readNamespacedSecret({ name: secret.name, namespace }, this.opts());
    const extra: Record<string, unknown> = { resourceVersion };
    if (current.metadata?.ownerReferences) extra['ownerReferences'] = current.metadata.ownerReferences;
    try {
      const made = await this.core.replaceNamespacedSecret(
        { name: secret.name, namespace, body: body(secret, namespace, extra), fieldManager: COMPONENT },
        this.opts(),
      );
      return snapshot(made);
    } catch (err) {
      throw conflictOr(err);
    }
  }

  async webhookTrust(): Promise<WebhookTrust[]> {
    const out: WebhookTrust[] = [];
    const { mutatingConfiguration: m, validatingConfiguration: v } = this.options;
    if (m !== undefined) {
      const got = await this.readOptional(() =>
        this.admission.readMutatingWebhookConfiguration({ name: m }, this.opts()),
      );
      if (got) out.push(trustOf('MutatingWebhookConfiguration', got));
    }
    if (v !== undefined) {
      const got = await this.readOptional(() =>
        this.admission.readValidatingWebhookConfiguration({ name: v }, this.opts()),
      );
      if (got) out.push(trustOf('ValidatingWebhookConfiguration', got));
    }
    return out;
  }

  async setCaBundle(target: WebhookTrust, caBundleBase64: string): Promise<void> {
    const ops: Array<{ op: string; path: string; value?: unknown }> = [
      { op: 'test', path: '/metadata/resourceVersion', value: target.resourceVersion },
      ...target.bundles.map((_, i) => ({
        op: 'add',
        path: `/webhooks/${i}/clientConfig/caBundle`,
        value: caBundleBase64,
      })),
    ];
    const request = { name: target.name, body: ops, fieldManager: COMPONENT };
    try {
      if (target.kind === 'MutatingWebhookConfiguration')
        await this.admission.patchMutatingWebhookConfiguration(request, this.opts('application/json-patch+json'));
      else await this.admission.patchValidatingWebhookConfiguration(request, this.opts('application/json-patch+json'));
    } catch (err) {
      throw conflictOr(err);
    }
  }

  private async readOptional<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }
}

function trustOf(
  kind: WebhookTrust['kind'],
  config: V1MutatingWebhookConfiguration | V1ValidatingWebhookConfiguration,
): WebhookTrust {
  return {
    kind,
    name: config.metadata?.name ?? '',
    ...(config.metadata?.uid !== undefined ? { uid: config.metadata.uid } : {}),
    ...(config.metadata?.resourceVersion !== undefined ? { resourceVersion: config.metadata.resourceVersion } : {}),
    bundles: (config.webhooks ?? []).map((w) => {
      const raw = w.clientConfig.caBundle as unknown;
      return typeof raw === 'string' && raw !== '' ? text(raw) : undefined;
    }),
  };
}
