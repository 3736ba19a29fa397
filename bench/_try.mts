import { runAdmission } from './admission.js';
import { loadConfig } from './config.js';
import { renderTable } from './report.js';
const config = loadConfig({ ...process.env, BENCH_QUICK: '1' });
const r = await runAdmission({ config, log: console.log });
for (const t of r.tables) console.log(renderTable(t));
console.log(r.targets);
