// Preflight (docs/reconciler.md#preflight): before a link is created, the same request is sent with
// validate_only=true, so the server's own check (remote reachable, credentials, cluster id, configs) runs without
// creating anything; a rejection becomes a condition with the server's message and, for known error codes, the
// fix. The CLI's `preflight` command runs the same from a laptop.
import type { Condition } from '../../clusterlink/types.js';
import { KafkaRestError, type KafkaRestClient } from '../../kafka-rest/index.js';
import type { CreateLinkRequest } from '../../kafka-rest/types.js';
import { fixInMessage } from './error-fixes.js';

export type PreflightResult =
  { ok: true } | { ok: false; message: string; status?: number; errorCode?: number; fix?: string; transient: boolean };

export async function preflightLink(
  client: KafkaRestClient,
  clusterId: string,
  linkName: string,
  request: CreateLinkRequest,
  signal?: AbortSignal,
): Promise<PreflightResult> {
  try {
    await client.createLink(clusterId, linkName, request, { validateOnly: true, signal });
    return { ok: true };
  } catch (e) {
    if (!(e instanceof KafkaRestError) || e.kind === 'aborted') throw e;
    const message = e.serverMessage ?? e.message;
    const known = fixInMessage(message);
    return {
      ok: false,
      message,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.errorCode !== undefined ? { errorCode: e.errorCode } : {}),
      ...(known ? { fix: `${known.code}: ${known.fix}` } : {}),
      transient: e.transient,
    };
  }
}

/** One line: the server's answer, then the fix when the error code is known. */
export function describePreflight(r: Exclude<PreflightResult, { ok: true }>): string {
  const head = `${r.status ? `HTTP ${r.status}` : 'no answer'}${r.errorCode !== undefined ? ` (error_code ${r.errorCode})` : ''}`;
  return `the server rejected the link (validate_only): ${head}: ${r.message}${r.fix ? ` — fix: ${r.fix}` : ''}`;
}

export function preflightCondition(r: PreflightResult): Omit<Condition, 'lastTransitionTime'> {
  return r.ok
    ? {
        type: 'Preflight',
        status: 'True',
        reason: 'Validated',
        message: 'the server accepted the link with validate_only=true',
      }
    : { type: 'Preflight', status: 'False', reason: 'PreflightFailed', message: describePreflight(r) };
}
