// The logger redacts secret-like values wherever they appear, and a review's log line carries no object content.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/log.js';
import { clusterLinkReview, postReview, startWebhook } from '../support/webhook-server.js';

function capture(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  return { lines, logger };
}

describe('logging', () => {
  const cases: Array<[string, Record<string, unknown>, (l: Record<string, any>) => unknown, unknown]> = [
    ['top-level password', { password: 'hunter2' }, (l) => l.password, '[REDACTED]'],
    ['nested token', { auth: { token: 't0ps3cret' } }, (l) => l.auth.token, '[REDACTED]'],
    ['two levels down', { a: { b: { privateKey: 'k' } } }, (l) => l.a.b.privateKey, '[REDACTED]'],
    [
      'Secret data',
      { secret: { name: 'x' }, obj: { data: { 'plain.txt': 'username=a\npassword=b' } } },
      (l) => l.obj.data,
      '[REDACTED]',
    ],
    [
      'dotted Kafka config key',
      { configs: { 'sasl.jaas.config': 'org.apache... password="p";', 'bootstrap.servers': 'b:9092' } },
      (l) => [l.configs['sasl.jaas.config'], l.configs['bootstrap.servers']],
      ['[REDACTED]', 'b:9092'],
    ],
    [
      'authorization header',
      { req: { headers: { authorization: 'Bearer abc' } } },
      (l) => l.req.headers.authorization,
      '[REDACTED]',
    ],
    ['ordinary fields stay', { namespace: 'ns', object: 'link' }, (l) => [l.namespace, l.object], ['ns', 'link']],
  ];
  for (const [name, fields, pick, expected] of cases) {
    test(`redacts: ${name}`, () => {
      const { lines, logger } = capture();
      logger.info(fields, 'x');
      assert.deepEqual(pick(lines[0]!), expected);
    });
  }

  test('the per-review line names the request, not the object content', async () => {
    const { lines, logger } = capture();
    const wh = await startWebhook({
      logger,
      metricsListener: false,
      admitters: {
        mutate: async () => ({ allowed: true, errors: [], warnings: [] }),
        validate: async () => ({ allowed: true, errors: [], warnings: [] }),
      },
    });
    try {
      const object = {
        apiVersion: 'platform.confluent.io/v1beta1',
        kind: 'ClusterLink',
        metadata: { name: 'l1', namespace: 'ns' },
        spec: { configs: { marker: 'VALUE-THAT-MUST-NOT-BE-LOGGED' } },
      };
      await postReview(wh.url, wh.ca, '/validate', clusterLinkReview(object, { uid: 'log-uid-1' }));
    } finally {
      await wh.close();
    }
    const line = lines.find((l) => l.uid === 'log-uid-1' && l.msg === 'admission review answered');
    assert.ok(line);
    assert.equal(line.object, 'l1');
    assert.equal(line.namespace, 'ns');
    assert.equal(line.operation, 'CREATE');
    assert.equal(line.allowed, true);
    assert.equal(typeof line.durationMs, 'number');
    assert.ok(!JSON.stringify(lines).includes('VALUE-THAT-MUST-NOT-BE-LOGGED'));
  });
});
