// `clusterlink-webhook preflight` (docs/cli.md#preflight) against the REST simulator: an acceptable link is OK,
// an unresolvable bootstrap is FAILED with the fix, a manifest the webhook refuses is INVALID; nothing is created.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/commands/preflight.js';
import { SimWorld, startRestSimulator } from '../support/rest-simulator/index.js';
import { bufferedIO } from '../offline/helpers.js';

const link = (name: string, bootstrap: string, extra = '') => `apiVersion: platform.confluent.io/v1beta1
kind: ClusterLink
metadata: {name: ${name}, namespace: confluent}
spec:
  name: ${name}
  sourceKafkaCluster:
    clusterID: src
    bootstrapEndpoint: ${bootstrap}
    authentication: {type: plain, jaasConfig: {secretRef: creds}}
${extra}  destinationKafkaCluster: {kafkaRestClassRef: {name: krc}}
`;
const SECRET = `apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: confluent}
stringData: {plain.txt: "username=u\\npassword=p"}
`;

describe('preflight command', async () => {
  const world = new SimWorld({ unresolvableBootstraps: ['nowhere:9092'] });
  world.addCluster('src', { bootstrap: 'src:9092' });
  const sim = await startRestSimulator({
    world,
    clusterId: 'dst',
    auth: { basic: { username: 'admin', password: 's3cret' } },
  });
  after(() => sim.close());
  const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
  writeFileSync(join(dir, 'basic.txt'), 'username=admin\npassword=s3cret\n');
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const cli = async (...args: string[]) => {
    const io = bufferedIO();
    const code = await run([...args, '--rest', sim.url, '--basic-auth-file', join(dir, 'basic.txt')], io);
    return { code, out: io.out(), err: io.err() };
  };

  await test('table of outcomes', async () => {
    const cases: [string, string, number, RegExp][] = [
      [
        'ok.yaml',
        `${link('good', 'src:9092')}---\n${SECRET}`,
        0,
        /^confluent\/good: OK \(the server would create link good\)\n$/,
      ],
      [
        'bad.yaml',
        `${link('bad', 'nowhere:9092')}---\n${SECRET}`,
        1,
        /^confluent\/bad: FAILED: the server rejected the link \(validate_only\): HTTP 400 \(error_code 40002\): .*UNRESOLVABLE_BOOTSTRAP_ERROR.* — fix: .*fix DNS/,
      ],
      ['nosecret.yaml', link('nosecret', 'src:9092'), 1, /^confluent\/nosecret: FAILED: .*creds/],
      [
        'invalid.yaml',
        link('invalid', 'src:9092', '  mirrorTopics: [{name: a, state: ACTVE}]\n'),
        1,
        /^confluent\/invalid: INVALID: /,
      ],
    ];
    for (const [name, text, code, pattern] of cases) {
      const r = await cli('-f', file(name, text));
      assert.equal(r.code, code, `${name}: ${r.out}${r.err}`);
      assert.match(r.out, pattern, name);
    }
    assert.equal(world.clusters.get('dst')?.links.size, 0, 'validate_only never creates');
    assert.ok(sim.calls.some((c) => c.method === 'POST' && c.path.endsWith('/links')));
    assert.deepEqual(sim.violations, []);
  });

  await test('usage errors exit 2', async () => {
    const io = bufferedIO();
    assert.equal(await run(['-f', 'x.yaml'], io), 2);
    assert.match(io.err(), /--rest/);
    const r = await cli('-f', file('empty.yaml', SECRET));
    assert.equal(r.code, 2);
    assert.match(r.err, /no ClusterLink/);
  });
});
