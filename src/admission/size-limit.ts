// The size limit of a ClusterLink the webhooks judge (docs/webhook.md#limits): at most MAX_MIRROR_TOPICS entries in
// spec.mirrorTopics. Beyond it both webhooks deny at once, before any rule runs, so the work per review stays
// bounded (four concurrent maximal reviews and a small one behind them all answer inside the 2 s budget) and a
// 50,000-topic object costs a count, not a second of CPU and hundreds of MiB.
import { forbidden } from '../clusterlink/field-errors.js';
import { isPlainObject } from '../lib/json.js';
import type { AdmissionDecision, Admitter } from './types.js';

/** Mirror topics per ClusterLink. Confluent's own guidance keeps a link to thousands of topics; 10,000 is generous. */
export const MAX_MIRROR_TOPICS = 10_000;

/** The number of mirror topics of `object` when it is over the limit, else undefined. */
export function mirrorTopicsOverLimit(object: unknown): number | undefined {
  if (!isPlainObject(object) || !isPlainObject(object.spec)) return undefined;
  const topics = object.spec.mirrorTopics;
  return Array.isArray(topics) && topics.length > MAX_MIRROR_TOPICS ? topics.length : undefined;
}

export function tooManyMirrorTopics(count: number): AdmissionDecision {
  return {
    allowed: false,
    errors: [
      forbidden(
        'spec.mirrorTopics',
        `${count} mirror topics, more than the ${MAX_MIRROR_TOPICS} one ClusterLink may have: each topic is checked ` +
          'within the 2 s admission budget and mirrored through one link; split the topics over several ClusterLinks',
      ),
    ],
    warnings: [],
  };
}

/** `admitter`, denying objects over the limit before it runs. */
export function withSizeLimit(admitter: Admitter): Admitter {
  return (request, options) => {
    const count = mirrorTopicsOverLimit(request.object);
    return count === undefined ? admitter(request, options) : Promise.resolve(tooManyMirrorTopics(count));
  };
}
