// `validate` behaviours beyond the goldens: scope rules shared with the webhook, UPDATE matching, usage
// errors, and what a crash inside the rules looks like.
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admitter } from '../../src/admission/types.js';
import { createOfflinePipeline } from '../../src/offline/pipeline.js';
import { exitCodeOf } from '../../src/commands/validate.js';
import { formatJson, formatText } from '../../src/offline/report.js';
import { validateManifest, validateManifests } from '../../src/offline/validate-manifests.js';
import { bufferedIO, INPUTS, runCli } from '../offline/helpers.js';

const LINK = {
  apiVersion: 'platform.confluent.io/v1beta1',
  kind: 'ClusterLink',
  metadata: { name: 'l', namespace: 'ns' },
  spec: {
    destinationKafkaCluster: { kafkaRestClassRef: { name: 'dest-rest' } },
    sourceKafkaCluster: { bootstrapEndpoint: 'broker:9092', clusterID: 'c1' },
  },
};
const manifest = (object: unknown) => ({
  ref: 'm.yaml:1',
  source: 'm.yaml',
  document: 1,
  pointer: '',
  object,
  line: 1,
  locate: () => 1,
});
const options = { defaultNamespace: 'default', pipeline: createOfflinePipeline({}) };

describe('validateManifest', () => {
  test('an object being deleted is not checked, as by the webhook', async () => {
    const broken = { ...LINK, metadata: { ...LINK.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, spec: {} };
    const report = await validateManifest(manifest(broken), new Map(), options);
    assert.equal(report.status, 'skipped');
    assert.match(report.reason ?? '', /being deleted/);
  });

  test('a generateName-only ClusterLink is checked as a CREATE', async () => {
    const report = await validateManifest(manifest({ ...LINK, metadata: { generateName: 'l-' } }), new Map(), options);
    assert.equal(report.operation, 'CREATE');
    assert.equal(report.status, 'valid');
  });

  test('an old object with the same namespace/name makes it an UPDATE', async () => {
    const old = {
      ...LINK,
      spec: { ...LINK.spec, sourceKafkaCluster: { ...LINK.spec.sourceKafkaCluster, clusterID: 'c0' } },
    };
    const report = await validateManifest(manifest(LINK), new Map([['ns/l', old]]), options);
    assert.equal(report.operation, 'UPDATE');
    assert.equal(report.status, 'invalid');
    assert.deepEqual(
      report.causes.map((c) => c.field),
      ['spec.sourceKafkaCluster.clusterID'],
    );
  });

  test('a crash in the rules is a denial that says so, not a crash of the command', async () => {
    const crashing: Admitter = async () => {
      throw new Error('boom');
    };
    const pipeline = { ...createOfflinePipeline({}), validate: crashing };
    const report = await validateManifest(manifest(LINK), new Map(), { ...options, pipeline });
    assert.equal(report.status, 'invalid');
    assert.match(report.message ?? '', /internal error in the ClusterLink validating webhook.*: boom$/);
    assert.match(
      formatText({ documents: [report], problems: [], secretsChecked: false }).stdout,
      /l: DENIED\n {2}\* internal error/,
    );
  });
});

describe('--old', () => {
  test('two old objects with one name are a problem (exit 2)', async () => {
    const io = bufferedIO();
    const report = await validateManifests(
      {
        files: [`${INPUTS}/valid.yaml`],
        oldFiles: [`${INPUTS}/old`, `${INPUTS}/old/links.yaml`],
        defaultNamespace: 'default',
        pipeline: options.pipeline,
        secretsChecked: false,
      },
      io,
    );
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0]!.message, /old ClusterLink kafka-dest\/dc1-orders is also defined at/);
    assert.equal(
      (JSON.parse(formatJson(report, exitCodeOf(report))) as { summary: { exitCode: number } }).summary.exitCode,
      2,
    );
  });
});

describe('usage and input errors exit 2 and say so on stderr', () => {
  const cases: Array<{ name: string; argv: string[]; match: RegExp; inputError?: true }> = [
    // input errors: stdout still has the report (what could be read), stderr says what is wrong
    {
      name: 'a missing file',
      inputError: true,
      argv: ['validate', `${INPUTS}/nope.yaml`],
      match: /^error: test\/fixtures\/cli\/inputs\/nope.yaml: cannot read: no such file or directory\n$/,
    },
    {
      name: 'a glob that matches nothing',
      inputError: true,
      argv: ['validate', `${INPUTS}/*.nothing.yaml`],
      match: /no manifest file matches the pattern/,
    },
    {
      name: 'nothing to check',
      inputError: true,
      argv: ['validate', `${INPUTS}/secrets`],
      match: /no ClusterLink was checked \(\d+ documents skipped\); --allow-empty accepts that/,
    },
    // usage errors: nothing on stdout
    {
      name: 'stdin twice',
      argv: ['validate', '-f', '-', '--old', '-'],
      match: /standard input \(-\) can be read only once/,
    },
    {
      name: 'strict without a secrets dir',
      argv: ['validate', '-f', `${INPUTS}/valid.yaml`, '--strict-secrets'],
      match: /--strict-secrets needs --secrets-dir/,
    },
    {
      name: 'unknown output',
      argv: ['validate', '-f', `${INPUTS}/valid.yaml`, '-o', 'yaml'],
      match: /unknown output format "yaml"/,
    },
    {
      name: 'a flag that does not exist',
      argv: ['validate', `${INPUTS}/valid.yaml`, '--strict'],
      match: /Unknown option '--strict'/,
    },
    {
      name: 'empty namespace',
      argv: ['validate', '-f', `${INPUTS}/valid.yaml`, '-n', ''],
      match: /namespace must not be empty/,
    },
    { name: 'mutate without input', argv: ['mutate', '--patch'], match: /no input: give files/ },
    {
      name: 'mutate, a missing file',
      argv: ['mutate', `${INPUTS}/nope.yaml`],
      match: /nope.yaml: cannot read: no such file/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const result = await runCli(c.argv);
      assert.equal(result.code, 2);
      if (!c.inputError) assert.equal(result.stdout, '');
      assert.match(result.stderr, c.match);
    });
  }
});

describe('--version', () => {
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  for (const command of ['validate', 'mutate']) {
    test(`${command} --version prints the package version`, async () => {
      const result = await runCli([command, '--version']);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `clusterlink-webhook ${version}\n`);
    });
  }
});

describe('positional inputs and stdin', () => {
  test('- as a positional reads stdin', async () => {
    const result = await runCli(
      ['validate', '-'],
      readFileSync(new URL(`../../${INPUTS}/valid.yaml`, import.meta.url), 'utf8'),
    );
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^<stdin>:2 kafka-dest\/dc1-orders: OK$/m);
  });
  test('positional files and -f files are checked together, in order', async () => {
    const result = await runCli(['validate', `${INPUTS}/valid.yaml`, '-f', `${INPUTS}/tree/a-link.yaml`]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /valid\.yaml:2 .*OK\n.*a-link\.yaml:1 .*OK\n/);
  });
});
