// In-memory Kafka clusters for the Admin REST simulator: topics, cluster links, mirror topics with
// the asynchronous PENDING_STOPPED → STOPPED step, link tasks, and the server behaviours recorded in
// the simulator's README A world can hold several clusters so both halves of a
// source-initiated link can be simulated (one simulator HTTP endpoint per cluster).
import { randomBytes } from 'node:crypto';
import { checkLinkConfigValue, kafkaAclFiltersError } from './kafka-config-checks.js';

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SimMirror {
  linkName: string;
  sourceTopicName: string;
  status: string;
  stateTimeMs: number;
  /** Observations left before PENDING_STOPPED becomes STOPPED. */
  readsLeft: number;
  /** Per-partition offsets at the promote/failover (what a STOPPED read reports with `stoppedReportsOffsets`). */
  stopOffsets?: number[];
  /** The stop in progress ('promote' | 'failover'). */
  stopAction?: string;
  /** A failing transition in progress (see SimWorld.failTransition). */
  failure?: SimTransitionFailure;
  /** mirror_topic_error (default NO_ERROR), e.g. SOURCE_TOPIC_MAY_BE_DELETED for a FAILED mirror. */
  error?: string;
  /** What the single-mirror GET reports with include_state_transition_errors=true. */
  transitionErrors?: { error_code: string; error_message: string }[];
}

/**
 * A promote/failover the server accepts but cannot complete: `stuck` stays PENDING_STOPPED (a promote whose source
 * cluster is down), `revert` goes back to ACTIVE; either way the reason is a state transition error.
 */
export interface SimTransitionFailure {
  action: 'promote' | 'failover';
  errorCode: string;
  message: string;
  mode: 'stuck' | 'revert';
  /** How many requests fail (default: every one). */
  times?: number;
}

export interface SimTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Log-end offset per partition (source topics), used as last_source_fetch_offset of their mirrors. */
  endOffsets: number[];
  configs: Record<string, string>;
  mirror?: SimMirror;
}

export interface SimLink {
  name: string;
  id: string;
  mode: string;
  connectionMode: string;
  remoteClusterId?: string;
  /** Explicitly set configs (dynamic), in the order they were set. */
  configs: Map<string, string>;
}

export interface SimCluster {
  id: string;
  bootstrap: string;
  brokers: number;
  topics: Map<string, SimTopic>;
  links: Map<string, SimLink>;
}

export interface SimBehaviour {
  /** Observations of a promoted/failed-over mirror that still show PENDING_STOPPED (default 1). */
  pendingStoppedReads: number;
  /** Source-mode creates answered with the transient "does not have a link named" 400 first. */
  destinationPropagationFailures: number;
  /**
   * ASSUMPTION (UNSETTLED, docs/reconciler.md#simulator-assumptions): the answer to a create of an existing link
   * name. kcp's stub says 409/40902; some builds may say 400/40002 "... already exists". The reconciler takes both.
   */
  existingLink: 409 | 400;
  /**
   * ASSUMPTION (UNSETTLED): whether the server lists a filter JSON config the way it was sent, or re-serialised
   * (Jackson: its own field order and spacing). `true` re-serialises, so a textual diff would see a change.
   */
  reserializeConfigs: boolean;
  /**
   * UNSETTLED on a real server (docs/reconciler.md#stopped-mirror-history): a STOPPED mirror reports
   * last_source_fetch_offset -1 (default, as Confluent's Terraform test data shows) or its real last offsets.
   */
  stoppedReportsOffsets: boolean;
  /**
   * Bootstrap hosts the brokers cannot resolve: a create (validate_only or not) is answered 400 with the
   * UNRESOLVABLE_BOOTSTRAP_ERROR text, as the server validates the remote synchronously (validate_link default true).
   */
  unresolvableBootstraps?: string[];
  /** Test hook run before a batched mirror action applies (e.g. to let the source advance meanwhile). */
  beforeMirrorAction?: (action: string, names: string[]) => void;
  /**
   * ASSUMPTION (UNSETTLED): how a secret config's value is listed. `''` follows the Cloud API document (`value` is a
   * string); `null` is what Kafka's describeConfigs gives for PASSWORD configs (the document does not allow it, so
   * in this mode the contract check reports those values).
   */
  sensitiveValue: '' | null;
  now: () => number;
}

