/**
 * Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing happens in
 * dispatch(); EXEC runs the queued commands through the same call() as everything else, each
 * with its own reply (a runtime error such as WRONGTYPE lands in its slot, the others run).
 * A rejected command while queueing makes EXEC answer EXECABORT; a touched watched key makes it
 * answer a null array.
 */

import type { Client } from '../commands/client.js';
import { call, execAllows } from '../commands/dispatch.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { command, keyRange } from './define.js';

function multiCommand(c: Client): void {
  if (c.multi !== null) throw new ReplyError('ERR MULTI calls can not be nested');
  c.multi = [];
  c.multiError = false;
  c.reply.ok();
}

function execCommand(c: Client): void {
  const queued = c.multi;
  if (queued === null) throw new ReplyError('ERR EXEC without MULTI');
  if (c.inst.watches.anyExpired(c)) c.dirtyCas = true;
  if (c.multiError || c.dirtyCas) {
    const aborted = c.multiError;
    c.discardTransaction();
    if (aborted) throw new ReplyError('EXECABORT Transaction discarded because of previous errors.');
    c.reply.nilArray();
    return;
  }
  c.inst.watches.unwatchAll(c);
  // c.multi stays set while the commands run (Redis keeps CLIENT_MULTI until the end).
  const denied = c.denyBlocking;
  c.denyBlocking = true;
  c.reply.array(queued.length);
  try {
    for (const { cmd, argv } of queued) if (execAllows(c, cmd, argv)) call(c, cmd, argv);
  } finally {
    // The queued commands were propagated one by one (and get wrapped in MULTI/EXEC).
    c.preventPropagation();
    c.denyBlocking = denied;
    c.discardTransaction();
  }
}

function discardCommand(c: Client): void {
  if (c.multi === null) throw new ReplyError('ERR DISCARD without MULTI');
  c.discardTransaction();
  c.reply.ok();
}

function watchCommand(c: Client, argv: string[]): void {
  if (c.multi !== null) throw new ReplyError('ERR WATCH inside MULTI is not allowed');
  // A dirty client's EXEC fails anyway: no point in watching more.
  if (!c.dirtyCas) for (let i = 1; i < argv.length; i++) c.inst.watches.watch(c, c.dbIndex, argv[i]!);
  c.reply.ok();
}

function unwatchCommand(c: Client): void {
  c.inst.watches.unwatchAll(c);
  c.dirtyCas = false;
  c.reply.ok();
}

const T = { group: 'transactions', acl: 'transaction' } as const;

export const transactionCommands: CommandSpec[] = [
  command(
    'multi',
    1,
    'noscript loading stale fast allow_busy',
    [0, 0, 0],
    { ...T, since: '1.2.0', summary: 'Mark the start of a transaction block', complexity: 'O(1)' },
    multiCommand,
  ),
  command(
    'exec',
    1,
    'noscript loading stale skip_slowlog',
    [0, 0, 0],
    {
      ...T,
      since: '1.2.0',
      summary: 'Execute all commands issued after MULTI',
      complexity: 'Depends on commands in the transaction',
    },
    execCommand,
  ),
  command(
    'discard',
    1,
    'noscript loading stale fast allow_busy',
    [0, 0, 0],
    {
      ...T,
      since: '2.0.0',
      summary: 'Discard all commands issued after MULTI',
      complexity: 'O(N), when N is the number of queued commands',
    },
    discardCommand,
  ),
  command(
    'watch',
    -2,
    'noscript loading stale fast allow_busy',
    [1, -1, 1],
    {
      ...T,
      since: '2.2.0',
      summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
      complexity: 'O(1) for every key.',
      syntax: 'key [key ...]',
      keySpecs: [keyRange('RO', 1, -1)],
    },
    watchCommand,
  ),
  command(
    'unwatch',
    1,
    'noscript loading stale fast allow_busy',
    [0, 0, 0],
    { ...T, since: '2.2.0', summary: 'Forget about all watched keys', complexity: 'O(1)' },
    unwatchCommand,
  ),
];
