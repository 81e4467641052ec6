/**
 * The set family (t_set.c): SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD. A set that
 * becomes empty is deleted. Membership replies use RESP3's set type where Redis does.
 */

import type { Client } from '../commands/client.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { SetValue } from '../engine/values/set.js';
import { readSet, touched, writableSet } from './common.js';
import { command, keyRange } from './define.js';

function saddCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  let set = writableSet(c, key);
  if (set === undefined) {
    set = SetValue.forFirstMember(argv[2]!);
    c.db.add(key, set);
  }
  const max = c.inst.config.number('set-max-intset-entries');
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (set.add(argv[j]!, max)) added++;
  if (added > 0) touched(c, key, NOTIFY.SET, 'sadd', added);
  c.reply.int(added);
}

function sremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const set = writableSet(c, key);
  if (set === undefined) {
    c.reply.int(0);
    return;
  }
  let removed = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (set.delete(argv[j]!)) {
      removed++;
      if (set.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (removed > 0) {
    touched(c, key, NOTIFY.SET, 'srem', removed);
    if (keyRemoved) c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  c.reply.int(removed);
}

function smembersCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  if (set === undefined) {
    c.reply.set(0);
    return;
  }
  const members = set.toArray();
  c.reply.set(members.length);
  for (const m of members) c.reply.bulk(m);
}

function sismemberCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  c.reply.int(set?.has(argv[2]!) ? 1 : 0);
}

function smismemberCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  c.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.reply.int(set?.has(argv[j]!) ? 1 : 0);
}

function scardCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  c.reply.int(set === undefined ? 0 : set.size);
}

// ---- registration ----

const S = { group: 'set', acl: 'set' } as const;

export const setCommands: CommandSpec[] = [
  command(
    'sadd',
    -3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Add one or more members to a set',
      complexity:
        'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
      syntax: 'key member [member ...]',
      history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    },
    saddCommand,
  ),
  command(
    'srem',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove one or more members from a set',
      complexity: 'O(N) where N is the number of members to be removed.',
      syntax: 'key member [member ...]',
      history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    },
    sremCommand,
  ),
  command(
    'smembers',
    2,
    'readonly',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Get all the members in a set',
      complexity: 'O(N) where N is the set cardinality.',
      syntax: 'key',
      tips: ['nondeterministic_output_order'],
    },
    smembersCommand,
  ),
  command(
    'sismember',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Determine if a given value is a member of a set',
      complexity: 'O(1)',
      syntax: 'key member',
    },
    sismemberCommand,
  ),
  command(
    'smismember',
    -3,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '6.2.0',
      summary: 'Returns the membership associated with the given elements for a set',
      complexity: 'O(N) where N is the number of elements being checked for membership',
      syntax: 'key member [member ...]',
    },
    smismemberCommand,
  ),
  command(
    'scard',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the number of members in a set',
      complexity: 'O(1)',
      syntax: 'key',
    },
    scardCommand,
  ),
];
