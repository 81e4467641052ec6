/**
 * The bitmap commands (src/families/bitmaps.ts) and the ByteString byte API under them, two
 * halves:
 *  - in-process through MemoryStore: every command, option and error text, Redis's argument
 *    checking order, int-encoded values read as digits, encodings after writes, keyspace events
 *    and the dirty counter, BITFIELD's types, `#` offsets and overflow policies at the 32/64-bit
 *    edges, the offset limit from proto-max-bulk-len, a SETBIT near the 512 MB limit staying
 *    O(1) per call, and the typed helpers;
 *  - against a real redis-server 7.0 over raw sockets, RESP2 and RESP3: a scripted sequence and
 *    seeded random SETBIT/GETBIT/BITFIELD/BITOP/BITCOUNT/BITPOS sequences (mixed with SET,
 *    APPEND, SETRANGE, INCR on the same keys) whose replies must be the same bytes, GET of every
 *    key after each sequence included; the scripted sequence also compares keyspace events
 *    (PSUBSCRIBE vs the keyspace listener) and dirty counts (INFO rdb_changes_since_last_save).
 *
 * BITMAP_SEED=<n> replays one random sequence; BITMAP_SEQUENCES=<n> changes how many run (default 400).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ByteString } from '../src/engine/values/string.js';
import { bitmapCommands } from '../src/families/bitmaps.js';
import { MemoryStore } from '../src/index.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { prng } from './helpers/random.js';
import { decodeReply, RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { type RespValue, showResp } from './helpers/resp.js';
import { assertError } from './helpers/store.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const OFFSET_ERR = 'ERR bit offset is not an integer or out of range';
const BIT_ERR = 'ERR bit is not an integer or out of range';
const NOT_INT = 'ERR value is not an integer or out of range';
const TYPE_ERR =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const SYNTAX = 'ERR syntax error';

function newStore(): MemoryStore {
  return new MemoryStore({ activeExpire: false });
}

function bytesOf(store: MemoryStore, key: string): number[] {
  const v = store.commandBuffer('GET', key) as Buffer | null;
  return v === null ? [] : [...v];
}

// =============================================================================================
// In-process half

describe('ByteString byte API', () => {
  it('reads past the end as zero, grows with zeros, keeps the small and buffer forms consistent', () => {
    for (const start of ['', 'ab', 'x'.repeat(200)]) {
      const bs = new ByteString(start);
      assert.equal(bs.getByte(start.length + 5), 0);
      bs.setByte(start.length + 3, 0xff);
      assert.equal(bs.length, start.length + 4);
      assert.equal(bs.toBinary(), `${start}\0\0\0\xff`);
      bs.setByte(0, 0x41);
      assert.equal(bs.getByte(0), 0x41);
      bs.resize(2);
      assert.equal(bs.length, 2);
      // A truncated buffer's stale bytes must not come back when it grows again.
      bs.resize(6);
      assert.deepEqual([...bs.bytes()].slice(2), [0, 0, 0, 0]);
      assert.equal(bs.readBytes(0, 6).length, 6);
      const view = bs.bytes();
      view[1] = 0x42;
      assert.equal(bs.toBinary().slice(0, 2), 'AB');
    }
  });

  it('crosses from the small form to the buffer form on growth, and fromBytes picks a form by size', () => {
    const bs = new ByteString('abc');
    bs.setByte(1000, 1);
    assert.equal(bs.length, 1001);
    assert.equal(bs.toBinary().slice(0, 3), 'abc');
    assert.equal(bs.getByte(1000), 1);
    const small = ByteString.fromBytes(new Uint8Array([1, 2, 3]));
    const big = ByteString.fromBytes(new Uint8Array(1000).fill(7));
    assert.equal(small.toBinary(), '\x01\x02\x03');
    assert.equal(big.length, 1000);
    assert.equal(big.getByte(999), 7);
    big.replaceWith(new Uint8Array([9]));
    assert.equal(big.toBinary(), '\x09');
  });
});

describe('bitmap commands in-process', () => {
  it('SETBIT / GETBIT: old value, zero padding, MSB-first order', () => {
    const s = newStore();
    assert.equal(s.command('SETBIT', 'b', 7, 1), 0);
    assert.deepEqual(bytesOf(s, 'b'), [0x01]);
    assert.equal(s.command('SETBIT', 'b', 7, 1), 1);
    assert.equal(s.command('SETBIT', 'b', 0, 1), 0);
    assert.deepEqual(bytesOf(s, 'b'), [0x81]);
    assert.equal(s.command('SETBIT', 'b', 20, 1), 0);
    assert.deepEqual(bytesOf(s, 'b'), [0x81, 0, 0x08]);
    assert.equal(s.command('SETBIT', 'b', 7, 0), 1);
    assert.deepEqual(bytesOf(s, 'b'), [0x80, 0, 0x08]);
    assert.equal(s.command('GETBIT', 'b', 0), 1);
    assert.equal(s.command('GETBIT', 'b', 1), 0);
    assert.equal(s.command('GETBIT', 'b', 20), 1);
    assert.equal(s.command('GETBIT', 'b', 100000), 0);
    assert.equal(s.command('GETBIT', 'nokey', 3), 0);
    assert.equal(s.command('OBJECT', 'ENCODING', 'b'), 'raw');
  });

  it('SETBIT / GETBIT errors, in Redis order', () => {
    const s = newStore();
    s.command('LPUSH', 'l', 'x');
    for (const off of [
      '-1',
      'x',
      '1.5',
      '',
      '#1',
      '4294967296',
      '9223372036854775807',
      '99999999999999999999',
    ]) {
      assertError(s, OFFSET_ERR, 'SETBIT', 'l', off, '1');
      assertError(s, OFFSET_ERR, 'GETBIT', 'l', off);
    }
    for (const v of ['2', '-1', 'x', '', '01', '1 ']) assertError(s, BIT_ERR, 'SETBIT', 'l', '0', v);
    assertError(s, WRONGTYPE, 'SETBIT', 'l', '0', '1');
    assertError(s, WRONGTYPE, 'GETBIT', 'l', '0');
    // The last valid offset is accepted (checked on GETBIT: no allocation).
    assert.equal(s.command('GETBIT', 'nokey', '4294967295'), 0);
    // A smaller proto-max-bulk-len lowers the limit.
    s.command('CONFIG', 'SET', 'proto-max-bulk-len', '1048576');
    assertError(s, OFFSET_ERR, 'GETBIT', 'nokey', String(1048576 * 8));
    assert.equal(s.command('GETBIT', 'nokey', String(1048576 * 8 - 1)), 0);
  });

  it('int-encoded and embstr values read as their bytes and become raw when written', () => {
    const s = newStore();
    s.command('SET', 'n', '12');
    assert.equal(s.command('OBJECT', 'ENCODING', 'n'), 'int');
    // '1' = 0x31 = 00110001
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => s.command('GETBIT', 'n', i)),
      [0, 0, 1, 1, 0, 0, 0, 1],
    );
    assert.equal(s.command('BITCOUNT', 'n'), 3 + 3);
    assert.equal(s.command('BITPOS', 'n', 1), 2);
    assert.deepEqual(s.command('BITFIELD_RO', 'n', 'GET', 'u16', 0), [0x3132]);
    // SETBIT that changes nothing still makes the value raw, as dbUnshareStringValue does.
    assert.equal(s.command('SETBIT', 'n', 2, 1), 1);
    assert.equal(s.command('OBJECT', 'ENCODING', 'n'), 'raw');
    assert.equal(s.command('GET', 'n'), '12');
    s.command('SET', 'e', 'ab');
    assert.equal(s.command('SETBIT', 'e', 7, 0), 1);
    assert.equal(s.command('GET', 'e'), '`b');
    assert.equal(s.command('OBJECT', 'ENCODING', 'e'), 'raw');
    s.command('SET', 'm', '-5');
    assert.equal(s.command('BITOP', 'NOT', 'dst', 'm'), 2);
    assert.deepEqual(bytesOf(s, 'dst'), [~0x2d & 0xff, ~0x35 & 0xff]);
  });

  it('BITCOUNT: whole string, byte and bit ranges, negative indexes, errors', () => {
    const s = newStore();
    s.command('SET', 's', 'foobar');
    assert.equal(s.command('BITCOUNT', 's'), 26);
    assert.equal(s.command('BITCOUNT', 's', 0, 0), 4);
    assert.equal(s.command('BITCOUNT', 's', 1, 1), 6);
    assert.equal(s.command('BITCOUNT', 's', 1, 1, 'BYTE'), 6);
    assert.equal(s.command('BITCOUNT', 's', 5, 30, 'BIT'), 17);
    assert.equal(s.command('BITCOUNT', 's', 5, 30, 'bit'), 17);
    assert.equal(s.command('BITCOUNT', 's', -2, -1), 7);
    assert.equal(s.command('BITCOUNT', 's', -1, -2), 0);
    assert.equal(s.command('BITCOUNT', 's', -1000, 1000), 26);
    assert.equal(s.command('BITCOUNT', 's', 3, 2), 0);
    assert.equal(s.command('BITCOUNT', 's', 0, -1, 'BIT'), 26);
    assert.equal(s.command('BITCOUNT', 's', 1, 1, 'BIT'), 1);
    assert.equal(s.command('BITCOUNT', 's', 3, 3, 'BIT'), 0);
    // start < 0, end < 0, start > end answers 0 before the unit is even looked at.
    assert.equal(s.command('BITCOUNT', 's', -1, -2, 'nope'), 0);
    assertError(s, SYNTAX, 'BITCOUNT', 's', 0);
    assertError(s, SYNTAX, 'BITCOUNT', 's', 0, 1, 'BIT', 'x');
    assertError(s, SYNTAX, 'BITCOUNT', 's', 0, 1, 'bits');
    assertError(s, NOT_INT, 'BITCOUNT', 's', 'a', 1);
    assertError(s, NOT_INT, 'BITCOUNT', 's', 0, 'b');
    // A missing key answers 0 before any argument is parsed.
    assert.equal(s.command('BITCOUNT', 'nokey', 'a'), 0);
    assert.equal(s.command('BITCOUNT', 'nokey', 0, 1, 'x', 'y'), 0);
    s.command('SET', 'empty', '');
    assert.equal(s.command('BITCOUNT', 'empty'), 0);
    assert.equal(s.command('BITCOUNT', 'empty', 0, -1, 'BIT'), 0);
    s.command('LPUSH', 'l', 'x');
    assertError(s, WRONGTYPE, 'BITCOUNT', 'l');
  });

  it('BITCOUNT over long and unaligned ranges matches a byte-by-byte count', () => {
    const s = newStore();
    const bytes = Buffer.alloc(1000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
    s.command('SET', 'big', bytes);
    s.command('APPEND', 'big', 'x'); // a ByteString in its buffer form
    const all = Buffer.concat([bytes, Buffer.from('x')]);
    const pop = (b: Buffer) => [...b].reduce((n, x) => n + x.toString(2).replace(/0/g, '').length, 0);
    for (const [a, b] of [
      [0, -1],
      [1, 998],
      [3, 7],
      [5, 900],
      [-333, -2],
    ] as const) {
      const lo = a < 0 ? all.length + a : a;
      const hi = b < 0 ? all.length + b : b;
      assert.equal(s.command('BITCOUNT', 'big', a, b), pop(all.subarray(lo, hi + 1)), `${a} ${b}`);
    }
  });

  it('BITPOS: set and clear bits, ranges, units, the zero-padding special cases', () => {
    const s = newStore();
    s.command('SET', 'a', Buffer.from([0xff, 0xf0, 0x00]));
    assert.equal(s.command('BITPOS', 'a', 0), 12);
    assert.equal(s.command('BITPOS', 'a', 1), 0);
    assert.equal(s.command('BITPOS', 'a', 1, 2), -1);
    assert.equal(s.command('BITPOS', 'a', 0, 2), 16);
    assert.equal(s.command('BITPOS', 'a', 1, 7, 15, 'BIT'), 7);
    assert.equal(s.command('BITPOS', 'a', 0, 7, 15, 'BIT'), 12);
    assert.equal(s.command('BITPOS', 'a', 1, 12, -1, 'BIT'), -1);
    s.command('SET', 'ones', Buffer.from([0xff, 0xff, 0xff]));
    // Looking for 0 without an end: the string counts as zero-padded on the right.
    assert.equal(s.command('BITPOS', 'ones', 0), 24);
    assert.equal(s.command('BITPOS', 'ones', 0, 1), 24);
    // With an explicit end there is no 0 in the range.
    assert.equal(s.command('BITPOS', 'ones', 0, 1, -1), -1);
    assert.equal(s.command('BITPOS', 'ones', 0, 0, 23, 'BIT'), -1);
    assert.equal(s.command('BITPOS', 'ones', 0, 3, 5, 'BIT'), -1);
    assert.equal(s.command('BITPOS', 'ones', 1, 3, 5, 'BIT'), 3);
    assert.equal(s.command('BITPOS', 'ones', 1, 5, 3), -1);
    s.command('SET', 'zeros', Buffer.alloc(3));
    assert.equal(s.command('BITPOS', 'zeros', 1), -1);
    assert.equal(s.command('BITPOS', 'zeros', 0), 0);
    assert.equal(s.command('BITPOS', 'zeros', 0, -1), 16);
    assert.equal(s.command('BITPOS', 'nokey', 1), -1);
    assert.equal(s.command('BITPOS', 'nokey', 0), 0);
    assert.equal(s.command('BITPOS', 'nokey', 0, 'x', 'y', 'z', 'w'), 0);
    assertError(s, 'ERR The bit argument must be 1 or 0.', 'BITPOS', 'a', 2);
    assertError(s, NOT_INT, 'BITPOS', 'a', 'x');
    assertError(s, NOT_INT, 'BITPOS', 'a', 1, 'x');
    assertError(s, NOT_INT, 'BITPOS', 'a', 1, 0, 'x');
    // The unit is checked before the end index.
    assertError(s, SYNTAX, 'BITPOS', 'a', 1, 0, 'x', 'bits');
    assertError(s, NOT_INT, 'BITPOS', 'a', 1, 0, 'x', 'BIT');
    assertError(s, SYNTAX, 'BITPOS', 'a', 1, 0, 1, 'BIT', 'x');
    s.command('LPUSH', 'l', 'x');
    assertError(s, WRONGTYPE, 'BITPOS', 'l', 1);
  });

  it('BITOP: AND OR XOR NOT, the longest input wins, an empty result deletes', () => {
    const s = newStore();
    s.command('SET', 'a', Buffer.from([0xf0, 0x0f, 0xaa]));
    s.command('SET', 'b', Buffer.from([0xff, 0x00]));
    assert.equal(s.command('BITOP', 'AND', 'd', 'a', 'b'), 3);
    assert.deepEqual(bytesOf(s, 'd'), [0xf0, 0x00, 0x00]);
    assert.equal(s.command('BITOP', 'or', 'd', 'a', 'b', 'nokey'), 3);
    assert.deepEqual(bytesOf(s, 'd'), [0xff, 0x0f, 0xaa]);
    assert.equal(s.command('BITOP', 'Xor', 'd', 'a', 'b'), 3);
    assert.deepEqual(bytesOf(s, 'd'), [0x0f, 0x0f, 0xaa]);
    assert.equal(s.command('BITOP', 'NOT', 'd', 'b'), 2);
    assert.deepEqual(bytesOf(s, 'd'), [0x00, 0xff]);
    assert.equal(s.command('OBJECT', 'ENCODING', 'd'), 'raw');
    assert.equal(s.command('BITOP', 'AND', 'd', 'a', 'nokey'), 3);
    assert.deepEqual(bytesOf(s, 'd'), [0, 0, 0]);
    // The destination may be a source, and its TTL is dropped.
    s.command('EXPIRE', 'd', 100);
    assert.equal(s.command('BITOP', 'OR', 'd', 'd', 'a'), 3);
    assert.equal(s.command('TTL', 'd'), -1);
    // Only missing (or empty) sources: the destination is deleted.
    assert.equal(s.command('BITOP', 'OR', 'd', 'nokey', 'nokey2'), 0);
    assert.equal(s.command('EXISTS', 'd'), 0);
    s.command('SET', 'empty', '');
    s.command('SET', 'd', 'x');
    assert.equal(s.command('BITOP', 'NOT', 'd', 'empty'), 0);
    assert.equal(s.command('EXISTS', 'd'), 0);
    assertError(s, 'ERR BITOP NOT must be called with a single source key.', 'BITOP', 'NOT', 'd', 'a', 'b');
    assertError(s, SYNTAX, 'BITOP', 'NAND', 'd', 'a');
    s.command('LPUSH', 'l', 'x');
    assertError(s, WRONGTYPE, 'BITOP', 'AND', 'd', 'a', 'l');
    // The destination's type does not matter: it is overwritten.
    assert.equal(s.command('BITOP', 'AND', 'l', 'a'), 3);
    assert.equal(s.command('TYPE', 'l'), 'string');
  });

  it('BITFIELD GET / SET / INCRBY with signed and unsigned types', () => {
    const s = newStore();
    assert.deepEqual(s.command('BITFIELD', 'f', 'SET', 'i8', 0, 100, 'GET', 'i8', 0), [0, 100]);
    assert.deepEqual(s.command('BITFIELD', 'f', 'INCRBY', 'i8', 0, 27, 'INCRBY', 'i8', 0, 1), [127, -128]);
    assert.deepEqual(s.command('BITFIELD', 'f', 'SET', 'u4', '#1', 15, 'GET', 'u8', 0), [0, 0x8f]);
    assert.deepEqual(s.command('BITFIELD', 'f', 'GET', 'u1', 0, 'GET', 'i1', 0, 'GET', 'i3', 5), [1, -1, -1]);
    // u5 at bit 7 spans two bytes: the last bit of byte 0 (1) and four zero bits of byte 1.
    assert.deepEqual(s.command('BITFIELD', 'f', 'SET', 'u5', 7, 23), [16]);
    assert.deepEqual(bytesOf(s, 'f'), [0x8f, 0x70]);
    // #n offsets are multiplied by the width.
    assert.deepEqual(s.command('BITFIELD', 'g', 'SET', 'u8', '#2', 255, 'GET', 'u8', 16), [0, 255]);
    assert.deepEqual(bytesOf(s, 'g'), [0, 0, 255]);
    // GET past the end reads zeros; a read-only BITFIELD does not create the key.
    assert.deepEqual(s.command('BITFIELD', 'nokey', 'GET', 'i64', 1000), [0]);
    assert.equal(s.command('EXISTS', 'nokey'), 0);
    assert.deepEqual(s.command('BITFIELD', 'nokey'), []);
  });

  it('BITFIELD overflow policies WRAP, SAT and FAIL', () => {
    const s = newStore();
    assert.deepEqual(
      s.command(
        'BITFIELD',
        'o',
        'SET',
        'u8',
        0,
        250,
        'INCRBY',
        'u8',
        0,
        10,
        'OVERFLOW',
        'SAT',
        'INCRBY',
        'u8',
        0,
        500,
      ),
      [0, 4, 255],
    );
    assert.deepEqual(s.command('BITFIELD', 'o', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, -1000), [0]);
    assert.deepEqual(s.command('BITFIELD', 'o', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, -1, 'GET', 'u8', 0), [
      null,
      0,
    ]);
    assert.deepEqual(s.command('BITFIELD', 'o', 'OVERFLOW', 'FAIL', 'SET', 'i4', 0, 8, 'SET', 'i4', 0, 7), [
      null,
      0,
    ]);
    assert.deepEqual(s.command('BITFIELD', 'o', 'SET', 'i4', 0, 8, 'GET', 'i4', 0), [7, -8]);
    assert.deepEqual(
      s.command('BITFIELD', 'o', 'OVERFLOW', 'SAT', 'SET', 'i4', 0, -100, 'GET', 'i4', 0),
      [-8, -8],
    );
    // An unsigned SET of a negative value is a huge uint64 to Redis: it saturates to the maximum.
    assert.deepEqual(
      s.command('BITFIELD', 'o', 'OVERFLOW', 'SAT', 'SET', 'u4', 0, -1, 'GET', 'u4', 0),
      [8, 15],
    );
    assert.deepEqual(s.command('BITFIELD', 'o', 'SET', 'u4', 0, -1, 'GET', 'u4', 0), [15, 15]);
    assert.deepEqual(
      s.command('BITFIELD', 'o', 'OVERFLOW', 'wrap', 'INCRBY', 'u4', 0, '9223372036854775807'),
      [14],
    );
  });

  it('BITFIELD at the 32- and 64-bit edges', () => {
    const s = newStore();
    const MAX64 = 9223372036854775807n;
    const MIN64 = -9223372036854775808n;
    assert.deepEqual(s.command('BITFIELD', 'w', 'SET', 'i64', 3, MAX64, 'GET', 'i64', 3), [0, MAX64]);
    assert.deepEqual(s.command('BITFIELD', 'w', 'INCRBY', 'i64', 3, 1), [MIN64]);
    assert.deepEqual(s.command('BITFIELD', 'w', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 3, -1), [MIN64]);
    assert.deepEqual(s.command('BITFIELD', 'w', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', 3, -1), [null]);
    assert.deepEqual(s.command('BITFIELD', 'w2', 'SET', 'u63', 0, MAX64, 'GET', 'u63', 0), [0, MAX64]);
    assert.deepEqual(s.command('BITFIELD', 'w2', 'INCRBY', 'u63', 0, 2), [1]);
    assert.deepEqual(s.command('BITFIELD', 'w2', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', 0, MIN64), [0]);
    assert.deepEqual(
      s.command('BITFIELD', 'w3', 'SET', 'u32', 5, 4294967295, 'GET', 'u32', 5),
      [0, 4294967295],
    );
    assert.deepEqual(s.command('BITFIELD', 'w3', 'INCRBY', 'u32', 5, 1), [0]);
    assert.deepEqual(
      s.command('BITFIELD', 'w4', 'SET', 'i32', 5, -2147483648, 'INCRBY', 'i32', 5, -1),
      [0, 2147483647],
    );
    assert.deepEqual(
      s.command('BITFIELD', 'w5', 'SET', 'i33', 1, -4294967296, 'GET', 'i33', 1),
      [0, -4294967296],
    );
    assert.deepEqual(
      s.command('BITFIELD', 'w6', 'OVERFLOW', 'SAT', 'INCRBY', 'i17', 9, MAX64, 'GET', 'i17', 9),
      [65535, 65535],
    );
    // Redis's signed overflow check wraps for a SET within `max` of INT64_MIN: SAT stores the max.
    assert.deepEqual(
      s.command('BITFIELD', 'w7', 'OVERFLOW', 'SAT', 'SET', 'i5', 0, MIN64, 'GET', 'i5', 0),
      [0, 15],
    );
    assert.deepEqual(
      s.command('BITFIELD', 'w7', 'OVERFLOW', 'SAT', 'SET', 'i5', 0, MIN64 + 16n, 'GET', 'i5', 0),
      [15, -16],
    );
    // A small field with an increment too big for a double: exact wrap-around.
    assert.deepEqual(s.command('BITFIELD', 'x', 'INCRBY', 'u8', 0, '9007199254740993'), [1]);
    assert.deepEqual(s.command('BITFIELD', 'x', 'INCRBY', 'i8', 0, '-9223372036854775808'), [1]);
  });

  it('BITFIELD errors: types, offsets, values, subcommands, BITFIELD_RO', () => {
    const s = newStore();
    for (const t of ['u64', 'i65', 'i0', 'u0', 'x8', 'I8', 'U8', 'i', 'u', '', 'i-1', 'i08', 'i+8']) {
      assertError(s, TYPE_ERR, 'BITFIELD', 'k', 'GET', t, 0);
    }
    // The width is read as a C string: it stops at a NUL byte.
    assert.deepEqual(s.command('BITFIELD', 'k', 'GET', 'u8\0junk', 0), [0]);
    for (const off of ['-1', 'x', '#', '#-1', '4294967296', '#536870912']) {
      assertError(s, OFFSET_ERR, 'BITFIELD', 'k', 'GET', 'u8', off);
    }
    // #n * width wraps in int64, as in Redis: 2^61 * 8 = 2^64 = 0.
    assert.deepEqual(s.command('BITFIELD', 'k', 'GET', 'u8', '#2305843009213693952'), [0]);
    assert.deepEqual(s.command('BITFIELD', 'k', 'GET', 'u8', '#536870911'), [0]);
    assertError(s, NOT_INT, 'BITFIELD', 'k', 'SET', 'u8', 0, 'x');
    assertError(s, NOT_INT, 'BITFIELD', 'k', 'INCRBY', 'u8', 0, '1.5');
    assertError(s, SYNTAX, 'BITFIELD', 'k', 'GET', 'u8');
    assertError(s, SYNTAX, 'BITFIELD', 'k', 'SET', 'u8', 0);
    assertError(s, SYNTAX, 'BITFIELD', 'k', 'FOO');
    assertError(s, SYNTAX, 'BITFIELD', 'k', 'OVERFLOW');
    assertError(s, 'ERR Invalid OVERFLOW type specified', 'BITFIELD', 'k', 'OVERFLOW', 'SATURATE');
    assert.equal(s.command('EXISTS', 'k'), 0, 'nothing was written by a failing BITFIELD');
    assert.deepEqual(s.command('BITFIELD_RO', 'k', 'GET', 'u8', 0, 'GET', 'i4', 4), [0, 0]);
    assert.deepEqual(s.command('BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'GET', 'u8', 0), [0]);
    assertError(s, 'ERR BITFIELD_RO only supports the GET subcommand', 'BITFIELD_RO', 'k', 'SET', 'u8', 0, 1);
    assertError(
      s,
      'ERR BITFIELD_RO only supports the GET subcommand',
      'BITFIELD_RO',
      'k',
      'INCRBY',
      'u8',
      0,
      1,
    );
    // Argument errors come before the BITFIELD_RO check.
    assertError(s, TYPE_ERR, 'BITFIELD_RO', 'k', 'SET', 'u64', 0, 1);
    s.command('LPUSH', 'l', 'x');
    assertError(s, WRONGTYPE, 'BITFIELD', 'l', 'GET', 'u8', 0);
    assertError(s, WRONGTYPE, 'BITFIELD', 'l', 'SET', 'u8', 0, 1);
    assertError(s, WRONGTYPE, 'BITFIELD_RO', 'l', 'GET', 'u8', 0);
    // OVERFLOW FAIL that refuses every write still creates the (zero-padded) key, as Redis does.
    assert.deepEqual(s.command('BITFIELD', 'z', 'OVERFLOW', 'FAIL', 'SET', 'u2', 9, 4), [null]);
    assert.deepEqual(bytesOf(s, 'z'), [0, 0]);
  });

  it('arity errors for every bitmap command record', () => {
    const s = newStore();
    for (const spec of bitmapCommands) {
      const n = spec.arity > 0 ? spec.arity : -spec.arity;
      const argv = Array.from({ length: n - 2 }, () => 'x');
      assertError(s, `ERR wrong number of arguments for '${spec.name}' command`, spec.name, ...argv);
      if (spec.arity > 0) {
        assertError(
          s,
          `ERR wrong number of arguments for '${spec.name}' command`,
          spec.name,
          ...argv,
          'x',
          'y',
        );
      }
    }
  });

  it('keyspace events and the dirty counter', () => {
    const s = newStore();
    s.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const events: string[] = [];
    s.instance.ks.listener = {
      keyModified() {},
      dbModified() {},
      notify(_type, event, key) {
        events.push(`${event}:${key}`);
      },
    };
    const dirty = (name: string, ...args: Array<string | number>): number => {
      const before = s.instance.dirty;
      try {
        s.command(name, ...args);
      } catch {
        // an error changes nothing
      }
      return s.instance.dirty - before;
    };
    assert.equal(dirty('SETBIT', 'b', 3, 1), 1);
    assert.equal(dirty('SETBIT', 'b', 3, 1), 0);
    assert.equal(dirty('SETBIT', 'b', 3, 0), 1);
    assert.equal(dirty('SETBIT', 'b', 20, 0), 1); // grows: a change even though the bit is 0
    assert.equal(dirty('GETBIT', 'b', 3), 0);
    assert.equal(dirty('BITFIELD', 'b', 'SET', 'u8', 0, 1, 'SET', 'u8', 0, 1, 'INCRBY', 'u8', 8, 1), 2);
    assert.equal(dirty('BITFIELD', 'b', 'SET', 'u8', 0, 1), 0);
    assert.equal(dirty('BITFIELD', 'nb', 'SET', 'u8', 0, 0, 'SET', 'u8', 0, 0), 2); // created
    assert.equal(dirty('BITFIELD', 'fb', 'OVERFLOW', 'FAIL', 'SET', 'u1', 0, 2), 0);
    assert.equal(dirty('BITOP', 'OR', 'd', 'b'), 1);
    assert.equal(dirty('BITOP', 'OR', 'd', 'none'), 1);
    assert.equal(dirty('BITOP', 'OR', 'd', 'none'), 0);
    // KEA does not include the "new" class; a BITFIELD whose writes all FAIL creates its key
    // without any event.
    assert.deepEqual(events, ['setbit:b', 'setbit:b', 'setbit:b', 'setbit:b', 'setbit:nb', 'set:d', 'del:d']);
  });

  it('a SETBIT near the 512 MB limit allocates once; later SETBITs are O(1)', () => {
    const s = newStore();
    const last = 2 ** 32 - 1;
    assert.equal(s.command('SETBIT', 'huge', last, 1), 0);
    assert.equal(s.command('STRLEN', 'huge'), 2 ** 29);
    assertError(s, OFFSET_ERR, 'SETBIT', 'huge', 2 ** 32, 1);
    const t0 = performance.now();
    const n = 20_000;
    for (let i = 0; i < n; i++) s.command('SETBIT', 'huge', (i * 2654435761) % last, i & 1);
    const perCall = (performance.now() - t0) / n;
    // A copy of 512 MB takes tens of milliseconds; an O(1) SETBIT a few microseconds.
    assert.ok(perCall < 0.2, `SETBIT on a 512 MB bitmap took ${perCall.toFixed(3)} ms per call`);
    assert.equal(s.command('GETBIT', 'huge', last), 1);
    assert.equal(s.command('BITPOS', 'huge', 1, -1), 2 ** 32 - 8 + 7);
    assert.equal(s.command('BITCOUNT', 'huge', -1, -1), 1);
    s.command('DEL', 'huge');
  });

  it('MemoryStore typed helpers', () => {
    const s = newStore();
    assert.equal(s.setbit('k', 5, 1), 0);
    assert.equal(s.setbit('k', 5, 1), 1);
    assert.equal(s.getbit('k', 5), 1);
    assert.equal(s.getbit('k', 6), 0);
    s.set('t', 'foobar');
    assert.equal(s.bitcount('t'), 26);
    assert.equal(s.bitcount('t', 1, 1), 6);
    assert.equal(s.bitcount('t', 5, 30, 'BIT'), 17);
    assert.equal(s.bitcount('t', -2), 7);
  });
});

// =============================================================================================
// Against a real redis-server: raw replies, byte for byte

function str(v: RespValue | undefined): string {
  if (v !== undefined && (v.type === 'bulk' || v.type === 'simple')) return v.value;
  throw new Error(`expected a string, got ${v === undefined ? 'nothing' : showResp(v)}`);
}

interface Servers {
  redis: RawClient;
  mnemo: RawClient;
  resp: 2 | 3;
  trail: string[];
}

async function both(s: Servers, argv: string[]): Promise<[Buffer, Buffer]> {
  const [a, b] = await Promise.all([s.redis.command(...argv), s.mnemo.command(...argv)]);
  return [a, b];
}

async function step(s: Servers, argv: string[]): Promise<void> {
  s.trail.push(JSON.stringify(argv));
  let redis: Buffer;
  let mnemo: Buffer;
  try {
    [redis, mnemo] = await both(s, argv);
  } catch (err) {
    (err as Error).message +=
      `\n  at ${JSON.stringify(argv)} after:\n    ${s.trail.slice(-15).join('\n    ')}`;
    throw err;
  }
  if (!redis.equals(mnemo)) {
    assert.fail(
      `RESP${s.resp} ${JSON.stringify(argv)}: replies differ\n  redis: ${showRaw(redis)}\n  mnemo: ${showRaw(mnemo)}\n  after:\n    ${s.trail.slice(-15).join('\n    ')}`,
    );
  }
}

async function connect(redisPort: number, mnemoPort: number, resp: 2 | 3): Promise<Servers> {
  const [redis, mnemo] = await Promise.all([RawClient.connect(redisPort), RawClient.connect(mnemoPort)]);
  const s: Servers = { redis, mnemo, resp, trail: [] };
  if (resp === 3) await both(s, ['HELLO', '3']);
  await both(s, ['FLUSHALL']);
  return s;
}

async function disconnect(s: Servers): Promise<void> {
  await Promise.all([s.redis.close(), s.mnemo.close()]);
}

const bin = (...b: number[]) => Buffer.from(b).toString('latin1');

/** Every command, option and error, in an order that exercises them on shared keys. */
function script(): string[][] {
  return [
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '0', '1'],
    ['SETBIT', 'b', '100', '1'],
    ['SETBIT', 'b', '100', '0'],
    ['GET', 'b'],
    ['OBJECT', 'ENCODING', 'b'],
    ['SETBIT', 'b', '-1', '1'],
    ['SETBIT', 'b', 'x', '1'],
    ['SETBIT', 'b', '4294967296', '1'],
    ['SETBIT', 'b', '#1', '1'],
    ['SETBIT', 'b', '0', '2'],
    ['SETBIT', 'b', '0', '-1'],
    ['SETBIT', 'b', '0', 'on'],
    ['SETBIT', 'b', '0'],
    ['GETBIT', 'b', '0'],
    ['GETBIT', 'b', '1'],
    ['GETBIT', 'b', '99999'],
    ['GETBIT', 'b', '4294967295'],
    ['GETBIT', 'b', '4294967296'],
    ['GETBIT', 'b', '-5'],
    ['GETBIT', 'nokey', '5'],
    ['RPUSH', 'list', 'a'],
    ['SETBIT', 'list', '1', '1'],
    ['GETBIT', 'list', '1'],
    ['BITCOUNT', 'list'],
    ['BITPOS', 'list', '1'],
    ['BITFIELD', 'list', 'GET', 'u8', '0'],
    ['BITFIELD_RO', 'list', 'GET', 'u8', '0'],
    ['BITOP', 'AND', 'dest', 'b', 'list'],
    ['SET', 'n', '12345'],
    ['GETBIT', 'n', '2'],
    ['BITCOUNT', 'n'],
    ['BITCOUNT', 'n', '1', '2'],
    ['BITPOS', 'n', '0', '1'],
    ['BITFIELD_RO', 'n', 'GET', 'u32', '3'],
    ['SETBIT', 'n', '2', '1'],
    ['OBJECT', 'ENCODING', 'n'],
    ['SETBIT', 'n', '6', '1'],
    ['GET', 'n'],
    ['SET', 'e', 'short'],
    ['SETBIT', 'e', '0', '0'],
    ['OBJECT', 'ENCODING', 'e'],
    ['SET', 's', 'foobar'],
    ['BITCOUNT', 's'],
    ['BITCOUNT', 's', '0', '0'],
    ['BITCOUNT', 's', '1', '1'],
    ['BITCOUNT', 's', '1', '1', 'BYTE'],
    ['BITCOUNT', 's', '5', '30', 'BIT'],
    ['BITCOUNT', 's', '5', '30', 'bIt'],
    ['BITCOUNT', 's', '-2', '-1'],
    ['BITCOUNT', 's', '-1', '-2'],
    ['BITCOUNT', 's', '-1', '-2', 'junk'],
    ['BITCOUNT', 's', '-100', '100'],
    ['BITCOUNT', 's', '-9223372036854775808', '9223372036854775807'],
    ['BITCOUNT', 's', '-9223372036854775808', '9223372036854775807', 'BIT'],
    ['BITCOUNT', 's', '7', '7', 'BIT'],
    ['BITCOUNT', 's', '9', '46', 'BIT'],
    ['BITCOUNT', 's', '-3', '-1', 'BIT'],
    ['BITCOUNT', 's', '0'],
    ['BITCOUNT', 's', '0', '1', 'BIT', 'x'],
    ['BITCOUNT', 's', '0', '1', 'bits'],
    ['BITCOUNT', 's', 'a', '1'],
    ['BITCOUNT', 's', '1', 'b'],
    ['BITCOUNT', 's', '1.0', '2'],
    ['BITCOUNT', 'nokey', 'a'],
    ['BITCOUNT', 'nokey', '0', '1', 'x', 'y'],
    ['SET', 'empty', ''],
    ['BITCOUNT', 'empty'],
    ['BITCOUNT', 'empty', '0', '-1', 'BIT'],
    ['BITPOS', 'empty', '0'],
    ['BITPOS', 'empty', '1'],
    ['BITPOS', 'empty', '0', '0', '-1'],
    ['SET', 'p', bin(0xff, 0xf0, 0x00)],
    ['BITPOS', 'p', '0'],
    ['BITPOS', 'p', '1'],
    ['BITPOS', 'p', '1', '2'],
    ['BITPOS', 'p', '0', '2'],
    ['BITPOS', 'p', '1', '7', '15', 'BIT'],
    ['BITPOS', 'p', '0', '7', '15', 'BIT'],
    ['BITPOS', 'p', '1', '12', '-1', 'BIT'],
    ['BITPOS', 'p', '0', '12', '-1', 'BIT'],
    ['BITPOS', 'p', '0', '3', '5', 'BIT'],
    ['BITPOS', 'p', '1', '3', '5', 'BIT'],
    ['BITPOS', 'p', '0', '0', '0'],
    ['BITPOS', 'p', '0', '0', '0', 'BYTE'],
    ['BITPOS', 'p', '0', '-1'],
    ['BITPOS', 'p', '0', '-100', '-1'],
    ['BITPOS', 'p', '1', '5', '2'],
    ['BITPOS', 'p', '1', '-1', '-2', 'BIT'],
    ['BITPOS', 'p', '0', '9223372036854775807'],
    ['BITPOS', 'p', '2'],
    ['BITPOS', 'p', '-1'],
    ['BITPOS', 'p', 'x'],
    ['BITPOS', 'p', '1', 'x'],
    ['BITPOS', 'p', '1', '0', 'x'],
    ['BITPOS', 'p', '1', '0', 'x', 'bits'],
    ['BITPOS', 'p', '1', '0', 'x', 'BIT'],
    ['BITPOS', 'p', '1', '0', '1', 'BIT', 'x'],
    ['BITPOS', 'nokey', '0', 'x', 'y', 'z', 'w'],
    ['BITPOS', 'nokey', '1'],
    ['BITPOS', 'nokey', '5'],
    ['SET', 'ones', bin(0xff, 0xff, 0xff)],
    ['BITPOS', 'ones', '0'],
    ['BITPOS', 'ones', '0', '1'],
    ['BITPOS', 'ones', '0', '1', '-1'],
    ['BITPOS', 'ones', '0', '0', '23', 'BIT'],
    ['BITPOS', 'ones', '0', '0', '22', 'BIT'],
    ['BITPOS', 'ones', '1', '9', '9', 'BIT'],
    ['SET', 'a', bin(0xf0, 0x0f, 0xaa)],
    ['SET', 'c', bin(0xff, 0x00)],
    ['BITOP', 'AND', 'dest', 'a', 'c'],
    ['GET', 'dest'],
    ['BITOP', 'or', 'dest', 'a', 'c', 'nokey'],
    ['GET', 'dest'],
    ['BITOP', 'Xor', 'dest', 'a', 'c', 'n'],
    ['GET', 'dest'],
    ['BITOP', 'NOT', 'dest', 'c'],
    ['GET', 'dest'],
    ['OBJECT', 'ENCODING', 'dest'],
    ['EXPIRE', 'dest', '100'],
    ['BITOP', 'OR', 'dest', 'dest', 'a'],
    ['TTL', 'dest'],
    ['BITOP', 'OR', 'dest', 'nokey', 'nokey2'],
    ['EXISTS', 'dest'],
    ['BITOP', 'OR', 'dest', 'nokey'],
    ['BITOP', 'NOT', 'dest', 'empty'],
    ['BITOP', 'NOT', 'dest', 'a', 'c'],
    ['BITOP', 'NAND', 'dest', 'a'],
    ['BITOP', 'AND', 'dest'],
    ['BITOP', 'AND', 'list', 'a'],
    ['TYPE', 'list'],
    ['BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'i8', '0'],
    ['BITFIELD', 'f', 'INCRBY', 'i8', '0', '27', 'INCRBY', 'i8', '0', '1'],
    ['BITFIELD', 'f', 'SET', 'u4', '#1', '15', 'GET', 'u8', '0'],
    ['BITFIELD', 'f', 'get', 'u1', '0', 'Get', 'i1', '0', 'GET', 'i3', '5'],
    ['BITFIELD', 'f', 'SET', 'u5', '7', '23'],
    ['GET', 'f'],
    ['BITFIELD', 'f', 'SET', 'u8', '#2', '255', 'GET', 'u8', '16'],
    ['BITFIELD', 'nokey', 'GET', 'i64', '1000'],
    ['EXISTS', 'nokey'],
    ['BITFIELD', 'nokey'],
    [
      'BITFIELD',
      'o',
      'SET',
      'u8',
      '0',
      '250',
      'INCRBY',
      'u8',
      '0',
      '10',
      'OVERFLOW',
      'SAT',
      'INCRBY',
      'u8',
      '0',
      '500',
    ],
    ['BITFIELD', 'o', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '-1000'],
    ['BITFIELD', 'o', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '-1', 'GET', 'u8', '0'],
    ['BITFIELD', 'o', 'OVERFLOW', 'fail', 'SET', 'i4', '0', '8', 'SET', 'i4', '0', '7'],
    ['BITFIELD', 'o', 'SET', 'i4', '0', '8', 'GET', 'i4', '0'],
    ['BITFIELD', 'o', 'OVERFLOW', 'SAT', 'SET', 'i4', '0', '-100', 'GET', 'i4', '0'],
    ['BITFIELD', 'o', 'OVERFLOW', 'SAT', 'SET', 'u4', '0', '-1', 'GET', 'u4', '0'],
    ['BITFIELD', 'o', 'SET', 'u4', '0', '-1', 'GET', 'u4', '0'],
    ['BITFIELD', 'o', 'OVERFLOW', 'WRAP', 'INCRBY', 'u4', '0', '9223372036854775807'],
    ['BITFIELD', 'w', 'SET', 'i64', '3', '9223372036854775807', 'GET', 'i64', '3'],
    ['BITFIELD', 'w', 'INCRBY', 'i64', '3', '1'],
    ['BITFIELD', 'w', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '3', '-1'],
    ['BITFIELD', 'w', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '3', '-1'],
    ['BITFIELD', 'w', 'SET', 'u63', '0', '9223372036854775807', 'GET', 'u63', '0'],
    ['BITFIELD', 'w', 'INCRBY', 'u63', '0', '2'],
    ['BITFIELD', 'w', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', '0', '-9223372036854775808'],
    ['BITFIELD', 'w', 'SET', 'u32', '5', '4294967295', 'GET', 'u32', '5', 'INCRBY', 'u32', '5', '1'],
    ['BITFIELD', 'w', 'SET', 'i32', '5', '-2147483648', 'INCRBY', 'i32', '5', '-1'],
    ['BITFIELD', 'w', 'SET', 'i33', '1', '-4294967296', 'GET', 'i33', '1'],
    ['BITFIELD', 'w', 'OVERFLOW', 'SAT', 'INCRBY', 'i17', '9', '9223372036854775807', 'GET', 'i17', '9'],
    ['BITFIELD', 'w', 'INCRBY', 'u8', '0', '9007199254740993', 'INCRBY', 'i8', '0', '-9223372036854775808'],
    [
      'BITFIELD',
      'w',
      'OVERFLOW',
      'SAT',
      'SET',
      'i64',
      '0',
      '-9223372036854775808',
      'INCRBY',
      'i64',
      '0',
      '-5',
    ],
    ['BITFIELD', 'w', 'OVERFLOW', 'WRAP', 'INCRBY', 'i64', '0', '-9223372036854775808'],
    [
      'BITFIELD',
      'w',
      'OVERFLOW',
      'SAT',
      'INCRBY',
      'i64',
      '0',
      '9223372036854775807',
      'INCRBY',
      'i64',
      '0',
      '1',
    ],
    ['GET', 'w'],
    // Redis's overflow check wraps for a signed SET within `max` of INT64_MIN: SAT stores the max.
    [
      'BITFIELD',
      'q',
      'OVERFLOW',
      'SAT',
      'SET',
      'i5',
      '0',
      '-9223372036854775808',
      'SET',
      'i5',
      '5',
      '-9223372036854775793',
    ],
    [
      'BITFIELD',
      'q',
      'OVERFLOW',
      'SAT',
      'SET',
      'i5',
      '10',
      '-9223372036854775792',
      'GET',
      'i5',
      '0',
      'GET',
      'i5',
      '5',
    ],
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i63', '0', '-9223372036854775808', 'GET', 'i63', '0'],
    [
      'BITFIELD',
      'q',
      'OVERFLOW',
      'FAIL',
      'SET',
      'i8',
      '0',
      '-9223372036854775808',
      'SET',
      'i8',
      '0',
      '-9223372036854775000',
    ],
    ['BITFIELD', 'q', 'SET', 'i7', '3', '-9223372036854775808', 'GET', 'i15', '0'],
    ['GET', 'q'],
    ['BITFIELD', 'k', 'GET', 'u64', '0'],
    ['BITFIELD', 'k', 'GET', 'i65', '0'],
    ['BITFIELD', 'k', 'GET', 'i0', '0'],
    ['BITFIELD', 'k', 'GET', 'I8', '0'],
    ['BITFIELD', 'k', 'GET', 'i', '0'],
    ['BITFIELD', 'k', 'GET', '', '0'],
    ['BITFIELD', 'k', 'GET', 'i08', '0'],
    ['BITFIELD', 'k', 'GET', 'u8\0junk', '0'],
    ['BITFIELD', 'k', 'GET', 'u8', '-1'],
    ['BITFIELD', 'k', 'GET', 'u8', '#'],
    ['BITFIELD', 'k', 'GET', 'u8', '#-1'],
    ['BITFIELD', 'k', 'GET', 'u8', '4294967296'],
    ['BITFIELD', 'k', 'GET', 'u8', '#536870912'],
    ['BITFIELD', 'k', 'GET', 'u8', '#536870911'],
    ['BITFIELD', 'k', 'GET', 'u8', '#2305843009213693952'],
    ['BITFIELD', 'k', 'SET', 'u8', '0', 'x'],
    ['BITFIELD', 'k', 'INCRBY', 'u8', '0', '1.5'],
    ['BITFIELD', 'k', 'GET', 'u8'],
    ['BITFIELD', 'k', 'SET', 'u8', '0'],
    ['BITFIELD', 'k', 'FOO'],
    ['BITFIELD', 'k', 'OVERFLOW'],
    ['BITFIELD', 'k', 'OVERFLOW', 'SATURATE'],
    ['EXISTS', 'k'],
    ['BITFIELD_RO', 'k', 'GET', 'u8', '0', 'GET', 'i4', '4'],
    ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'GET', 'u8', '0'],
    ['BITFIELD_RO', 'k', 'SET', 'u8', '0', '1'],
    ['BITFIELD_RO', 'k', 'INCRBY', 'u8', '0', '1'],
    ['BITFIELD_RO', 'k', 'SET', 'u64', '0', '1'],
    ['BITFIELD_RO', 'f', 'GET', 'i16', '#0', 'GET', 'u3', '13'],
    ['BITFIELD', 'z', 'OVERFLOW', 'FAIL', 'SET', 'u2', '9', '4'],
    ['GET', 'z'],
    // A SETBIT or BITFIELD that changes nothing does not touch a WATCHed key; one that does, does.
    ['WATCH', 'b'],
    ['SETBIT', 'b', '0', '1'],
    ['BITFIELD', 'b', 'SET', 'u1', '0', '1'],
    ['MULTI'],
    ['GETBIT', 'b', '0'],
    ['EXEC'],
    ['WATCH', 'b'],
    ['SETBIT', 'b', '1', '1'],
    ['MULTI'],
    ['GETBIT', 'b', '1'],
    ['EXEC'],
    ['WATCH', 'dest', 'nokey'],
    ['BITOP', 'OR', 'nokey', 'nokey2'],
    ['MULTI'],
    ['PING'],
    ['EXEC'],
    ['SETBIT', 'big', '800000', '1'],
    ['BITCOUNT', 'big'],
    ['BITPOS', 'big', '1'],
    ['BITPOS', 'big', '0', '-1'],
    ['BITPOS', 'big', '1', '3', '-2'],
    ['BITCOUNT', 'big', '1', '-1', 'BIT'],
    ['STRLEN', 'big'],
  ];
}

