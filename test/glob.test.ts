/**
 * Glob matching (src/engine/glob.ts) against a real redis-server 7.0: a fixed set of keys with
 * awkward bytes is loaded into Redis, and for thousands of patterns (hand-picked edge cases and
 * random ones built from glob metacharacters) the keys `KEYS pattern` returns must be exactly
 * the keys globMatch accepts. Also: the nocase flag, and that hostile patterns stay fast.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { globMatch } from '../src/engine/glob.js';
import { prng } from './helpers/random.js';
import { RawClient } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { RespReader, type RespValue } from './helpers/resp.js';

const KEY_ALPHABET = [
  'a',
  'b',
  'c',
  'd',
  'A',
  'B',
  'z',
  '-',
  '^',
  '*',
  '?',
  '[',
  ']',
  '\\',
  ' ',
  '\0',
  '\x7f',
  '\x80',
  '\xfe',
  '\xff',
  '1',
];

function buildKeys(): string[] {
  const keys = new Set<string>([
    'a',
    'b',
    'c',
    'ab',
    'abc',
    'abcabc',
    'aXc',
    'a*c',
    'a?c',
    'a[c',
    'a]c',
    'a\\c',
    'a-c',
    'a^c',
    '[',
    ']',
    '*',
    '?',
    '\\',
    '^',
    '-',
    'hello',
    'hallo',
    'hxllo',
    'hllo',
    'heeeello',
    'h\xffllo',
    'user:1',
    'user:10',
    'user:2:name',
    'A',
    'ABC',
    'Abc',
    '\xff',
    '\x80',
    '\xfe\xff',
    '\0',
    'a\0c',
    'x'.repeat(50),
    `${'a'.repeat(30)}b`,
  ]);
  const rnd = prng(7);
  while (keys.size < 400) {
    let k = '';
    const len = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < len; i++) k += KEY_ALPHABET[Math.floor(rnd() * KEY_ALPHABET.length)];
    keys.add(k);
  }
  return [...keys];
}

const HAND_PATTERNS = [
  '*',
  '',
  '?',
  '??',
  '???*',
  'a',
  'a*',
  '*c',
  'a*c',
  '*a*',
  '**',
  '***a***',
  'a**c',
  'a?c',
  'a??',
  '?b*',
  '[abc]',
  '[abc]*',
  '[^abc]',
  '[^a-c]*',
  '[a-c]',
  '[c-a]',
  '[c-a]*',
  '[A-Z]*',
  '[a-Z]*',
  '[Z-a]*',
  '[!a]*',
  '[a-]',
  '[a-]*',
  '[-a]*',
  '[]',
  '[]]',
  '[]a]*',
  '[^]',
  '[^]]*',
  '[',
  '[a',
  'a[',
  '[a-',
  '[a-c',
  '*[',
  '*[a',
  '[\\]]*',
  '[\\-]*',
  '[a\\-c]*',
  '\\*',
  '\\?',
  '\\[',
  '\\\\',
  'a\\*c',
  'a\\?c',
  '\\a\\b\\c',
  '\\',
  'a\\',
  '*\\',
  '[\\',
  '[^\\',
  'h?llo',
  'h*llo',
  'h[ae]llo',
  'h[^e]llo',
  'h[a-b]llo',
  'user:*',
  'user:?',
  'user:*:name',
  '*:*',
  '[\x80-\xff]*',
  '[\xff-\x80]*',
  '*[\x80-\xfe]',
  '[a-\xff]*',
  '[\0-a]*',
  '[^\0-\x7f]*',
  '\xff',
  '?\xff',
  'a\0c',
  '*\0*',
  `${'a*'.repeat(20)}b`,
  `*${'a'.repeat(30)}*`,
  'x*x*x*x*x*x*x*x*x*x',
  '[[]*',
  '[*]',
  '[?]',
  '[^^]*',
  '[a^]*',
  '*]',
  ']*',
  '[]-a]*',
  '[a-a]',
  '[-]',
  '[--]',
  '[---]',
];

const PATTERN_ALPHABET = [
  '*',
  '*',
  '?',
  '[',
  '[',
  ']',
  ']',
  '^',
  '-',
  '\\',
  'a',
  'b',
  'c',
  'z',
  'A',
  '\xff',
  '\x80',
  '1',
  ':',
];

function randomPatterns(count: number): string[] {
  const rnd = prng(2024);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let p = '';
    const len = Math.floor(rnd() * 9);
    for (let j = 0; j < len; j++) p += PATTERN_ALPHABET[Math.floor(rnd() * PATTERN_ALPHABET.length)];
    out.push(p);
  }
  return out;
}

describe('globMatch against KEYS on a real Redis', () => {
  let redis: RedisServer | undefined;
  let client: RawClient | undefined;
  const keys = buildKeys();

  before(async () => {
    redis = await startRedis();
    client = await RawClient.connect(redis.port);
    const replies = await client.send(keys.map((k) => ['SET', k, '1']));
    for (const r of replies) assert.equal(r.latin1Slice(), '+OK\r\n');
  });
  after(async () => {
    await client?.close();
    await redis?.stop();
  });

  async function compare(patterns: string[]): Promise<void> {
    const replies = await client!.send(patterns.map((p) => ['KEYS', p]));
    const failures: string[] = [];
    for (let i = 0; i < patterns.length; i++) {
      const reader = new RespReader();
      reader.feed(replies[i]!);
      const v = reader.next() as RespValue;
      assert.equal(v.type, 'array');
      const theirs = (v as { value: Array<{ value: string }> }).value.map((x) => x.value).sort();
      const ours = keys.filter((k) => globMatch(patterns[i]!, k)).sort();
      if (theirs.length !== ours.length || theirs.some((k, j) => k !== ours[j])) {
        const extra = ours.filter((k) => !theirs.includes(k));
        const missing = theirs.filter((k) => !ours.includes(k));
        failures.push(
          `pattern ${JSON.stringify(patterns[i])}: mnemo also matches ${JSON.stringify(extra.slice(0, 5))}, ` +
            `misses ${JSON.stringify(missing.slice(0, 5))}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  }

  it(`${HAND_PATTERNS.length} hand-picked patterns (classes, negation, ranges, escapes, unterminated [)`, async () => {
    await compare(HAND_PATTERNS);
  });

  it('3000 random patterns', async () => {
    await compare(randomPatterns(3000));
  });

  it('a pattern nesting more than 1000 stars matches nothing, as in Redis', async () => {
    const deep = `${'*a'.repeat(1100)}`;
    const key = 'a'.repeat(1200);
    await client!.send([['SET', key, '1']]);
    try {
      const [r] = await client!.send([['KEYS', deep]]);
      const theirs = r!.latin1Slice();
      assert.equal(globMatch(deep, key), theirs !== '*0\r\n');
      const shallow = `${'*a'.repeat(900)}`;
      const [r2] = await client!.send([['KEYS', shallow]]);
      assert.equal(globMatch(shallow, key), r2!.latin1Slice() !== '*0\r\n');
      assert.equal(globMatch(shallow, key), true);
    } finally {
      await client!.send([['DEL', key]]);
    }
  });
});

describe('globMatch: nocase and hostile patterns', () => {
  it('nocase folds ASCII letters, in classes and ranges too', () => {
    assert.equal(globMatch('HeLLo', 'hello', true), true);
    assert.equal(globMatch('HeLLo', 'hello', false), false);
    assert.equal(globMatch('h[A-C]llo', 'hbllo', true), true);
    assert.equal(globMatch('h[A-C]llo', 'hbllo', false), false);
    assert.equal(globMatch('[^A]*', 'abc', true), false);
    assert.equal(globMatch('MAXMEMORY*', 'maxmemory-policy', true), true);
    assert.equal(globMatch('\xc4', '\xe4', true), false, 'only ASCII folds');
  });

  it('stays fast on patterns that backtrack exponentially in naive matchers', () => {
    const subject = 'a'.repeat(5000);
    const start = performance.now();
    assert.equal(globMatch(`${'a*'.repeat(60)}b`, subject), false);
    assert.equal(globMatch(`${'*a'.repeat(60)}*b`, subject), false);
    assert.equal(globMatch('*?*?*?*?*?*?*?*?*?*?*?*?*?b', subject), false);
    assert.ok(performance.now() - start < 2000, `took ${(performance.now() - start).toFixed(0)} ms`);
  });
});