const LINK_DEFAULTS: Record<string, string> = {
  'link.mode': 'DESTINATION',
  'connection.mode': 'OUTBOUND',
  'cluster.link.prefix': '',
  'bootstrap.servers': '',
  'security.protocol': 'PLAINTEXT',
  'sasl.mechanism': 'GSSAPI',
  'acl.sync.enable': 'false',
  'acl.filters': '',
  'acl.sync.ms': '5000',
  'auto.create.mirror.topics.enable': 'false',
  'auto.create.mirror.topics.filters': '',
  'consumer.offset.sync.enable': 'false',
  'consumer.offset.group.filters': '',
  'consumer.offset.sync.ms': '30000',
  'topic.config.sync.ms': '5000',
  'cluster.link.paused': 'false',
};
const IMMUTABLE = new Set(['link.mode', 'connection.mode', 'cluster.link.prefix']);
const MIRRORED_TOPIC_CONFIGS = new Set(['cleanup.policy', 'max.message.bytes', 'compression.type']);

/**
 * Kafka's PASSWORD-type client configs (SslConfigs, SaslConfigs), which describeConfigs lists without a value.
 * ASSUMPTION: the `local.` twins of a link are sensitive like the unprefixed keys.
 */
export function isSensitiveConfig(name: string): boolean {
  return /(^|\.)sasl\.jaas\.config$|ssl\.keystore\.key$|ssl\.key\.password$|ssl\.keystore\.certificate\.chain$|ssl\.truststore\.certificates$|password|client\.credentials\.client\.secret$|private\.key\.passphrase$/.test(
    name,
  );
}

/** Jackson-style re-serialisation of a filter JSON: keys in reverse order, spaces after separators. */
function reserialize(value: string): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .reverse()
          .map(([k, x]) => [k, walk(x)]),
      );
    return v;
  };
  try {
    return JSON.stringify(walk(JSON.parse(value)), null, 1).replace(/\n\s*/g, ' ');
  } catch {
    return value;
  }
}

export class SimWorld {
  readonly clusters = new Map<string, SimCluster>();
  readonly behaviour: SimBehaviour;
  /** Registered transition failures by `cluster/topic`. */
  readonly transitionFailures = new Map<string, SimTransitionFailure>();

  constructor(behaviour: Partial<SimBehaviour> = {}) {
    this.behaviour = {
      pendingStoppedReads: 1,
      destinationPropagationFailures: 0,
      existingLink: 409,
      reserializeConfigs: false,
      stoppedReportsOffsets: false,
      sensitiveValue: '',
      now: Date.now,
      ...behaviour,
    };
  }

  addCluster(id: string, opts: { bootstrap?: string; brokers?: number } = {}): SimCluster {
    const c: SimCluster = {
      id,
      bootstrap: opts.bootstrap ?? `${id}.kafka.svc:9092`,
      brokers: opts.brokers ?? 3,
      topics: new Map(),
      links: new Map(),
    };
    this.clusters.set(id, c);
    return c;
  }

  cluster(id: string): SimCluster {
    const c = this.clusters.get(id);
    if (!c) throw new SimHttpError(404, 404, `Cluster ${id} cannot be found.`);
    return c;
  }

  addTopic(
    clusterId: string,
    name: string,
    opts: { partitions?: number; replicationFactor?: number; endOffset?: number } = {},
  ): SimTopic {
    const partitions = opts.partitions ?? 1;
    const t: SimTopic = {
      name,
      partitions,
      replicationFactor: opts.replicationFactor ?? 3,
      endOffsets: Array.from({ length: partitions }, (_, p) => (opts.endOffset ?? 100) + p),
      configs: {},
    };
    this.cluster(clusterId).topics.set(name, t);
    return t;
  }

  // ---- links -------------------------------------------------------------------------------

  link(clusterId: string, name: string): SimLink {
    const l = this.cluster(clusterId).links.get(name);
    if (!l) throw new SimHttpError(404, 404, `The cluster link doesn't exist: Cluster link '${name}' does not exist.`);
    return l;
  }

