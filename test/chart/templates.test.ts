// The chart's templates, checked without Helm (none is installed here): every file parses as Go-template
// text, every include and .Values reference resolves, and the fixed parts of each manifest are the
// Kubernetes kinds, apiVersions and settings the install promises (webhook scope, safe rollouts, least
// privilege). Template logic is kept small so that these static checks say something real.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseGoTemplate,
  staticKinds,
  TemplateSyntaxError,
  valuesReferences,
  type ParsedTemplate,
  type StaticLine,
} from './gotemplate.js';
import { CHART_DIR, TEMPLATES_DIR, isObject, loadYamlObject, readText, type Json } from './support.js';

const files = readdirSync(TEMPLATES_DIR)
  .filter((f) => f.endsWith('.yaml') || f.endsWith('.tpl') || f.endsWith('.txt'))
  .sort();
const parsed = new Map<string, ParsedTemplate>();
for (const f of files) parsed.set(f, parseGoTemplate(readText(join(TEMPLATES_DIR, f))));
const get = (file: string): ParsedTemplate => {
  const p = parsed.get(file);
  if (!p) throw new Error(`template ${file} is missing`);
  return p;
};
const staticText = (file: string): string =>
  get(file)
    .staticLines.map((l) => l.text)
    .join('\n');
/** The documents (of a multi-document template) whose `kind:` is `kind`, as static lines. */
function documentsOf(file: string, kind: string): StaticLine[][] {
  const docs: StaticLine[][] = [[]];
  for (const l of get(file).staticLines) {
    if (/^---\s*$/.test(l.text.replace(/«»/g, ''))) docs.push([]);
    else docs[docs.length - 1]?.push(l);
  }
  return docs.filter((d) => d.some((l) => l.text === `kind: ${kind}`));
}
function documentOf(file: string, kind: string): StaticLine[] {
  const [doc] = documentsOf(file, kind);
  if (!doc) throw new Error(`${file} has no ${kind}`);
  return doc;
}
const text = (lines: StaticLine[]): string => lines.map((l) => l.text).join('\n');

describe('the Go-template reader itself', () => {
  const bad: Array<[string, string]> = [
    ['unclosed action', 'a: {{ .Values.x'],
    ['stray close', 'a: }}'],
    ['if without end', '{{ if .Values.x }}a: 1'],
    ['end without block', 'a: 1\n{{ end }}'],
    ['else outside a block', '{{ else }}'],
    ['unterminated string', '{{ printf "%s .Values.x }}'],
    ['unbalanced parenthesis', '{{ include "x" (dict "a" 1 }}'],
    ['unclosed comment', '{{/* hello }}'],
    ['define without a name', '{{ define x }}{{ end }}'],
  ];
  for (const [name, src] of bad) {
    test(`refuses: ${name}`, () => assert.throws(() => parseGoTemplate(src), TemplateSyntaxError));
  }
  test('accepts nested blocks, else-if, comments and trim markers', () => {
    const p = parseGoTemplate(
      '{{- /* c */ -}}\n{{- if .Values.a }}\n{{- range .Values.b }}x{{ end }}\n{{- else if .Values.c }}y\n{{- else }}z{{ end }}\n{{ define "n" }}{{ include "m" . }}{{ end }}',
    );
    assert.deepEqual(p.defines, ['n']);
    assert.deepEqual(p.includes, ['m']);
    assert.deepEqual(valuesReferences(p.actions), ['a', 'b', 'c']);
  });
  test('records the conditions around static text', () => {
    const p = parseGoTemplate('a: 1\n{{- if .Values.on }}\nb: 2\n{{- end }}\n');
    assert.deepEqual(p.staticLines.find((l) => l.text === 'b: 2')?.conditions, ['if .Values.on']);
    assert.deepEqual(p.staticLines.find((l) => l.text === 'a: 1')?.conditions, []);
  });
});

