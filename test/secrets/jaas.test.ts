// Kafka's JAAS grammar (src/secrets/jaas.ts), shared by the webhook's Secret check and the reconciler
// (docs/rules.md#secret-checks): CFK's plain-jaas.conf forms are accepted, what Kafka's parser refuses is refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jaasQuote, parseJaas, parsePassThroughJaas, tokenizeJaas } from '../../src/secrets/jaas.js';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const VALUE = `${PLAIN} required username="u" password="p";`;

describe('parsePassThroughJaas: accepted forms', () => {
  const cases: { name: string; content: string; value: string; options: Record<string, string> }[] = [
    { name: 'bare value', content: VALUE, value: VALUE, options: { username: 'u', password: 'p' } },
    {
      name: 'with the sasl.jaas.config= prefix (CFK ccloud-as-destination README)',
      content: `sasl.jaas.config=${VALUE}\n`,
      value: VALUE,
      options: { username: 'u', password: 'p' },
    },
    {
      name: 'prefix with spaces, single quotes, extra blanks (ccloud-as-source README)',
      content: `sasl.jaas.config = ${PLAIN}   required username='K'   password='S';`,
      value: `${PLAIN}   required username='K'   password='S';`,
      options: { username: 'K', password: 'S' },
    },
    {
      name: 'properties colon separator and CRLF',
      content: `sasl.jaas.config: ${VALUE}\r\n`,
      value: VALUE,
      options: { username: 'u', password: 'p' },
    },
    {
      name: 'backslash continuations',
      content: `sasl.jaas.config=${PLAIN} required \\\n   username="kafka" \\\n   password="kafka-secret";`,
      value: `${PLAIN} required  username="kafka"  password="kafka-secret";`,
      options: { username: 'kafka', password: 'kafka-secret' },
    },
    {
      name: 'escaped quote and slash inside a quoted value',
      content: `${PLAIN} required username="a\\"b" password="x/y;z";`,
      value: `${PLAIN} required username="a\\"b" password="x/y;z";`,
      options: { username: 'a"b', password: 'x/y;z' },
    },
    {
      name: 'flag in upper case, no options',
      content: `${PLAIN} REQUIRED;`,
      value: `${PLAIN} REQUIRED;`,
      options: {},
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parsePassThroughJaas(c.content);
      assert.ok(r.ok, r.ok ? '' : r.problem);
      assert.equal(r.value, c.value);
      assert.equal(r.entry.loginModule, PLAIN);
      assert.deepEqual(Object.fromEntries(r.entry.options.map((o) => [o.key, o.value])), c.options);
    });
  }
});

describe('parsePassThroughJaas: refused forms', () => {
  const cases: { name: string; content: string; problem: RegExp }[] = [
    { name: 'empty', content: '  \n', problem: /empty/ },
    { name: 'another property name first', content: `sasl.jaas.configs=${VALUE}`, problem: /property name/ },
    { name: 'username/password lines', content: 'username=u\npassword=p', problem: /property name/ },
    { name: 'no semicolon', content: VALUE.slice(0, -1), problem: /terminated/ },
    { name: 'unknown flag', content: `${PLAIN} needed;`, problem: /control flag/ },
    { name: 'no flag', content: PLAIN, problem: /control flag/ },
    { name: 'option without value', content: `${PLAIN} required username;`, problem: /option 1 has no value/ },
    { name: 'two modules', content: `${VALUE} ${VALUE}`, problem: /2 login modules/ },
    {
      name: 'unquoted URL (the // starts a comment, as in Kafka)',
      content: `${PLAIN} required url=https://x:1;`,
      problem: /terminated|no value/,
    },
    { name: 'only a comment', content: '// nothing', problem: /no login module/ },
    {
      name: 'a second property line',
      content: `sasl.jaas.config=${VALUE}\nsasl.mechanism=PLAIN`,
      problem: /more than one property/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parsePassThroughJaas(c.content);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.problem, c.problem);
        assert.ok(!r.problem.includes('"p"') && !r.problem.includes('password="'), 'no secret in the message');
      }
    });
  }
});

describe('tokenizer and quoting', () => {
  test('comments and quotes follow StreamTokenizer', () => {
    const t = tokenizeJaas(`a /* c */ b // rest\n"q\\tx" 'it''s';`).map((x) => x.text);
    assert.deepEqual(t, ['a', 'b', 'q\tx', 'it', 's', ';']);
  });
  test('a quoted string ends at a line end', () => {
    assert.equal(parseJaas(`${PLAIN} required password="a\nb";`).ok, false);
  });
  test('jaasQuote round-trips through the parser', () => {
    for (const v of ['plain', 'a"b', 'back\\slash', "it's", 'x;y=z', '/*no comment*/']) {
      const r = parseJaas(`${PLAIN} required password=${jaasQuote(v)};`);
      assert.ok(r.ok);
      assert.equal(r.entries[0]!.options[0]!.value, v);
    }
  });
});
