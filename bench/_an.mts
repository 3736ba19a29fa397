import { clusterLinkObject, NAMESPACE, secretData, inMemorySecretReader, admissionBodies } from './fixtures.js';
import { defaultClusterLink, validateClusterLink } from '../src/clusterlink/index.js';
import { computeDefaultsPatch } from '../src/admission/patch.js';
import { createSecretChecker } from '../src/secrets/checker.js';
import { createSecretSourceFromReader } from '../src/kube/secret-source.js';
import { createClusterLinkAdmitters } from '../src/admission/clusterlink-admitter.js';
const ctx = { namespace: NAMESPACE, operation: 'CREATE' as const };
async function cpu(name: string, fn: () => unknown, n: number) {
  for (let i = 0; i < n / 10; i++) await fn();
  const s = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const e = process.cpuUsage(s);
  console.log(name.padEnd(28), ((e.user + e.system) / n).toFixed(1).padStart(8), 'µs cpu', (((performance.now() - t) * 1000) / n).toFixed(1).padStart(8), 'µs wall');
}
const o = clusterLinkObject(20);
const d = defaultClusterLink(o, ctx) as any;
const checker = createSecretChecker(createSecretSourceFromReader(inMemorySecretReader(secretData())), { strict: true });
const sig = new AbortController().signal;
const bodies = admissionBodies(20);
const adm = createClusterLinkAdmitters({ secretChecker: checker });
const vreq = JSON.parse(bodies.validate).request; const mreq = JSON.parse(bodies.mutate).request;
await cpu('JSON.parse validate body', () => JSON.parse(bodies.validate), 3000);
await cpu('default', () => defaultClusterLink(o, ctx), 3000);
await cpu('validate(defaulted)', () => validateClusterLink(d, undefined, ctx), 3000);
await cpu('patch', () => computeDefaultsPatch(o, d), 3000);
await cpu('secret check (warm)', () => checker.check(d, NAMESPACE, sig), 1000);
await cpu('admitter validate', () => adm.validate(vreq, { signal: sig }), 1000);
await cpu('admitter mutate', () => adm.mutate(mreq, { signal: sig }), 3000);
