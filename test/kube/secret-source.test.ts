// The client-node SecretSource against the in-process fake Kubernetes API (plain HTTP, generated kubeconfig).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { formatFieldError } from '../../src/clusterlink/field-errors.js';
import type { ClusterLink } from '../../src/clusterlink/types.js';
import { classify, createKubeSecretSource, createSecretSourceFromReader } from '../../src/kube/secret-source.js';
import { createLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createSecretChecker } from '../../src/secrets/checker.js';
import { encodeSecretData } from '../support/builders.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { makeTlsMaterial } from '../support/pem-fixtures.js';
import { assertNoSecretValues } from '../secrets/leak-scan.js';

const NS = 'links';
const never = new AbortController().signal;
const material = makeTlsMaterial();
const PLAIN = { 'plain.txt': Buffer.from('username=link-user\npassword=s3cr3t-link-password\n') };

const secretObject = (name: string, data: Record<string, Buffer>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: NS },
  type: 'Opaque',
  data: encodeSecretData(data),
});

const link: ClusterLink = {
  metadata: { name: 'l', namespace: NS },
  spec: {
    sourceKafkaCluster: {
      bootstrapEndpoint: 'src:9092',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'src-plain' } },
      tls: { enabled: true, secretRef: 'src-tls' },
    },
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'krc' } },
  },
};

