/**
 * The sorted set family (src/families/zsets.ts). Two halves:
 *  - in-process through MemoryStore: replies as JS values, every error text, WRONGTYPE for
 *    every command, encodings (listpack limits, conversions, -0 in a listpack), keyspace events
 *    and dirty counts, the typed helpers, the pop hook the blocking commands use, and a large
 *    zset driven against a plain-array model;
 *  - against a real redis-server 7.0: scripted and seeded-random command sequences sent to both
 *    servers, raw reply bytes compared, in RESP2 and RESP3, under three listpack configurations
 *    (default, tiny limits so most sets are skiplists, huge limits so all stay listpacks); then
 *    keyspace events and dirty counts per command.
 * Relaxed comparisons, and only there: ZRANDMEMBER (sizes, uniqueness, membership, scores) and
 * ZSCAN of a skiplist (the whole cursor loop, as a set of pairs: hash order differs). Lex ranges
 * over members with different scores are left out for skiplists, where Redis's own answer
 * depends on its random skiplist levels.
 *
 * ZSET_SEED=<n> replays the random part; ZSET_SEQUENCES=<n> sets how many sequences run.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '../src/commands/client.js';
import type { KeyspaceListener } from '../src/engine/events.js';
import type { ZSetValue } from '../src/engine/values/zset.js';
import { zpopAndReply } from '../src/families/zsets.js';
import { ManualClock, MemoryStore, ReplyError, type ReplyValue } from '../src/index.js';
import { ValueWriter } from '../src/protocol/value-writer.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { prng } from './helpers/random.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { RespReader, type RespValue, showResp } from './helpers/resp.js';

function newStore(config: Record<string, string | number> = {}): MemoryStore {
  return new MemoryStore({ clock: new ManualClock(1_700_000_000_000), activeExpire: false, config });
}

function errorOf(store: MemoryStore, ...argv: Array<string | number>): string {
  try {
    store.command(String(argv[0]), ...argv.slice(1));
  } catch (err) {
    if (err instanceof ReplyError) return err.message;
    throw err;
  }
  return '(no error)';
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

// =============================================================================================
// In-process

describe('zsets in-process', () => {
  it('ZADD and ZINCRBY: options, replies, scores', () => {
    const s = newStore();
    assert.equal(s.command('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'), 3);
    assert.equal(s.command('ZADD', 'z', 'CH', 5, 'a', 2, 'b', 4, 'd'), 2);
    assert.equal(s.command('ZADD', 'z', 'NX', 9, 'a', 9, 'e'), 1);
    assert.equal(s.command('ZSCORE', 'z', 'a'), 5);
    assert.equal(s.command('ZADD', 'z', 'XX', 'CH', 6, 'a', 6, 'nope'), 1);
    assert.equal(s.command('ZSCORE', 'z', 'nope'), null);
    assert.equal(s.command('ZADD', 'z', 'GT', 'CH', 1, 'a'), 0);
    assert.equal(s.command('ZADD', 'z', 'LT', 'CH', 1, 'a'), 1);
    assert.equal(s.command('ZADD', 'z', 'INCR', 2.5, 'a'), 3.5);
    assert.equal(s.command('ZADD', 'z', 'NX', 'INCR', 2.5, 'a'), null);
    assert.equal(s.command('ZADD', 'z', 'XX', 'INCR', 1, 'zz'), null);
    assert.equal(s.command('ZADD', 'nokey', 'XX', 1, 'a'), 0);
    assert.equal(s.command('EXISTS', 'nokey'), 0);
    assert.equal(s.command('ZINCRBY', 'z', '+inf', 'a'), Number.POSITIVE_INFINITY);
    assert.equal(errorOf(s, 'ZINCRBY', 'z', '-inf', 'a'), 'ERR resulting score is not a number (NaN)');
    assert.equal(s.command('ZINCRBY', 'z', '0x10', 'new'), 16);
    assert.deepEqual(s.command('ZMSCORE', 'z', 'a', 'new', 'missing'), [Number.POSITIVE_INFINITY, 16, null]);
    assert.deepEqual(s.command('ZMSCORE', 'nokey', 'a'), [null]);
    assert.equal(s.command('ZCARD', 'z'), 6);
    assert.equal(s.command('ZCARD', 'nokey'), 0);
  });

  it('ranks, counts and the ZRANGE family', () => {
    const s = newStore();
    s.command('ZADD', 'z', 1, 'a', 2, 'b', 2, 'c', 3, 'd', 4, 'e');
    assert.equal(s.command('ZRANK', 'z', 'c'), 2);
    assert.equal(s.command('ZREVRANK', 'z', 'c'), 2);
    assert.equal(s.command('ZREVRANK', 'z', 'a'), 4);
    assert.equal(s.command('ZRANK', 'z', 'x'), null);
    assert.equal(s.command('ZRANK', 'nokey', 'x'), null);
    assert.deepEqual(s.command('ZRANGE', 'z', 1, -2), ['b', 'c', 'd']);
    assert.deepEqual(s.command('ZRANGE', 'z', 0, 1, 'REV', 'WITHSCORES'), [
      ['e', 4],
      ['d', 3],
    ]);
    assert.deepEqual(s.command('ZRANGE', 'z', '(1', 3, 'BYSCORE', 'LIMIT', 1, 5), ['c', 'd']);
    assert.deepEqual(s.command('ZRANGE', 'z', '+inf', '(2', 'BYSCORE', 'REV'), ['e', 'd']);
    assert.deepEqual(s.command('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 2, 2), ['c', 'd']);
    assert.deepEqual(s.command('ZREVRANGEBYSCORE', 'z', 2, 2), ['c', 'b']);
    assert.deepEqual(s.command('ZRANGE', 'z', 0, -1, 'BYSCORE', 'LIMIT', -1, 3), []);
    assert.deepEqual(s.command('ZRANGE', 'z', 0, 10, 'BYSCORE', 'LIMIT', 0, -1), ['a', 'b', 'c', 'd', 'e']);
    // Range bounds go through strtod: "" is 0, leading spaces are fine, overflow is inf.
    assert.deepEqual(s.command('ZRANGEBYSCORE', 'z', '', ' 1'), ['a']);
    assert.deepEqual(s.command('ZRANGEBYSCORE', 'z', '(', '(1'), []);
    assert.deepEqual(s.command('ZRANGEBYSCORE', 'z', ' 1', '1e999'), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(s.command('ZCOUNT', 'z', '(1', 3), 3);
    assert.equal(s.command('ZCOUNT', 'z', 5, 1), 0);
    s.command('ZADD', 'lex', 0, 'a', 0, 'b', 0, 'c', 0, 'd');
    assert.deepEqual(s.command('ZRANGEBYLEX', 'lex', '(a', '[c'), ['b', 'c']);
    assert.deepEqual(s.command('ZREVRANGEBYLEX', 'lex', '+', '-', 'LIMIT', 1, 2), ['c', 'b']);
    assert.deepEqual(s.command('ZRANGE', 'lex', '[c', '-', 'BYLEX', 'REV'), ['c', 'b', 'a']);
    assert.equal(s.command('ZLEXCOUNT', 'lex', '-', '(c'), 2);
    assert.deepEqual(s.command('ZREVRANGE', 'z', 0, 0), ['e']);
    assert.equal(s.command('ZRANGESTORE', 'dst', 'z', 2, '+inf', 'BYSCORE'), 4);
    assert.deepEqual(s.command('ZRANGE', 'dst', 0, -1), ['b', 'c', 'd', 'e']);
    assert.equal(s.command('ZRANGESTORE', 'dst', 'z', 10, 20), 0);
    assert.equal(s.command('EXISTS', 'dst'), 0);
  });

  it('removals, pops and set operations', () => {
    const s = newStore();
    s.command('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f');
    assert.equal(s.command('ZREM', 'z', 'a', 'zz'), 1);
    assert.equal(s.command('ZREMRANGEBYRANK', 'z', -1, -1), 1);
    assert.equal(s.command('ZREMRANGEBYSCORE', 'z', '(2', 3), 1);
    assert.deepEqual(s.command('ZRANGE', 'z', 0, -1), ['b', 'd', 'e']);
    assert.deepEqual(s.command('ZPOPMIN', 'z'), ['b', 2]);
    assert.deepEqual(s.command('ZPOPMAX', 'z', 5), [
      ['e', 5],
      ['d', 4],
    ]);
    assert.equal(s.command('EXISTS', 'z'), 0);
    assert.deepEqual(s.command('ZPOPMIN', 'z'), []);
    s.command('ZADD', 'm', 1, 'x', 2, 'y');
    assert.deepEqual(s.command('ZMPOP', 2, 'nokey', 'm', 'MAX', 'COUNT', 1), ['m', [['y', 2]]]);
    assert.equal(s.command('ZMPOP', 1, 'nokey', 'MIN'), null);

    s.command('ZADD', 'p', 1, 'a', 2, 'b', 3, 'c');
    s.command('ZADD', 'q', 10, 'b', 20, 'c', 30, 'd');
    s.command('SADD', 'set', 'c', 'd', 'e');
    assert.deepEqual(s.command('ZUNION', 3, 'p', 'q', 'set', 'WITHSCORES'), [
      ['a', 1],
      ['e', 1],
      ['b', 12],
      ['c', 24],
      ['d', 31],
    ]);
    assert.deepEqual(s.command('ZINTER', 2, 'p', 'q', 'WEIGHTS', 2, 0.5, 'AGGREGATE', 'MAX', 'WITHSCORES'), [
      ['b', 5],
      ['c', 10],
    ]);
    assert.deepEqual(s.command('ZDIFF', 2, 'q', 'set', 'WITHSCORES'), [['b', 10]]);
    assert.equal(s.command('ZINTERCARD', 3, 'p', 'q', 'set'), 1);
    assert.equal(s.command('ZINTERCARD', 2, 'p', 'q', 'LIMIT', 1), 1);
    assert.equal(s.command('ZUNIONSTORE', 'u', 2, 'p', 'q', 'AGGREGATE', 'MIN'), 4);
    assert.deepEqual(s.command('ZRANGE', 'u', 0, -1, 'WITHSCORES'), [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 30],
    ]);
    assert.equal(s.command('ZDIFFSTORE', 'u', 2, 'p', 'p'), 0);
    assert.equal(s.command('EXISTS', 'u'), 0);
    // inf + -inf is NaN, which Redis turns into 0.
    s.command('ZADD', 'pi', '+inf', 'x');
    s.command('ZADD', 'ni', '-inf', 'x');
    assert.deepEqual(s.command('ZUNION', 2, 'pi', 'ni', 'WITHSCORES'), [['x', 0]]);
    assert.deepEqual(s.command('ZINTER', 2, 'pi', 'ni', 'WEIGHTS', 0, 1, 'WITHSCORES'), [
      ['x', Number.NEGATIVE_INFINITY],
    ]);
  });

  it('every error text', () => {
    const s = newStore();
    s.command('ZADD', 'z', 1, 'a', 2, 'b');
    const cases: Array<[Array<string | number>, string]> = [
      [['ZADD', 'z', 'NX', 'XX', 1, 'a'], 'ERR XX and NX options at the same time are not compatible'],
      [
        ['ZADD', 'z', 'GT', 'LT', 1, 'a'],
        'ERR GT, LT, and/or NX options at the same time are not compatible',
      ],
      [
        ['ZADD', 'z', 'NX', 'GT', 1, 'a'],
        'ERR GT, LT, and/or NX options at the same time are not compatible',
      ],
      [['ZADD', 'z', 'INCR', 1, 'a', 2, 'b'], 'ERR INCR option supports a single increment-element pair'],
      [['ZADD', 'z', 'abc', 'a'], 'ERR value is not a valid float'],
      [['ZADD', 'z', 'nan', 'a'], 'ERR value is not a valid float'],
      [['ZADD', 'z', '', 'a'], 'ERR value is not a valid float'],
      [['ZADD', 'z', 1, 'a', 2], 'ERR syntax error'],
      [['ZADD', 'z', 'NX'], "ERR wrong number of arguments for 'zadd' command"],
      [['ZADD', 'z', 'NX', 'CH'], 'ERR syntax error'],
      [['ZINCRBY', 'z', 'x', 'a'], 'ERR value is not a valid float'],
      [['ZINCRBY', 'z', 'nx', 'a'], 'ERR syntax error'],
      [
        ['ZRANGE', 'z', 0, -1, 'LIMIT', 0, 1],
        'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
      ],
      [
        ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
        'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
      ],
      [['ZRANGE', 'z', 'x', 1, 'BYSCORE'], 'ERR min or max is not a float'],
      [['ZRANGE', 'z', 'a', 'b', 'BYLEX'], 'ERR min or max not valid string range item'],
      [['ZRANGE', 'z', 'a', 1], 'ERR value is not an integer or out of range'],
      [['ZRANGE', 'z', 0, 1, 'BYSCORE', 'BYLEX'], 'ERR syntax error'],
      [['ZRANGE', 'z', 0, 1, 'LIMIT', 0], 'ERR syntax error'],
      [['ZRANGE', 'z', 0, 1, 'BYSCORE', 'LIMIT', 'x', 1], 'ERR value is not an integer or out of range'],
      [['ZRANGESTORE', 'd', 'z', 0, 1, 'WITHSCORES'], 'ERR syntax error'],
      [['ZRANGEBYSCORE', 'z', 0, 1, 'BYSCORE'], 'ERR syntax error'],
      [['ZREVRANGE', 'z', 0, 1, 'REV'], 'ERR syntax error'],
      [
        ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'],
        'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
      ],
      [['ZCOUNT', 'z', '(', 'x'], 'ERR min or max is not a float'],
      [['ZCOUNT', 'z', 'nan', 1], 'ERR min or max is not a float'],
      [['ZLEXCOUNT', 'z', '+x', '+'], 'ERR min or max not valid string range item'],
      [['ZREMRANGEBYRANK', 'z', 'x', 1], 'ERR value is not an integer or out of range'],
      [['ZREMRANGEBYSCORE', 'z', 'x', 1], 'ERR min or max is not a float'],
      [['ZREMRANGEBYLEX', 'z', 'x', '+'], 'ERR min or max not valid string range item'],
      [['ZPOPMIN', 'z', -1], 'ERR value is out of range, must be positive'],
      [['ZPOPMIN', 'z', 'x'], 'ERR value is out of range, must be positive'],
      [['ZPOPMIN', 'z', 1, 2], 'ERR syntax error'],
      [['ZMPOP', 0, 'z', 'MIN'], 'ERR numkeys should be greater than 0'],
      [['ZMPOP', 'x', 'z', 'MIN'], 'ERR numkeys should be greater than 0'],
      [['ZMPOP', 1, 'z', 'MIN', 'COUNT', 0], 'ERR count should be greater than 0'],
      [['ZMPOP', 1, 'z', 'MIN', 'COUNT', 1, 'COUNT', 1], 'ERR syntax error'],
      [['ZMPOP', 1, 'z', 'SIDEWAYS'], 'ERR syntax error'],
      [['ZMPOP', 3, 'z', 'MIN'], 'ERR syntax error'],
      [['ZRANDMEMBER', 'z', 'x'], 'ERR value is not an integer or out of range'],
      [['ZRANDMEMBER', 'z', 1, 'WITHSCORE'], 'ERR syntax error'],
      [
        ['ZRANDMEMBER', 'z', '-9223372036854775808'],
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      ],
      [['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'], 'ERR value is out of range'],
      [['ZUNIONSTORE', 'd', 0, 'z'], "ERR at least 1 input key is needed for 'zunionstore' command"],
      [['ZINTER', -1, 'z'], "ERR at least 1 input key is needed for 'zinter' command"],
      [['ZDIFF', 0, 'z'], "ERR at least 1 input key is needed for 'zdiff' command"],
      [['ZINTERCARD', 0, 'z'], "ERR at least 1 input key is needed for 'zintercard' command"],
      [['ZUNION', 'x', 'z'], 'ERR value is not an integer or out of range'],
      [['ZUNION', 3, 'z', 'z'], 'ERR syntax error'],
      [['ZUNION', 2, 'z', 'z', 'WEIGHTS', 1], 'ERR syntax error'],
      [['ZUNION', 2, 'z', 'z', 'WEIGHTS', 1, 'x'], 'ERR weight value is not a float'],
      [['ZUNION', 1, 'z', 'AGGREGATE', 'AVG'], 'ERR syntax error'],
      [['ZUNIONSTORE', 'd', 1, 'z', 'WITHSCORES'], 'ERR syntax error'],
      [['ZDIFF', 1, 'z', 'WEIGHTS', 1], 'ERR syntax error'],
      [['ZINTERCARD', 1, 'z', 'LIMIT', -1], "ERR LIMIT can't be negative"],
      [['ZINTERCARD', 1, 'z', 'LIMIT', 'x'], "ERR LIMIT can't be negative"],
      [['ZINTERCARD', 1, 'z', 'WITHSCORES'], 'ERR syntax error'],
      [['ZSCAN', 'z', 'x'], 'ERR invalid cursor'],
      [['ZSCAN', 'z', 0, 'COUNT', 0], 'ERR syntax error'],
      [['ZSCAN', 'z', 0, 'TYPE', 'zset'], 'ERR syntax error'],
    ];
    for (const [argv, want] of cases) assert.equal(errorOf(s, ...argv), want, argv.join(' '));
    // Nothing above changed the set.
    assert.deepEqual(s.command('ZRANGE', 'z', 0, -1, 'WITHSCORES'), [
      ['a', 1],
      ['b', 2],
    ]);
    // ZSCAN looks the key up before it parses options; a missing key answers an empty scan.
    assert.deepEqual(s.command('ZSCAN', 'nokey', 0, 'COUNT', 0), ['0', []]);
  });

  it('WRONGTYPE from every command that reads or writes a sorted set', () => {
    const s = newStore();
    s.command('SET', 'str', 'v');
    s.command('ZADD', 'z', 1, 'a');
    const cmds: Array<Array<string | number>> = [
      ['ZADD', 'str', 1, 'a'],
      ['ZINCRBY', 'str', 1, 'a'],
      ['ZSCORE', 'str', 'a'],
      ['ZMSCORE', 'str', 'a'],
      ['ZCARD', 'str'],
      ['ZCOUNT', 'str', 0, 1],
      ['ZLEXCOUNT', 'str', '-', '+'],
      ['ZRANGE', 'str', 0, 1],
      ['ZRANGESTORE', 'd', 'str', 0, 1],
      ['ZRANGEBYSCORE', 'str', 0, 1],
      ['ZREVRANGEBYSCORE', 'str', 1, 0],
      ['ZRANGEBYLEX', 'str', '-', '+'],
      ['ZREVRANGEBYLEX', 'str', '+', '-'],
      ['ZREVRANGE', 'str', 0, 1],
      ['ZRANK', 'str', 'a'],
      ['ZREVRANK', 'str', 'a'],
      ['ZREM', 'str', 'a'],
      ['ZREMRANGEBYRANK', 'str', 0, 1],
      ['ZREMRANGEBYSCORE', 'str', 0, 1],
      ['ZREMRANGEBYLEX', 'str', '-', '+'],
      ['ZPOPMIN', 'str'],
      ['ZPOPMAX', 'str', 2],
      ['ZMPOP', 2, 'str', 'z', 'MIN'],
      ['ZRANDMEMBER', 'str'],
      ['ZRANDMEMBER', 'str', 2],
      ['ZUNION', 2, 'z', 'str'],
      ['ZUNIONSTORE', 'd', 2, 'z', 'str'],
      ['ZINTER', 2, 'z', 'str'],
      ['ZINTERSTORE', 'd', 2, 'z', 'str'],
      ['ZINTERCARD', 2, 'z', 'str'],
      ['ZDIFF', 2, 'z', 'str'],
      ['ZDIFFSTORE', 'd', 2, 'z', 'str'],
      ['ZSCAN', 'str', 0],
    ];
    for (const argv of cmds) assert.equal(errorOf(s, ...argv), WRONGTYPE, argv.join(' '));
    // A zset given to the other families is wrong too, and TYPE names it.
    assert.equal(errorOf(s, 'GET', 'z'), WRONGTYPE);
    assert.equal(errorOf(s, 'SADD', 'z', 'x'), WRONGTYPE);
    assert.equal(s.command('TYPE', 'z'), 'zset');
    assert.equal(s.command('EXISTS', 'd'), 0);
  });

  it('encodings: listpack limits, conversions, and -0 in a listpack', () => {
    const s = newStore();
    const args: Array<string | number> = [];
    for (let i = 0; i < 128; i++) args.push(i, `m${i}`);
    s.command('ZADD', 'z', ...args);
    assert.equal(s.command('OBJECT', 'ENCODING', 'z'), 'listpack');
    s.command('ZADD', 'z', 200, 'one-more');
    assert.equal(s.command('OBJECT', 'ENCODING', 'z'), 'skiplist');
    // Shrinking does not convert back (7.0).
    s.command('ZREMRANGEBYRANK', 'z', 0, -3);
    assert.equal(s.command('OBJECT', 'ENCODING', 'z'), 'skiplist');
    // A long member makes a skiplist from the start, or converts on the spot.
    s.command('ZADD', 'long', 1, 'x'.repeat(65));
    assert.equal(s.command('OBJECT', 'ENCODING', 'long'), 'skiplist');
    s.command('ZADD', 'short', 1, 'x'.repeat(64));
    assert.equal(s.command('OBJECT', 'ENCODING', 'short'), 'listpack');
    s.command('ZADD', 'short', 1, 'y'.repeat(65));
    assert.equal(s.command('OBJECT', 'ENCODING', 'short'), 'skiplist');
    // -0: a listpack stores it as the integer 0, a skiplist keeps the sign.
    s.command('ZADD', 'lp', '-0', 'a');
    assert.ok(Object.is(s.command('ZSCORE', 'lp', 'a'), 0));
    s.command('ZADD', 'long', '-0', 'a');
    assert.ok(Object.is(s.command('ZSCORE', 'long', 'a'), -0));
    // Store commands: ZUNIONSTORE converts a small result to a listpack (and -0 to 0).
    assert.equal(s.command('ZUNIONSTORE', 'u', 1, 'long', 'WEIGHTS', 1), 2);
    assert.equal(s.command('OBJECT', 'ENCODING', 'u'), 'skiplist');
    assert.equal(s.command('ZUNIONSTORE', 'u2', 1, 'z'), 2);
    assert.equal(s.command('OBJECT', 'ENCODING', 'u2'), 'listpack');
    s.command('ZREM', 'long', 'x'.repeat(65));
    assert.equal(s.command('ZUNIONSTORE', 'u3', 1, 'long'), 1);
    assert.equal(s.command('OBJECT', 'ENCODING', 'u3'), 'listpack');
    assert.ok(Object.is(s.command('ZSCORE', 'u3', 'a'), 0));
    // ZRANGESTORE by rank announces its size: over the limit it starts as a skiplist.
    for (let i = 0; i < 200; i++) s.command('ZADD', 'big', i, `b${i}`);
    s.command('ZRANGESTORE', 'r', 'big', 0, 127);
    assert.equal(s.command('OBJECT', 'ENCODING', 'r'), 'listpack');
    s.command('ZRANGESTORE', 'r', 'big', 0, 128);
    assert.equal(s.command('OBJECT', 'ENCODING', 'r'), 'skiplist');
    s.command('ZRANGESTORE', 'r', 'big', '-inf', '+inf', 'BYSCORE', 'LIMIT', 0, 128);
    assert.equal(s.command('OBJECT', 'ENCODING', 'r'), 'listpack');
    // COPY keeps the encoding and makes an independent value.
    s.command('COPY', 'lp', 'lp2');
    s.command('ZADD', 'lp2', 5, 'b');
    assert.equal(s.command('ZCARD', 'lp'), 1);
    assert.equal(s.command('OBJECT', 'ENCODING', 'lp2'), 'listpack');

    const tiny = newStore({ 'zset-max-listpack-entries': 0 });
    tiny.command('ZADD', 'z', 1, 'a');
    assert.equal(tiny.command('OBJECT', 'ENCODING', 'z'), 'skiplist');
    const small = newStore({ 'zset-max-listpack-entries': 2, 'zset-max-listpack-value': 3 });
    small.command('ZADD', 'z', 1, 'a', 2, 'b');
    assert.equal(small.command('OBJECT', 'ENCODING', 'z'), 'listpack');
    small.command('ZADD', 'z', 3, 'c');
    assert.equal(small.command('OBJECT', 'ENCODING', 'z'), 'skiplist');
    small.command('ZADD', 'w', 1, 'abcd');
    assert.equal(small.command('OBJECT', 'ENCODING', 'w'), 'skiplist');
  });

  it('ZSCAN: a listpack whole with cursor 0, a skiplist by cursor with every pair once', () => {
    const s = newStore();
    s.command(
      'ZADD',
      'small',
      '1e17',
      'a',
      '1.5',
      'b',
      '4611686018427387904',
      'c',
      // 2^62 + 1024, the next double above 2^62.
      '4611686018427388928',
      'd',
    );
    // A listpack holds integral scores as integers (up to 2^62), others as %.17g.
    assert.deepEqual(s.command('ZSCAN', 'small', 0), [
      '0',
      ['b', '1.5', 'a', '100000000000000000', 'c', '4611686018427387904', 'd', '4.6116860184273889e+18'],
    ]);
    assert.deepEqual(s.command('ZSCAN', 'small', 0, 'MATCH', '[ab]'), [
      '0',
      ['b', '1.5', 'a', '100000000000000000'],
    ]);
    for (let i = 0; i < 1000; i++) s.command('ZADD', 'big', i + 0.5, `m${i}`);
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = s.command('ZSCAN', 'big', cursor, 'COUNT', 50) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    assert.equal(seen.size, 1000);
    assert.equal(seen.get('m7'), '7.5');
    assert.ok(calls > 5, `${calls} calls`);
  });

  it('keyspace events and the dirty counter', () => {
    const s = newStore({ 'notify-keyspace-events': 'KEA' });
    const events: string[] = [];
    const listener: KeyspaceListener = {
      keyModified() {},
      dbModified() {},
      notify(_type, event, key) {
        events.push(`${event}:${key}`);
      },
    };
    s.instance.ks.listener = listener;
    const step = (...argv: Array<string | number>): [string[], number] => {
      events.length = 0;
      const before = s.instance.dirty;
      s.command(String(argv[0]), ...argv.slice(1));
      return [[...events], s.instance.dirty - before];
    };
    assert.deepEqual(step('ZADD', 'z', 1, 'a', 2, 'b'), [['zadd:z'], 2]);
    assert.deepEqual(step('ZADD', 'z', 1, 'a'), [[], 0]);
    assert.deepEqual(step('ZINCRBY', 'z', 1, 'a'), [['zincr:z'], 1]);
    assert.deepEqual(step('ZADD', 'z', 'INCR', 0, 'a'), [[], 0]);
    assert.deepEqual(step('ZREM', 'z', 'nope'), [[], 0]);
    assert.deepEqual(step('ZADD', 'z', 3, 'c', 4, 'd', 5, 'e'), [['zadd:z'], 3]);
    assert.deepEqual(step('ZREMRANGEBYSCORE', 'z', 100, 200), [[], 0]);
    assert.deepEqual(step('ZREMRANGEBYRANK', 'z', 0, 0), [['zremrangebyrank:z'], 1]);
    assert.deepEqual(step('ZPOPMAX', 'z', 2), [['zpopmax:z'], 2]);
    assert.deepEqual(step('ZRANGESTORE', 'd', 'z', 0, -1), [['zrangestore:d'], 1]);
    assert.deepEqual(step('ZUNIONSTORE', 'd', 1, 'nokey'), [['del:d'], 1]);
    assert.deepEqual(step('ZUNIONSTORE', 'd', 1, 'nokey'), [[], 0]);
    assert.deepEqual(step('ZINTERSTORE', 'd', 1, 'z'), [['zinterstore:d'], 1]);
    assert.deepEqual(step('ZREM', 'z', 'b', 'c', 'zz'), [['zrem:z', 'del:z'], 2]);
  });

  it('every command that creates a sorted set signals the key as ready (for BZPOPMIN)', () => {
    const s = newStore();
    const ready: string[] = [];
    const prev = s.instance.ks.listener;
    s.instance.ks.listener = {
      keyModified: (db, key) => prev?.keyModified(db, key),
      dbModified: (db) => prev?.dbModified(db),
      notify: (type, event, key, db) => prev?.notify(type, event, key, db),
      keyReady: (db, key) => {
        ready.push(key);
        prev?.keyReady?.(db, key);
      },
    };
    s.command('ZADD', 'a', 1, 'x');
    s.command('ZADD', 'a', 2, 'y');
    s.command('ZINCRBY', 'b', 1, 'x');
    s.command('ZUNIONSTORE', 'c', 1, 'a');
    s.command('ZINTERSTORE', 'd', 2, 'a', 'b');
    s.command('ZDIFFSTORE', 'e', 1, 'a');
    s.command('ZRANGESTORE', 'f', 'a', 0, -1);
    s.command('COPY', 'a', 'g');
    s.command('ZUNIONSTORE', 'c', 1, 'b');
    s.instance.ks.listener = prev;
    // COPY to a new key is a dbAdd too. Overwriting an existing key (the second ZUNIONSTORE c)
    // adds nothing: no signal, as in Redis.
    assert.deepEqual(ready, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('typed helpers', () => {
    const s = newStore();
    assert.equal(s.zadd('z', 1, 'a', 2, 'b'), 2);
    assert.equal(
      s.zadd(
        'z',
        [
          [3, 'c'],
          [-0, 'n'],
        ],
        { nx: true },
      ),
      2,
    );
    assert.equal(s.zadd('z', [[5, 'a']], { xx: true, ch: true, gt: true }), 1);
    assert.equal(s.zcard('z'), 4);
    assert.ok(Object.is(s.zscore('z', 'n'), 0));
    assert.equal(s.zscore('z', 'a'), 5);
    assert.equal(s.zscore('z', 'x'), null);
    assert.equal(s.zincrBy('z', 0.5, 'b'), 2.5);
    assert.deepEqual(s.zrange('z', 0, -1), ['n', 'b', 'c', 'a']);
    assert.deepEqual(
      s.zrange('z', '(1', '+inf', { byScore: true, rev: false, limit: [1, 2], withScores: true }),
      [
        ['c', 3],
        ['a', 5],
      ],
    );
    assert.deepEqual(s.zrange('z', '+inf', '-inf', { byScore: true, rev: true }), ['a', 'c', 'b', 'n']);
    s.zadd('lex', 0, 'x', 0, 'y', 0, 'z');
    assert.deepEqual(s.zrange('lex', '(x', '+', { byLex: true }), ['y', 'z']);
    assert.equal(s.zrank('z', 'c'), 2);
    assert.equal(s.zrank('z', 'c', true), 1);
    assert.equal(s.zrank('z', 'x'), null);
    assert.equal(s.zrem('z', 'a', 'b', 'x'), 2);
    assert.equal(s.zcard('z'), 2);
    // Binary members round-trip as UTF-8 strings.
    s.zadd('u', 1, 'héllo');
    assert.deepEqual(s.zrange('u', 0, -1), ['héllo']);
  });

  it('zpopAndReply, the hook for the blocking pops, writes each reply shape', () => {
    const s = newStore();
    const writer = new ValueWriter('utf8');
    const c = new Client(s.instance, writer, null);
    const pop = (max: boolean, count: number, shape: Parameters<typeof zpopAndReply>[5]): ReplyValue => {
      const z = s.instance.ks.db(0).get('k') as ZSetValue;
      zpopAndReply(c, 'k', z, max, count, shape);
      return writer.takeResult();
    };
    s.command('ZADD', 'k', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    assert.deepEqual(pop(false, 1, 'keyed-flat'), ['k', 'a', 1]);
    assert.deepEqual(pop(true, 2, 'keyed-nested'), [
      'k',
      [
        ['e', 5],
        ['d', 4],
      ],
    ]);
    assert.deepEqual(pop(false, 1, 'flat'), ['b', 2]);
    assert.equal(s.instance.dirty, 5 + 4);
    assert.deepEqual(pop(false, 9, 'nested'), [['c', 3]]);
    assert.equal(s.command('EXISTS', 'k'), 0);
  });

  it('a large zset stays equal to a sorted-array model under random commands', () => {
    const s = newStore();
    let seed = 99;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const model = new Map<string, number>();
    const sorted = () =>
      [...model.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const batch: Array<string | number> = [];
    for (let i = 0; i < 30_000; i++) {
      const m = `k${rnd(40_000)}`;
      const sc = rnd(500);
      batch.push(sc, m);
      model.set(m, sc);
    }
    s.command('ZADD', 'big', ...batch);
    for (let round = 0; round < 200; round++) {
      const op = rnd(6);
      if (op === 0) {
        const m = `k${rnd(40_000)}`;
        const sc = rnd(500) - 50;
        s.command('ZADD', 'big', sc, m);
        model.set(m, sc);
      } else if (op === 1) {
        const m = `k${rnd(40_000)}`;
        assert.equal(s.command('ZREM', 'big', m), model.delete(m) ? 1 : 0);
      } else if (op === 2) {
        const all = sorted();
        const r = rnd(all.length);
        const [m] = all[r]!;
        assert.equal(s.command('ZRANK', 'big', m), r);
      } else if (op === 3) {
        const lo = rnd(500);
        const hi = lo + rnd(20);
        const want = sorted().filter(([, v]) => v >= lo && v <= hi);
        assert.equal(s.command('ZCOUNT', 'big', lo, hi), want.length);
        assert.deepEqual(
          s.command('ZRANGE', 'big', lo, hi, 'BYSCORE', 'LIMIT', 3, 10),
          want.slice(3, 13).map(([m]) => m),
        );
      } else if (op === 4) {
        const all = sorted();
        const start = rnd(all.length);
        const len = rnd(300);
        s.command('ZREMRANGEBYRANK', 'big', start, start + len - 1);
        for (const [m] of all.slice(start, start + len)) model.delete(m);
      } else {
        const all = sorted();
        const start = rnd(all.length);
        assert.deepEqual(
          s.command('ZRANGE', 'big', start, start + 5, 'REV'),
          all
            .slice(Math.max(0, all.length - 1 - start - 5), all.length - start)
            .reverse()
            .map(([m]) => m),
        );
      }
    }
    assert.equal(s.command('ZCARD', 'big'), model.size);
    const z = s.instance.ks.db(0).get('big') as ZSetValue;
    z.index.check();
  });
});

// =============================================================================================
// Against redis-server

function decode(b: Buffer): RespValue {
  const r = new RespReader();
  r.feed(b);
  const v = r.next();
  if (v === undefined) throw new Error(`incomplete reply ${showRaw(b)}`);
  return v;
}

/** Splits a script line into arguments; "double quoted" arguments take JSON escapes. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    out.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!);
  }
  return out;
}

type Mode = 'exact' | 'random' | 'scan';

function modeOf(argv: readonly string[]): Mode {
  const name = argv[0]!.toLowerCase();
  if (name === 'zrandmember') return 'random';
  if (name === 'zscan') return 'scan';
  return 'exact';
}

function text(v: RespValue): string {
  if (v.type === 'bulk' || v.type === 'simple' || v.type === 'double') return v.value;
  throw new Error(`not a string: ${showResp(v)}`);
}

/** Member -> score text of a key on Redis (the reference), for relaxed checks. */
async function contents(c: RawClient, key: string): Promise<Map<string, string>> {
  const v = decode(await c.command('ZRANGE', key, '0', '-1', 'WITHSCORES'));
  const m = new Map<string, string>();
  if (v.type !== 'array') return m;
  const items = v.value;
  if (items.length > 0 && items[0]!.type === 'array') {
    for (const p of items) {
      const pair = (p as { value: RespValue[] }).value;
      m.set(text(pair[0]!), text(pair[1]!));
    }
  } else {
    for (let i = 0; i < items.length; i += 2) m.set(text(items[i]!), text(items[i + 1]!));
  }
  return m;
}

