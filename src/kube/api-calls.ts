// Every Kubernetes API call the code makes, with the RBAC verb it needs: the chart grants exactly these
// (test/chart/rbac-calls.test.ts scans src/kube for client calls, and compares this table with the chart's
// Roles and with the table in docs/install.md#permissions). A new call needs a row here, a grant in the chart
// and a line in the docs, or that test fails.

// audit: the periodic re-validation in `serve` (docs/audit.md), granted apart so it runs with the reconciler off.
export type Component = 'webhook' | 'reconciler' | 'certificates' | 'audit';

export interface KubeApiCall {
  /** The @kubernetes/client-node method (or `makeInformer`) as written in src/kube. */
  method: string;
  /** API group ("" for the core group). */
  group: string;
  /** Resource, with its sub-resource (`clusterlinks/status`). */
  resource: string;
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  component: Component;
  why: string;
}

const CONFLUENT = 'platform.confluent.io';

export const KUBE_API_CALLS: readonly KubeApiCall[] = [
  {
    method: 'readNamespacedSecret',
    group: '',
    resource: 'secrets',
    verb: 'get',
    component: 'webhook',
    why: 'Secret checks',
  },
  {
    method: 'readNamespacedSecret',
    group: '',
    resource: 'secrets',
    verb: 'get',
    component: 'reconciler',
    why: 'credentials of a link',
  },
  {
    method: 'createSubjectAccessReview',
    group: 'authorization.k8s.io',
    resource: 'subjectaccessreviews',
    verb: 'create',
    component: 'webhook',
    why: 'skip-rules exceptions',
  },
  {
    method: 'getNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'kafkarestclasses',
    verb: 'get',
    component: 'reconciler',
    why: 'the REST endpoint of a link',
  },
  {
    method: 'getNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'get',
    component: 'reconciler',
    why: 'fresh read before a pass',
  },
  {
    method: 'listNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'list',
    component: 'reconciler',
    why: 'informer list (watched namespaces)',
  },
  {
    method: 'listClusterCustomObject',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'list',
    component: 'reconciler',
    why: 'informer list (all namespaces)',
  },
  {
    method: 'makeInformer',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'watch',
    component: 'reconciler',
    why: 'informer watch',
  },
  {
    method: 'patchNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'patch',
    component: 'reconciler',
    why: 'finalizer and annotations (merge patch)',
  },
  {
    method: 'patchNamespacedCustomObjectStatus',
    group: CONFLUENT,
    resource: 'clusterlinks/status',
    verb: 'patch',
    component: 'reconciler',
    why: 'status',
  },
  {
    method: 'getNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'kafkatopics',
    verb: 'get',
    component: 'reconciler',
    why: 'promoted topic hand-over',
  },
  {
    method: 'createNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'kafkatopics',
    verb: 'create',
    component: 'reconciler',
    why: 'promoted topic hand-over',
  },
  {
    method: 'createNamespacedEvent',
    group: '',
    resource: 'events',
    verb: 'create',
    component: 'reconciler',
    why: 'Events',
  },
  {
    method: 'readNamespacedLease',
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'get',
    component: 'reconciler',
    why: 'leader election',
  },
  {
    method: 'createNamespacedLease',
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'create',
    component: 'reconciler',
    why: 'leader election',
  },
  {
    method: 'replaceNamespacedLease',
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'update',
    component: 'reconciler',
    why: 'leader election (renew, take over)',
  },
  {
    method: 'readNamespacedSecret',
    group: '',
    resource: 'secrets',
    verb: 'get',
    component: 'certificates',
    why: 'managed CA and serving Secrets (by name)',
  },
  {
    method: 'createNamespacedSecret',
    group: '',
    resource: 'secrets',
    verb: 'create',
    component: 'certificates',
    why: 'managed Secrets, first time',
  },
  {
    method: 'replaceNamespacedSecret',
    group: '',
    resource: 'secrets',
    verb: 'update',
    component: 'certificates',
    why: 'renewal (guarded by resourceVersion, by name)',
  },
  {
    method: 'readMutatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    resource: 'mutatingwebhookconfigurations',
    verb: 'get',
    component: 'certificates',
    why: 'caBundle (by name)',
  },
  {
    method: 'patchMutatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    resource: 'mutatingwebhookconfigurations',
    verb: 'patch',
    component: 'certificates',
    why: 'caBundle (by name)',
  },
  {
    method: 'readValidatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    resource: 'validatingwebhookconfigurations',
    verb: 'get',
    component: 'certificates',
    why: 'caBundle, owner of the Secrets (by name)',
  },
  {
    method: 'patchValidatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    resource: 'validatingwebhookconfigurations',
    verb: 'patch',
    component: 'certificates',
    why: 'caBundle (by name)',
  },
  {
    method: 'readNamespacedLease',
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'get',
    component: 'certificates',
    why: 'cert-writer election',
  },
  {
    method: 'createNamespacedLease',
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'create',
    component: 'certificates',
    why: 'cert-writer election',
  },
  {
    method: 'replaceNamespacedLease',
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'update',
    component: 'certificates',
    why: 'cert-writer election (renew, take over)',
  },
  {
    method: 'listNamespacedCustomObject',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'list',
    component: 'audit',
    why: 'the ClusterLinks to re-validate (watched namespaces)',
  },
  {
    method: 'listClusterCustomObject',
    group: CONFLUENT,
    resource: 'clusterlinks',
    verb: 'list',
    component: 'audit',
    why: 'the ClusterLinks to re-validate (all namespaces)',
  },
  {
    method: 'patchNamespacedCustomObjectStatus',
    group: CONFLUENT,
    resource: 'clusterlinks/status',
    verb: 'patch',
    component: 'audit',
    why: 'the Validated condition',
  },
  {
    method: 'createNamespacedEvent',
    group: '',
    resource: 'events',
    verb: 'create',
    component: 'audit',
    why: 'an Event when a verdict changes',
  },
];

/** resource → sorted verbs, over the calls of the given components. */
export function verbsByResource(components: readonly Component[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const c of KUBE_API_CALLS) if (components.includes(c.component)) (out[c.resource] ??= new Set()).add(c.verb);
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, [...v].sort()]),
  );
}