  createLink(
    clusterId: string,
    name: string,
    body: {
      source_cluster_id?: string;
      destination_cluster_id?: string;
      remote_cluster_id?: string;
      configs?: { name: string; value: string | null }[];
    },
    validateOnly: boolean,
  ): void {
    const cluster = this.cluster(clusterId);
    if (!/^[A-Za-z0-9._-]+$/.test(name))
      throw new SimHttpError(400, 40002, `Link name '${name}' is illegal, valid characters: [a-zA-Z0-9._-]`);
    if (cluster.links.has(name))
      throw this.behaviour.existingLink === 409
        ? new SimHttpError(409, 40902, `Cluster link '${name}' already exists.`)
        : new SimHttpError(400, 40002, `Cluster link '${name}' already exists.`);
    const configs = new Map<string, string>();
    for (const c of body.configs ?? []) if (c.value !== null) configs.set(c.name, c.value);
    for (const [k, v] of configs) checkLinkConfigValue(k, v);
    const mode = configs.get('link.mode') ?? 'DESTINATION';
    const connectionMode = configs.get('connection.mode') ?? 'OUTBOUND';
    if (!['DESTINATION', 'SOURCE', 'BIDIRECTIONAL'].includes(mode))
      throw new SimHttpError(400, 40002, `Invalid value ${mode} for configuration link.mode`);
    if (!['OUTBOUND', 'INBOUND'].includes(connectionMode))
      throw new SimHttpError(400, 40002, `Invalid value ${connectionMode} for configuration connection.mode`);
    if (connectionMode === 'OUTBOUND' && !configs.get('bootstrap.servers'))
      throw new SimHttpError(
        400,
        40002,
        'Missing required configuration "bootstrap.servers" which has no default value.',
      );
    const unresolvable = (configs.get('bootstrap.servers') ?? '')
      .split(',')
      .map((h) => h.trim())
      .find((h) => this.behaviour.unresolvableBootstraps?.includes(h));
    if (unresolvable && connectionMode === 'OUTBOUND')
      throw new SimHttpError(
        400,
        40002,
        `Cluster link validation failed: UNRESOLVABLE_BOOTSTRAP_ERROR: could not resolve bootstrap server ${unresolvable}`,
      );
    for (const key of ['acl.filters', 'auto.create.mirror.topics.filters', 'consumer.offset.group.filters']) {
      const v = configs.get(key);
      if (v) this.checkFilterJson(key, v);
    }
    let remote: string | undefined;
    if (mode === 'DESTINATION') {
      remote = body.source_cluster_id;
      if (body.destination_cluster_id || body.remote_cluster_id)
        throw new SimHttpError(400, 40002, 'Only source_cluster_id may be given for a DESTINATION link.');
      if (connectionMode === 'INBOUND' && !remote)
        throw new SimHttpError(400, 40002, 'The source cluster ID must be provided for an INBOUND cluster link.');
      if (!remote && connectionMode === 'OUTBOUND') remote = this.byBootstrap(configs.get('bootstrap.servers'))?.id;
      if (remote && connectionMode === 'OUTBOUND') {
        const resolved = this.byBootstrap(configs.get('bootstrap.servers'))?.id;
        if (resolved && resolved !== remote)
          throw new SimHttpError(
            400,
            40002,
            `Expected cluster ID '${remote}' does not match resolved cluster ID '${resolved}'`,
          );
      }
      if (remote === clusterId)
        throw new SimHttpError(
          400,
          40002,
          `Source cluster ID matches local cluster ID ${clusterId}. Cannot create cluster link to self.`,
        );
    } else if (mode === 'SOURCE') {
      if (body.source_cluster_id || body.remote_cluster_id)
        throw new SimHttpError(400, 40002, 'Only destination_cluster_id may be given for a SOURCE link.');
      const dest = body.destination_cluster_id
        ? this.clusters.get(body.destination_cluster_id)
        : this.byBootstrap(configs.get('bootstrap.servers'));
      remote = body.destination_cluster_id ?? dest?.id;
      const inbound = dest?.links.get(name);
      if (!inbound || inbound.connectionMode !== 'INBOUND' || this.behaviour.destinationPropagationFailures > 0) {
        if (inbound && this.behaviour.destinationPropagationFailures > 0)
          this.behaviour.destinationPropagationFailures--;
        throw new SimHttpError(
          400,
          40002,
          `Cluster link validation failed: the destination cluster does not have a link named ${name}`,
        );
      }
    } else {
      // BIDIRECTIONAL (confluent-kubernetes-examples hybrid/clusterlink-bidirectional README, gotcha 5).
      if (body.source_cluster_id || body.destination_cluster_id)
        throw new SimHttpError(400, 40002, 'Only remote_cluster_id may be given for a BIDIRECTIONAL link.');
      if (connectionMode === 'INBOUND' && (body as { cluster_link_id?: string }).cluster_link_id)
        throw new SimHttpError(
          400,
          40002,
          'Unexpected cluster link id. Should not be provided for bi-directional cluster link with inbound connections.',
        );
      remote = body.remote_cluster_id ?? this.byBootstrap(configs.get('bootstrap.servers'))?.id;
      if (!remote)
        throw new SimHttpError(400, 40002, 'The remote cluster ID must be provided for a BIDIRECTIONAL cluster link.');
    }
    if (validateOnly) return;
    cluster.links.set(name, {
      name,
      id: randomBytes(16).toString('base64url').slice(0, 22),
      mode,
      connectionMode,
      remoteClusterId: remote,
      configs,
    });
  }