const KEYS = ['b1', 'b1', 'b1', 'b2', 'b2', 'b3', 'int', 'str', 'list', 'nokey'];

function randomSequence(seed: number): string[][] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const key = () => pick(KEYS);
  const bytes = (n: number) =>
    Buffer.from(Array.from({ length: n }, () => pick([0, 0xff, int(0, 255)]))).toString('latin1');
  const index = () =>
    rnd() < 0.1
      ? pick(['-9223372036854775808', '9223372036854775807', 'x', '-0', '1.5'])
      : String(rnd() < 0.4 ? int(-20, -1) : int(0, rnd() < 0.7 ? 20 : 300));
  const offset = () =>
    rnd() < 0.05 ? pick(['-1', '4294967296', '99999', 'x', '#2']) : String(int(0, rnd() < 0.8 ? 120 : 3000));
  const type = () => {
    if (rnd() < 0.03) return pick(['u64', 'i65', 'i0', 'x8']);
    const sign = rnd() < 0.5;
    const bits = rnd() < 0.5 ? int(1, 16) : rnd() < 0.5 ? int(17, 33) : int(34, sign ? 64 : 63);
    return `${sign ? 'i' : 'u'}${bits}`;
  };
  const fieldOffset = () => (rnd() < 0.2 ? `#${int(0, 12)}` : rnd() < 0.02 ? '-3' : String(int(0, 90)));
  const fieldValue = (t: string) => {
    const bits = Number(t.slice(1)) || 8;
    const r = rnd();
    if (r < 0.1) return pick(['9223372036854775807', '-9223372036854775808', '0', '-1', '1', 'x']);
    if (r < 0.4) {
      const edge = 2n ** BigInt(Math.max(0, bits - 1));
      return String(
        pick([edge, edge - 1n, -edge, -edge - 1n, 2n * edge, 2n * edge - 1n]) + BigInt(int(-2, 2)),
      );
    }
    return String(int(-300, 300));
  };
  const out: string[][] = [
    ['SET', 'int', String(int(-100000, 100000))],
    ['SET', 'str', bytes(int(0, 12))],
    ['RPUSH', 'list', 'x'],
  ];
  const n = int(40, 90);
  for (let i = 0; i < n; i++) {
    const k = key();
    const r = rnd();
    if (r < 0.2) out.push(['SETBIT', k, offset(), rnd() < 0.95 ? String(int(0, 1)) : pick(['2', '-1', 'x'])]);
    else if (r < 0.28) out.push(['GETBIT', k, offset()]);
    else if (r < 0.38) {
      const argv = ['BITCOUNT', k];
      if (rnd() < 0.75) argv.push(index(), index());
      if (argv.length === 4 && rnd() < 0.6) argv.push(rnd() < 0.95 ? pick(['BIT', 'BYTE', 'bit']) : 'bits');
      if (rnd() < 0.02) argv.push('x');
      out.push(argv);
    } else if (r < 0.5) {
      const argv = ['BITPOS', k, rnd() < 0.97 ? String(int(0, 1)) : '2'];
      if (rnd() < 0.75) argv.push(index());
      if (argv.length === 4 && rnd() < 0.7) argv.push(index());
      if (argv.length === 5 && rnd() < 0.6) argv.push(rnd() < 0.95 ? pick(['BIT', 'BYTE']) : 'x');
      out.push(argv);
    } else if (r < 0.58) {
      const op = rnd() < 0.97 ? pick(['AND', 'OR', 'XOR', 'NOT', 'and']) : 'NOR';
      const srcs =
        op.toUpperCase() === 'NOT' && rnd() < 0.95 ? [key()] : Array.from({ length: int(1, 4) }, key);
      out.push(['BITOP', op, key(), ...srcs]);
    } else if (r < 0.76) {
      const argv = [rnd() < 0.85 ? 'BITFIELD' : 'BITFIELD_RO', k];
      const ops = int(0, 4);
      for (let j = 0; j < ops; j++) {
        const w = rnd();
        if (w < 0.15) argv.push('OVERFLOW', rnd() < 0.97 ? pick(['WRAP', 'SAT', 'FAIL']) : 'NONE');
        const t = type();
        if (w < 0.45) argv.push('GET', t, fieldOffset());
        else if (w < 0.7) argv.push('SET', t, fieldOffset(), fieldValue(t));
        else argv.push('INCRBY', t, fieldOffset(), fieldValue(t));
      }
      out.push(argv);
    } else if (r < 0.82) out.push(['GET', k]);
    else if (r < 0.85) out.push(['SET', k, rnd() < 0.3 ? String(int(-999, 99999)) : bytes(int(0, 20))]);
    else if (r < 0.87) out.push(['APPEND', k, bytes(int(1, 5))]);
    else if (r < 0.89) out.push(['SETRANGE', k, String(int(0, 30)), bytes(int(1, 4))]);
    else if (r < 0.91) out.push(['INCR', k]);
    else if (r < 0.94) out.push(['OBJECT', 'ENCODING', k]);
    else if (r < 0.96) out.push(['STRLEN', k]);
    else if (r < 0.98) out.push(['DEL', k]);
    else out.push(['TYPE', k]);
  }
  for (const k of new Set(KEYS)) out.push(['GET', k], ['OBJECT', 'ENCODING', k]);
  return out;
}

