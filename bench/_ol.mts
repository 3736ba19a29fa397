import { benchTls, startServer } from './server-process.js';
import { runOpenLoop } from './open-loop.js';
import { admissionBodies } from './fixtures.js';
import { pinSelf } from './server-process.js';
pinSelf('0');
const b = admissionBodies(20);
const kind = (process.env.KIND ?? 'baseline') as 'baseline' | 'ours';
const s = await startServer({ kind, tls: benchTls(), cpu: 1 });
const path = process.env.P ?? '/validate';
for (const rate of (process.env.RATES ?? '500,1000,2000,2700').split(',').map(Number)) {
  const r = await runOpenLoop({ url: s.url, requests: [{ path, body: path === '/mutate' ? b.mutate : b.validate }], connections: 10, rate, durationS: 4, warmupS: 1 });
  console.log(kind, path, rate, 'achieved', r.rps.toFixed(0), 'p50', r.latencyMs.p50.toFixed(2), 'p90', r.latencyMs.p90.toFixed(2), 'p99', r.latencyMs.p99.toFixed(2), 'max', r.latencyMs.max.toFixed(1));
}
await s.stop();