let api: FakeKubeApi;
let removeIntercepts: (() => void)[] = [];
const secretGets = (name: string) =>
  api.requests.filter((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/${NS}/secrets/${name}`);
/** Answer requests for one Secret with a fixed status or a hang. */
const fault = (name: string, result: { status: number } | 'hang') =>
  removeIntercepts.push(api.intercept((req) => (req.path.endsWith(`/secrets/${name}`) ? result : undefined)));

before(async () => {
  api = await startFakeKubeApi();
  api.seed(secretObject('src-tls', material.secretData));
  api.seed(secretObject('src-plain', PLAIN));
});
after(async () => {
  await api.close();
});
beforeEach(() => {
  for (const remove of removeIntercepts) remove();
  removeIntercepts = [];
  api.clearRequests();
});

describe('createKubeSecretSource', () => {
  test('found: the data is decoded and the request is a single GET of the named Secret', async () => {
    const source = createKubeSecretSource(api.kubeConfig());
    const result = await source.get(NS, 'src-tls', never);
    assert.equal(result.found, true);
    assert.ok(result.found && result.data['privkey.pem']!.equals(material.secretData['privkey.pem']!));
    assert.deepEqual(
      api.requests.map((r) => `${r.method} ${r.path} watch=${r.watch}`),
      [`GET /api/v1/namespaces/${NS}/secrets/src-tls watch=false`],
    );
  });

  const failures: { name: string; status: number | 'missing'; reason: string }[] = [
    { name: 'missing Secret', status: 'missing', reason: 'NotFound' },
    { name: '403', status: 403, reason: 'Forbidden' },
    { name: '401', status: 401, reason: 'Forbidden' },
    { name: '500', status: 500, reason: 'Unavailable' },
    { name: '503', status: 503, reason: 'Unavailable' },
    { name: '429', status: 429, reason: 'Unavailable' },
  ];
  for (const f of failures) {
    test(`${f.name} → ${f.reason}`, async () => {
      if (f.status !== 'missing') fault('src-tls', { status: f.status });
      const source = createKubeSecretSource(api.kubeConfig());
      const result = await source.get(NS, f.status === 'missing' ? 'nope' : 'src-tls', never);
      assert.equal(result.found, false);
      assert.equal(!result.found && result.reason, f.reason);
    });
  }

  test('a lookup that never answers → Timeout at the per-lookup deadline, request cut', async () => {
    fault('src-tls', 'hang');
    const source = createKubeSecretSource(api.kubeConfig(), { timeoutMs: 150 });
    const result = await source.get(NS, 'src-tls', never);
    assert.deepEqual(result, { found: false, reason: 'Timeout', message: 'no answer within 150 ms' });
    assert.equal(source.inFlight(), 0);
  });

  test('a caller giving up answers Timeout at once; the shared lookup still serves the others', async () => {
    let calls = 0;
    let answer: (value: { data: Record<string, string> }) => void = () => undefined;
    const reader = {
      readNamespacedSecret: () => {
        calls += 1;
        return new Promise<{ data: Record<string, string> }>((resolve) => (answer = resolve));
      },
    };
    const source = createSecretSourceFromReader(reader, { timeoutMs: 60_000 });
    const impatient = new AbortController();
    const first = source.get(NS, 'shared', never);
    const second = source.get(NS, 'shared', impatient.signal);
    impatient.abort();
    assert.equal(!(await second).found && ((await second) as { reason: string }).reason, 'Timeout');
    assert.equal(source.inFlight(), 1);
    answer({ data: { k: Buffer.from('v').toString('base64') } });
    const result = await first;
    assert.ok(result.found && result.data.k!.toString() === 'v');
    assert.equal(calls, 1);
    assert.equal(source.inFlight(), 0);
    assert.deepEqual(await source.get(NS, 'shared', AbortSignal.abort()), {
      found: false,
      reason: 'Timeout',
      message: 'caller gave up',
    });
  });

  test('unreachable API server → Unavailable', async () => {
    const port = await closedPort();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'gone', user: 'u' }],
      currentContext: 'c',
    });
    const result = await createKubeSecretSource(kc, { timeoutMs: 1500 }).get(NS, 'x', never);
    assert.equal(!result.found && result.reason, 'Unavailable');
  });

  test('concurrent lookups of one Secret share a single request', async () => {
    const source = createKubeSecretSource(api.kubeConfig());
    const results = await Promise.all(Array.from({ length: 8 }, () => source.get(NS, 'src-plain', never)));
    assert.ok(results.every((r) => r.found));
    assert.equal(secretGets('src-plain').length, 1);
  });

  test('answers are cached for the TTL, NotFound more briefly, failures not at all', async () => {
    let clock = 1_000_000;
    const source = createKubeSecretSource(api.kubeConfig(), {
      cacheTtlMs: 5000,
      notFoundTtlMs: 1000,
      now: () => clock,
    });
    await source.get(NS, 'src-plain', never);
    await source.get(NS, 'src-plain', never);
    assert.equal(secretGets('src-plain').length, 1);
    clock += 5001;
    await source.get(NS, 'src-plain', never);
    assert.equal(secretGets('src-plain').length, 2);

    await source.get(NS, 'later', never);
    await source.get(NS, 'later', never);
    assert.equal(secretGets('later').length, 1);
    clock += 1001;
    await source.get(NS, 'later', never);
    assert.equal(secretGets('later').length, 2);

    fault('src-tls', { status: 500 });
    await source.get(NS, 'src-tls', never);
    await source.get(NS, 'src-tls', never);
    assert.equal(secretGets('src-tls').length, 2);

    source.clearCache();
    await source.get(NS, 'src-plain', never);
    assert.equal(secretGets('src-plain').length, 3);
  });

  test('cached() answers what get() would at once from the cache, and nothing it would have to ask for', async () => {
    let clock = 1_000_000;
    const source = createKubeSecretSource(api.kubeConfig(), { cacheTtlMs: 5000, now: () => clock });
    assert.equal(source.cached?.(NS, 'src-plain'), undefined);
    const looked = await source.get(NS, 'src-plain', never);
    assert.equal(looked.found, true);
    assert.equal(source.cached?.(NS, 'src-plain'), looked, 'the cached answer is the same object');
    assert.equal(source.cached?.('other-ns', 'src-plain'), undefined, 'per namespace');
    clock += 5001;
    assert.equal(source.cached?.(NS, 'src-plain'), undefined, 'expired');
    assert.equal(secretGets('src-plain').length, 1, 'cached() never reads the API');
  });
});

describe('classify', () => {
  const cases: { name: string; err: unknown; aborted?: boolean; reason: string; excludes?: string }[] = [
    { name: 'abort wins over any error', err: new Error('AbortError'), aborted: true, reason: 'Timeout' },
    { name: '404', err: new ApiException(404, 'x', '{}', {}), reason: 'NotFound' },
    {
      name: '403 keeps the API message',
      err: new ApiException(403, 'x', '{"message":"secrets \\"a\\" is forbidden"}', {}),
      reason: 'Forbidden',
    },
    { name: '502', err: new ApiException(502, 'x', 'bad gateway', {}), reason: 'Unavailable' },
    {
      name: 'network error',
      err: Object.assign(new Error('connect ECONNREFUSED'), { name: 'FetchError' }),
      reason: 'Unavailable',
    },
    { name: 'a thrown string', err: 'boom', reason: 'Unavailable' },
    {
      name: 'a 200 that failed to deserialise never echoes the body',
      err: new ApiException(200, 'parse failure', '{"data":{"privkey.pem":"c2VjcmV0LXZhbHVl"}}', {}),
      reason: 'Unavailable',
      excludes: 'c2VjcmV0LXZhbHVl',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = classify(c.err, c.aborted ?? false, 100);
      assert.equal(!result.found && result.reason, c.reason);
      if (c.excludes) assert.ok(!result.found && !result.message.includes(c.excludes), JSON.stringify(result));
    });
  }
});

describe('checker + client-node source', () => {
  test('valid Secrets: clean answer; logs and messages carry no Secret value', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
    const checker = createSecretChecker(createKubeSecretSource(api.kubeConfig(), { logger }), {
      strict: false,
      logger,
    });
    assert.deepEqual(await checker.check(link, NS, never), { errors: [], warnings: [] });

    // Now break things so every code path logs, and scan everything written.
    fault('src-plain', { status: 403 });
    api.seed(secretObject('src-tls', { ...material.secretData, 'cacerts.pem': Buffer.from('nope') }));
    const broken = await createSecretChecker(createKubeSecretSource(api.kubeConfig(), { logger }), {
      strict: false,
      logger,
    }).check(link, NS, never);
    assert.equal(broken.errors.length, 1);
    assert.equal(broken.warnings.length, 1);
    assert.ok(lines.some((l) => l.includes('"reason":"Forbidden"')));
    assertNoSecretValues(
      [...lines, ...broken.errors.map(formatFieldError), ...broken.warnings],
      material.secretData,
      PLAIN,
    );
    api.seed(secretObject('src-tls', material.secretData));
  });

  for (const strict of [false, true]) {
    test(`a hanging API still yields an answer before the admission deadline (${strict ? 'strict: denied' : 'warning'})`, async () => {
      fault('src-tls', 'hang');
      fault('src-plain', 'hang');
      const metrics = createMetrics({ defaultMetrics: false });
      const checker = createSecretChecker(createKubeSecretSource(api.kubeConfig(), { timeoutMs: 200 }), {
        strict,
        metrics,
      });
      const result = await checker.check(link, NS, AbortSignal.timeout(1500));
      if (strict) {
        assert.deepEqual(
          result.errors.map((e) => e.field),
          ['spec.sourceKafkaCluster.tls.secretRef', 'spec.sourceKafkaCluster.authentication.jaasConfig.secretRef'],
        );
        assert.deepEqual(result.warnings, []);
      } else {
        assert.deepEqual(result.errors, []);
        assert.equal(result.warnings.length, 2);
        assert.ok(result.warnings.every((w) => w.includes('unreadable (lookup timed out)')));
      }
      assert.equal(
        (await metrics.secretLookupFailures.get()).values.find((v) => v.labels.reason === 'Timeout')?.value,
        2,
      );
    });
  }
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