describe('bitmap commands vs a real redis-server (raw replies)', () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;

  before(async () => {
    [redis, mnemo] = await Promise.all([startRedis(), startMnemo()]);
  });

  after(async () => {
    await Promise.all([redis?.stop(), mnemo?.stop()]);
  });

  for (const resp of [2, 3] as const) {
    it(`scripted sequence, RESP${resp}`, async () => {
      const s = await connect(redis.port, mnemo.port, resp);
      try {
        for (const argv of script()) await step(s, argv);
        for (const key of ['b', 'n', 'e', 's', 'dest', 'f', 'o', 'w', 'z', 'big', 'list'])
          await step(s, ['GET', key]);
      } finally {
        await disconnect(s);
      }
    });
  }

  it('keyspace events and dirty counts of the scripted sequence', async () => {
    const s = await connect(redis.port, mnemo.port, 2);
    const sub = await RawClient.connect(redis.port);
    const listenerBefore = mnemo.instance.ks.listener;
    try {
      await both(s, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
      await sub.command('PSUBSCRIBE', '__keyevent@*__:*');
      const mnemoEvents: string[] = [];
      mnemo.instance.ks.listener = {
        keyModified() {},
        dbModified() {},
        notify(_type, event, key) {
          mnemoEvents.push(`${event} ${key}`);
        },
      };
      const dirtyOf = async (c: RawClient) => {
        const text = str(decodeReply(await c.command('INFO', 'persistence')));
        return Number(/rdb_changes_since_last_save:(\d+)/.exec(text)![1]);
      };
      const readEvents = async (marker: string): Promise<string[]> => {
        // The marker's own events end this command's batch on the subscriber connection.
        await s.redis.command('SET', marker, '1');
        await s.redis.command('DEL', marker);
        const got: string[] = [];
        for (;;) {
          const [raw] = await sub.read(1);
          const v = decodeReply(raw!);
          assert.ok(v.type === 'array' || v.type === 'push');
          const msg = v.value.map(str);
          const event = msg[2]!.slice(msg[2]!.indexOf(':') + 1);
          if (msg[3] === marker) {
            if (event === 'del') return got;
            continue;
          }
          got.push(`${event} ${msg[3]}`);
        }
      };
      // Transactions are left out: INFO and the marker commands would be queued inside them.
      let inMulti = false;
      for (const argv of script()) {
        if (argv[0] === 'MULTI') inMulti = true;
        const skip = inMulti || argv[0] === 'WATCH';
        if (argv[0] === 'EXEC') inMulti = false;
        if (skip) continue;
        const before = await Promise.all([dirtyOf(s.redis), dirtyOf(s.mnemo)]);
        mnemoEvents.length = 0;
        await both(s, argv);
        const afterDirty = await Promise.all([dirtyOf(s.redis), dirtyOf(s.mnemo)]);
        const redisEvents = await readEvents('__marker__');
        assert.deepEqual(mnemoEvents, redisEvents, `events of ${JSON.stringify(argv)}`);
        assert.equal(
          afterDirty[1] - before[1],
          afterDirty[0] - before[0],
          `dirty count of ${JSON.stringify(argv)}`,
        );
      }
    } finally {
      mnemo.instance.ks.listener = listenerBefore;
      await both(s, ['CONFIG', 'SET', 'notify-keyspace-events', '']);
      await sub.close();
      await disconnect(s);
    }
  });

  it('seeded random sequences, RESP2 and RESP3', async () => {
    const fixed = process.env.BITMAP_SEED;
    const count = Number(process.env.BITMAP_SEQUENCES ?? 400);
    const base = fixed !== undefined ? Number(fixed) : Math.floor(Math.random() * 1e9);
    const seeds = fixed !== undefined ? [base] : Array.from({ length: count }, (_, i) => base + i);
    for (const seed of seeds) {
      const resp = seed % 2 === 0 ? 2 : 3;
      const s = await connect(redis.port, mnemo.port, resp);
      try {
        for (const argv of randomSequence(seed)) await step(s, argv);
      } catch (err) {
        (err as Error).message = `BITMAP_SEED=${seed} (RESP${resp}): ${(err as Error).message}`;
        throw err;
      } finally {
        await disconnect(s);
      }
    }
  });
});
