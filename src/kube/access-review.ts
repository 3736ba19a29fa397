// The SubjectAccessReview behind exceptions (docs/rules.md#exceptions): may this user skip rules on ClusterLinks in
// this namespace? Asked as the verb `skip-rules` on the virtual resource `clusterlinks/exceptions` of
// platform.confluent.io, which only an admin's RBAC grants. One call per user, groups and namespace every 10 s at
// most; bounded by the caller's signal (the admission deadline). Never throws: a failure is a refusal.
import { AuthorizationV1Api, type KubeConfig, type V1SubjectAccessReview } from '@kubernetes/client-node';
import { requestOptions } from './request-options.js';

export const EXCEPTION_GROUP = 'platform.confluent.io';
export const EXCEPTION_RESOURCE = 'clusterlinks';
export const EXCEPTION_SUBRESOURCE = 'exceptions';
export const EXCEPTION_VERB = 'skip-rules';

export interface Requester {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AccessVerdict {
  allowed: boolean;
  reason: string;
}

/** Sends one SubjectAccessReview; the Kubernetes client by default, a fake in tests. */
export type ReviewSender = (body: V1SubjectAccessReview, signal: AbortSignal) => Promise<V1SubjectAccessReview>;

export interface SkipRulesAuthorizer {
  mayGrant(user: Requester, namespace: string | undefined, signal: AbortSignal): Promise<AccessVerdict>;
}

export function kubeReviewSender(kubeConfig: KubeConfig): ReviewSender {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  return (body, signal) => api.createSubjectAccessReview({ body }, requestOptions({ signal }));
}

export function reviewBody(user: Requester, namespace: string | undefined): V1SubjectAccessReview {
  const spec: V1SubjectAccessReview['spec'] = {
    resourceAttributes: {
      group: EXCEPTION_GROUP,
      resource: EXCEPTION_RESOURCE,
      subresource: EXCEPTION_SUBRESOURCE,
      verb: EXCEPTION_VERB,
      ...(namespace ? { namespace } : {}),
    },
  };
  if (user.username !== undefined) spec.user = user.username;
  if (user.uid !== undefined) spec.uid = user.uid;
  if (user.groups !== undefined) spec.groups = user.groups;
  if (user.extra !== undefined) spec.extra = user.extra;
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
}

export function createSkipRulesAuthorizer(
  send: ReviewSender,
  options: { ttlMs?: number; now?: () => number } = {},
): SkipRulesAuthorizer {
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { verdict: AccessVerdict; expires: number }>();
  return {
    async mayGrant(user, namespace, signal) {
      const who = user.username ?? '';
      if (who === '') return { allowed: false, reason: 'the request names no user' };
      const key = JSON.stringify([who, [...(user.groups ?? [])].sort(), namespace ?? '']);
      const hit = cache.get(key);
      if (hit && hit.expires > now()) return hit.verdict;
      const what = `${EXCEPTION_VERB} on ${EXCEPTION_RESOURCE}/${EXCEPTION_SUBRESOURCE}.${EXCEPTION_GROUP}`;
      let verdict: AccessVerdict;
      try {
        const answer = await send(reviewBody(user, namespace), signal);
        const allowed = answer.status?.allowed === true && answer.status.denied !== true;
        verdict = allowed
          ? { allowed: true, reason: `${who} may ${what}` }
          : { allowed: false, reason: `${who} may not ${what}${namespace ? ` in namespace "${namespace}"` : ''}` };
      } catch (err) {
        // not cached: the next review asks again
        const detail = signal.aborted
          ? 'the access review timed out'
          : `the access review failed (${(err as Error).message})`;
        return { allowed: false, reason: detail };
      }
      cache.set(key, { verdict, expires: now() + ttlMs });
      if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
      return verdict;
    },
  };
}
