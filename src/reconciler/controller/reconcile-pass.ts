// One pass over one ClusterLink (docs/reconciler.md): finalizer, inputs from Kubernetes, the Kafka side through the
// LinkReconciler seam, KafkaTopic CRs for stopped mirrors, status through the status sub-resource, events,
// and on deletion the finalizer's release once the Kafka side says it is finalized (or the user opted out).
import type { Logger } from 'pino';
import type { ClusterLink, ClusterLinkStatus, Condition } from '../../clusterlink/types.js';
import { describeKubeError, kubeStatusCode } from '../../kube/errors.js';
import type { EventRecorder } from '../../kube/events.js';
import { buildKafkaTopic } from './kafka-topic.js';
import type { KubeApi } from '../../kube/kube-api.js';
import { isResolutionError } from '../resolve/resolution-error.js';
import { FINALIZER, SKIP_KAFKA_CLEANUP_ANNOTATION } from '../../kube/resources.js';
import type { LinkReconciler, ReconcileOutcome } from '../types.js';
import { buildReconcileInput, classRefOf, clusterSides, linkNameOf, skipsKafkaCleanup } from '../resolve/inputs.js';
import { failureStatus, readyCondition, sameStatus, successStatus } from './status.js';

export type PassApi = Pick<
  KubeApi,
  'getSecretData' | 'getKafkaRestClass' | 'setFinalizers' | 'writeStatus' | 'createKafkaTopicOnce'
>;

export interface PassDeps {
  api: PassApi;
  recorder: Pick<EventRecorder, 'record'>;
  linkReconciler: LinkReconciler;
  logger: Logger;
  now?: () => Date;
  /** Requeue delay while a deletion is still in progress and the Kafka side gave none. */
  deletionRequeueMs?: number;
  /** KafkaTopics known to exist (`namespace/name`), so later passes need not ask again. */
  knownKafkaTopics?: Set<string>;
}

export interface PassResult {
  /** Run again after this delay (success). */
  requeueAfterMs?: number;
  /** The pass failed; the caller backs off. */
  failure?: { reason: string; message: string };
  /** The signal fired (lost the lease, shutting down): nothing was written after that. */
  aborted?: boolean;
  /** The pass ran but Ready is False (e.g. the plan is blocked, a link task is in error): retry with backoff. */
  notReady?: boolean;
  /** Mirror topics by state after the pass (metrics, docs/reconciler.md#metrics). */
  mirrorStates?: Record<string, number>;
}

const SKIP_CONDITION = 'KafkaCleanup';

/** Told to whoever is stuck deleting a ClusterLink whose Kafka side keeps failing. */
export const SKIP_HINT = `; to delete without Kafka cleanup, annotate the ClusterLink with ${SKIP_KAFKA_CLEANUP_ANNOTATION}=true`;

/** While deleting, a failing Ready condition also says how to get out. */
function withDeletionHint(conditions: readonly Condition[], deleting: boolean): Condition[] {
  if (!deleting) return [...conditions];
  return conditions.map((c) =>
    c.type === 'Ready' &&
    c.status === 'False' &&
    c.reason !== 'Deleting' &&
    c.reason !== 'Deleted' &&
    !(c.message ?? '').endsWith(SKIP_HINT)
      ? { ...c, message: `${c.message ?? c.reason ?? 'failed'}${SKIP_HINT}` }
      : c,
  );
}

/** Why a pass failed, in words for the Ready condition (never a secret: the messages come from our own checks and the servers). */
export function describeFailure(err: unknown): { reason: string; message: string } {
  if (isResolutionError(err)) return { reason: err.reason, message: err.message };
  if (err instanceof Error && err.name === 'KafkaRestError') {
    const e = err as Error & { serverMessage?: string; status?: number; kind?: string };
    return { reason: 'KafkaRestError', message: e.message };
  }
  if (kubeStatusCode(err) !== undefined) return { reason: 'KubernetesApiError', message: describeKubeError(err) };
  return { reason: 'ReconcileError', message: err instanceof Error ? err.message : String(err) };
}

