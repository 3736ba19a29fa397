// The reads the controller needs from Kubernetes besides the ClusterLink informer. An interface so that the
// resolution logic (rest-class.ts, credentials.ts) can be tested without an API server.
export interface KafkaRestClassObject {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    kafkaClusterRef?: { name?: string; namespace?: string };
    kafkaRest?: {
      endpoint?: string;
      kafkaClusterID?: string;
      authentication?: {
        type?: string;
        basic?: { secretRef?: string; directoryPathInContainer?: string };
        bearer?: { secretRef?: string; directoryPathInContainer?: string };
        oauth?: unknown;
      };
      tls?: { secretRef?: string; directoryPathInContainer?: string };
    };
  };
}

export interface KubeReads {
  /** Secret data (decoded), or undefined when the Secret does not exist. Other failures throw. */
  getSecretData(namespace: string, name: string, signal?: AbortSignal): Promise<Record<string, Buffer> | undefined>;
  /** The KafkaRestClass, or undefined when it does not exist. Other failures throw. */
  getKafkaRestClass(namespace: string, name: string, signal?: AbortSignal): Promise<KafkaRestClassObject | undefined>;
}
