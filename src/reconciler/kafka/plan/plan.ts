// The pure planner (docs/reconciler.md): desired spec + observed server state → ordered actions.
import type { MirrorTopic } from '../../../clusterlink/types.js';
import type {
  AlterConfigOp,
  CreateLinkRequest,
  LinkConfigData,
  MirrorAction,
  MirrorData,
} from '../../../kafka-rest/types.js';
import { desiredLinkConfigs, IMMUTABLE_CONFIGS, MANAGED_CONFIGS, ownsMirrors, roleOf } from './link-configs.js';
import { decideTransition, transitionRecord } from '../transitions.js';
import type { LinkRole, MirrorSnapshot, Plan, PlanInput, PlanNote } from './types.js';
import { configDigest, digestsOf, type AppliedConfigs } from './applied-configs.js';

const STOPPED = 'STOPPED';
const PENDING_STOPPED = 'PENDING_STOPPED';

export interface DesiredMirror {
  name: string;
  sourceTopicName: string;
  state: 'ACTIVE' | 'PAUSE' | 'PROMOTE' | 'FAILOVER';
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** Mirror topics the spec lists, with the defaults of docs/rules.md#defaults applied (prefix → sourceTopicName). */
export function desiredMirrors(mirrorTopics: MirrorTopic[] | undefined, prefix: string | undefined): DesiredMirror[] {
  const out: DesiredMirror[] = [];
  for (const m of mirrorTopics ?? []) {
    if (!m.name || (m.direction !== undefined && m.direction !== 'toDestination')) continue;
    const source = m.sourceTopicName ?? (prefix && m.name.startsWith(prefix) ? m.name.slice(prefix.length) : m.name);
    const state = m.state === 'PAUSE' || m.state === 'PROMOTE' || m.state === 'FAILOVER' ? m.state : 'ACTIVE';
    out.push({
      name: m.name,
      sourceTopicName: source,
      state,
      replicationFactor: m.replicationFactor,
      configs: m.configs,
    });
  }
  return out;
}

/** Request body of the link create: the mode's remote-id field and every derived config. */
export function createLinkRequest(
  role: LinkRole,
  remoteClusterId: string | undefined,
  configs: Map<string, string>,
): CreateLinkRequest {
  const request: CreateLinkRequest = { configs: [...configs].map(([name, value]) => ({ name, value })) };
  if (remoteClusterId) {
    if (role === 'source') request.destination_cluster_id = remoteClusterId;
    else if (role === 'bidirectional') request.remote_cluster_id = remoteClusterId;
    else request.source_cluster_id = remoteClusterId;
  }
  return request;
}

/** A config the server reports as explicitly set (not a default). */
function isSet(c: LinkConfigData): boolean {
  if (c.isDefault !== undefined) return !c.isDefault;
  return c.source === 'DYNAMIC_CLUSTER_LINK_CONFIG';
}

/** Filter configs are JSON: compare them structurally so a server re-serialisation is no change. */
function sameValue(name: string, desired: string, observed: string | null): boolean {
  if (observed === desired) return true;
  if (observed === null) return false;
  if (name.endsWith('.filters')) {
    try {
      return canonicalJson(JSON.parse(desired)) === canonicalJson(JSON.parse(observed));
    } catch {
      return false;
    }
  }
  if (/^(true|false)$/i.test(desired) && /^(true|false)$/i.test(observed))
    return desired.toLowerCase() === observed.toLowerCase();
  return false;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A sensitive entry the server lists without its value (null, absent or "": docs/reconciler.md#simulator-assumptions). */
const hiddenValue = (c: LinkConfigData): boolean => c.sensitive && (c.value === null || c.value === '');

/**
 * Only the configs that differ; never the immutable ones; read-only entries are not compared. A secret-carrying
 * config the server does not echo is compared by the digest recorded when it was last applied: a rotated password
 * or renewed certificate (a new digest), or no record at all, sends it again. A key that is set on the server but
 * no longer desired is reset (DELETE) when this reconciler set it: a key it derives, or one recorded as applied.
 */
export function diffConfigs(
  desired: Map<string, string>,
  observed: LinkConfigData[],
  applied?: AppliedConfigs,
): { ops: AlterConfigOp[]; notes: PlanNote[] } {
  const byName = new Map(observed.map((c) => [c.name, c]));
  const ops: AlterConfigOp[] = [];
  const notes: PlanNote[] = [];
  for (const [name, value] of desired) {
    const obs = byName.get(name);
    if (IMMUTABLE_CONFIGS.has(name)) {
      if (obs && !obs.readOnly && obs.value !== null && obs.value !== '' && !sameValue(name, value, obs.value)) {
        notes.push({
          severity: 'Warning',
          reason: 'ImmutableConfigDiffers',
          message: `link config ${name} is "${obs.value}" on the server, the spec wants "${value}": it is fixed at creation, re-create the link to change it`,
        });
      }
      continue;
    }
    if (!obs) {
      ops.push({ name, value, operation: 'SET' });
      continue;
    }
    if (obs.readOnly) continue;
    if (hiddenValue(obs)) {
      if (!isSet(obs) || applied?.[name] !== configDigest(name, value)) ops.push({ name, value, operation: 'SET' });
      continue;
    }
    if (!sameValue(name, value, obs.value)) ops.push({ name, value, operation: 'SET' });
  }
  for (const obs of observed) {
    if (desired.has(obs.name) || IMMUTABLE_CONFIGS.has(obs.name) || obs.readOnly || !isSet(obs)) continue;
    if (!MANAGED_CONFIGS.has(obs.name) && applied?.[obs.name] === undefined) continue;
    ops.push({ name: obs.name, operation: 'DELETE' });
  }
  return { ops, notes };
}

export function snapshotOf(m: MirrorData, action: 'PROMOTE' | 'FAILOVER'): MirrorSnapshot {
  return {
    topicName: m.mirror_topic_name,
    sourceTopicName: m.source_topic_name,
    action,
    partitions: m.num_partitions,
    lastSourceFetchOffsets: m.mirror_lags.map((l) => ({ partition: l.partition, offset: l.last_source_fetch_offset })),
    stateTimeMs: m.state_time_ms,
  };
}

export function planLink(input: PlanInput): Plan {
  const role = roleOf(input.spec);
  const plan: Plan = { role, actions: [], notes: [] };
  return input.deleting ? planDeletion(input, plan) : planEnsure(input, plan);
}

function planEnsure(input: PlanInput, plan: Plan): Plan {
  const { spec, observed } = input;
  const role = plan.role;
  const derived = desiredLinkConfigs(spec, role, input.credentials, input.remoteRestEndpoint);
  for (const w of derived.warnings) plan.notes.push({ severity: 'Warning', reason: 'ConfigIgnored', message: w });
  const link = observed.link;

  if (!link) {
    if (derived.problems.length > 0) {
      plan.blocked = { reason: 'InvalidConfiguration', message: derived.problems.join('; ') };
      return plan;
    }
    if (role === 'destination-inbound' && !input.remoteClusterId) {
      plan.blocked = {
        reason: 'SourceClusterIDUnknown',
        message:
          'a Destination-mode link needs the source cluster id (spec.sourceKafkaCluster.clusterID or its kafkaRestClassRef)',
      };
      return plan;
    }
    plan.actions.push({
      kind: 'createLink',
      request: createLinkRequest(role, input.remoteClusterId, derived.configs),
      retryDestinationMissing: role === 'source',
    });
    plan.appliedConfigs = digestsOf(derived.configs);
  } else {
    const observedMode = observed.configs.find((c) => c.name === 'link.mode')?.value;
    const wantedMode = derived.configs.get('link.mode');
    if (observedMode && wantedMode && observedMode !== wantedMode) {
      plan.blocked = {
        reason: 'LinkModeMismatch',
        message: `a link named ${input.linkName} exists with link.mode ${observedMode}, the spec wants ${wantedMode}`,
      };
      return plan;
    }
    if (derived.problems.length > 0) {
      // Keep the link as it is rather than writing half-derived credentials.
      plan.notes.push({ severity: 'Warning', reason: 'InvalidConfiguration', message: derived.problems.join('; ') });
    } else {
      const diff = diffConfigs(derived.configs, observed.configs, input.appliedConfigs);
      plan.notes.push(...diff.notes);
      if (diff.ops.length > 0) plan.actions.push({ kind: 'alterConfigs', ops: diff.ops });
      plan.appliedConfigs = digestsOf(derived.configs);
    }
  }

  if (ownsMirrors(role)) planMirrors(input, plan);
  return plan;
}

/** What planMirrors collects before it emits the actions, grouped and in a fixed order. */
interface MirrorPass {
  input: PlanInput;
  plan: Plan;
  toAction: Map<MirrorAction, string[]>;
  add: (a: MirrorAction, n: string) => void;
  snapshots: MirrorSnapshot[];
  await_: string[];
}

export function planMirrors(input: PlanInput, plan: Plan): void {
  const { spec, observed } = input;
  const desired = desiredMirrors(spec.mirrorTopics, spec.mirrorTopicOptions?.prefix);
  const byName = new Map(observed.mirrors.map((m) => [m.mirror_topic_name, m]));
  const toAction = new Map<MirrorAction, string[]>();
  const add = (a: MirrorAction, n: string): void => void toAction.set(a, [...(toAction.get(a) ?? []), n]);
  const pass: MirrorPass = { input, plan, toAction, add, snapshots: [], await_: [] };

  for (const d of desired) {
    const m = byName.get(d.name);
    if (!m) planMissingMirror(pass, d);
    else planExistingMirror(pass, d, m);
  }
  planRemovedMirrors(pass, desired, byName);
  emitMirrorActions(pass);
}

/** A listed mirror the server does not have: create it (paused if asked), or note there is nothing to stop. */
function planMissingMirror(pass: MirrorPass, d: DesiredMirror): void {
  const { plan, input, add } = pass;
  if (d.state === 'PROMOTE' || d.state === 'FAILOVER') {
    plan.notes.push({
      severity: 'Warning',
      reason: 'MirrorNotFound',
      message: `mirror topic ${d.name} does not exist on link ${input.linkName}: nothing to ${d.state.toLowerCase()}`,
    });
    return;
  }
  plan.actions.push({
    kind: 'createMirror',
    request: {
      source_topic_name: d.sourceTopicName,
      mirror_topic_name: d.name,
      ...(d.replicationFactor !== undefined ? { replication_factor: d.replicationFactor } : {}),
      ...(d.configs && Object.keys(d.configs).length > 0
        ? { configs: Object.entries(d.configs).map(([name, value]) => ({ name, value: String(value) })) }
        : {}),
    },
  });
  if (d.state === 'PAUSE') add('pause', d.name);
}

/** A listed mirror the server has: move it towards the wanted state; a stopped mirror only gets a note. */
function planExistingMirror(pass: MirrorPass, d: DesiredMirror, m: MirrorData): void {
  const { plan, add, await_ } = pass;
  const status = m.mirror_status;
  const stopped = status === STOPPED || status === PENDING_STOPPED;
  if (status === PENDING_STOPPED) await_.push(d.name);
  switch (d.state) {
    case 'ACTIVE':
      if (status === 'PAUSED') add('resume', d.name);
      else if (stopped)
        plan.notes.push({
          severity: 'Warning',
          reason: 'MirrorStopped',
          message: `mirror topic ${d.name} is ${status}: a stopped mirror cannot become ACTIVE again`,
        });
      break;
    case 'PAUSE':
      if (status === 'ACTIVE') add('pause', d.name);
      else if (stopped)
        plan.notes.push({
          severity: 'Warning',
          reason: 'MirrorStopped',
          message: `mirror topic ${d.name} is ${status}: a stopped mirror cannot be paused`,
        });
      break;
    case 'PROMOTE':
    case 'FAILOVER':
      planStop(pass, d, d.state, m, stopped);
      break;
  }
}

/** PROMOTE/FAILOVER: request it, or wait out the backoff of a failed request (docs/reconciler.md#failed-transitions). */
function planStop(
  pass: MirrorPass,
  d: DesiredMirror,
  state: 'PROMOTE' | 'FAILOVER',
  m: MirrorData,
  stopped: boolean,
): void {
  const { input, plan, add, snapshots, await_ } = pass;
  const status = m.mirror_status;
  const record = transitionRecord(input.previousStatus?.mirrorTopics?.[d.name]);
  const now = input.nowMs ?? Date.now();
  const decision = decideTransition(state, status, record, now, input.transitionBackoff);
  if (decision.kind === 'request') {
    // An escalation (PENDING_STOPPED) keeps the snapshot the promote took.
    if (!stopped) snapshots.push(snapshotOf(m, state));
    add(decision.action === 'PROMOTE' ? 'promote' : 'failover', d.name);
    if (!await_.includes(d.name)) await_.push(d.name);
  } else if (decision.kind === 'wait') {
    plan.transitionRetryInMs = Math.min(plan.transitionRetryInMs ?? decision.retryInMs, decision.retryInMs);
  }
}

/**
 * Topics the spec no longer lists: the previous status marks spec-listed mirrors with
 * observedGeneration, so auto-created mirrors are never touched.
 */
function planRemovedMirrors(pass: MirrorPass, desired: DesiredMirror[], byName: Map<string, MirrorData>): void {
  const { input, plan } = pass;
  const listed = new Set(desired.map((d) => d.name));
  const deleteRemoved = input.spec.mirrorTopicOptions?.deleteRemovedMirrorTopics !== false;
  const previous = input.previousStatus?.mirrorTopics ?? {};
  for (const name of Object.keys(previous).sort()) {
    const m = byName.get(name);
    if (previous[name]?.observedGeneration === undefined) continue;
    if (listed.has(name) || !m || m.mirror_status === STOPPED || m.mirror_status === PENDING_STOPPED) continue;
    if (deleteRemoved) plan.actions.push({ kind: 'deleteTopic', name });
    else
      plan.notes.push({
        severity: 'Info',
        reason: 'MirrorKept',
        message: `mirror topic ${name} was removed from the spec and is kept (deleteRemovedMirrorTopics: false)`,
      });
  }
}

/** Snapshots first (before any stop), then one call per action kind, then the wait for STOPPED. */
function emitMirrorActions(pass: MirrorPass): void {
  const { plan, toAction, snapshots, await_ } = pass;
  if (snapshots.length > 0) plan.actions.push({ kind: 'snapshot', snapshots });
  for (const action of ['pause', 'resume', 'promote', 'failover'] as const) {
    const names = toAction.get(action);
    if (names) plan.actions.push({ kind: 'mirrorAction', action, names });
  }
  if (await_.length > 0) plan.actions.push({ kind: 'awaitStopped', names: await_ });
}

/**
 * Deletion (docs/reconciler.md): snapshot and fail over every mirror still replicating, wait for STOPPED,
 * let the controller persist the hand-over (status + KafkaTopic CRs), then delete the link
 * without force.
 */
function planDeletion(input: PlanInput, plan: Plan): Plan {
  const { observed } = input;
  if (!observed.link) {
    plan.finalized = true;
    return plan;
  }
  const live = observed.mirrors.filter((m) => m.mirror_status !== STOPPED && m.mirror_status !== PENDING_STOPPED);
  const pending = observed.mirrors.filter((m) => m.mirror_status === PENDING_STOPPED);
  if (live.length > 0) {
    const names = live.map((m) => m.mirror_topic_name);
    plan.actions.push({ kind: 'snapshot', snapshots: live.map((m) => snapshotOf(m, 'FAILOVER')) });
    plan.actions.push({ kind: 'mirrorAction', action: 'failover', names });
    plan.actions.push({ kind: 'awaitStopped', names: [...pending.map((m) => m.mirror_topic_name), ...names] });
    plan.awaitingHandover = true;
    return plan;
  }
  if (pending.length > 0) {
    plan.actions.push({ kind: 'awaitStopped', names: pending.map((m) => m.mirror_topic_name) });
    plan.awaitingHandover = true;
    return plan;
  }
  // Every mirror is STOPPED: delete only once a previous pass has reported them as such.
  const recorded = input.previousStatus?.mirrorTopics ?? {};
  const unrecorded = observed.mirrors.filter((m) => recorded[m.mirror_topic_name]?.status !== STOPPED);
  if (unrecorded.length > 0) {
    plan.awaitingHandover = true;
    return plan;
  }
  plan.actions.push({ kind: 'deleteLink' });
  return plan;
}
