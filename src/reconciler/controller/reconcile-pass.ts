// One pass over one ClusterLink (docs/reconciler.md): finalizer, inputs from Kubernetes, the Kafka side through the
// LinkReconciler seam, KafkaTopic CRs for stopped mirrors, status through the status sub-resource, events,
// and on deletion the finalizer's release once the Kafka side says it is finalized (or the user opted out).
import type { Logger } from 'pino';
import { isBeingDeleted } from '../../clusterlink/metadata.js';
import type { ClusterLink, ClusterLinkStatus, Condition } from '../../clusterlink/types.js';
import { describeKubeError, kubeStatusCode } from '../../kube/errors.js';
import type { EventRecorder } from '../../kube/events.js';
import {
  buildKafkaTopic,
  kafkaTopicCrName,
  kafkaTopicCrNameWithHash,
  topicOf,
  type KafkaTopicContext,
} from './kafka-topic.js';
import type { KubeApi } from '../../kube/kube-api.js';
import { isResolutionError } from '../resolve/resolution-error.js';
import { APPLIED_CONFIGS_ANNOTATION, FINALIZER, SKIP_KAFKA_CLEANUP_ANNOTATION } from '../../kube/resources.js';
import { formatAppliedConfigs, parseAppliedConfigs } from '../kafka/plan/applied-configs.js';
import type { LinkReconciler, ReconcileOutcome, StoppedMirror } from '../types.js';
import { buildReconcileInput, classRefOf, clusterSides, linkNameOf, skipsKafkaCleanup } from '../resolve/inputs.js';
import { failureStatus, readyCondition, sameStatus, successStatus } from './status.js';

export type PassApi = Pick<
  KubeApi,
  'getSecretData' | 'getKafkaRestClass' | 'setFinalizers' | 'writeStatus' | 'createKafkaTopicOnce' | 'setAnnotations'
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
  /**
   * Per ClusterLink (`namespace/name`): the last status sent and what the API server stored of it. A CRD that
   * prunes some of our fields (CFK's own schema) stores less than was sent; the same status is then not sent
   * again on every resync (docs/reconciler.md, "Status").
   */
  writtenStatuses?: Map<string, WrittenStatus>;
}

