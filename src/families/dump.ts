/**
 * DUMP and RESTORE (cluster.c): a key's value as Redis's serialization format (an RDB value
 * with the RDB version and a CRC-64 footer), byte-compatible with Redis, so values move
 * between mnemo and Redis in both directions. The codec is the pure RDB module.
 */

import { intArg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { decodeDumpPayload, RdbError } from '../persistence/rdb/decoder.js';
import { dumpPayload } from '../persistence/rdb/encoder.js';
import { msArg, touched } from './common.js';
import { command, keyRange } from './define.js';

function dumpCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]!);
  if (v === undefined) {
    c.reply.nil();
    return;
  }
  const payload = dumpPayload(v, { listMaxListpackSize: c.inst.config.number('list-max-listpack-size') });
  c.reply.bulkBytes(payload, 0, payload.length);
}

function restoreCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    const opt = argv[j]!;
    if (isWord(opt, 'replace')) replace = true;
    else if (isWord(opt, 'absttl')) absttl = true;
    else if (isWord(opt, 'idletime') && more >= 1 && freq === -1) {
      idle = intArg(argv[++j]!);
      if (idle < 0) throw new ReplyError('ERR Invalid IDLETIME value, must be >= 0');
    } else if (isWord(opt, 'freq') && more >= 1 && idle === -1) {
      freq = intArg(argv[++j]!);
      if (freq < 0 || freq > 255) throw new ReplyError('ERR Invalid FREQ value, must be >= 0 and <= 255');
    } else throw syntaxError();
  }
  if (!replace && c.db.get(key) !== undefined)
    throw new ReplyError('BUSYKEY Target key name already exists.');
  let ttl = intArg(argv[2]!);
  if (ttl < 0) throw new ReplyError('ERR Invalid TTL value, must be >= 0');
  const raw = argv[3]!;
  let value: ReturnType<typeof decodeDumpPayload>;
  try {
    const c2 = c.inst.config;
    value = decodeDumpPayload(Buffer.from(raw, 'latin1'), {
      setMaxIntsetEntries: c2.number('set-max-intset-entries'),
      hashMaxListpackEntries: c2.number('hash-max-listpack-entries'),
      hashMaxListpackValue: c2.number('hash-max-listpack-value'),
      zsetMaxListpackEntries: c2.number('zset-max-listpack-entries'),
      zsetMaxListpackValue: c2.number('zset-max-listpack-value'),
    });
  } catch (err) {
    if (!(err instanceof RdbError)) throw err;
    throw new ReplyError(
      err.code === 'payload' ? 'ERR DUMP payload version or checksum are wrong' : 'ERR Bad data format',
    );
  }
  const deleted = replace && c.db.delete(key);
  if (ttl !== 0 && !absttl) ttl += c.inst.ks.now;
  // checkAlreadyExpired: while the AOF loads, a past time is set rather than dropping the key.
  if (ttl !== 0 && ttl <= c.inst.ks.now && !c.inst.ks.loading) {
    // Already expired: the key is not created (and a replaced one is just deleted).
    if (deleted) {
      c.rewriteCommand(['DEL', key]);
      touched(c, key, NOTIFY.GENERIC, 'del');
    }
    c.reply.ok();
    return;
  }
  c.db.add(key, value);
  if (ttl !== 0) {
    c.db.setExpire(key, ttl);
    // Propagated with an absolute time, so a replay restores the same deadline.
    if (!absttl) c.rewriteCommand([...argv.slice(0, 2), msArg(ttl), ...argv.slice(3), 'ABSTTL']);
  }
  // objectSetLRUOrLFU: IDLETIME applies under an LRU policy, FREQ under an LFU one.
  if (idle >= 0) c.db.setIdleSeconds(key, idle);
  if (freq >= 0) c.db.setFrequency(key, freq);
  touched(c, key, NOTIFY.GENERIC, 'restore');
  c.reply.ok();
}

const K = { group: 'generic', acl: 'keyspace' } as const;

export const dumpCommands: CommandSpec[] = [
  command(
    'dump',
    2,
    'readonly',
    [1, 1, 1],
    {
      ...K,
      since: '2.6.0',
      summary: 'Return a serialized version of the value stored at the specified key.',
      complexity:
        'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
      syntax: 'key',
      tips: ['nondeterministic_output'],
      keySpecs: [keyRange('RO access', 1, 0)],
    },
    dumpCommand,
  ),
  command(
    'restore',
    -4,
    'write denyoom',
    [1, 1, 1],
    {
      ...K,
      acl: 'keyspace dangerous',
      since: '2.6.0',
      summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
      complexity:
        'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
      syntax:
        'key ttl{:integer} serialized-value [REPLACE]{@3.0.0} [ABSTTL]{@5.0.0} [IDLETIME seconds]{@5.0.0} [FREQ frequency{:integer}]{@5.0.0}',
      history: [
        ['3.0.0', 'Added the `REPLACE` modifier.'],
        ['5.0.0', 'Added the `ABSTTL` modifier.'],
        ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
      ],
      keySpecs: [keyRange('OW update', 1, 0)],
    },
    restoreCommand,
  ),
];
