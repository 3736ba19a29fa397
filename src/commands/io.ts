// The streams a CLI command talks to. Commands take them as a parameter so tests can run a command
// in-process and read exactly what a user would see, without touching the real process streams.
import type { ManifestInput } from '../offline/input.js';

export interface TextSink {
  write(chunk: string): unknown;
}

export interface CliIO extends ManifestInput {
  stdout: TextSink;
  stderr: TextSink;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, readStdin: readProcessStdin, cwd: process.cwd() };
}