/** Checks one server's ZRANDMEMBER reply against the set's contents; returns a problem or null. */
function checkRandom(
  argv: readonly string[],
  reply: RespValue,
  set: Map<string, string>,
  resp: 2 | 3,
): string | null {
  if (argv.length === 2) {
    if (set.size === 0) return reply.type === (resp === 2 ? 'nullbulk' : 'null') ? null : 'expected nil';
    return reply.type === 'bulk' && set.has(reply.value) ? null : `not a member: ${showResp(reply)}`;
  }
  if (reply.type !== 'array') return `expected an array, got ${showResp(reply)}`;
  const count = Number(argv[2]);
  const withScores = argv.length === 4;
  const pairs: Array<[string, string | null]> = [];
  const items = reply.value;
  if (withScores && resp === 2) {
    if (items.length % 2 !== 0) return 'odd flat reply';
    for (let i = 0; i < items.length; i += 2) pairs.push([text(items[i]!), text(items[i + 1]!)]);
  } else if (withScores) {
    for (const p of items) {
      if (p.type !== 'array' || p.value.length !== 2 || p.value[1]!.type !== 'double')
        return 'bad RESP3 pair';
      pairs.push([text(p.value[0]!), text(p.value[1]!)]);
    }
  } else {
    for (const p of items) pairs.push([text(p), null]);
  }
  const want = set.size === 0 ? 0 : count >= 0 ? Math.min(count, set.size) : -count;
  if (pairs.length !== want) return `size ${pairs.length}, expected ${want}`;
  for (const [m, s] of pairs) {
    if (!set.has(m)) return `not a member: ${m}`;
    if (s !== null && set.get(m) !== s) return `score of ${m}: ${s} vs ${set.get(m)}`;
  }
  if (count > 0 && new Set(pairs.map((p) => p[0])).size !== pairs.length)
    return 'duplicates with a positive count';
  return null;
}

