// Kubernetes Events (core/v1) about a ClusterLink: what `kubectl describe clusterlink` shows. Best effort:
// failing to record an event is logged, never fails a reconcile pass.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ClusterLink } from '../clusterlink/types.js';
import { describeKubeError } from './errors.js';
import type { CoreEvent } from './kube-api.js';
import { CLUSTERLINKS, COMPONENT, CONFLUENT_API_VERSION } from './resources.js';

/** What an Event says; the reconciler's KubeEvent has this shape. */
export interface EventNote {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface EventSink {
  createEvent(event: CoreEvent, signal?: AbortSignal): Promise<void>;
}

/** Event messages are capped like the API server's (1 KiB). */
const MAX_MESSAGE = 1024;

function buildEvent(link: ClusterLink, event: EventNote, instance: string, now: Date = new Date()): CoreEvent {
  const name = link.metadata?.name ?? '';
  const namespace = link.metadata?.namespace ?? 'default';
  return {
    metadata: { generateName: `${name}.`, namespace },
    involvedObject: {
      apiVersion: CONFLUENT_API_VERSION,
      kind: CLUSTERLINKS.kind,
      name,
      namespace,
      ...(link.metadata?.uid ? { uid: link.metadata.uid } : {}),
      ...(link.metadata?.resourceVersion ? { resourceVersion: link.metadata.resourceVersion } : {}),
    },
    type: event.type,
    reason: event.reason,
    message: event.message.length > MAX_MESSAGE ? `${event.message.slice(0, MAX_MESSAGE - 3)}...` : event.message,
    source: { component: COMPONENT, host: hostname() },
    reportingComponent: COMPONENT,
    reportingInstance: instance,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}

export class EventRecorder {
  constructor(
    private readonly sink: EventSink,
    private readonly instance: string,
    private readonly logger?: Logger,
  ) {}

  async record(link: ClusterLink, event: EventNote, signal?: AbortSignal): Promise<void> {
    try {
      await this.sink.createEvent(buildEvent(link, event, this.instance), signal);
    } catch (err) {
      this.logger?.warn(
        {
          clusterLink: `${link.metadata?.namespace}/${link.metadata?.name}`,
          reason: event.reason,
          error: describeKubeError(err),
        },
        'could not record event',
      );
    }
  }
}
