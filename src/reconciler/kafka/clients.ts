// RestTarget (resolved from a KafkaRestClass by the controller) → a cached keep-alive client.
import { createHash } from 'node:crypto';
import { KafkaRestClient } from '../../kafka-rest/index.js';
import type { RestTarget } from '../types.js';

export type ClientFactory = (target: RestTarget) => KafkaRestClient;

/** Per-request budgets of the REST clients (docs/reconciler.md, "Timeouts"). */
export interface ClientTimeouts {
  requestTimeoutMs?: number;
  createLinkTimeoutMs?: number;
}

export function clientOptionsFor(
  target: RestTarget,
  timeouts: ClientTimeouts | number = {},
  onRequest?: (method: string, path: string, code: string) => void,
): ConstructorParameters<typeof KafkaRestClient>[0] {
  const t = typeof timeouts === 'number' ? { requestTimeoutMs: timeouts } : timeouts;
  return {
    endpoint: target.endpoint,
    timeoutMs: t.requestTimeoutMs,
    ...(t.createLinkTimeoutMs !== undefined ? { createLinkTimeoutMs: t.createLinkTimeoutMs } : {}),
    ...(onRequest ? { onRequest } : {}),
    auth:
      target.auth?.type === 'basic'
        ? { basic: { username: target.auth.username, password: target.auth.password } }
        : target.auth?.type === 'bearer'
          ? { bearer: target.auth.token }
          : target.auth?.type === 'mds'
            ? { mdsLogin: { username: target.auth.username, password: target.auth.password } }
            : undefined,
    tls: target.tls,
  };
}

/** One client per distinct target (endpoint + credentials), so sockets are reused across passes. */
export function createClientCache(
  timeouts: ClientTimeouts | number = {},
  onRequest?: (method: string, path: string, code: string) => void,
): { get: ClientFactory; close(): void } {
  const cache = new Map<string, KafkaRestClient>();
  return {
    get(target) {
      // Hash the key: the map must not hold credentials in clear as keys of a long-lived structure.
      const key = createHash('sha256')
        .update(JSON.stringify([target.endpoint, target.auth ?? null, target.tls ?? null]))
        .digest('hex');
      let c = cache.get(key);
      if (!c) {
        c = new KafkaRestClient(clientOptionsFor(target, timeouts, onRequest));
        cache.set(key, c);
      }
      return c;
    },
    close() {
      for (const c of cache.values()) c.close();
      cache.clear();
    },
  };
}
