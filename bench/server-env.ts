// What every bench server child shares: the certificate from the parent, and the handle it keeps.
export interface Running {
  port: number;
  close(): Promise<void>;
}

/** The serving certificate the parent made for the run (BENCH_TLS_CERT / BENCH_TLS_KEY): every server does the same TLS. */
export function tlsFromEnv(): { certPem: string; keyPem: string } {
  const certPem = process.env['BENCH_TLS_CERT'];
  const keyPem = process.env['BENCH_TLS_KEY'];
  if (!certPem || !keyPem) throw new Error('BENCH_TLS_CERT and BENCH_TLS_KEY must be set by the parent');
  return { certPem, keyPem };
}
