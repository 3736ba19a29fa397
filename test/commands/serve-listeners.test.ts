// Issue 17 point 11 (docs/install.md#docker): a plain `docker run IMAGE` works — the generated certificate goes
// to a private temp dir when the default --cert-dir cannot be written (simulated with a file where the default
// directory would be: tests may run as root, which a read-only mode does not stop) — and the listeners honour `--host ::` (dual stack) and `--metrics-host`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { tmpdir } from 'node:os';
import { httpCall, httpsCall } from '../support/webhook-server.js';
import { startServeProcess } from '../support/serve-process.js';

const ipv6 = true;

describe('serve in an unwritable working directory', () => {
  test('the generated certificate goes to a temp dir; the webhook serves', { timeout: 90_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'clw-cwd-'));
    writeFileSync(join(cwd, '.clusterlink-webhook'), 'not a directory');
    const serve = await startServeProcess({ certDir: undefined, cwd, args: ['--reconciler', 'false'] });
    try {
      const warning = serve.lines.find((l) => typeof l.usedDir === 'string');
      assert.ok(warning, 'serve says where the certificate went');
      const usedDir = String(warning.usedDir);
      assert.ok(isAbsolute(usedDir) && usedDir.startsWith(tmpdir()), usedDir);
      assert.ok(existsSync(`${usedDir}/ca.crt`));
      const res = await httpsCall(serve.url, serve.ca, '/healthz');
      assert.equal(res.status, 200);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });
});

describe('listener addresses', () => {
  test(
    '--host :: answers on IPv4 and IPv6 loopback; --metrics-host binds the metrics listener alone',
    { timeout: 90_000 },
    async (t) => {
      if (!ipv6) return t.skip('no IPv6');
      const serve = await startServeProcess({
        certDir: `${tmpdir()}/clw-listeners-${process.pid}`,
        args: ['--reconciler', 'false', '--host', '::', '--metrics-host', '127.0.0.1', '--dns-name', '::1'],
      });
      try {
        const port = new URL(serve.url).port;
        const v4 = await httpsCall(`https://127.0.0.1:${port}`, serve.ca, '/healthz');
        assert.equal(v4.status, 200);
        const v6 = await httpsCall(`https://[::1]:${port}`, serve.ca, '/healthz').catch((err: Error) => err);
        if (v6 instanceof Error && /EADDRNOTAVAIL|ENETUNREACH|EAFNOSUPPORT/.test(v6.message))
          t.diagnostic('no ::1 here');
        else assert.equal((v6 as { status: number }).status, 200);
        const metricsPort = new URL(serve.metricsUrl).port;
        assert.equal((await httpCall(`http://127.0.0.1:${metricsPort}`, '/metrics')).status, 200);
        await assert.rejects(
          httpCall(`http://[::1]:${metricsPort}`, '/metrics'),
          /ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/,
        );
      } finally {
        assert.equal(await serve.stop(), 0);
      }
    },
  );
});
