// Issue 17 point 7 (docs/webhook.md#tls): the certificate and key files are read as a pair, again and again
// until two consecutive reads agree, so a pair caught mid-rotation (which may even be valid) is never adopted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/observability/log.js';
import { generateCertificateAuthority, generateServingCertificate } from '../../src/tls/generate.js';
import { fileTlsSource } from '../../src/tls/source.js';

const ca = generateCertificateAuthority();
const pairs = [0, 1].map(() => generateServingCertificate({ hosts: ['localhost'], ca }));
const [torn, settled] = pairs as [(typeof pairs)[0], (typeof pairs)[0]];

/** A reader that serves the pairs of `script` in turn: each pair read (cert, then key) takes the next one. */
function scriptedReader(script: Array<{ certPem: string; keyPem: string }>) {
  let pairIndex = -1;
  return async (path: string): Promise<string> => {
    if (path === 'tls.crt') pairIndex = Math.min(pairIndex + 1, script.length - 1);
    const pair = script[pairIndex]!;
    return path === 'tls.crt' ? pair.certPem : pair.keyPem;
  };
}

describe('fileTlsSource reads a stable pair', () => {
  const cases = [
    { name: 'a valid pair seen once mid-rotation is not adopted', script: [torn, settled, settled], want: settled },
    { name: 'a stable pair is adopted', script: [settled, settled], want: settled },
    { name: 'a pair that changes twice settles on the last', script: [torn, settled, torn, torn], want: torn },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const source = await fileTlsSource({
        certFile: 'tls.crt',
        keyFile: 'tls.key',
        logger: silentLogger(),
        watch: false,
        pollIntervalMs: 0,
        readFile: scriptedReader(c.script),
      });
      try {
        assert.equal(source.current().certPem, c.want.certPem);
      } finally {
        source.close();
      }
    });
  }
  test('files that never settle: the first load fails with a reason', async () => {
    let n = 0;
    const flapping = async (path: string): Promise<string> => {
      const pair = pairs[Math.floor(n++ / 2) % 2]!;
      return path === 'tls.crt' ? pair.certPem : pair.keyPem;
    };
    await assert.rejects(
      fileTlsSource({
        certFile: 'tls.crt',
        keyFile: 'tls.key',
        logger: silentLogger(),
        watch: false,
        pollIntervalMs: 0,
        readFile: flapping,
      }),
      /kept changing/,
    );
  });
});
