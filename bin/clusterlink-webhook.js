#!/usr/bin/env node
// Entry point of the installed command: runs the compiled CLI (npm run build makes dist/).
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`clusterlink-webhook: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