/** Drives a whole ZSCAN loop from argv's cursor and options; returns the sorted pairs or the error. */
async function scanAll(c: RawClient, argv: readonly string[]): Promise<string> {
  const seen = new Set<string>();
  let cursor = argv[2]!;
  for (let i = 0; i < 10_000; i++) {
    const v = decode(await c.command(argv[0]!, argv[1]!, cursor, ...argv.slice(3)));
    if (v.type === 'error') return `error ${v.value}`;
    assert.equal(v.type, 'array');
    const [next, items] = (v as { value: RespValue[] }).value as [RespValue, RespValue];
    const list = (items as { value: RespValue[] }).value;
    for (let k = 0; k < list.length; k += 2) seen.add(`${text(list[k]!)} ${text(list[k + 1]!)}`);
    cursor = text(next);
    if (cursor === '0') return [...seen].sort().join('\n');
  }
  throw new Error('ZSCAN did not finish');
}

class Pair {
  failures: string[] = [];
  compared = 0;
  constructor(
    readonly redis: RawClient,
    readonly mnemo: RawClient,
    readonly resp: 2 | 3,
  ) {}

  static async open(redisPort: number, mnemoPort: number, resp: 2 | 3): Promise<Pair> {
    const p = new Pair(await RawClient.connect(redisPort), await RawClient.connect(mnemoPort), resp);
    if (resp === 3) await p.both(['HELLO', '3'], false);
    return p;
  }

