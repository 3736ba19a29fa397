// The API server's audit log (JSON lines, policy in test/e2e/harness/main.go): who wrote what. The suite
// counts a component's writes between two points; a sentinel read marks the end, so every request answered
// before it is in the file when it is read.
import { readFileSync } from 'node:fs';
import type { Cluster } from './cluster.js';

export interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string };
  responseStatus?: { code?: number };
  requestObject?: unknown;
  requestURI: string;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export function readAudit(cluster: Cluster): AuditEvent[] {
  return readFileSync(cluster.auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent)
    .filter((e) => e.stage === 'ResponseComplete');
}

let sentinels = 0;

/** Waits until a request made now is in the log: everything answered before it is there too. */
export async function flushAudit(cluster: Cluster): Promise<number> {
  const name = `audit-sentinel-${process.pid}-${++sentinels}`;
  await cluster.kubectl(['get', 'configmap', name, '-n', 'default', '--ignore-not-found']);
  for (let i = 0; i < 200; i++) {
    const events = readAudit(cluster);
    if (events.some((e) => e.objectRef?.name === name)) return events.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the audit log never showed the sentinel request');
}

export function isWrite(e: AuditEvent): boolean {
  return WRITE_VERBS.has(e.verb);
}

/** `resource[/subresource]` of an event, e.g. clusterlinks/status. */
export function resourceOf(e: AuditEvent): string {
  return `${e.objectRef?.resource ?? ''}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''}`;
}
