// ClusterLink informers (client-node ListWatch): one over all namespaces, or one per watched namespace.
// client-node does not restart an informer after an error, so this does, with capped exponential backoff.
import { makeInformer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ClusterLink } from '../clusterlink/types.js';
import { failureBackoff, type BackoffOptions } from '../lib/backoff.js';
import { describeKubeError } from './errors.js';
import type { KubeApi } from './kube-api.js';
import { CLUSTERLINKS } from './resources.js';

export type ClusterLinkChange = 'add' | 'update' | 'delete';

export interface ClusterLinkInformerOptions {
  kubeConfig: KubeConfig;
  api: Pick<KubeApi, 'listClusterLinks'>;
  /** Empty: all namespaces. */
  namespaces: readonly string[];
  onChange: (change: ClusterLinkChange, link: ClusterLink) => void;
  logger?: Logger;
  restartBackoff?: BackoffOptions;
  /**
   * Re-open each watch this often (default 5 min): a watch whose TCP connection died without a FIN would
   * otherwise wait forever. It resumes from the last resourceVersion, so nothing is missed or listed again.
   */
  rewatchMs?: number;
}

type LinkInformer = ReturnType<typeof makeInformer<KubernetesObject>>;

export class ClusterLinkInformer {
  private readonly informers: {
    namespace?: string;
    informer: LinkInformer;
    failures: number;
    timer?: NodeJS.Timeout;
  }[] = [];
  private stopped = true;

  constructor(private readonly options: ClusterLinkInformerOptions) {
    const scopes: (string | undefined)[] = options.namespaces.length > 0 ? [...options.namespaces] : [undefined];
    for (const namespace of scopes) {
      const path = namespace
        ? `/apis/${CLUSTERLINKS.group}/${CLUSTERLINKS.version}/namespaces/${encodeURIComponent(namespace)}/${CLUSTERLINKS.plural}`
        : `/apis/${CLUSTERLINKS.group}/${CLUSTERLINKS.version}/${CLUSTERLINKS.plural}`;
      // client-node opens a new watch after a list that was in flight when stop() was called; failing the
      // list once stopped keeps a stopped informer from watching again.
      const list = async (): Promise<never> => {
        if (this.stopped) throw new Error('informer stopped');
        const result = await options.api.listClusterLinks(namespace);
        if (this.stopped) throw new Error('informer stopped');
        return result as never;
      };
      const informer: LinkInformer = makeInformer<KubernetesObject>(options.kubeConfig, path, list);
      const entry: (typeof this.informers)[number] = { ...(namespace ? { namespace } : {}), informer, failures: 0 };
      informer.on('add', (obj) => {
        entry.failures = 0;
        options.onChange('add', obj as ClusterLink);
      });
      informer.on('update', (obj) => {
        entry.failures = 0;
        options.onChange('update', obj as ClusterLink);
      });
      informer.on('delete', (obj) => options.onChange('delete', obj as ClusterLink));
      informer.on('error', (err) => this.restartLater(entry, err));
      this.informers.push(entry);
    }
  }

  private restartLater(entry: (typeof this.informers)[number], err: unknown): void {
    if (this.stopped) return;
    // client-node reports the abort of its own watch when stopped (here: a deliberate re-watch).
    if (err instanceof Error && err.name === 'AbortError') return;
    entry.failures += 1;
    const delay = failureBackoff(entry.failures, this.options.restartBackoff ?? { baseMs: 500, capMs: 30_000 });
    this.options.logger?.warn(
      { namespace: entry.namespace ?? '(all)', error: describeKubeError(err), retryInMs: delay },
      'ClusterLink watch failed; restarting',
    );
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (!this.stopped) void entry.informer.start();
    }, delay);
  }

  private rewatchTimer: NodeJS.Timeout | undefined;

  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all(this.informers.map((e) => e.informer.start()));
    const every = this.options.rewatchMs ?? 5 * 60_000;
    if (every > 0 && !this.stopped) {
      clearInterval(this.rewatchTimer);
      this.rewatchTimer = setInterval(() => {
        for (const e of this.informers) {
          void (async () => {
            await e.informer.stop();
            if (!this.stopped) await e.informer.start();
          })();
        }
      }, every);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.rewatchTimer);
    for (const e of this.informers) clearTimeout(e.timer);
    await Promise.all(this.informers.map((e) => e.informer.stop()));
  }

  get(namespace: string, name: string): ClusterLink | undefined {
    for (const e of this.informers) {
      if (e.namespace !== undefined && e.namespace !== namespace) continue;
      const found = e.informer.get(name, namespace);
      if (found) return found as ClusterLink;
    }
    return undefined;
  }

  list(): ClusterLink[] {
    return this.informers.flatMap((e) => e.informer.list() as ClusterLink[]);
  }
}
