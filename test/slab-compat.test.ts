/**
 * The key slab's edges, against redis-server 7.0: keys around the short header's limit (31 and
 * 32 bytes), string values around the packed limit (64 and 65 bytes) and across the 4-byte
 * record sizes, binary bytes, values replaced by longer, shorter and same-sized ones, turned
 * into integers, appended to and edited in place, keys renamed, copied, deleted and given TTLs,
 * and big hashes and sets whose fields and members live in slabs. Enough churn to compact
 * segments. Every reply must equal Redis's, and so must the final contents (read back key by
 * key, field by field and member by member, so that table order does not matter).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prng } from './helpers/random.js';
import type { Argv } from './helpers/raw-client.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { sideBySide } from './helpers/side-by-side.js';

const KEYS = 400;
const OPS = 12_000;

function script(seed: number): Argv[] {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const key = (i: number) => {
    const base = `k${i}:`;
    // Lengths 29..34 around the one-byte header's 31.
    return base + 'x'.repeat(Math.max(0, 29 + (i % 6) - base.length));
  };
  const value = () => {
    const len = [0, 1, 3, 4, 5, 60, 61, 62, 63, 64, 65, 66, 100][int(13)]!;
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(int(5) === 0 ? int(256) : 97 + int(26));
    return Buffer.from(s, 'latin1');
  };
  const out: Argv[] = [];
  for (let i = 0; i < OPS; i++) {
    const k = key(int(KEYS));
    const k2 = key(int(KEYS));
    switch (int(20)) {
      case 0:
      case 1:
      case 2:
        out.push(['SET', k, value()]);
        break;
      case 3:
        out.push(['GET', k]);
        break;
      case 4:
        out.push(['DEL', k]);
        break;
      case 5:
        out.push(['APPEND', k, value()]);
        break;
      case 6:
        out.push(['SETRANGE', k, String(int(70)), value()]);
        break;
      case 7:
        out.push(['SET', k, String(int(1000) - 500)], ['INCRBY', k, String(int(100))]);
        break;
      case 8:
        out.push(['GETSET', k, value()]);
        break;
      case 9:
        out.push(['GETDEL', k]);
        break;
      case 10:
        out.push(['RENAME', k, k2]);
        break;
      case 11:
        out.push(['COPY', k, k2, 'REPLACE']);
        break;
      case 12:
        out.push(['EXPIRE', k, '100000'], ['TTL', k], ['PERSIST', k]);
        break;
      case 13:
        out.push(['MSET', k, value(), k2, value()], ['MGET', k, k2, key(int(KEYS))]);
        break;
      case 14:
        out.push(['STRLEN', k], ['GETRANGE', k, '60', '-1']);
        break;
      case 15:
        out.push(['HSET', 'bighash', `field:${int(600)}`, value()]);
        break;
      case 16:
        out.push(['HGET', 'bighash', `field:${int(600)}`], ['HDEL', 'bighash', `field:${int(600)}`]);
        break;
      case 17:
        out.push(['HMGET', 'bighash', `field:${int(600)}`, `field:${int(600)}`, 'missing']);
        break;
      case 18:
        out.push(
          ['SADD', 'bigset', `member:${int(400)}`, `member:${int(400)}`],
          ['SREM', 'bigset', `member:${int(400)}`],
        );
        break;
      default:
        out.push(['SISMEMBER', 'bigset', `member:${int(400)}`], ['SET', k, value(), 'GET']);
    }
  }
  // The final contents: every key's type and value, every field, every member.
  for (let i = 0; i < KEYS; i++) out.push(['TYPE', key(i)], ['GET', key(i)], ['TTL', key(i)]);
  for (let f = 0; f < 600; f++) out.push(['HGET', 'bighash', `field:${f}`]);
  for (let m = 0; m < 400; m++) out.push(['SISMEMBER', 'bigset', `member:${m}`]);
  out.push(['HLEN', 'bighash'], ['SCARD', 'bigset'], ['DBSIZE']);
  return out;
}

async function run(port: number, argv: Argv[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[] = [];
    // Pipelines of 200, so the server also parses ahead and prefetches.
    for (let i = 0; i < argv.length; i += 200) {
      for (const reply of await c.send(argv.slice(i, i + 200)))
        out.push(showRaw(reply, Number.POSITIVE_INFINITY));
    }
    return out;
  } finally {
    await c.close();
  }
}

describe('key slab edges, compared with redis-server', () => {
  const servers = sideBySide();

  test('strings, TTLs, renames, a big hash and a big set under churn', async () => {
    const argv = script(20261126);
    const [got, want] = await Promise.all([run(servers.mnemo.port, argv), run(servers.redis.port, argv)]);
    assert.equal(got.length, want.length);
    for (let i = 0; i < got.length; i++) {
      assert.equal(got[i], want[i], `reply ${i} to ${argv[i]!.map(String).join(' ').slice(0, 120)}`);
    }
  });
});