describe('every template parses as Go-template text', () => {
  test('the chart has the expected template files', () => {
    for (const f of [
      '_helpers.tpl',
      'NOTES.txt',
      'deployment.yaml',
      'service.yaml',
      'serviceaccount.yaml',
      'poddisruptionbudget.yaml',
      'rbac.yaml',
      'rbac-exceptions.yaml',
      'rule-actions.yaml',
      'webhooks.yaml',
      'certmanager.yaml',
      'servicemonitor.yaml',
      'pre-delete-hook.yaml',
    ]) {
      assert.ok(files.includes(f), `${f} is missing`);
    }
  });
  for (const f of files) {
    test(`${f} parses (balanced actions and blocks)`, () => {
      assert.doesNotThrow(() => parseGoTemplate(readText(join(TEMPLATES_DIR, f))));
    });
  }

  test('every included template is defined in _helpers.tpl', () => {
    const defined = new Set(get('_helpers.tpl').defines);
    const missing = [...parsed.entries()].flatMap(([f, p]) =>
      p.includes.filter((n) => !defined.has(n)).map((n) => `${f}: ${n}`),
    );
    assert.deepEqual(missing, []);
  });

  test('every .Values reference exists in values.yaml (Helm would render a typo as empty)', () => {
    const defaults = loadYamlObject(join(CHART_DIR, 'values.yaml'));
    const resolve = (path: string): boolean => {
      let node: Json = defaults;
      for (const part of path.split('.')) {
        if (!isObject(node) || !(part in node)) return false;
        node = node[part] ?? null;
      }
      return true;
    };
    const unknown = [...parsed.entries()].flatMap(([f, p]) =>
      valuesReferences(p.actions)
        .filter((r) => !resolve(r))
        .map((r) => `${f}: .Values.${r}`),
    );
    assert.deepEqual(unknown, []);
  });
});

