// A small HTTPS client for hardening runs: keep-alive connections (like the API server), raw byte bodies,
// a hard per-request timeout, and the presented certificate's fingerprint for rotation checks.
import { Agent, request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface RawResult {
  status: number;
  text: string;
  /** SHA-256 fingerprint of the leaf certificate the server presented on this request's connection. */
  fingerprint256?: string;
  /** Whether the connection was reused (no new handshake). */
  reused: boolean;
}

export interface PostOptions {
  contentType?: string;
  timeoutMs?: number;
  agent?: Agent;
}

export function keepAliveAgent(ca: string, maxSockets = 16): Agent {
  return new Agent({ keepAlive: true, maxSockets, ca });
}

/** POST `body` to `url + path`; resolves for every HTTP status, rejects on transport errors and timeouts. */
export function postRaw(
  url: string,
  ca: string,
  path: string,
  body: Buffer | string,
  options: PostOptions = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)) };
    if (options.contentType !== undefined && options.contentType !== '') headers['content-type'] = options.contentType;
    const req = request(new URL(path, url), { method: 'POST', headers, ca, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      const socket = res.socket as TLSSocket;
      const fingerprint256 = socket.getPeerCertificate?.()?.fingerprint256;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          reused: req.reusedSocket,
          ...(fingerprint256 ? { fingerprint256 } : {}),
        }),
      );
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GET over HTTPS (health endpoints), same conventions as postRaw. */
export function getRaw(
  url: string,
  ca: string,
  path: string,
  options: Omit<PostOptions, 'contentType'> = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'GET', ca, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          reused: req.reusedSocket,
        }),
      );
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
