// Per-call options for client-node 1.x API methods: an AbortSignal (so a lost lease or a shutdown can cut
// a request short) and the patch Content-Type. Both go through client-node's middleware hook.
import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';

export type PatchContentType =
  'application/merge-patch+json' | 'application/json-patch+json' | 'application/strategic-merge-patch+json';

export interface RequestOptions {
  signal?: AbortSignal;
  contentType?: PatchContentType;
}

export function requestOptions(options: RequestOptions): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      if (options.signal) ctx.setSignal(options.signal);
      if (options.contentType) ctx.setHeaderParam('Content-Type', options.contentType);
      return new Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new Observable(Promise.resolve(ctx)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