function skipCondition(link: ClusterLink): Condition[] {
  if (!skipsKafkaCleanup(link)) return [];
  return [
    {
      type: SKIP_CONDITION,
      status: 'False',
      reason: 'SkipRequested',
      message: `annotation ${SKIP_KAFKA_CLEANUP_ANNOTATION}=true: deleting this ClusterLink will leave the cluster link and its mirror topics on Kafka untouched`,
    },
  ];
}

function countStates(mirrors: Record<string, { status?: string }> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of Object.values(mirrors ?? {})) out[m.status ?? 'UNKNOWN'] = (out[m.status ?? 'UNKNOWN'] ?? 0) + 1;
  return out;
}

export async function reconcilePass(initial: ClusterLink, deps: PassDeps, signal: AbortSignal): Promise<PassResult> {
  let link = initial;
  const namespace = link.metadata?.namespace ?? 'default';
  const name = link.metadata?.name ?? '';
  const log = deps.logger.child({ clusterLink: `${namespace}/${name}` });
  const now = () => (deps.now ? deps.now() : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const deleting = Boolean(link.metadata?.deletionTimestamp);
  const finalizers = link.metadata?.finalizers ?? [];
  const hasFinalizer = finalizers.includes(FINALIZER);
  const generation = link.metadata?.generation;

  const releaseFinalizer = async (current: ClusterLink): Promise<void> => {
    const remaining = (current.metadata?.finalizers ?? []).filter((f) => f !== FINALIZER);
    await deps.api.setFinalizers(namespace, name, remaining, current.metadata?.resourceVersion, signal);
  };

  const writeStatusIfChanged = async (status: ClusterLinkStatus): Promise<void> => {
    if (sameStatus(status, link.status)) return;
    link = await deps.api.writeStatus(namespace, name, status, signal);
  };

  const fail = async (err: unknown): Promise<PassResult> => {
    if (signal.aborted) return { aborted: true };
    const described = describeFailure(err);
    const failure = deleting ? { ...described, message: `${described.message}${SKIP_HINT}` } : described;
    const before = readyCondition(link.status);
    const changed = !(
      before?.status === 'False' &&
      before.reason === failure.reason &&
      before.message === failure.message
    );
    log.warn({ reason: failure.reason, error: failure.message }, 'reconcile failed');
    try {
      await writeStatusIfChanged(
        failureStatus(
          link.status,
          failure.reason,
          failure.message,
          generation,
          now(),
          deleting ? [] : skipCondition(link),
        ),
      );
    } catch (writeErr) {
      if (signal.aborted) return { aborted: true };
      log.warn({ error: describeKubeError(writeErr) }, 'could not write status');
    }
    if (changed)
      await deps.recorder.record(link, { type: 'Warning', reason: failure.reason, message: failure.message }, signal);
    return { failure };
  };

  if (deleting && !hasFinalizer) return {}; // not ours (any more): nothing to clean up

  try {
    if (deleting && skipsKafkaCleanup(link)) {
      const message = `deleted without Kafka cleanup (annotation ${SKIP_KAFKA_CLEANUP_ANNOTATION}=true): cluster link "${linkNameOf(link)}" and its mirror topics were left on Kafka`;
      log.warn({}, message);
      await deps.recorder.record(link, { type: 'Warning', reason: 'KafkaCleanupSkipped', message }, signal);
      try {
        await writeStatusIfChanged(failureStatus(link.status, 'KafkaCleanupSkipped', message, generation, now()));
      } catch (err) {
        log.warn({ error: describeKubeError(err) }, 'could not write status');
      }
      await releaseFinalizer(link);
      return {};
    }
    if (!deleting && !hasFinalizer) {
      link = await deps.api.setFinalizers(
        namespace,
        name,
        [...finalizers, FINALIZER],
        link.metadata?.resourceVersion,
        signal,
      );
    }
  } catch (err) {
    return fail(err);
  }

  let outcome: ReconcileOutcome;
  try {
    const input = await buildReconcileInput(link, deps.api, signal);
    outcome = await deps.linkReconciler(input, signal);
  } catch (err) {
    return fail(err);
  }
  if (signal.aborted) return { aborted: true };
  const mirrorStates = countStates(outcome.status.mirrorTopics);

  try {
    // Hand-over first: the status written below tells the Kafka side these topics are taken care of.
    const sides = clusterSides(link);
    const classRef = classRefOf(link.spec?.[sides.local], namespace);
    for (const mirror of outcome.stoppedMirrors) {
      const topic = buildKafkaTopic(mirror, {
        namespace,
        clusterLinkName: name,
        clusterLinkUid: link.metadata?.uid ?? '',
        linkName: linkNameOf(link),
        ...(classRef ? { kafkaRestClassRef: classRef } : {}),
      });
      const topicKey = `${namespace}/${topic.metadata.name}`;
      if (deps.knownKafkaTopics?.has(topicKey)) continue;
      const result = await deps.api.createKafkaTopicOnce(topic, signal);
      deps.knownKafkaTopics?.add(topicKey);
      if (result.created) {
        await deps.recorder.record(
          link,
          {
            type: 'Normal',
            reason: 'KafkaTopicCreated',
            message: `KafkaTopic ${topic.metadata.name} created for ${mirror.action === 'PROMOTE' ? 'promoted' : 'failed-over'} topic ${mirror.topicName}`,
          },
          signal,
        );
      } else if (
        result.existing &&
        result.existing.spec?.name !== undefined &&
        result.existing.spec.name !== mirror.topicName
      ) {
        await deps.recorder.record(
          link,
          {
            type: 'Warning',
            reason: 'KafkaTopicNameCollision',
            message: `KafkaTopic ${topic.metadata.name} already exists for topic ${result.existing.spec.name}; no KafkaTopic was created for ${mirror.topicName}`,
          },
          signal,
        );
      }
    }

    const status = successStatus({
      ...(link.status ? { previous: link.status } : {}),
      status: outcome.status,
      conditions: withDeletionHint(outcome.conditions, deleting),
      extraConditions: deleting ? [] : skipCondition(link),
      ...(generation !== undefined ? { generation } : {}),
      now: now(),
    });
    const readyBefore = readyCondition(link.status);
    const readyAfter = readyCondition(status);
    // A failure that persists pass after pass (an outage with retries) is announced once, not per retry.
    const sameFailure =
      readyBefore?.status === 'False' &&
      readyAfter?.status === 'False' &&
      readyBefore.reason === readyAfter.reason &&
      readyBefore.message === readyAfter.message;
    await writeStatusIfChanged(status);
    for (const event of outcome.events) {
      if (sameFailure && event.type === 'Warning') continue;
      await deps.recorder.record(link, event, signal);
    }
    log.debug({ writeCalls: outcome.writeCalls, deleting, finalized: outcome.finalized ?? false }, 'reconciled');

    if (deleting) {
      if (!outcome.finalized) return { requeueAfterMs: outcome.requeueAfterMs ?? deps.deletionRequeueMs ?? 2000 };
      await releaseFinalizer(link);
      log.info({}, 'Kafka cleanup done; finalizer released');
      return {};
    }
    if (outcome.requeueAfterMs !== undefined) return { requeueAfterMs: outcome.requeueAfterMs, mirrorStates };
    if (outcome.failure)
      return {
        failure: { reason: readyAfter?.reason ?? 'ReconcileError', message: outcome.failure.message },
        mirrorStates,
      };
    return readyAfter?.status === 'False' ? { notReady: true, mirrorStates } : { mirrorStates };
  } catch (err) {
    return fail(err);
  }
}