describe('the manifests are the promised kinds and apiVersions', () => {
  const expected: Record<string, Array<[string, string]>> = {
    'deployment.yaml': [['apps/v1', 'Deployment']],
    'service.yaml': [['v1', 'Service']],
    'serviceaccount.yaml': [['v1', 'ServiceAccount']],
    'poddisruptionbudget.yaml': [['policy/v1', 'PodDisruptionBudget']],
    'rbac.yaml': [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ],
    'rule-actions.yaml': [['v1', 'ConfigMap']],
    'rbac-exceptions.yaml': [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ],
    'webhooks.yaml': [
      ['v1', 'Secret'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ],
    'certmanager.yaml': [
      ['cert-manager.io/v1', 'Issuer'],
      ['cert-manager.io/v1', 'Certificate'],
      ['cert-manager.io/v1', 'Issuer'],
      ['cert-manager.io/v1', 'Certificate'],
    ],
    'servicemonitor.yaml': [['monitoring.coreos.com/v1', 'ServiceMonitor']],
    'pre-delete-hook.yaml': [
      ['v1', 'ServiceAccount'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['batch/v1', 'Job'],
    ],
  };
  for (const [file, kinds] of Object.entries(expected)) {
    test(file, () => {
      assert.deepEqual(
        staticKinds(get(file).staticLines).map((d) => [d.apiVersion, d.kind]),
        kinds,
      );
    });
  }
  test('no other template file makes manifests', () => {
    const extra = files.filter((f) => f.endsWith('.yaml') && !(f in expected));
    assert.deepEqual(extra, []);
  });
  test('every manifest is named from the release and namespaced resources sit in the release namespace', () => {
    for (const file of Object.keys(expected)) {
      const t = staticText(file);
      const names = t.match(/^ {2}name: .*$/gm) ?? [];
      assert.ok(names.length > 0, `${file}: no metadata.name`);
    }
    for (const file of [
      'deployment.yaml',
      'service.yaml',
      'serviceaccount.yaml',
      'poddisruptionbudget.yaml',
      'servicemonitor.yaml',
    ]) {
      assert.match(readText(join(TEMPLATES_DIR, file)), /^ {2}namespace: \{\{ \.Release\.Namespace \}\}$/m, file);
    }
  });
});

describe('webhook configurations', () => {
  const raw = readText(join(TEMPLATES_DIR, 'webhooks.yaml'));
  const helpers = readText(join(TEMPLATES_DIR, '_helpers.tpl'));
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    test(`${kind}: v1 reviews, no side effects, Equivalent matching, timeout and failurePolicy from values`, () => {
      const doc = text(documentOf('webhooks.yaml', kind));
      assert.match(doc, /^ {4}admissionReviewVersions: \["v1"\]$/m);
      assert.match(doc, /^ {4}sideEffects: None$/m);
      assert.match(doc, /^ {4}matchPolicy: Equivalent$/m);
      assert.match(doc, /^ {4}timeoutSeconds: «»$/m);
      assert.match(doc, /^ {4}failurePolicy: «»$/m);
      assert.match(doc, /^ {4}namespaceSelector:$/m);
      assert.match(doc, /^ {4}rules:$/m);
      assert.match(doc, /^ {6}service:$/m);
      assert.equal((doc.match(/^ {2}- name: /gm) ?? []).length, 1, 'exactly one webhook per configuration');
    });
  }
  test('only the mutating webhook is reinvoked, with IfNeeded', () => {
    assert.match(
      text(documentOf('webhooks.yaml', 'MutatingWebhookConfiguration')),
      /^ {4}reinvocationPolicy: IfNeeded$/m,
    );
    assert.doesNotMatch(text(documentOf('webhooks.yaml', 'ValidatingWebhookConfiguration')), /reinvocationPolicy/);
  });
  test('paths /mutate and /validate', () => {
    assert.match(text(documentOf('webhooks.yaml', 'MutatingWebhookConfiguration')), /path: \/mutate$/m);
    assert.match(text(documentOf('webhooks.yaml', 'ValidatingWebhookConfiguration')), /path: \/validate$/m);
  });
  test('timeout and failurePolicy come from the values, whose defaults are 5 s and Fail', () => {
    assert.match(raw, /timeoutSeconds: \{\{ \.Values\.webhook\.timeoutSeconds \}\}/);
    assert.match(raw, /failurePolicy: \{\{ \.Values\.webhook\.failurePolicy \}\}/);
    const values = loadYamlObject(join(CHART_DIR, 'values.yaml'));
    const webhook = values['webhook'];
    assert.ok(isObject(webhook));
    assert.equal(webhook['timeoutSeconds'], 5);
    assert.equal(webhook['failurePolicy'], 'Fail');
  });
  test('rules: CREATE and UPDATE of platform.confluent.io clusterlinks only (no status, no DELETE)', () => {
    const rules = /define "clw.webhookRules" -\}\}\n([\s\S]*?)\{\{- end -\}\}/.exec(helpers)?.[1] ?? '';
    assert.match(rules, /apiGroups: \["platform\.confluent\.io"\]/);
    assert.match(rules, /operations: \["CREATE", "UPDATE"\]/);
    assert.match(rules, /resources: \["clusterlinks"\]/);
    assert.doesNotMatch(rules, /DELETE|\*|\/status/);
  });
  test('the namespace selector excludes kube-system and the release namespace', () => {
    const selector = /define "clw.namespaceSelector" -\}\}\n([\s\S]*?)\{\{- end -\}\}\n\n/.exec(helpers)?.[1] ?? '';
    assert.match(selector, /key: kubernetes\.io\/metadata\.name\n\s+operator: NotIn/);
    assert.match(selector, /list "kube-system" \.Release\.Namespace/);
  });
  test('certManager mode: cainjector annotation; selfSigned mode: Helm-generated CA reused through lookup', () => {
    assert.match(helpers, /"cert-manager\.io\/inject-ca-from"/);
    assert.match(raw, /lookup "v1" "Secret" \.Release\.Namespace \$secretName/);
    assert.match(raw, /genCA /);
    assert.match(raw, /genSignedCert /);
    // The generated CA goes into the Secret and both caBundles from one variable in one file.
    assert.equal((raw.match(/caBundle: \{\{ \. \}\}/g) ?? []).length, 2);
  });
});

