// Per-call options for client-node 1.x API methods: an AbortSignal (so a lost lease or a shutdown can cut
// a request short) and the patch Content-Type. Both go through client-node's middleware hook.
import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';

export type PatchContentType =
  'application/merge-patch+json' | 'application/json-patch+json' | 'application/strategic-merge-patch+json';

export interface RequestOptions {
  signal?: AbortSignal;
  contentType?: PatchContentType;
  /** Abort the request after this long (ms), whatever `signal` does: no Kubernetes call may hang forever. */
  timeoutMs?: number;
}

/** `signal`, and a deadline when `timeoutMs` is given (either aborts). */
export function boundedSignal(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  const deadline = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

export function requestOptions(options: RequestOptions): ConfigurationOptions<ObservableMiddleware> {
  const signal = boundedSignal(options.signal, options.timeoutMs);
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      if (signal) ctx.setSignal(signal);
      if (options.contentType) ctx.setHeaderParam('Content-Type', options.contentType);
      return new Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new Observable(Promise.resolve(ctx)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
