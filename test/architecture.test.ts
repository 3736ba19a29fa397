// The layering rule of CONTRIBUTING.md ("Layout"): each folder under src/ is one layer, and a file may import
// only from its own layer and the layers its row names. Type-only imports count too: a type is a dependency.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Layer → the layers it may import. A file belongs to the longest folder prefix listed here. */
const LAYERS: Record<string, readonly string[]> = {
  lib: [],
  observability: ['lib'],
  clusterlink: ['lib'],
  secrets: ['clusterlink', 'observability', 'lib'],
  tls: ['observability', 'lib'],
  'kafka-rest': ['observability', 'lib'],
  kube: ['secrets', 'tls', 'clusterlink', 'observability', 'lib'],
  admission: ['clusterlink', 'secrets', 'tls', 'observability', 'lib'],
  offline: ['admission', 'clusterlink', 'secrets', 'lib'],
  audit: ['admission', 'clusterlink', 'secrets', 'observability', 'lib'],
  reconciler: ['clusterlink', 'lib'],
  'reconciler/kafka': ['reconciler', 'kafka-rest', 'clusterlink', 'observability', 'lib'],
  'reconciler/resolve': ['reconciler', 'kube', 'secrets', 'clusterlink', 'lib'],
  'reconciler/controller': [
    'reconciler',
    'reconciler/kafka',
    'reconciler/resolve',
    'kube',
    'clusterlink',
    'observability',
    'lib',
  ],
  commands: [
    'audit',
    'offline',
    'admission',
    'reconciler/controller',
    'reconciler/kafka',
    // CONTRIBUTING.md: commands may use every reconciler layer (preflight resolves credentials like the reconciler).
    'reconciler/resolve',
    'reconciler',
    'kube',
    'kafka-rest',
    'tls',
    'secrets',
    'clusterlink',
    'observability',
    'lib',
  ],
  main: ['commands'],
};

/** Packages that belong to one edge: importing them elsewhere would pull an edge into the core. */
const EDGE_PACKAGES: Record<string, readonly string[]> = {
  '@kubernetes/client-node': ['kube', 'reconciler/controller'],
  fastify: ['admission'],
  'node-forge': ['tls'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).replace(/\.ts$/, '');
  const candidates = Object.keys(LAYERS).filter((layer) => rel === layer || rel.startsWith(`${layer}/`));
  const layer = candidates.sort((a, b) => b.length - a.length)[0];
  if (layer === undefined) throw new Error(`src/${rel}.ts is in no layer of the table: add its folder`);
  return layer;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)];
  return specifiers.map((m) => m[1] ?? '');
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = layerOf(file);
    for (const spec of importsOf(file)) {
      const where = `src/${relative(SRC, file)} imports ${spec}`;
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        if (target !== layer && !LAYERS[layer]?.includes(target)) found.push(`${where} (${layer} → ${target})`);
        continue;
      }
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
      const owners = EDGE_PACKAGES[pkg];
      if (owners && !owners.includes(layer)) found.push(`${where} (${pkg} belongs to ${owners.join(', ')})`);
    }
  }
  return found;
}

test('every import under src/ follows the layer table', () => {
  assert.deepEqual(violations(), []);
});

test('every layer named in the table may only import layers that exist', () => {
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    for (const target of allowed) assert.ok(target in LAYERS, `${layer} names unknown layer ${target}`);
  }
});

test('the check itself catches an upward import', () => {
  const kubeFile = join(SRC, 'kube', 'example.ts');
  const target = layerOf(resolve(dirname(kubeFile), '../reconciler/types.ts'));
  assert.equal(target, 'reconciler');
  assert.equal(LAYERS[layerOf(kubeFile)]?.includes(target), false);
});