describe('deployment: safe rollouts and restricted pods', () => {
  const doc = staticText('deployment.yaml');
  const raw = readText(join(TEMPLATES_DIR, 'deployment.yaml'));
  test('rolling update never takes a pod away first', () => {
    assert.match(doc, /type: RollingUpdate/);
    assert.match(doc, /maxUnavailable: 0$/m);
  });
  test('liveness /healthz and readiness /readyz over HTTPS', () => {
    assert.match(doc, /livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: https\n\s+scheme: HTTPS/);
    assert.match(doc, /readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: https\n\s+scheme: HTTPS/);
  });
  test('the server gets its certificate files from a directory mount, never subPath', () => {
    assert.match(raw, /--tls-cert-file=\/etc\/clusterlink-webhook\/tls\/tls\.crt/);
    assert.match(raw, /--tls-private-key-file=\/etc\/clusterlink-webhook\/tls\/tls\.key/);
    assert.match(doc, /mountPath: \/etc\/clusterlink-webhook\/tls\n\s+readOnly: true/);
    assert.doesNotMatch(raw, /subPath:/);
  });
  test('shutdown: the server delay and grace flags, optional native sleep preStop, grace period from values', () => {
    assert.match(raw, /--shutdown-delay=\{\{ \.Values\.shutdown\.delaySeconds \}\}s/);
    assert.match(raw, /--shutdown-grace=\{\{ \.Values\.shutdown\.graceSeconds \}\}s/);
    assert.match(raw, /preStop:\n\s+# .*\n\s+sleep:\n\s+seconds: \{\{ \.Values\.shutdown\.preStopSleepSeconds \}\}/);
    assert.match(raw, /terminationGracePeriodSeconds: \{\{ \.Values\.terminationGracePeriodSeconds \}\}/);
    assert.doesNotMatch(raw, /command:|\/bin\/sh|exec:/, 'no shell is run in the container');
    assert.match(
      readText(join(TEMPLATES_DIR, '_helpers.tpl')),
      /must exceed shutdown\.preStopSleepSeconds \+ shutdown\.graceSeconds/,
    );
  });
  test('the reconciler switch reaches the server and the checks run on every render', () => {
    assert.match(raw, /--reconciler=\{\{ \.Values\.reconciler\.enabled \}\}/);
    assert.match(raw, /^\{\{- include "clw\.checks" \. \}\}/);
  });
  test('pod security: restricted defaults, read-only root with a small writable emptyDir', () => {
    const values = loadYamlObject(join(CHART_DIR, 'values.yaml'));
    assert.deepEqual(values['securityContext'], {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const pod = values['podSecurityContext'];
    assert.ok(isObject(pod));
    assert.equal(pod['runAsNonRoot'], true);
    assert.deepEqual(pod['seccompProfile'], { type: 'RuntimeDefault' });
    assert.match(doc, /emptyDir:\n\s+medium: Memory\n\s+sizeLimit: 16Mi/);
  });
  test('replicas, priority class, anti-affinity and topology spread', () => {
    assert.match(raw, /replicas: \{\{ \.Values\.replicaCount \}\}/);
    assert.match(raw, /priorityClassName: \{\{ \. \}\}/);
    assert.match(doc, /podAntiAffinity:/);
    assert.match(doc, /topologyKey: topology\.kubernetes\.io\/zone/);
    const values = loadYamlObject(join(CHART_DIR, 'values.yaml'));
    assert.equal(values['replicaCount'], 2);
  });
  test('the PodDisruptionBudget is only made with more than one replica', () => {
    const pdb = get('poddisruptionbudget.yaml').staticLines.find((l) => l.text === 'kind: PodDisruptionBudget');
    assert.ok(pdb?.conditions.some((c) => c.includes('gt (int .Values.replicaCount) 1')));
  });
});

describe('RBAC is least privilege', () => {
  const rbac = get('rbac.yaml');
  const helpers = readText(join(TEMPLATES_DIR, '_helpers.tpl'));
  const reconcilerRules = /define "clw.reconcilerRules" -\}\}\n([\s\S]*?)\{\{- end -\}\}/.exec(helpers)?.[1] ?? '';

  function grants(src: string): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const re = /resources: \[([^\]]*)\]\n(?:\s+resourceNames: \[[^\]]*\]\n)?\s+verbs: \[([^\]]*)\]/g;
    for (const m of src.matchAll(re)) {
      const list = (s: string | undefined): string[] =>
        (s ?? '')
          .split(',')
          .map((x) => x.trim().replace(/^"|"$/g, ''))
          .filter(Boolean);
      for (const r of list(m[1])) {
        const set = out.get(r) ?? new Set<string>();
        for (const v of list(m[2])) set.add(v);
        out.set(r, set);
      }
    }
    return out;
  }

  test('exactly the permissions the server needs, no wildcards', () => {
    const all = grants(`${staticText('rbac.yaml')}\n${reconcilerRules}`);
    const asObject = Object.fromEntries([...all.entries()].map(([r, v]) => [r, [...v].sort()]));
    assert.deepEqual(asObject, {
      secrets: ['get'],
      kafkarestclasses: ['get'],
      clusterlinks: ['get', 'list', 'patch', 'update', 'watch'],
      'clusterlinks/status': ['patch'],
      kafkatopics: ['create', 'get'],
      events: ['create'],
      leases: ['create', 'get', 'update'],
    });
  });
  test('lease updates are limited to the one Lease', () => {
    assert.match(
      staticText('rbac.yaml'),
      /resources: \["leases"\]\n\s+resourceNames: \[«»\]\n\s+verbs: \["get", "update"\]/,
    );
  });
  test('reconciler-only permissions are rendered only when the reconciler is enabled', () => {
    for (const l of rbac.staticLines) {
      if (/kafkarestclasses|coordination\.k8s\.io/.test(l.text)) {
        assert.ok(
          l.conditions.some((c) => c.includes('$reconciler')),
          `line ${l.line} "${l.text.trim()}" is not under the reconciler switch`,
        );
      }
    }
    const includesOfRules = rbac.actions.filter((a) => a.text.includes('clw.reconcilerRules'));
    assert.equal(includesOfRules.length, 2);
    for (const a of includesOfRules) {
      const line = rbac.staticLines.find((l) => l.line === a.line);
      assert.ok(
        line?.conditions.some((c) => /\$reconciler|\$clusterWideReconciler/.test(c)),
        `include at line ${a.line} is not under the reconciler switch`,
      );
    }
  });
  test('secrets: cluster-wide only when no namespaces are listed, else a Role per namespace', () => {
    const secretLines = rbac.staticLines.filter((l) => l.text.includes('resources: ["secrets"]'));
    assert.equal(secretLines.length, 2);
    assert.ok(secretLines[0]?.conditions.some((c) => c.includes('$clusterWideSecrets')));
    assert.ok(secretLines[1]?.conditions.some((c) => c.includes('range .Values.rbac.secretNamespaces')));
  });
});

