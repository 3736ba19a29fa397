// An in-memory SecretSource for checker tests: each Secret is data, a lookup failure, a hang or a throw.
import type { SecretLookup, SecretSource } from '../../src/secrets/types.js';

export type FakeSecret =
  Record<string, Buffer> | { fail: 'NotFound' | 'Forbidden' | 'Unavailable' | 'Timeout' } | 'hang' | 'throw';

export interface MemorySource extends SecretSource {
  calls: string[];
}

export function memorySource(secrets: Record<string, FakeSecret>): MemorySource {
  const calls: string[] = [];
  return {
    calls,
    async get(namespace: string, name: string, signal: AbortSignal): Promise<SecretLookup> {
      calls.push(`${namespace}/${name}`);
      const secret = secrets[name];
      if (secret === undefined) return { found: false, reason: 'NotFound', message: 'not found' };
      if (secret === 'throw') throw new Error('source exploded');
      if (secret === 'hang') {
        // Never answers on its own; gives up only when told to (like a request with an abort signal).
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => resolve({ found: false, reason: 'Timeout', message: 'aborted' }), {
            once: true,
          });
        });
      }
      if ('fail' in secret && typeof secret.fail === 'string') {
        return { found: false, reason: secret.fail, message: secret.fail };
      }
      return { found: true, data: secret as Record<string, Buffer> };
    },
  };
}
