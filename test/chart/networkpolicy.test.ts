// Issue 17 point 4 (docs/webhook.md#forged-reviews): the chart's NetworkPolicy, through the real Helm. Off by
// default (the API server's source addresses are cluster-specific); when on, it needs the API server's peers
// and admits them to the HTTPS port only, and the metrics port only to the peers given for it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HelmFailure, helmTemplate, type Manifest } from './helm.js';

const policies = (ms: Manifest[]): Array<Record<string, unknown>> =>
  ms.map((m) => m.object as Record<string, unknown>).filter((o) => o.kind === 'NetworkPolicy');
const apiServerPeers = [{ ipBlock: { cidr: '10.0.0.0/24' } }];
const metricsPeers = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];

describe('NetworkPolicy', () => {
  test('none by default', () => assert.deepEqual(policies(helmTemplate()), []));

  test('enabled without apiServerPeers: refused with a message that says why', () => {
    assert.throws(
      () => helmTemplate({ networkPolicy: { enabled: true } }),
      (err: unknown) =>
        err instanceof HelmFailure && /apiServerPeers.*every ClusterLink write would fail/.test(err.stderr),
    );
  });

  const cases = [
    {
      name: 'API server peers only: the HTTPS port, nothing to metrics',
      values: { enabled: true, apiServerPeers },
      ingress: [{ ports: [{ port: 'https', protocol: 'TCP' }], from: apiServerPeers }],
    },
    {
      name: 'with metrics peers: a second rule for the metrics port',
      values: { enabled: true, apiServerPeers, metricsPeers },
      ingress: [
        { ports: [{ port: 'https', protocol: 'TCP' }], from: apiServerPeers },
        { ports: [{ port: 'metrics', protocol: 'TCP' }], from: metricsPeers },
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [policy, ...more] = policies(helmTemplate({ networkPolicy: c.values }));
      assert.equal(more.length, 0);
      const spec = policy!.spec as Record<string, unknown>;
      assert.deepEqual(spec.policyTypes, ['Ingress']);
      assert.deepEqual(spec.ingress, c.ingress);
      const deployment = helmTemplate({ networkPolicy: c.values }).find((m) => m.object.kind === 'Deployment')!.object;
      const podLabels = ((deployment.spec as Record<string, any>).template.metadata.labels ?? {}) as Record<
        string,
        string
      >;
      const selector = (spec.podSelector as { matchLabels: Record<string, string> }).matchLabels;
      for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v, `pod label ${k}`);
    });
  }
});
