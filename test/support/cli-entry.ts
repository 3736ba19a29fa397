// Runs the CLI from source (through tsx) the way bin/clusterlink-webhook.js runs the build.
import { main } from '../../src/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cli-entry: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
