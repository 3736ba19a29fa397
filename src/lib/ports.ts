// Binding comes before anything with side effects (docs/webhook.md#certificates): a second `serve` on a port in
// use must fail before it touches --cert-dir. A port is tried by listening on it and closing again at once.
import { createServer } from 'node:net';

/** Resolves when every port can be bound on `host`; rejects with "<host>:<port>: <reason>" for the first that cannot. */
export async function assertPortsFree(host: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(`${host.includes(':') ? `[${host}]` : host}:${port}: ${err.code ?? err.message}`)),
      );
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
    });
  }
}