  private byBootstrap(bootstrap: string | undefined): SimCluster | undefined {
    if (!bootstrap) return undefined;
    const hosts = bootstrap.split(',').map((s) => s.trim());
    return [...this.clusters.values()].find((c) => hosts.includes(c.bootstrap));
  }

  private checkFilterJson(key: string, value: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SimHttpError(400, 40002, `Invalid value ${value} for configuration ${key}: not valid JSON`);
    }
    const field =
      key === 'acl.filters'
        ? 'aclFilters'
        : key === 'auto.create.mirror.topics.filters'
          ? 'topicFilters'
          : 'groupFilters';
    const list = (parsed as Record<string, unknown>)?.[field];
    if (!Array.isArray(list))
      throw new SimHttpError(400, 40002, `Invalid value for configuration ${key}: expected {"${field}":[…]}`);
    if (field === 'aclFilters' && list.length === 0)
      throw new SimHttpError(400, 40002, `Invalid value for configuration ${key}: aclFilters must not be empty`);
    const aclProblem = field === 'aclFilters' ? kafkaAclFiltersError(list) : undefined;
    if (aclProblem)
      throw new SimHttpError(400, 40002, `Invalid value ${value} for configuration ${key}: ${aclProblem}`);
  }

  deleteLink(clusterId: string, name: string, force: boolean, validateOnly: boolean): void {
    const link = this.link(clusterId, name);
    const cluster = this.cluster(clusterId);
    const live = [...cluster.topics.values()].filter(
      (t) => t.mirror?.linkName === name && t.mirror.status !== 'STOPPED',
    );
    if (live.length > 0 && !force)
      throw new SimHttpError(
        403,
        40301,
        `Cluster link '${name}' with ID '${link.id}' in used by topics: ${live.map((t) => t.name).join(', ')}`,
      );
    if (validateOnly) return;
    // Deleting the link forgets the STOPPED history: the topics stay as regular topics.
    for (const t of cluster.topics.values()) if (t.mirror?.linkName === name) delete t.mirror;
    cluster.links.delete(name);
  }

  linkState(clusterId: string, link: SimLink): { state: string; error: string; message: string | null } {
    if (link.configs.get('cluster.link.paused') === 'true')
      return { state: 'PAUSED', error: 'NO_ERROR', message: null };
    if (link.mode === 'DESTINATION' && link.connectionMode === 'INBOUND') {
      const src = link.remoteClusterId ? this.clusters.get(link.remoteClusterId) : undefined;
      const half = src?.links.get(link.name);
      if (!half || half.mode !== 'SOURCE')
        return { state: 'UNAVAILABLE', error: 'UNKNOWN', message: 'The source cluster has not connected yet.' };
    }
    if (link.mode === 'BIDIRECTIONAL') {
      const other = link.remoteClusterId ? this.clusters.get(link.remoteClusterId)?.links.get(link.name) : undefined;
      if (!other || other.mode !== 'BIDIRECTIONAL')
        return {
          state: 'UNAVAILABLE',
          error: 'UNKNOWN',
          message: 'The remote half of the bidirectional link is missing.',
        };
    }
    if (link.mode === 'SOURCE') {
      const dest = link.remoteClusterId ? this.clusters.get(link.remoteClusterId) : undefined;
      if (!dest?.links.get(link.name))
        return { state: 'UNAVAILABLE', error: 'UNKNOWN', message: 'The destination cluster link is missing.' };
    }
    void clusterId;
    return { state: 'ACTIVE', error: 'NO_ERROR', message: null };
  }

  linkTasks(
    link: SimLink,
  ): { task_name: string; state: string; errors: { error_code: string; error_message: string }[] }[] {
    if (link.mode === 'SOURCE') return [];
    const task = (taskName: string, enableKey: string, filtersKey: string, what: string) => {
      if (link.configs.get(enableKey) !== 'true') return { task_name: taskName, state: 'NOT_CONFIGURED', errors: [] };
      if (!link.configs.get(filtersKey))
        return {
          task_name: taskName,
          state: 'IN_ERROR',
          errors: [
            {
              error_code: 'MISCONFIGURATION_ERROR',
              error_message: `${what} is enabled but ${filtersKey} is not set. Please set ${filtersKey} to proceed with ${what}.`,
            },
          ],
        };
      return { task_name: taskName, state: 'ACTIVE', errors: [] };
    };
    return [
      task('AclSync', 'acl.sync.enable', 'acl.filters', 'ACL migration'),
      task(
        'AutoCreateMirror',
        'auto.create.mirror.topics.enable',
        'auto.create.mirror.topics.filters',
        'auto-create mirror topics',
      ),
      task(
        'ConsumerOffsetSync',
        'consumer.offset.sync.enable',
        'consumer.offset.group.filters',
        'consumer offset sync',
      ),
      { task_name: 'TopicConfigsSync', state: 'ACTIVE', errors: [] },
    ];
  }

  linkConfigs(
    link: SimLink,
  ): { name: string; value: string | null; isDefault: boolean; readOnly: boolean; sensitive: boolean }[] {
    const out: { name: string; value: string | null; isDefault: boolean; readOnly: boolean; sensitive: boolean }[] = [];
    const names = new Set([...Object.keys(LINK_DEFAULTS), ...link.configs.keys()]);
    for (const name of names) {
      const stored = link.configs.get(name);
      const set =
        stored !== undefined && this.behaviour.reserializeConfigs && name.endsWith('.filters')
          ? reserialize(stored)
          : stored;
      const sensitive = isSensitiveConfig(name);
      out.push({
        name,
        value: sensitive ? this.behaviour.sensitiveValue : (set ?? LINK_DEFAULTS[name] ?? ''),
        isDefault: set === undefined,
        readOnly: false,
        sensitive,
      });
    }
    if (link.connectionMode === 'INBOUND')
      out.push({
        name: 'remote.link.connection.mode',
        value: 'OUTBOUND',
        isDefault: false,
        readOnly: true,
        sensitive: false,
      });
    return out;
  }

  alterLinkConfigs(
    clusterId: string,
    name: string,
    ops: { name: string; value?: string | null; operation?: string | null }[],
    validateOnly: boolean,
  ): void {
    const link = this.link(clusterId, name);
    for (const op of ops) {
      if (IMMUTABLE.has(op.name))
        throw new SimHttpError(
          400,
          40002,
          `Cannot alter cluster link config '${op.name}': it can only be set at creation.`,
        );
      if ((op.operation ?? 'SET') === 'SET' && op.value && op.name.endsWith('.filters'))
        this.checkFilterJson(op.name, op.value);
      if ((op.operation ?? 'SET') === 'SET' && op.value) checkLinkConfigValue(op.name, op.value);
    }
    if (validateOnly) return;
    for (const op of ops) {
      if ((op.operation ?? 'SET') === 'DELETE' || op.value === null || op.value === undefined)
        link.configs.delete(op.name);
      else link.configs.set(op.name, op.value);
    }
  }

  // ---- mirrors -----------------------------------------------------------------------------

  private sourceTopic(link: SimLink, sourceTopicName: string): SimTopic | undefined {
    const src = link.remoteClusterId ? this.clusters.get(link.remoteClusterId) : undefined;
    if (!src) return undefined;
    const t = src.topics.get(sourceTopicName);
    if (!t) throw new SimHttpError(404, 40403, `Topic '${sourceTopicName}' does not exist on the source cluster.`);
    return t;
  }

  createMirror(
    clusterId: string,
    linkName: string,
    body: {
      source_topic_name: string;
      mirror_topic_name?: string;
      replication_factor?: number;
      configs?: { name: string; value: string | null }[];
    },
  ): void {
    const cluster = this.cluster(clusterId);
    const link = this.link(clusterId, linkName);
    if (link.mode === 'SOURCE')
      throw new SimHttpError(
        400,
        40002,
        `Cluster link '${linkName}' is a SOURCE link: mirror topics are created on the destination cluster.`,
      );
    const prefix = link.configs.get('cluster.link.prefix') ?? '';
    const expected = prefix + body.source_topic_name;
    const name = body.mirror_topic_name ?? expected;
    if (name !== expected) throw new SimHttpError(400, 40035, 'Topic renaming for mirroring not yet supported.');
    if (cluster.topics.has(name)) throw new SimHttpError(400, 40002, `Topic '${name}' already exists.`);
    const rf = body.replication_factor ?? cluster.brokers;
    if (rf < 1 || rf > cluster.brokers)
      throw new SimHttpError(
        400,
        40002,
        `Replication factor: ${rf} larger than available brokers: ${cluster.brokers}.`,
      );
    for (const c of body.configs ?? [])
      if (MIRRORED_TOPIC_CONFIGS.has(c.name))
        throw new SimHttpError(400, 40002, `Cannot set configuration '${c.name}' for mirror topic '${name}'`);
    const source = this.sourceTopic(link, body.source_topic_name);
    const partitions = source?.partitions ?? 1;
    cluster.topics.set(name, {
      name,
      partitions,
      replicationFactor: rf,
      endOffsets: Array.from({ length: partitions }, () => 0),
      configs: Object.fromEntries(
        (body.configs ?? []).filter((c) => c.value !== null).map((c) => [c.name, c.value as string]),
      ),
      mirror: {
        linkName,
        sourceTopicName: body.source_topic_name,
        status: 'ACTIVE',
        stateTimeMs: this.behaviour.now(),
        readsLeft: 0,
      },
    });
  }

  /** Mirrors of a link (or of all links with '-'); each observation advances PENDING_STOPPED. */
  mirrors(clusterId: string, linkName: string, observe = true): SimTopic[] {
    const cluster = this.cluster(clusterId);
    if (linkName !== '-') this.link(clusterId, linkName);
    const out = [...cluster.topics.values()].filter(
      (t) => t.mirror && (linkName === '-' || t.mirror.linkName === linkName),
    );
    if (observe) for (const t of out) this.observe(t);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  failTransition(clusterId: string, topic: string, f: SimTransitionFailure): void {
    this.transitionFailures.set(`${clusterId}/${topic}`, { ...f });
  }

  private observe(t: SimTopic): void {
    const m = t.mirror;
    if (!m || m.status !== 'PENDING_STOPPED') return;
    if (m.failure) {
      m.transitionErrors = [{ error_code: m.failure.errorCode, error_message: m.failure.message }];
      if (m.failure.mode === 'revert') {
        m.status = 'ACTIVE';
        m.stateTimeMs = this.behaviour.now();
        delete m.failure;
      }
      return;
    }
    if (m.readsLeft > 0) m.readsLeft--;
    else {
      m.status = 'STOPPED';
      m.stateTimeMs = this.behaviour.now();
    }
  }

  /** Complete every pending stop at once (test helper). */
  completePendingStops(): void {
    for (const c of this.clusters.values())
      for (const t of c.topics.values())
        if (t.mirror?.status === 'PENDING_STOPPED') {
          t.mirror.status = 'STOPPED';
          t.mirror.stateTimeMs = this.behaviour.now();
        }
  }

  mirror(clusterId: string, linkName: string, name: string): SimTopic {
    this.link(clusterId, linkName);
    const t = this.cluster(clusterId).topics.get(name);
    if (!t?.mirror || t.mirror.linkName !== linkName)
      throw new SimHttpError(
        404,
        404,
        `The mirror topic doesn't exist: Topic '${name}' is not a mirror topic of link '${linkName}'.`,
      );
    this.observe(t);
    return t;
  }

  mirrorLags(clusterId: string, t: SimTopic): { partition: number; lag: number; last_source_fetch_offset: number }[] {
    const m = t.mirror;
    if (m?.status === 'STOPPED')
      return Array.from({ length: t.partitions }, (_, p) => ({
        partition: p,
        lag: 0,
        last_source_fetch_offset: this.behaviour.stoppedReportsOffsets ? (m.stopOffsets?.[p] ?? -1) : -1,
      }));
    const link = m ? this.cluster(clusterId).links.get(m.linkName) : undefined;
    const src = link?.remoteClusterId
      ? this.clusters.get(link.remoteClusterId)?.topics.get(m?.sourceTopicName ?? '')
      : undefined;
    return Array.from({ length: t.partitions }, (_, p) => ({
      partition: p,
      lag: 0,
      last_source_fetch_offset: src?.endOffsets[p] ?? 42,
    }));
  }

  /** One batched state action; per-topic failures are result items, never an HTTP error. */
  alterMirrors(
    clusterId: string,
    linkName: string,
    action: string,
    names: string[],
    validateOnly: boolean,
  ): { name: string; errorCode: number | null; message: string | null; topic?: SimTopic }[] {
    const cluster = this.cluster(clusterId);
    this.link(clusterId, linkName);
    if (!validateOnly) this.behaviour.beforeMirrorAction?.(action, names);
    return names.map((name) => {
      const t = cluster.topics.get(name);
      if (!t) return { name, errorCode: 404, message: `Topic ${name} not found` };
      const m = t.mirror;
      if (!m || m.linkName !== linkName) return { name, errorCode: 400, message: `Topic '${name}' is not mirrored` };
      // A failover may take over a promote that is stuck: unlike a promote it does not need the source.
      const escalation = action === 'failover' && m.status === 'PENDING_STOPPED' && m.stopAction === 'promote';
      if ((m.status === 'STOPPED' || m.status === 'PENDING_STOPPED') && !escalation)
        return { name, errorCode: 400, message: `Topic '${name}' has already stopped its mirror from '${linkName}'` };
      const item = { name, errorCode: null, message: null, topic: t };
      if (validateOnly) return item;
      if (action === 'promote' || action === 'failover') {
        m.stopAction = action;
        delete m.failure;
        const f = this.transitionFailures.get(`${clusterId}/${name}`);
        if (f && f.action === action) {
          m.failure = f;
          if (f.times !== undefined && --f.times <= 0) this.transitionFailures.delete(`${clusterId}/${name}`);
        }
      }
      if (escalation) {
        m.readsLeft = this.behaviour.pendingStoppedReads;
        m.stateTimeMs = this.behaviour.now();
        return item;
      }
      const next = action === 'pause' ? 'PAUSED' : action === 'resume' ? 'ACTIVE' : 'PENDING_STOPPED';
      if (action === 'resume' && m.status !== 'PAUSED') return item;
      if (action === 'pause' && m.status === 'PAUSED') return item;
      if (next === 'PENDING_STOPPED')
        m.stopOffsets = this.mirrorLags(clusterId, t).map((l) => l.last_source_fetch_offset);
      m.status = next;
      m.stateTimeMs = this.behaviour.now();
      m.readsLeft = this.behaviour.pendingStoppedReads;
      return item;
    });
  }

  deleteTopic(clusterId: string, name: string): void {
    const cluster = this.cluster(clusterId);
    if (!cluster.topics.delete(name))
      throw new SimHttpError(404, 40403, 'This server does not host this topic-partition.');
  }
}
