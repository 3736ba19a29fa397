export { KafkaRestClient, type KafkaRestClientOptions, type MirrorActionOutcome } from './client.js';
export {
  KafkaRestError,
  isKafkaRestError,
  isNotFound,
  isLinkExists,
  isDestinationLinkMissing,
  type MirrorItemError,
} from './errors.js';
export { backoffDelay, retry } from '../lib/backoff.js';
export { sleep } from '../lib/async.js';
export type * from './types.js';
export { STOPPED_STATUSES, STOPPING_STATUSES } from './types.js';
