// The controller's Kubernetes edge: typed, thin wrappers over client-node 1.x for exactly the calls it makes.
// Every call takes an AbortSignal so losing the lease or shutting down cuts requests short, and every call has a
// timeout (default 30 s), so a black-holed API server never holds a pass or the leader election forever.
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { ClusterLink, ClusterLinkStatus } from '../clusterlink/types.js';
import { isKubeConflict, isKubeNotFound } from './errors.js';
import type { KafkaRestClassObject, KubeReads } from './kube-reads.js';
import { requestOptions as baseRequestOptions, type RequestOptions } from './request-options.js';
import { CLUSTERLINKS, KAFKARESTCLASSES, KAFKATOPICS } from './resources.js';
import { decodeSecretData } from './secret-data.js';

/** A confluent KafkaTopic CR as this project writes it (the fields it sets). */
export interface KafkaTopicObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    name: string;
    partitionCount?: number;
    replicas?: number;
    kafkaRestClassRef?: { name: string; namespace?: string };
  };
}

export interface ClusterLinkList {
  metadata?: { resourceVersion?: string };
  items: ClusterLink[];
}

export interface CoreEvent {
  metadata: { generateName: string; namespace: string };
  involvedObject: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
  };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: Date;
  lastTimestamp: Date;
  count: number;
  action?: string;
}

/** Default timeout of one Kubernetes API call (ms). */
export const DEFAULT_KUBE_TIMEOUT_MS = 30_000;

export class KubeApi implements KubeReads {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly coordination: CoordinationV1Api;
  private readonly timeoutMs: number;

  constructor(
    readonly kubeConfig: KubeConfig,
    options: { timeoutMs?: number } = {},
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.coordination = kubeConfig.makeApiClient(CoordinationV1Api);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KUBE_TIMEOUT_MS;
  }

  /** Per-call options: the caller's signal plus this API's timeout. */
  private opts(options: RequestOptions): ReturnType<typeof baseRequestOptions> {
    return baseRequestOptions({ timeoutMs: this.timeoutMs, ...options });
  }

  async getSecretData(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<Record<string, Buffer> | undefined> {
    try {
      const secret = await this.core.readNamespacedSecret({ name, namespace }, this.opts({ signal }));
      return decodeSecretData(secret.data);
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }

  async getKafkaRestClass(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<KafkaRestClassObject | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject(
        { ...KAFKARESTCLASSES, namespace, name },
        this.opts({ signal }),
      )) as KafkaRestClassObject;
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }

  async listClusterLinks(namespace: string | undefined, signal?: AbortSignal): Promise<ClusterLinkList> {
    const opts = this.opts({ signal });
    const list: unknown = namespace
      ? await this.custom.listNamespacedCustomObject({ ...CLUSTERLINKS, namespace }, opts)
      : await this.custom.listClusterCustomObject({ ...CLUSTERLINKS }, opts);
    return list as ClusterLinkList;
  }

  async getClusterLink(namespace: string, name: string, signal?: AbortSignal): Promise<ClusterLink | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject(
        { ...CLUSTERLINKS, namespace, name },
        this.opts({ signal }),
      )) as ClusterLink;
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Sets metadata.finalizers, guarded by the resourceVersion the decision was made on (409 when stale). */
  async setFinalizers(
    namespace: string,
    name: string,
    finalizers: string[],
    resourceVersion: string | undefined,
    signal?: AbortSignal,
  ): Promise<ClusterLink> {
    const body = { metadata: { finalizers, ...(resourceVersion ? { resourceVersion } : {}) } };
    return (await this.custom.patchNamespacedCustomObject(
      { ...CLUSTERLINKS, namespace, name, body },
      this.opts({ signal, contentType: 'application/merge-patch+json' }),
    )) as ClusterLink;
  }

  /** Sets (string) or removes (null) annotations with a metadata merge patch; other annotations are untouched. */
  async setAnnotations(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
    signal?: AbortSignal,
  ): Promise<ClusterLink> {
    return (await this.custom.patchNamespacedCustomObject(
      { ...CLUSTERLINKS, namespace, name, body: { metadata: { annotations } } },
      this.opts({ signal, contentType: 'application/merge-patch+json' }),
    )) as ClusterLink;
  }

  /** A JSON patch of the status sub-resource: the audit sets its one condition with it (docs/audit.md). */
  async patchClusterLinkStatus(
    namespace: string,
    name: string,
    ops: ReadonlyArray<{ op: string; path: string; value?: unknown }>,
    signal?: AbortSignal,
  ): Promise<ClusterLink> {
    return (await this.custom.patchNamespacedCustomObjectStatus(
      { ...CLUSTERLINKS, namespace, name, body: ops },
      this.opts({ signal, contentType: 'application/json-patch+json' }),
    )) as ClusterLink;
  }

  /** Replaces the whole status through the status sub-resource (a JSON patch, so removed map entries go too). */
  async writeStatus(
    namespace: string,
    name: string,
    status: ClusterLinkStatus,
    signal?: AbortSignal,
  ): Promise<ClusterLink> {
    return (await this.custom.patchNamespacedCustomObjectStatus(
      { ...CLUSTERLINKS, namespace, name, body: [{ op: 'add', path: '/status', value: status }] },
      this.opts({ signal, contentType: 'application/json-patch+json' }),
    )) as ClusterLink;
  }

  async getKafkaTopic(namespace: string, name: string, signal?: AbortSignal): Promise<KafkaTopicObject | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject(
        { ...KAFKATOPICS, namespace, name },
        this.opts({ signal }),
      )) as KafkaTopicObject;
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Creates the KafkaTopic unless one of that name exists (never overwritten): returns the one that exists. */
  async createKafkaTopicOnce(
    topic: KafkaTopicObject,
    signal?: AbortSignal,
  ): Promise<{ created: boolean; existing?: KafkaTopicObject }> {
    // Look first: a stopped mirror is reported on every pass, and a create that fails with 409 is still a write.
    const present = await this.getKafkaTopic(topic.metadata.namespace, topic.metadata.name, signal);
    if (present) return { created: false, existing: present };
    try {
      await this.custom.createNamespacedCustomObject(
        { ...KAFKATOPICS, namespace: topic.metadata.namespace, body: topic },
        this.opts({ signal }),
      );
      return { created: true };
    } catch (err) {
      if (!isKubeConflict(err)) throw err;
      const existing = await this.getKafkaTopic(topic.metadata.namespace, topic.metadata.name, signal);
      return { created: false, ...(existing ? { existing } : {}) };
    }
  }

  async createEvent(event: CoreEvent, signal?: AbortSignal): Promise<void> {
    await this.core.createNamespacedEvent({ namespace: event.metadata.namespace, body: event }, this.opts({ signal }));
  }

  async getLease(namespace: string, name: string, signal?: AbortSignal): Promise<V1Lease | undefined> {
    try {
      return await this.coordination.readNamespacedLease({ name, namespace }, this.opts({ signal }));
    } catch (err) {
      if (isKubeNotFound(err)) return undefined;
      throw err;
    }
  }

  async createLease(namespace: string, lease: V1Lease, signal?: AbortSignal): Promise<V1Lease> {
    return this.coordination.createNamespacedLease({ namespace, body: lease }, this.opts({ signal }));
  }

  async replaceLease(namespace: string, name: string, lease: V1Lease, signal?: AbortSignal): Promise<V1Lease> {
    return this.coordination.replaceNamespacedLease({ name, namespace, body: lease }, this.opts({ signal }));
  }
}