  async both(argv: readonly string[], compare = true): Promise<[Buffer, Buffer]> {
    const [[r], [m]] = await Promise.all([this.redis.send([argv]), this.mnemo.send([argv])]);
    if (compare) this.check(argv, r!, m!);
    return [r!, m!];
  }

  private check(argv: readonly string[], r: Buffer, m: Buffer): void {
    this.compared++;
    if (!r.equals(m)) this.fail(argv, `redis: ${showRaw(r)}\n  mnemo: ${showRaw(m)}`);
  }

  fail(argv: readonly string[], detail: string): void {
    this.failures.push(`RESP${this.resp} ${argv.map((a) => JSON.stringify(a)).join(' ')}\n  ${detail}`);
  }

  /** Runs commands in order, batching the exact ones and syncing around relaxed ones. */
  async run(cmds: ReadonlyArray<readonly string[]>): Promise<void> {
    let batch: Array<readonly string[]> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const [rs, ms] = await Promise.all([this.redis.send(batch), this.mnemo.send(batch)]);
      for (let i = 0; i < batch.length; i++) this.check(batch[i]!, rs[i]!, ms[i]!);
      batch = [];
    };
    for (const argv of cmds) {
      const mode = modeOf(argv);
      if (mode === 'exact') {
        batch.push(argv);
        continue;
      }
      await flush();
      if (mode === 'random') {
        const set = await contents(this.redis, argv[1]!);
        const [r, m] = await this.both(argv, false);
        this.compared++;
        const rv = decode(r);
        const mv = decode(m);
        if (rv.type === 'error' || mv.type === 'error') {
          if (!r.equals(m)) this.fail(argv, `redis: ${showRaw(r)}\n  mnemo: ${showRaw(m)}`);
          continue;
        }
        const problem = checkRandom(argv, mv, set, this.resp);
        const redisProblem = checkRandom(argv, rv, set, this.resp);
        if (redisProblem !== null) throw new Error(`the ZRANDMEMBER check itself is wrong: ${redisProblem}`);
        if (problem !== null) this.fail(argv, problem);
      } else {
        const [r, m] = await this.both(argv, false);
        this.compared++;
        // A listpack answers in one call, in order: exact. Otherwise compare whole loops.
        if (r.equals(m)) continue;
        const [a, b] = await Promise.all([scanAll(this.redis, argv), scanAll(this.mnemo, argv)]);
        if (a !== b) this.fail(argv, `scan loops differ:\n  redis: ${a}\n  mnemo: ${b}`);
      }
    }
    await flush();
  }

  async close(): Promise<void> {
    await this.redis.close();
    await this.mnemo.close();
  }
}

