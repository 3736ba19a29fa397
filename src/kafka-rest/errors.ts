// Typed errors of the Admin REST v3 client. Every failure carries what an operator needs to act on
// it (HTTP status, Confluent `error_code`, the server's own message) and never a credential.

export type KafkaRestErrorKind =
  /** The server answered with a non-2xx status. */
  | 'http'
  /** No answer: connection refused/reset, DNS, TLS handshake. */
  | 'network'
  /** The request exceeded its time budget. */
  | 'timeout'
  /** The caller aborted. */
  | 'aborted'
  /** A 2xx answer whose body could not be understood. */
  | 'protocol';

export class KafkaRestError extends Error {
  override readonly name = 'KafkaRestError';
  constructor(
    readonly kind: KafkaRestErrorKind,
    message: string,
    readonly method: string,
    readonly path: string,
    /** HTTP status (kind 'http' only). */
    readonly status?: number,
    /** Confluent `error_code` from the JSON error body, when present. */
    readonly errorCode?: number,
    /** The server's message verbatim (kind 'http'), for conditions. */
    readonly serverMessage?: string,
  ) {
    super(message);
  }

  /** Worth retrying later without changing anything (server busy, connection trouble). */
  get transient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    if (this.kind !== 'http' || this.status === undefined) return false;
    return (
      this.status === 429 ||
      this.status === 502 ||
      this.status === 503 ||
      this.status === 504 ||
      this.errorCode === 50003
    );
  }
}

export function isKafkaRestError(e: unknown): e is KafkaRestError {
  return e instanceof KafkaRestError;
}

export function isNotFound(e: unknown): boolean {
  return isKafkaRestError(e) && e.status === 404;
}

/** 409/40902 "Cluster link 'x' already exists." */
export function isLinkExists(e: unknown): boolean {
  return isKafkaRestError(e) && e.status === 409;
}

/**
 * The Source half of a source-initiated link is created before the destination has propagated its
 * INBOUND half: cp-server answers 400 "... the destination cluster does not have a link named L".
 */
export function isDestinationLinkMissing(e: unknown): boolean {
  return isKafkaRestError(e) && e.status === 400 && /does not have a link named/i.test(e.serverMessage ?? '');
}

/** One failed item of a batched mirror action (the HTTP call itself answered 200). */
export interface MirrorItemError {
  mirrorTopicName: string;
  errorCode: number;
  message: string;
}