export interface WrittenStatus {
  uid: string | undefined;
  sent: ClusterLinkStatus;
  stored: ClusterLinkStatus | undefined;
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

/** One pass's shared state; `link` follows our own writes (finalizer, status). */
interface Pass {
  link: ClusterLink;
  readonly deps: PassDeps;
  readonly signal: AbortSignal;
  readonly namespace: string;
  readonly name: string;
  readonly log: Logger;
  readonly deleting: boolean;
  readonly generation: number | undefined;
  now(): string;
}

function newPass(initial: ClusterLink, deps: PassDeps, signal: AbortSignal): Pass {
  const namespace = initial.metadata?.namespace ?? 'default';
  const name = initial.metadata?.name ?? '';
  return {
    link: initial,
    deps,
    signal,
    namespace,
    name,
    log: deps.logger.child({ clusterLink: `${namespace}/${name}` }),
    deleting: isBeingDeleted(initial),
    generation: initial.metadata?.generation,
    now: () => (deps.now ? deps.now() : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

async function releaseFinalizer(p: Pass): Promise<void> {
  const remaining = (p.link.metadata?.finalizers ?? []).filter((f) => f !== FINALIZER);
  await p.deps.api.setFinalizers(p.namespace, p.name, remaining, p.link.metadata?.resourceVersion, p.signal);
}

async function writeStatusIfChanged(p: Pass, status: ClusterLinkStatus): Promise<void> {
  if (sameStatus(status, p.link.status)) return;
  const key = `${p.namespace}/${p.name}`;
  const uid = p.link.metadata?.uid;
  const last = p.deps.writtenStatuses?.get(key);
  // Sent before and stored as then: the difference is what the CRD prunes, a write would change nothing.
  if (last && last.uid === uid && sameStatus(last.sent, status) && sameStatus(last.stored, p.link.status)) return;
  p.link = await p.deps.api.writeStatus(p.namespace, p.name, status, p.signal);
  p.deps.writtenStatuses?.set(key, { uid, sent: status, stored: p.link.status });
}

/** A failed pass: Ready=False with the reason (announced once per distinct failure), the caller backs off. */
async function failPass(p: Pass, err: unknown): Promise<PassResult> {
  if (p.signal.aborted) return { aborted: true };
  const described = describeFailure(err);
  const failure = p.deleting ? { ...described, message: `${described.message}${SKIP_HINT}` } : described;
  const before = readyCondition(p.link.status);
  const changed = !(
    before?.status === 'False' &&
    before.reason === failure.reason &&
    before.message === failure.message
  );
  p.log.warn({ reason: failure.reason, error: failure.message }, 'reconcile failed');
  try {
    await writeStatusIfChanged(
      p,
      failureStatus(
        p.link.status,
        failure.reason,
        failure.message,
        p.generation,
        p.now(),
        p.deleting ? [] : skipCondition(p.link),
      ),
    );
  } catch (writeErr) {
    if (p.signal.aborted) return { aborted: true };
    p.log.warn({ error: describeKubeError(writeErr) }, 'could not write status');
  }
  if (changed)
    await p.deps.recorder.record(
      p.link,
      { type: 'Warning', reason: failure.reason, message: failure.message },
      p.signal,
    );
  return { failure };
}

/** Deleting with the skip annotation: warn, release the finalizer, leave Kafka alone. */
async function skipKafkaCleanup(p: Pass): Promise<PassResult> {
  const message = `deleted without Kafka cleanup (annotation ${SKIP_KAFKA_CLEANUP_ANNOTATION}=true): cluster link "${linkNameOf(p.link)}" and its mirror topics were left on Kafka`;
  p.log.warn({}, message);
  await p.deps.recorder.record(p.link, { type: 'Warning', reason: 'KafkaCleanupSkipped', message }, p.signal);
  try {
    await writeStatusIfChanged(p, failureStatus(p.link.status, 'KafkaCleanupSkipped', message, p.generation, p.now()));
  } catch (err) {
    p.log.warn({ error: describeKubeError(err) }, 'could not write status');
  }
  await releaseFinalizer(p);
  return {};
}

/** Phase 1: the finalizer (added before any Kafka work), or the skip-cleanup exit. A result ends the pass. */
async function finalizerPhase(p: Pass): Promise<PassResult | undefined> {
  const finalizers = p.link.metadata?.finalizers ?? [];
  if (p.deleting && skipsKafkaCleanup(p.link)) return skipKafkaCleanup(p);
  if (!p.deleting && !finalizers.includes(FINALIZER))
    p.link = await p.deps.api.setFinalizers(
      p.namespace,
      p.name,
      [...finalizers, FINALIZER],
      p.link.metadata?.resourceVersion,
      p.signal,
    );
  return undefined;
}

/**
 * Creates the mirror's KafkaTopic under its CFK name, or, when a KafkaTopic of another topic holds that name,
 * under the hashed name (docs/reconciler.md, "KafkaTopic hand-over"). Returns the name used, or undefined
 * when both names are taken by other topics.
 */
async function handOverOne(p: Pass, mirror: StoppedMirror, ctx: KafkaTopicContext): Promise<string | undefined> {
  const names = [
    kafkaTopicCrName(mirror.topicName, ctx.clusterLinkUid),
    kafkaTopicCrNameWithHash(mirror.topicName, ctx.clusterLinkUid),
  ];
  const holders: string[] = [];
  for (const name of names) {
    const topic = buildKafkaTopic(mirror, ctx, name);
    const result = await p.deps.api.createKafkaTopicOnce(topic, p.signal);
    const holder = result.existing ? topicOf(result.existing) : undefined;
    if (!result.created && holder !== undefined && holder !== mirror.topicName) {
      holders.push(`${name} (topic ${holder})`);
      continue;
    }
    if (result.created) {
      const what = mirror.action === 'PROMOTE' ? 'promoted' : 'failed-over';
      const message = `KafkaTopic ${name} created for ${what} topic ${mirror.topicName}`;
      await p.deps.recorder.record(p.link, { type: 'Normal', reason: 'KafkaTopicCreated', message }, p.signal);
    }
    return name;
  }
  // Tried again every pass (the other KafkaTopics may go), announced once.
  const announced = `collision/${p.namespace}/${ctx.clusterLinkUid}/${mirror.topicName}`;
  if (p.deps.knownKafkaTopics?.has(announced)) return undefined;
  p.deps.knownKafkaTopics?.add(announced);
  const message = `no KafkaTopic could be created for topic ${mirror.topicName}: the names ${holders.join(' and ')} are taken; create a KafkaTopic for it by hand`;
  await p.deps.recorder.record(p.link, { type: 'Warning', reason: 'KafkaTopicNameCollision', message }, p.signal);
  return undefined;
}

/** Phase 3: a KafkaTopic for every mirror that became a regular topic (created once, never overwritten). */
async function handOverPhase(p: Pass, outcome: ReconcileOutcome): Promise<void> {
  const sides = clusterSides(p.link);
  const classRef = classRefOf(p.link.spec?.[sides.local], p.namespace);
  const ctx: KafkaTopicContext = {
    namespace: p.namespace,
    clusterLinkName: p.name,
    clusterLinkUid: p.link.metadata?.uid ?? '',
    linkName: linkNameOf(p.link),
    ...(classRef ? { kafkaRestClassRef: classRef } : {}),
  };
  for (const mirror of outcome.stoppedMirrors) {
    // Known by the topic, not by the name: two topics may share a CFK name.
    const known = `${p.namespace}/${ctx.clusterLinkUid}/${mirror.topicName}`;
    if (p.deps.knownKafkaTopics?.has(known)) continue;
    if ((await handOverOne(p, mirror, ctx)) !== undefined) p.deps.knownKafkaTopics?.add(known);
  }
}

/** Phase 4: status (only when it changed) and events (a failure that persists is announced once). */
async function statusPhase(p: Pass, outcome: ReconcileOutcome): Promise<Condition | undefined> {
  const status = successStatus({
    ...(p.link.status ? { previous: p.link.status } : {}),
    status: outcome.status,
    conditions: withDeletionHint(outcome.conditions, p.deleting),
    extraConditions: p.deleting ? [] : skipCondition(p.link),
    ...(p.generation !== undefined ? { generation: p.generation } : {}),
    now: p.now(),
  });
  const readyBefore = readyCondition(p.link.status);
  const readyAfter = readyCondition(status);
  const sameFailure =
    readyBefore?.status === 'False' &&
    readyAfter?.status === 'False' &&
    readyBefore.reason === readyAfter.reason &&
    readyBefore.message === readyAfter.message;
  await writeStatusIfChanged(p, status);
  for (const event of outcome.events) {
    if (sameFailure && event.type === 'Warning') continue;
    await p.deps.recorder.record(p.link, event, p.signal);
  }
  p.log.debug(
    { writeCalls: outcome.writeCalls, deleting: p.deleting, finalized: outcome.finalized ?? false },
    'reconciled',
  );
  return readyAfter;
}

/** Phase 5: what the work queue does next; on a finished deletion, the finalizer goes. */
async function nextPhase(p: Pass, outcome: ReconcileOutcome, readyAfter: Condition | undefined): Promise<PassResult> {
  if (p.deleting && outcome.finalized) {
    await releaseFinalizer(p);
    p.log.info({}, 'Kafka cleanup done; finalizer released');
    return {};
  }
  // A failure backs off with the work queue's rate limiter (docs/reconciler.md, "Resync and retries"), also while
  // deleting: a fixed requeue would retry a failing cleanup every few seconds, forever.
  if (outcome.failure)
    return { failure: { reason: readyAfter?.reason ?? 'ReconcileError', message: outcome.failure.message } };
  if (p.deleting) return { requeueAfterMs: outcome.requeueAfterMs ?? p.deps.deletionRequeueMs ?? 2000 };
  if (outcome.requeueAfterMs !== undefined) return { requeueAfterMs: outcome.requeueAfterMs };
  return readyAfter?.status === 'False' ? { notReady: true } : {};
}

/** What the Kafka side applied, as digests (docs/reconciler.md#applied-configs); written only when it changed. */
async function appliedConfigsPhase(p: Pass, outcome: ReconcileOutcome): Promise<void> {
  if (!outcome.appliedConfigs || p.deleting) return;
  const record = formatAppliedConfigs(outcome.appliedConfigs);
  if (p.link.metadata?.annotations?.[APPLIED_CONFIGS_ANNOTATION] === record) return;
  p.link = await p.deps.api.setAnnotations(p.namespace, p.name, { [APPLIED_CONFIGS_ANNOTATION]: record }, p.signal);
}

export async function reconcilePass(initial: ClusterLink, deps: PassDeps, signal: AbortSignal): Promise<PassResult> {
  const p = newPass(initial, deps, signal);
  if (p.deleting && !(p.link.metadata?.finalizers ?? []).includes(FINALIZER)) return {}; // not ours (any more)
  let outcome: ReconcileOutcome;
  try {
    const ended = await finalizerPhase(p);
    if (ended) return ended;
    // Phase 2: inputs from Kubernetes, then the Kafka side.
    const input = await buildReconcileInput(p.link, deps.api, signal);
    const appliedConfigs = parseAppliedConfigs(p.link.metadata?.annotations?.[APPLIED_CONFIGS_ANNOTATION]);
    outcome = await deps.linkReconciler(appliedConfigs ? { ...input, appliedConfigs } : input, signal);
  } catch (err) {
    return failPass(p, err);
  }
  if (signal.aborted) return { aborted: true };
  try {
    await appliedConfigsPhase(p, outcome);
    // Hand-over first: the status written next tells the Kafka side these topics are taken care of.
    await handOverPhase(p, outcome);
    const readyAfter = await statusPhase(p, outcome);
    const next = await nextPhase(p, outcome, readyAfter);
    // Mirror topics by state for the metrics (docs/reconciler.md#metrics); a deleted link reports none.
    return p.deleting ? next : { ...next, mirrorStates: countStates(outcome.status.mirrorTopics) };
  } catch (err) {
    return failPass(p, err);
  }
}