/** Hand-written sequences: every command, option, reply shape and error, encodings, -0. */
const SCRIPTS: Record<string, string[]> = {
  basics: [
    'ZADD z 1 a 2 b 3 c',
    'ZADD z NX XX 1 a',
    'ZADD z GT LT 1 a',
    'ZADD z NX GT 1 a',
    'ZADD z INCR 1 a 2 b',
    'ZADD z 1',
    'ZADD z NX CH',
    'ZADD z abc a',
    'ZADD z nan a',
    'ZADD z "" a',
    'ZADD z inf a',
    'ZADD z -inf b',
    'ZINCRBY z +inf b',
    'ZADD z INCR -inf a',
    'ZSCORE z a',
    'ZSCORE z b',
    'ZSCORE z nosuch',
    'ZSCORE nokey a',
    'ZMSCORE z a b nosuch',
    'ZMSCORE nokey a b',
    'ZADD z CH 5 a 6 b 7 d',
    'ZRANGE z 0 -1 WITHSCORES',
    'ZADD z XX INCR 1 nosuch',
    'ZADD nokey XX 1 a',
    'ZADD nokey XX INCR 1 a',
    'ZADD z GT 1 a',
    'ZADD z GT CH 10 a',
    'ZADD z LT CH 10 a',
    'ZADD z LT CH 1 a',
    'ZADD z XX GT CH 100 a 100 nope',
    'ZADD z NX INCR 1 a',
    'ZINCRBY z 2.5 a',
    'ZINCRBY z abc a',
    'ZINCRBY z nx a',
    'ZINCRBY z 1e400 a',
    'ZINCRBY z 0x10 a',
    'ZINCRBY z " 1" a',
    'ZCARD z',
    'ZCARD nokey',
    'SET s x',
    'ZADD s 1 a',
    'ZCARD s',
    'ZSCORE s a',
    'ZRANGE s 0 1',
    'ZADD z 1.5 e -0 f 0 g 0.1 h 1e-300 i 1.7976931348623157e308 j 123456789012345678 k -1.5e-7 l',
    'ZSCORE z f',
    'ZRANGE z 0 -1 WITHSCORES',
    'ZRANK z a',
    'ZREVRANK z a',
    'ZRANK z nosuch',
    'ZRANK nokey a',
    'OBJECT ENCODING z',
    'ZADD bin 1 "\\u0000\\u00ff" 1 "" 1 "\\u00ff" 1 "a\\u0000b"',
    'ZRANGE bin 0 -1',
    'ZRANGE bin - + BYLEX',
    'ZRANGE bin "[\\u0000" "(\\u00ff" BYLEX',
    'ZRANGE bin "+\\u0000x" - BYLEX REV',
    'ZRANGEBYSCORE bin "1\\u0000junk" 1',
    // Hex floats: one correct rounding (half to even), subnormals, and where ZADD's strict
    // parse rejects underflow to 0 and overflow while range bounds take them.
    'ZADD hx 0x1.530e951ae35688p-1023 a 0x1.fffffffffffff8p0 b 0x1.00000000000018p0 c 0x1.8p-1075 d',
    'ZADD hx 0x1p-1075 e',
    'ZADD hx 0x0.00000000000008p-1022 e',
    'ZADD hx -0x1.fffffffffffff8p1023 e',
    'ZADD hx 0x.8p1 e 0X1P-1074 f',
    'ZRANGE hx 0 -1 WITHSCORES',
    'ZRANGEBYSCORE hx 0x1p-1075 0x1.530e951ae35688p-1023 WITHSCORES',
    'ZRANGEBYSCORE hx (0x1p-1074 0x1p1024 WITHSCORES',
    'ZCOUNT hx -0x1.fffffffffffff8p1023 0x1.00000000000008p0',
  ],
  ranges: [
    'ZADD z 1 a 2 b 3 c 3 d 4 e 5 f',
    'ZRANGE z 0 -1',
    'ZRANGE z -2 -1 WITHSCORES',
    'ZRANGE z 5 1',
    'ZRANGE z 0 100',
    'ZRANGE z -100 -50',
    'ZRANGE z a b',
    'ZRANGE z 0 -1 LIMIT 0 1',
    'ZRANGE z 0 -1 LIMIT 0 -1',
    'ZRANGE z 0 -1 REV WITHSCORES',
    'ZRANGE z 0 -1 REV REV',
    'ZRANGE z 0 -1 BYSCORE BYLEX',
    'ZRANGE z (1 +inf BYSCORE WITHSCORES',
    'ZRANGE z +inf (1 BYSCORE REV WITHSCORES',
    'ZRANGE z -inf +inf BYSCORE LIMIT 1 2 WITHSCORES',
    'ZRANGE z -inf +inf BYSCORE LIMIT -1 2 WITHSCORES',
    'ZRANGE z -inf +inf BYSCORE LIMIT 1 -1 WITHSCORES',
    'ZRANGE z -inf +inf BYSCORE LIMIT 10 1',
    'ZRANGE z -inf +inf BYSCORE LIMIT 6 1',
    'ZRANGE z -inf +inf BYSCORE LIMIT 5 1',
    'ZRANGE z +inf -inf BYSCORE REV LIMIT 2 2 WITHSCORES',
    'ZRANGE z - + BYLEX',
    'ZRANGE z - + BYLEX WITHSCORES',
    'ZRANGE z [a (c BYLEX',
    'ZRANGE z a c BYLEX',
    'ZRANGE z (c [a BYLEX REV',
    'ZRANGE z x y BYSCORE',
    'ZRANGE z "" "" BYSCORE',
    'ZRANGE z " 1" 2 BYSCORE',
    'ZRANGE z "1 " 2 BYSCORE',
    'ZRANGE z "  " 2 BYSCORE',
    'ZRANGE z 1e400 2 BYSCORE',
    'ZRANGE z -1e400 1e400 BYSCORE WITHSCORES',
    'ZRANGE z 0x1 0x7 BYSCORE WITHSCORES',
    'ZRANGE z 0x1p1 0X1.8P1 BYSCORE WITHSCORES',
    'ZRANGE z ( ( BYSCORE',
    'ZRANGE z (3 3 BYSCORE',
    'ZRANGE z 3 3 BYSCORE',
    'ZRANGE z (inf +inf BYSCORE',
    'ZRANGE z infinity -INF BYSCORE REV',
    'ZRANGE z 0 -1 LIMIT',
    'ZRANGE z 0 -1 LIMIT 1',
    'ZRANGE z 0 -1 LIMIT x 1',
    'ZRANGE z 0 -1 WITHSCORES WITHSCORES',
    'ZRANGE z 0 -1 FOO',
    'ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 0 2',
    'ZRANGEBYSCORE z -inf +inf BYSCORE',
    'ZRANGEBYSCORE z -inf +inf REV',
    'ZREVRANGEBYSCORE z +inf -inf WITHSCORES',
    'ZREVRANGEBYSCORE z 3 1',
    'ZREVRANGEBYSCORE z 1 3',
    'ZRANGEBYLEX z - +',
    'ZRANGEBYLEX z - + WITHSCORES',
    'ZRANGEBYLEX z - + LIMIT 1 2',
    'ZREVRANGEBYLEX z + -',
    'ZREVRANGEBYLEX z + - LIMIT 0 0',
    'ZREVRANGE z 0 1 WITHSCORES',
    'ZREVRANGE z 0 1 LIMIT 0 1',
    'ZREVRANGE z 0 1 REV',
    'ZCOUNT z -inf +inf',
    'ZCOUNT z (1 3',
    'ZCOUNT z 3 (3',
    'ZCOUNT z x 3',
    'ZCOUNT nokey 1 2',
    'ZLEXCOUNT z - +',
    'ZLEXCOUNT z [a [c',
    'ZLEXCOUNT z a c',
    'ZLEXCOUNT z + -',
    'ZLEXCOUNT z - -',
    'ZLEXCOUNT z [c (c',
    'ZLEXCOUNT nokey - +',
    'ZADD mix 1 d 2 a 3 c 4 b 5 e',
    'ZRANGE mix [a [c BYLEX',
    'ZRANGE mix [c [a BYLEX REV',
    'ZRANGE mix [b + BYLEX',
    'ZRANGE mix - [c BYLEX',
    'ZRANGE mix (a (e BYLEX',
    'ZRANGE mix [d [a BYLEX',
    'ZLEXCOUNT mix [a [c',
    'ZLEXCOUNT mix - [c',
    'ZLEXCOUNT mix [b +',
    'ZREMRANGEBYLEX mix [a [c',
    'ZRANGE mix 0 -1 WITHSCORES',
    'ZRANGESTORE dst z 0 -1',
    'ZRANGE dst 0 -1 WITHSCORES',
    'OBJECT ENCODING dst',
    'ZRANGESTORE dst z 0 -1 WITHSCORES',
    'ZRANGESTORE dst nokey 0 -1',
    'EXISTS dst',
    'ZRANGESTORE dst z 3 1 BYSCORE REV',
    'ZRANGESTORE dst z 1 3 BYSCORE REV',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZRANGESTORE dst z [b [e BYLEX LIMIT 1 2',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZRANGESTORE dst s 0 -1',
    'SET s x',
    'ZRANGESTORE dst s 0 -1',
    'ZRANGESTORE z z 1 2',
    'ZRANGE z 0 -1 WITHSCORES',
  ],
  removals: [
    'ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g',
    'ZREM z a nosuch',
    'ZREM z nosuch',
    'ZREM nokey a',
    'ZREMRANGEBYRANK z 0 0',
    'ZREMRANGEBYRANK z 10 20',
    'ZREMRANGEBYRANK z -1 -2',
    'ZREMRANGEBYRANK z x 0',
    'ZREMRANGEBYRANK nokey 0 1',
    'ZREMRANGEBYSCORE z (1 2',
    'ZREMRANGEBYSCORE z 100 200',
    'ZREMRANGEBYSCORE z x 2',
    'ZREMRANGEBYLEX z [a [c',
    'ZREMRANGEBYLEX z a c',
    'ZRANGE z 0 -1 WITHSCORES',
    'ZPOPMIN z',
    'ZPOPMAX z 2',
    'ZPOPMIN z 0',
    'ZPOPMIN z -1',
    'ZPOPMIN z x',
    'ZPOPMIN z 1 2',
    'ZPOPMIN nokey',
    'ZPOPMIN nokey 2',
    'ZPOPMAX z 100',
    'EXISTS z',
    'ZADD m1 1 a 2 b 3 c',
    'ZADD m2 4 d',
    'SET s x',
    'ZPOPMIN s',
    'ZMPOP 1 m1 MIN',
    'ZMPOP 2 nokey m1 MAX COUNT 5',
    'ZMPOP 2 nokey m1 MAX COUNT 5',
    'ZMPOP 0 m1 MIN',
    'ZMPOP x m1 MIN',
    'ZMPOP 1 m2 MIN COUNT 0',
    'ZMPOP 1 m2 MIN COUNT x',
    'ZMPOP 1 m2 MIN COUNT 1 COUNT 1',
    'ZMPOP 1 m2 FOO',
    'ZMPOP 5 m2 MIN',
    'ZMPOP 1 m2 MIN COUNT',
    'ZMPOP 2 s m2 MIN',
    'ZMPOP 2 m2 s max',
    'ZMPOP 1 m2 MIN',
  ],
  setops: [
    'ZADD a 1 x 2 y 3 z',
    'ZADD b 10 y 20 z 30 w',
    'SADD s y w q',
    'SADD is 1 2 3',
    'ZADD ni 5 1 6 2',
    'SET str v',
    'ZUNION 2 a b WITHSCORES',
    'ZUNION 2 a b',
    'ZUNION 3 a b s WITHSCORES',
    'ZUNION 3 a b s WEIGHTS 1 2 3 WITHSCORES',
    'ZUNION 3 a b s WEIGHTS 1 2 WITHSCORES',
    'ZUNION 3 a b s WEIGHTS 1 2 x WITHSCORES',
    'ZUNION 2 a b AGGREGATE MIN WITHSCORES',
    'ZUNION 2 a b AGGREGATE max WITHSCORES',
    'ZUNION 2 a b AGGREGATE FOO WITHSCORES',
    'ZUNION 2 a b AGGREGATE',
    'ZUNION 2 a b WEIGHTS 1 2 WEIGHTS 3 4 WITHSCORES',
    'ZUNION 0 a',
    'ZUNION -1 a',
    'ZUNION x a',
    'ZUNION 3 a b',
    'ZUNION 2 a str',
    'ZUNION 2 str a FOO',
    'ZUNION 2 a nokey WITHSCORES',
    'ZUNION 1 nokey WITHSCORES',
    'ZUNION 2 a b WITHSCORES WITHSCORES',
    'ZUNION 2 is ni WITHSCORES',
    'ZINTER 2 a b WITHSCORES',
    'ZINTER 3 a b s WITHSCORES',
    'ZINTER 2 a a WITHSCORES',
    'ZINTER 2 a b WEIGHTS 2 3 AGGREGATE MAX WITHSCORES',
    'ZINTER 2 a nokey WITHSCORES',
    'ZINTERCARD 2 a b',
    'ZINTERCARD 2 a b LIMIT 1',
    'ZINTERCARD 2 a b LIMIT 0',
    'ZINTERCARD 2 a b LIMIT -1',
    'ZINTERCARD 2 a b LIMIT x',
    'ZINTERCARD 2 a b WITHSCORES',
    'ZINTERCARD 0 a',
    'ZDIFF 2 a b WITHSCORES',
    'ZDIFF 2 b a WITHSCORES',
    'ZDIFF 2 a a WITHSCORES',
    'ZDIFF 1 s WITHSCORES',
    'ZDIFF 2 a b WEIGHTS 1 2',
    'ZDIFF 2 nokey a',
    'ZUNIONSTORE dst 2 a b',
    'ZRANGE dst 0 -1 WITHSCORES',
    'OBJECT ENCODING dst',
    'ZUNIONSTORE dst 2 a b WITHSCORES',
    'ZINTERSTORE dst 2 a b WEIGHTS 1 -1',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZINTERSTORE dst 2 a nokey',
    'EXISTS dst',
    'ZINTERSTORE dst 2 a nokey',
    'ZDIFFSTORE dst 2 b a',
    'ZRANGE dst 0 -1 WITHSCORES',
    'ZUNIONSTORE dst 0 a',
    'ZINTERSTORE dst 0 a',
    'ZDIFFSTORE dst 0 a',
    'ZUNIONSTORE a 2 a b',
    'ZRANGE a 0 -1 WITHSCORES',
    'ZADD inf1 +inf m',
    'ZADD inf2 -inf m',
    'ZUNION 2 inf1 inf2 WITHSCORES',
    'ZINTER 2 inf1 inf2 WITHSCORES',
    'ZUNION 2 inf1 inf2 WEIGHTS 0 1 WITHSCORES',
    'ZINTER 2 inf1 inf2 WEIGHTS 0 1 AGGREGATE MIN WITHSCORES',
    'ZINTER 2 inf1 inf2 WEIGHTS 1 0 AGGREGATE MIN WITHSCORES',
    'ZINTER 2 inf1 inf2 WEIGHTS 1 0 AGGREGATE MAX WITHSCORES',
    'ZUNION 2 inf1 inf2 WEIGHTS 1 0 AGGREGATE MIN WITHSCORES',
    'ZUNION 1 b WEIGHTS -0 WITHSCORES',
    'ZUNIONSTORE nz 1 b WEIGHTS -0',
    'ZRANGE nz 0 -1 WITHSCORES',
    'ZUNION 1 b WEIGHTS inf WITHSCORES',
    'ZUNION 1 b WEIGHTS nan WITHSCORES',
    'ZADD f1 0.1 x 0.2 y',
    'ZADD f2 0.2 x 0.1 y 0.3 z',
    'ZADD f3 0.3 x',
    'ZUNION 3 f1 f2 f3 WITHSCORES',
    'ZINTER 2 f1 f2 WITHSCORES',
  ],
  random: [
    'ZADD a 1 x 2 y 3 z',
    'ZRANDMEMBER nokey',
    'ZRANDMEMBER nokey 5',
    'ZRANDMEMBER nokey 5 WITHSCORES',
    'ZRANDMEMBER a',
    'ZRANDMEMBER a 0',
    'ZRANDMEMBER a 0 WITHSCORES',
    'ZRANDMEMBER a 1',
    'ZRANDMEMBER a 2 WITHSCORES',
    'ZRANDMEMBER a 3 WITHSCORES',
    'ZRANDMEMBER a 5 WITHSCORES',
    'ZRANDMEMBER a -5 WITHSCORES',
    'ZRANDMEMBER a -2',
    'ZRANDMEMBER a 5 FOO',
    'ZRANDMEMBER a 5 WITHSCORES x',
    'ZRANDMEMBER a x',
    'ZRANDMEMBER a -9223372036854775808',
    'ZRANDMEMBER a 9223372036854775807 WITHSCORES',
    'ZRANDMEMBER a -4611686018427387904 WITHSCORES',
    'SET str v',
    'ZRANDMEMBER str',
    'ZSCAN a 0',
    'ZSCAN a 0 MATCH x*',
    'ZSCAN a 0 COUNT 0',
    'ZSCAN nokey 0 COUNT 0',
    'ZSCAN a x',
    'ZSCAN a 0 TYPE zset',
    'ZSCAN str 0',
    'ZADD sc 1e17 a 1e18 b 4611686018427387904 c 4611686018427387905 d 1.5 e -0 f 1e300 g -inf h',
    'ZSCAN sc 0',
    'ZSCAN sc 0 MATCH [a-c]',
  ],
  encodings: [
    'ZADD long 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'OBJECT ENCODING long',
    'ZADD long -0 z',
    'ZSCORE long z',
    'ZADD long 0 z',
    'ZSCORE long z',
    'ZSCAN long 0',
    'ZINCRBY long -0 z',
    'ZADD lp 0 z',
    'ZINCRBY lp -0 z',
    'ZINCRBY lp -0 newm',
    'ZSCORE lp newm',
    'ZADD lp 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'OBJECT ENCODING lp',
    'ZADD lp -0 q',
    'ZSCORE lp q',
    'ZRANGESTORE lp2 lp 0 -1',
    'OBJECT ENCODING lp2',
    'ZSCORE lp2 q',
    'ZREM lp aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'ZUNIONSTORE lp3 1 lp',
    'OBJECT ENCODING lp3',
    'ZSCORE lp3 q',
    'COPY long long2',
    'OBJECT ENCODING long2',
    'ZSCORE long2 z',
  ],
};

/** Scripts that need generated bulk: crossing the listpack limits, a big skiplist, big lex sets. */
function bigScript(seed: number): string[] {
  const rnd = prng(seed);
  const L: string[] = [];
  let args = '';
  for (let i = 0; i < 128; i++) args += ` ${i} m${String(i).padStart(3, '0')}`;
  L.push(`ZADD e${args}`, 'OBJECT ENCODING e', 'ZADD e 500 extra', 'OBJECT ENCODING e');
  L.push('ZREM e extra m000 m001', 'OBJECT ENCODING e');
  const scores = () => {
    const r = rnd();
    if (r < 0.3) return String(1 + Math.floor(rnd() * 3));
    if (r < 0.6) return String(Math.floor(rnd() * 50));
    return String(rnd());
  };
  args = '';
  for (let i = 0; i < 1000; i++) args += ` ${scores()} k${Math.floor(rnd() * 3000)}`;
  L.push(`ZADD big${args}`, 'ZCARD big', 'ZRANGE big 0 -1 WITHSCORES', 'ZRANGE big 100 200 REV WITHSCORES');
  L.push(
    'ZRANGE big (2 10 BYSCORE WITHSCORES LIMIT 5 20',
    'ZRANGE big 10 (2 BYSCORE REV WITHSCORES LIMIT 5 20',
  );
  L.push('ZCOUNT big 1 3', 'ZCOUNT big (1 (3');
  for (let i = 0; i < 30; i++) {
    const m = `k${Math.floor(rnd() * 3000)}`;
    L.push(`ZRANK big ${m}`, `ZREVRANK big ${m}`, `ZSCORE big ${m}`);
  }
  L.push('ZRANDMEMBER big 2000 WITHSCORES', 'ZRANDMEMBER big 300', 'ZRANDMEMBER big 900 WITHSCORES');
  L.push('ZRANDMEMBER big -50 WITHSCORES', 'ZSCAN big 0 COUNT 20', 'ZSCAN big 0 MATCH *1* COUNT 7');
  L.push('ZREMRANGEBYRANK big 10 30', 'ZREMRANGEBYSCORE big 1 2', 'ZRANGE big 0 -1 WITHSCORES');
  L.push('ZPOPMIN big 50', 'ZPOPMAX big 50');
  L.push('ZRANGESTORE d big 0 99', 'OBJECT ENCODING d', 'ZRANGESTORE d big 0 199', 'OBJECT ENCODING d');
  L.push('ZRANGESTORE d big -inf +inf BYSCORE LIMIT 0 128', 'OBJECT ENCODING d');
  L.push('ZRANGESTORE d big -inf +inf BYSCORE LIMIT 0 129', 'OBJECT ENCODING d', 'ZRANGE d 0 -1 WITHSCORES');
  L.push('ZUNIONSTORE u 2 big e', 'OBJECT ENCODING u', 'ZRANGE u 0 -1 WITHSCORES');
  L.push('ZINTERSTORE u 2 big d', 'OBJECT ENCODING u', 'ZDIFFSTORE u 2 big d', 'OBJECT ENCODING u');
  L.push('ZRANGE u 0 -1 WITHSCORES', 'ZUNION 3 big e d WEIGHTS 1 2 3 AGGREGATE MAX WITHSCORES');
  const words = new Set<string>();
  for (let i = 0; i < 600; i++) {
    let w = '';
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) w += 'abcdef'[Math.floor(rnd() * 6)];
    words.add(w);
  }
  L.push(`ZADD lex ${[...words].map((w) => `0 ${w}`).join(' ')}`, 'OBJECT ENCODING lex');
  L.push('ZRANGE lex [b [c BYLEX', 'ZRANGE lex (b (c BYLEX LIMIT 3 4', 'ZRANGE lex [e - BYLEX REV');
  L.push(
    'ZRANGE lex + [e BYLEX REV',
    'ZLEXCOUNT lex [aa (ce',
    'ZRANGESTORE ld lex [b (d BYLEX',
    'OBJECT ENCODING ld',
  );
  L.push('ZREMRANGEBYLEX lex [aa (ce', 'ZRANGE lex 0 -1', 'ZREMRANGEBYLEX lex - +', 'EXISTS lex');
  return L;
}

// ---- the random generator ----

interface GenConfig {
  name: string;
  entries: number;
  value: number;
  /** Lex commands on keys with mixed scores are deterministic only while those stay listpacks. */
  lexOnMixed: boolean;
}

const CONFIGS: GenConfig[] = [
  { name: 'default limits', entries: 128, value: 64, lexOnMixed: false },
  { name: 'tiny limits', entries: 3, value: 4, lexOnMixed: false },
  { name: 'huge limits', entries: 100_000, value: 1_000_000, lexOnMixed: true },
];

function generate(rnd: () => number, cfg: GenConfig, length: number): string[][] {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const chance = (p: number) => rnd() < p;
  const int = (n: number) => Math.floor(rnd() * n);
  const zkeys = ['za', 'zb', 'zc'];
  const lkeys = ['la', 'lb'];
  const members = ['a', 'b', 'c', 'd', 'e', 'm1', 'm2', 'm10', 'x', '', '\u0000', '\u00ff', 'L'.repeat(70)];
  const member = () => (chance(0.8) ? pick(members.slice(0, 9)) : pick(members));
  const score = () =>
    chance(0.02)
      ? pick(['x', 'nan', '', '1e', ' 1'])
      : pick([
          '0',
          '1',
          '2',
          '-1',
          '1.5',
          '-0',
          '+inf',
          '-inf',
          '3',
          '1e17',
          '0.1',
          '10',
          '-2.5',
          String(int(100) / 7),
        ]);
  const bound = () =>
    pick([
      '-inf',
      '+inf',
      '(1',
      '1',
      '(0',
      '0',
      '2',
      '(2.5',
      '3',
      '(-inf',
      '10',
      '-1',
      chance(0.05) ? 'x' : '1.5',
    ]);
  const lexBound = () =>
    pick([
      '-',
      '+',
      '[a',
      '(a',
      '[m1',
      '(m2',
      '[c',
      '(d',
      '[',
      '(',
      '[x',
      '(\u00ff',
      chance(0.05) ? 'bad' : '[b',
    ]);
  const rank = () => pick(['0', '1', '2', '3', '-1', '-2', '-4', '6', '100', '-100']);
  const keyFor = () => (chance(0.8) ? pick(zkeys) : chance(0.5) ? pick(lkeys) : pick(['s1', 'str', 'none']));
  const lexKey = () => (cfg.lexOnMixed && chance(0.6) ? pick(zkeys) : pick(lkeys));
  const limit = (): string[] => (chance(0.3) ? ['LIMIT', String(int(4) - 1), String(int(6) - 1)] : []);
  const numkeys = (): string[] => {
    const n = 1 + int(3);
    const ks: string[] = [];
    for (let i = 0; i < n; i++) ks.push(chance(0.85) ? pick(zkeys) : pick(['s1', 'none', 'la']));
    return [String(n), ...ks];
  };
  // Mostly ordered pairs of bounds (most ranges then hold something), sometimes anything.
  const ranks = (): [string, string] =>
    chance(0.8) ? [pick(['0', '1', '2', '-3', '-2']), pick(['-1', '2', '4', '100', '-2'])] : [rank(), rank()];
  const bounds = (): [string, string] =>
    chance(0.8)
      ? [
          pick(['-inf', '(-inf', '0', '(0', '1', '(1', '-1', '-0']),
          pick(['+inf', '2', '(2.5', '3', '(3', '10', '1e17']),
        ]
      : [bound(), bound()];
  const lexBounds = (): [string, string] =>
    chance(0.8)
      ? [pick(['-', '[a', '(a', '[', '(b', '[c']), pick(['+', '[m2', '(m2', '[d', '(x', '[\u00ff'])]
      : [lexBound(), lexBound()];
  const swap = ([a, b]: [string, string], rev: boolean): [string, string] => (rev ? [b, a] : [a, b]);
  const out: string[][] = [];
  for (let i = 0; i < length; i++) {
    const r = int(100);
    let argv: string[];
    if (r < 26) {
      const lexTarget = chance(0.25);
      const key = lexTarget ? pick(lkeys) : pick(zkeys);
      const opts: string[] = [];
      if (!lexTarget) for (const o of ['NX', 'XX', 'GT', 'LT', 'CH']) if (chance(0.05)) opts.push(o);
      const incr = !lexTarget && chance(0.06);
      if (incr) opts.push('INCR');
      argv = ['ZADD', key, ...opts];
      const n = chance(0.04) ? 100 + int(200) : incr && chance(0.9) ? 1 : 1 + int(7);
      for (let k = 0; k < n; k++) argv.push(lexTarget ? '0' : score(), n > 10 ? `bulk${int(400)}` : member());
    } else if (r < 30) argv = ['ZINCRBY', pick(zkeys), score(), member()];
    else if (r < 33) argv = ['ZREM', keyFor(), member(), ...(chance(0.5) ? [member()] : [])];
    else if (r < 38) argv = [pick(['ZSCORE', 'ZRANK', 'ZREVRANK']), keyFor(), member()];
    else if (r < 39) argv = ['ZMSCORE', keyFor(), member(), member()];
    else if (r < 40) argv = ['ZCARD', keyFor()];
    else if (r < 43) argv = ['ZCOUNT', keyFor(), ...bounds()];
    else if (r < 45) argv = ['ZLEXCOUNT', lexKey(), ...lexBounds()];
    else if (r < 55) {
      const kind = int(3);
      const key = kind === 2 ? lexKey() : keyFor();
      const rev = chance(0.4);
      const [a, b] = kind === 0 ? ranks() : swap(kind === 1 ? bounds() : lexBounds(), rev);
      argv = ['ZRANGE', key, a, b];
      if (kind === 1) argv.push('BYSCORE');
      if (kind === 2) argv.push('BYLEX');
      if (rev) argv.push('REV');
      argv.push(...(kind === 0 && chance(0.9) ? [] : limit()));
      if (chance(0.5) && (kind !== 2 || chance(0.1))) argv.push('WITHSCORES');
    } else if (r < 60) {
      const v = int(5);
      if (v === 0)
        argv = ['ZRANGEBYSCORE', keyFor(), ...bounds(), ...(chance(0.5) ? ['WITHSCORES'] : []), ...limit()];
      else if (v === 1) argv = ['ZREVRANGEBYSCORE', keyFor(), ...swap(bounds(), true), ...limit()];
      else if (v === 2) argv = ['ZRANGEBYLEX', lexKey(), ...lexBounds(), ...limit()];
      else if (v === 3) argv = ['ZREVRANGEBYLEX', lexKey(), ...swap(lexBounds(), true), ...limit()];
      else argv = ['ZREVRANGE', keyFor(), ...ranks(), ...(chance(0.5) ? ['WITHSCORES'] : [])];
    } else if (r < 64) {
      const kind = int(3);
      const src = kind === 2 ? lexKey() : keyFor();
      const rev = chance(0.4);
      const [a, b] = kind === 0 ? ranks() : swap(kind === 1 ? bounds() : lexBounds(), rev);
      argv = ['ZRANGESTORE', pick(['zc', 'dst']), src, a, b];
      if (kind === 1) argv.push('BYSCORE');
      if (kind === 2) argv.push('BYLEX');
      if (rev) argv.push('REV');
      if (kind !== 0) argv.push(...limit());
    } else if (r < 67) argv = ['ZREMRANGEBYRANK', keyFor(), ...(chance(0.5) ? ranks() : [rank(), rank()])];
    else if (r < 70) argv = ['ZREMRANGEBYSCORE', keyFor(), ...(chance(0.5) ? bounds() : [bound(), bound()])];
    else if (r < 73)
      argv = ['ZREMRANGEBYLEX', lexKey(), ...(chance(0.5) ? lexBounds() : [lexBound(), lexBound()])];
    else if (r < 77)
      argv = [pick(['ZPOPMIN', 'ZPOPMAX']), keyFor(), ...(chance(0.5) ? [String(int(4) - 1)] : [])];
    else if (r < 80) {
      argv = ['ZMPOP', ...numkeys(), pick(['MIN', 'MAX']), ...(chance(0.5) ? ['COUNT', String(int(4))] : [])];
    } else if (r < 89) {
      const op = pick([
        'ZUNION',
        'ZINTER',
        'ZDIFF',
        'ZUNIONSTORE',
        'ZINTERSTORE',
        'ZDIFFSTORE',
        'ZINTERCARD',
      ]);
      const store = op.endsWith('STORE');
      argv = [op, ...(store ? [pick(['dst', 'zc'])] : []), ...numkeys()];
      const n = Number(argv[store ? 2 : 1]);
      if (!op.startsWith('ZDIFF') && op !== 'ZINTERCARD') {
        if (chance(0.4)) {
          argv.push('WEIGHTS');
          for (let k = 0; k < n; k++) argv.push(pick(['1', '2', '-1', '0', '0.5', 'inf', '-0']));
        }
        if (chance(0.4)) argv.push('AGGREGATE', pick(['SUM', 'MIN', 'MAX']));
      }
      if (op === 'ZINTERCARD' && chance(0.5)) argv.push('LIMIT', String(int(3)));
      if (!store && op !== 'ZINTERCARD' && chance(0.6)) argv.push('WITHSCORES');
    } else if (r < 91) {
      const withCount = chance(0.8);
      argv = ['ZRANDMEMBER', keyFor()];
      if (withCount) argv.push(String(int(12) - 4));
      if (withCount && chance(0.5)) argv.push('WITHSCORES');
    } else if (r < 93) {
      argv = ['ZSCAN', keyFor(), '0', ...(chance(0.4) ? ['COUNT', String(1 + int(5))] : [])];
      if (chance(0.3)) argv.push('MATCH', pick(['*', 'm*', '?', '[a-c]']));
    } else if (r < 97) argv = ['OBJECT', 'ENCODING', keyFor()];
    else if (r < 98) argv = ['DEL', keyFor()];
    else
      argv = pick([
        ['SADD', 's1', member(), member()],
        ['TYPE', keyFor()],
        ['COPY', pick(zkeys), 'dst', 'REPLACE'],
      ]);
    out.push(argv);
  }
  return out;
}

describe('zsets against redis-server 7.0', () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;

  before(async () => {
    redis = await startRedis();
    mnemo = await startMnemo();
  });

  after(async () => {
    await redis?.stop();
    await mnemo?.stop();
  });

  async function fresh(resp: 2 | 3, cfg?: GenConfig): Promise<Pair> {
    const p = await Pair.open(redis.port, mnemo.port, resp);
    await p.both(['FLUSHALL'], false);
    const entries = String(cfg?.entries ?? 128);
    const value = String(cfg?.value ?? 64);
    await p.both(['CONFIG', 'SET', 'zset-max-listpack-entries', entries, 'zset-max-listpack-value', value]);
    return p;
  }

  it('scripted sequences give the same bytes in RESP2 and RESP3', async () => {
    const failures: string[] = [];
    let compared = 0;
    const scripts: Array<[string, string[]]> = [...Object.entries(SCRIPTS), ['big', bigScript(4242)]];
    for (const resp of [2, 3] as const) {
      for (const [name, lines] of scripts) {
        const p = await fresh(resp);
        await p.run(lines.map(words));
        failures.push(...p.failures.map((f) => `[${name}] ${f}`));
        compared += p.compared;
        await p.close();
      }
    }
    assert.ok(compared > 900, `${compared} replies compared`);
    assert.deepEqual(failures.slice(0, 10), []);
  });

  it('seeded random sequences give the same bytes', async () => {
    const seed = Number(process.env.ZSET_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const sequences = Number(process.env.ZSET_SEQUENCES ?? 36);
    const rnd = prng(seed);
    const failures: string[] = [];
    let compared = 0;
    for (let i = 0; i < sequences; i++) {
      const cfg = CONFIGS[i % CONFIGS.length]!;
      const resp = (i >> 1) % 2 === 0 ? 2 : 3;
      const p = await fresh(resp, cfg);
      await p.run(generate(rnd, cfg, 120));
      compared += p.compared;
      failures.push(...p.failures.map((f) => `[seed ${seed}, sequence ${i}, ${cfg.name}] ${f}`));
      await p.close();
      if (failures.length > 0) break;
    }
    assert.ok(compared > sequences * 100, `${compared} replies compared`);
    assert.deepEqual(failures.slice(0, 5), [], `replay with ZSET_SEED=${seed}`);
  });

  it('keyspace events and dirty counts per command', async () => {
    const p = await fresh(2);
    await p.both(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
    // Redis's events arrive on a subscriber; mnemo's through its keyspace listener.
    const sub = await RawClient.connect(redis.port);
    await sub.send([['PSUBSCRIBE', '__keyevent@0__:*']]);
    const mnemoEvents: string[] = [];
    const ks = mnemo.instance.ks;
    const prev = ks.listener;
    ks.listener = {
      keyModified: (db, key) => prev?.keyModified(db, key),
      dbModified: (db) => prev?.dbModified(db),
      notify: (type, event, key, db) => {
        mnemoEvents.push(`${event} ${key}`);
        prev?.notify(type, event, key, db);
      },
    };
    const dirty = async (c: RawClient): Promise<number> => {
      const info = decode(await c.command('INFO', 'persistence'));
      const m = /rdb_changes_since_last_save:(\d+)/.exec(text(info));
      return Number(m![1]);
    };
    const script = [
      'ZADD z 1 a 2 b 3 c',
      'ZADD z 1 a',
      'ZADD z CH 5 a 6 b',
      'ZADD z XX 1 nope',
      'ZADD z NX INCR 1 a',
      'ZINCRBY z 1 a',
      'ZINCRBY z 0 a',
      'ZREM z nope',
      'ZREM z c',
      'ZADD z 7 c 8 d 9 e 10 f',
      'ZREMRANGEBYRANK z 0 0',
      'ZREMRANGEBYRANK z 100 200',
      'ZREMRANGEBYSCORE z 7 7',
      'ZREMRANGEBYSCORE z 100 200',
      'ZREMRANGEBYLEX z [zz +',
      'ZADD lex 0 a 0 b 0 c',
      'ZREMRANGEBYLEX lex [a [b',
      'ZPOPMIN z',
      'ZPOPMAX z 2',
      'ZPOPMIN z 0',
      'ZMPOP 2 nokey z MIN COUNT 10',
      'ZADD z 1 a 2 b',
      'ZRANGESTORE d z 0 -1',
      'ZRANGESTORE d z 5 6',
      'ZRANGESTORE d z 5 6',
      'ZUNIONSTORE u 2 z lex',
      'ZINTERSTORE u 2 z lex',
      'ZINTERSTORE u 2 z lex',
      'ZDIFFSTORE u 1 z',
      'ZUNIONSTORE u 1 nokey',
      'ZREM lex c',
      'ZREM z a b',
      'ZADD z 1 a',
      'ZREMRANGEBYSCORE z -inf +inf',
    ];
    const dirtyFailures: string[] = [];
    for (const line of script) {
      const argv = words(line);
      const [r0, m0] = await Promise.all([dirty(p.redis), dirty(p.mnemo)]);
      await p.both(argv);
      const [r1, m1] = await Promise.all([dirty(p.redis), dirty(p.mnemo)]);
      if (r1 - r0 !== m1 - m0)
        dirtyFailures.push(`${line}: dirty +${r1 - r0} in Redis, +${m1 - m0} in mnemo`);
    }
    await p.both(['SET', 'sync', '1']);
    const redisEvents: string[] = [];
    for (;;) {
      const [msg] = await sub.read(1);
      const v = decode(msg!) as { value: RespValue[] };
      const event = text(v.value[2]!).replace('__keyevent@0__:', '');
      const key = text(v.value[3]!);
      if (event === 'set' && key === 'sync') break;
      redisEvents.push(`${event} ${key}`);
    }
    ks.listener = prev;
    await sub.close();
    await p.close();
    assert.deepEqual(p.failures, []);
    assert.deepEqual(dirtyFailures, []);
    assert.deepEqual(mnemoEvents.slice(0, -1), redisEvents);
    assert.ok(redisEvents.length > 20, `${redisEvents.length} events`);
  });
});
