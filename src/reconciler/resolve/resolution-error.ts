// A ClusterLink refers to something in Kubernetes that is missing or unusable (a KafkaRestClass, a Secret,
// an unsupported authentication type). Not worth a fast retry: the user has to act; surfaced as Ready=False.
export class ResolutionError extends Error {
  override readonly name = 'ResolutionError';
  constructor(
    /** Condition reason, e.g. `KafkaRestClassNotFound`, `SecretNotFound`, `UnsupportedAuthentication`. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export const isResolutionError = (err: unknown): err is ResolutionError => err instanceof ResolutionError;
