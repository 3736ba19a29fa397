// Known Cluster Linking error codes → what to do (docs/reconciler.md#error-codes). From Confluent's cluster-linking
// troubleshooting page ("Cluster Linking error codes", "Task error codes"); where only the code name was
// available the fix is derived from it and marked "suggested". The server's own message is always shown too.
const FIXES: Record<string, string> = {
  UNRESOLVABLE_BOOTSTRAP_ERROR:
    'the bootstrap server does not resolve to an IP address: fix DNS for the bootstrap FQDN (for Confluent Cloud use a publicly registered name or IP bootstrap) and allow traffic to its port',
  INVALID_BOOTSTRAP_INTERNAL_ENDPOINT_ERROR:
    'suggested: the bootstrap points at an internal endpoint the linking cluster cannot reach; use the externally reachable listener',
  BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR:
    'suggested: the name resolved but no TCP connection could be made; check firewalls, security groups, the port and the listener',
  AUTHENTICATION_ERROR:
    'suggested: the link credentials were refused; check the sasl.jaas.config or certificate Secrets (rotated or expired?)',
  BROKER_AUTHENTICATION_ERROR:
    'suggested: the brokers could not authenticate to the other cluster; check the link credentials',
  TIMEOUT_ERROR: 'suggested: the remote cluster did not answer in time; check the network path and request.timeout.ms',
  MISCONFIGURATION_ERROR:
    'suggested: a sync is enabled without its filters; set spec.aclFilters, spec.consumerGroupFilters or the auto-create topic filters, or disable the sync',
  AUTHORIZATION_ERROR:
    "suggested: the link's principal lacks ACLs on the source; grant DESCRIBE/READ on the topics (and DESCRIBE on the cluster and groups)",
  BROKER_AUTHORIZATION_ERROR: "suggested: the destination brokers' principal lacks ACLs on the source cluster",
  REMOTE_LINK_NOT_FOUND_ERROR:
    'suggested: the other half of the link does not exist or has another name; create it with the same spec.name',
  CONSUMER_GROUP_IN_USE_ERROR:
    'suggested: a synced consumer group is active on the destination; stop its consumers or exclude the group from consumerGroupFilters',
  ACL_LIMIT_EXCEEDED: 'suggested: too many ACLs to sync; narrow spec.aclFilters',
  TOPIC_EXISTS_ERROR: 'suggested: a topic of that name already exists on the destination; delete it or use a prefix',
  SECURITY_DISABLED_ERROR: 'suggested: ACL sync needs an authorizer on the destination cluster',
  LINK_COORDINATOR_NOT_ENABLED_ERROR: 'suggested: the cluster link coordinator is not enabled on the destination',
  // Mirror states (docs/reconciler.md#health): not error codes, but what a FAILED/unavailable mirror needs.
  SOURCE_UNAVAILABLE:
    'the source topic or cluster cannot be reached: check the link state and its network and credentials, and that the source topic exists',
  LINK_FAILED: 'the cluster link failed: see the link state and its error, fix the link, then the mirror resumes',
  FAILED:
    'the mirror failed (see mirror_topic_error, e.g. the source topic was deleted, re-created or lost partitions): delete the mirror topic and create it again',
  SOURCE_TOPIC_MAY_BE_DELETED: 're-create the source topic, or remove the mirror topic from the spec',
  SOURCE_TOPIC_ID_CHANGED: 'the source topic was re-created: delete the mirror topic and mirror it again',
  SOURCE_PARTITIONS_DECREASED: 'the source topic lost partitions: delete the mirror topic and mirror it again',
};

/** The fix for a known code (case-insensitive), undefined otherwise. */
export function fixFor(code: string | undefined): string | undefined {
  return code ? FIXES[code.trim().toUpperCase()] : undefined;
}

/** Finds the first known code mentioned in a free-text server message. */
export function fixInMessage(message: string | undefined): { code: string; fix: string } | undefined {
  if (!message) return undefined;
  for (const code of Object.keys(FIXES)) if (message.includes(code)) return { code, fix: FIXES[code] as string };
  return undefined;
}