describe('uninstall and certificates', () => {
  test('the pre-delete hook deletes both webhook configurations first and every object is a hook', () => {
    const raw = readText(join(TEMPLATES_DIR, 'pre-delete-hook.yaml'));
    assert.equal((raw.match(/helm\.sh\/hook: pre-delete/g) ?? []).length, 4);
    assert.match(raw, /- mutatingwebhookconfiguration\/\{\{ \$configName \}\}/);
    assert.match(raw, /- validatingwebhookconfiguration\/\{\{ \$configName \}\}/);
    assert.match(raw, /--ignore-not-found/);
    assert.match(raw, /\.Values\.preDeleteHook\.image\.repository/);
    assert.match(raw, /resourceNames: \[\{\{ \$configName \| quote \}\}\]\n\s+verbs: \["get", "delete"\]/);
  });
  test('cert-manager: the serving Certificate names every Service DNS name and the TLS Secret', () => {
    const certificates = documentsOf('certmanager.yaml', 'Certificate');
    assert.equal(certificates.length, 2);
    const [ca, serving] = certificates.map(text);
    assert.match(ca ?? '', /isCA: true/);
    assert.doesNotMatch(serving ?? '', /isCA/);
    assert.match(serving ?? '', /^ {2}secretName: «»$/m);
    assert.match(serving ?? '', /^ {2}dnsNames:$/m);
    assert.match(
      readText(join(TEMPLATES_DIR, 'certmanager.yaml')),
      /include "clw\.dnsNames" \. \| fromJsonArray \| toYaml/,
    );
    assert.match(
      readText(join(TEMPLATES_DIR, 'certmanager.yaml')),
      /secretName: \{\{ include "clw\.tlsSecretName" \. \}\}/,
    );
  });
  test('NOTES.txt tells how to check the install and how to break glass', () => {
    const notes = readText(join(TEMPLATES_DIR, 'NOTES.txt'));
    for (const needle of [
      'rollout status',
      '--dry-run=server',
      'failurePolicy',
      'Ignore',
      'kubectl delete mutatingwebhookconfiguration',
    ]) {
      assert.ok(notes.includes(needle), `NOTES.txt does not mention ${needle}`);
    }
  });
});
