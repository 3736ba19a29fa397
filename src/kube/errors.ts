import { STATUS_CODES } from 'node:http';

// Reading client-node 1.x failures: ApiException carries the HTTP code and the Status body (JSON text).
export function kubeStatusCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const code = err.code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export const isKubeNotFound = (err: unknown): boolean => kubeStatusCode(err) === 404;
export const isKubeConflict = (err: unknown): boolean => kubeStatusCode(err) === 409;

/** A short, secret-free description of a client-node error (ApiException bodies are Status JSON). */
export function describeKubeError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'number') {
    const e = err as { code: number; body?: unknown };
    let message: string | undefined;
    try {
      const body = typeof e.body === 'string' ? (JSON.parse(e.body) as unknown) : e.body;
      if (body && typeof body === 'object' && 'message' in body) message = String(body.message);
    } catch {
      // not JSON: keep the code only
    }
    return message
      ? `HTTP ${e.code}: ${message}`
      : `HTTP ${e.code}${STATUS_CODES[e.code] ? ` ${STATUS_CODES[e.code]}` : ''}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
