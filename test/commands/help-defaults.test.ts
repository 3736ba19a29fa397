// Help texts (issue 18, CLI 7): every command answers -h, and each flag shows its default once, in one form.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/main.js';
import { bufferedIO } from '../offline/helpers.js';

const COMMANDS = ['serve', 'certs', 'validate', 'mutate', 'audit', 'preflight'];

async function helpOf(command: string): Promise<{ code: number; text: string }> {
  const io = bufferedIO();
  const code = await main([command, '-h'], io);
  return { code, text: io.out() };
}

describe('help', () => {
  for (const command of COMMANDS) {
    test(`${command} -h prints its usage and exits 0`, async () => {
      const { code, text } = await helpOf(command);
      assert.equal(code, 0);
      assert.match(text, new RegExp(`^Usage:\\s+clusterlink-webhook ${command}`));
    });
    test(`${command}: one default per flag`, async () => {
      const { text } = await helpOf(command);
      for (const line of text.split('\n'))
        assert.ok((line.match(/\(default[ :]/g) ?? []).length <= 1, `two defaults on one line: ${line}`);
    });
  }
});
