/**
 * The Pub/Sub family (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
 * SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB (CHANNELS NUMSUB NUMPAT SHARDCHANNELS
 * SHARDNUMSUB HELP). Subscription confirmations are push replies in RESP3 and arrays in RESP2,
 * counting channel + pattern subscriptions (shard subscriptions count on their own).
 */

import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { globMatch } from '../engine/glob.js';
import type { Reply } from '../protocol/reply.js';
import { RespWriter } from '../protocol/resp-writer.js';
import { command, helpSubcommand, keyRange } from './define.js';

type Kind = 'subscribe' | 'unsubscribe' | 'psubscribe' | 'punsubscribe' | 'ssubscribe' | 'sunsubscribe';

function confirm(c: Client, kind: Kind, name: string | null, count: number): void {
  if (c.replyOff || c.replySkip) {
    // Sent even with CLIENT REPLY OFF/SKIP, as Redis does: kept aside from the dropped reply.
    const w = new RespWriter();
    w.resp = c.resp;
    writeConfirm(w, kind, name, count);
    (c.mutedPushes ??= []).push(Buffer.from(w.take()));
    return;
  }
  writeConfirm(c.reply, kind, name, count);
}

function writeConfirm(r: Reply, kind: Kind, name: string | null, count: number): void {
  r.push(3);
  r.bulk(kind);
  if (name === null) r.nil();
  else r.bulk(name);
  r.int(count);
}

function plainCount(c: Client): number {
  return c.channels.size + c.patterns.size;
}

/** Clients that must not block (scripts, the library's command()) cannot subscribe either. */
function denySubscribe(c: Client, name: string): void {
  if (c.denyBlocking && c.multi === null) {
    throw new ReplyError(`ERR ${name} isn't allowed for a DENY BLOCKING client`);
  }
}

function subscribeCommand(c: Client, argv: string[]): void {
  denySubscribe(c, 'SUBSCRIBE');
  for (let i = 1; i < argv.length; i++) {
    c.inst.pubsub.subscribe(c, argv[i]!);
    confirm(c, 'subscribe', argv[i]!, plainCount(c));
  }
}

function psubscribeCommand(c: Client, argv: string[]): void {
  denySubscribe(c, 'PSUBSCRIBE');
  for (let i = 1; i < argv.length; i++) {
    c.inst.pubsub.psubscribe(c, argv[i]!);
    confirm(c, 'psubscribe', argv[i]!, plainCount(c));
  }
}

function ssubscribeCommand(c: Client, argv: string[]): void {
  denySubscribe(c, 'SSUBSCRIBE');
  for (let i = 1; i < argv.length; i++) {
    c.inst.pubsub.ssubscribe(c, argv[i]!);
    confirm(c, 'ssubscribe', argv[i]!, c.shardChannels.size);
  }
}

/** The UNSUBSCRIBE family: named ones, or all of them; with none at all, one null reply. */
function unsubscribeGeneric(
  c: Client,
  argv: string[],
  kind: 'unsubscribe' | 'punsubscribe' | 'sunsubscribe',
  current: Set<string>,
  remove: (name: string) => void,
  count: () => number,
): void {
  const names = argv.length > 1 ? argv.slice(1) : [...current];
  if (names.length === 0) {
    confirm(c, kind, null, count());
    return;
  }
  for (const name of names) {
    remove(name);
    confirm(c, kind, name, count());
  }
}

function unsubscribeCommand(c: Client, argv: string[]): void {
  const ps = c.inst.pubsub;
  unsubscribeGeneric(
    c,
    argv,
    'unsubscribe',
    c.channels,
    (n) => ps.unsubscribe(c, n),
    () => plainCount(c),
  );
}

function punsubscribeCommand(c: Client, argv: string[]): void {
  const ps = c.inst.pubsub;
  unsubscribeGeneric(
    c,
    argv,
    'punsubscribe',
    c.patterns,
    (n) => ps.punsubscribe(c, n),
    () => plainCount(c),
  );
}

function sunsubscribeCommand(c: Client, argv: string[]): void {
  const ps = c.inst.pubsub;
  unsubscribeGeneric(
    c,
    argv,
    'sunsubscribe',
    c.shardChannels,
    (n) => ps.sunsubscribe(c, n),
    () => c.shardChannels.size,
  );
}

function channelsMatching(c: Client, table: Map<string, unknown>, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(E.SUBCOMMAND_SYNTAX(argv[1]!, argv[0]!));
  const pattern = argv.length > 2 ? argv[2]! : null;
  const out: string[] = [];
  for (const name of table.keys()) if (pattern === null || globMatch(pattern, name)) out.push(name);
  c.reply.array(out.length);
  for (const name of out) c.reply.bulk(name);
}

function numsub(c: Client, table: Map<string, Set<unknown>>, argv: string[]): void {
  c.reply.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.reply.bulk(argv[i]!);
    c.reply.int(table.get(argv[i]!)?.size ?? 0);
  }
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

const P = { group: 'pubsub' } as const;

export const pubsubCommands: CommandSpec[] = [
  command(
    'subscribe',
    -2,
    'pubsub noscript loading stale',
    [0, 0, 0],
    {
      ...P,
      since: '2.0.0',
      summary: 'Listen for messages published to the given channels',
      complexity: 'O(N) where N is the number of channels to subscribe to.',
      syntax: 'channel [channel ...]',
    },
    subscribeCommand,
  ),
  command(
    'unsubscribe',
    -1,
    'pubsub noscript loading stale',
    [0, 0, 0],
    {
      ...P,
      since: '2.0.0',
      summary: 'Stop listening for messages posted to the given channels',
      complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
      syntax: '[channel [channel ...]]',
    },
    unsubscribeCommand,
  ),
  command(
    'psubscribe',
    -2,
    'pubsub noscript loading stale',
    [0, 0, 0],
    {
      ...P,
      since: '2.0.0',
      summary: 'Listen for messages published to channels matching the given patterns',
      complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
      syntax: '(pattern){:block} [(pattern){:block} ...]',
    },
    psubscribeCommand,
  ),
  command(
    'punsubscribe',
    -1,
    'pubsub noscript loading stale',
    [0, 0, 0],
    {
      ...P,
      since: '2.0.0',
      summary: 'Stop listening for messages posted to channels matching the given patterns',
      complexity:
        'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
      syntax: '[pattern [pattern ...]]',
    },
    punsubscribeCommand,
  ),
  command(
    'ssubscribe',
    -2,
    'pubsub noscript loading stale',
    [1, -1, 1],
    {
      ...P,
      since: '7.0.0',
      summary: 'Listen for messages published to the given shard channels',
      complexity: 'O(N) where N is the number of shard channels to subscribe to.',
      syntax: 'shardchannel [shardchannel ...]',
      keySpecs: [keyRange('not_key', 1, -1)],
    },
    ssubscribeCommand,
  ),
  command(
    'sunsubscribe',
    -1,
    'pubsub noscript loading stale',
    [1, -1, 1],
    {
      ...P,
      since: '7.0.0',
      summary: 'Stop listening for messages posted to the given shard channels',
      complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
      syntax: '[shardchannel [shardchannel ...]]',
      keySpecs: [keyRange('not_key', 1, -1)],
    },
    sunsubscribeCommand,
  ),
  command(
    'publish',
    3,
    'pubsub loading stale fast may_replicate',
    [0, 0, 0],
    {
      ...P,
      since: '2.0.0',
      summary: 'Post a message to a channel',
      complexity:
        'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
      syntax: 'channel message',
    },
    (c, a) => c.reply.int(c.inst.pubsub.publish(a[1]!, a[2]!)),
  ),
  command(
    'spublish',
    3,
    'pubsub loading stale fast may_replicate',
    [1, 1, 1],
    {
      ...P,
      since: '7.0.0',
      summary: 'Post a message to a shard channel',
      complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
      syntax: 'shardchannel message',
      keySpecs: [keyRange('not_key', 1, 0)],
    },
    (c, a) => c.reply.int(c.inst.pubsub.spublish(a[1]!, a[2]!)),
  ),
  command(
    'pubsub',
    -2,
    '',
    [0, 0, 0],
    {
      ...P,
      since: '2.8.0',
      summary: 'A container for Pub/Sub commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'pubsub|channels',
        -2,
        'pubsub loading stale',
        [0, 0, 0],
        {
          ...P,
          since: '2.8.0',
          summary: 'List active channels',
          complexity:
            'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
          syntax: '[pattern]',
        },
        (c, a) => channelsMatching(c, c.inst.pubsub.channels, a),
      ),
      command(
        'pubsub|numsub',
        -2,
        'pubsub loading stale',
        [0, 0, 0],
        {
          ...P,
          since: '2.8.0',
          summary: 'Get the count of subscribers for channels',
          complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
          syntax: '[channel [channel ...]]',
        },
        (c, a) => numsub(c, c.inst.pubsub.channels, a),
      ),
      command(
        'pubsub|numpat',
        2,
        'pubsub loading stale',
        [0, 0, 0],
        {
          ...P,
          since: '2.8.0',
          summary: 'Get the count of unique patterns pattern subscriptions',
          complexity: 'O(1)',
        },
        (c) => c.reply.int(c.inst.pubsub.patterns.size),
      ),
      command(
        'pubsub|shardchannels',
        -2,
        'pubsub loading stale',
        [0, 0, 0],
        {
          ...P,
          since: '7.0.0',
          summary: 'List active shard channels',
          complexity:
            'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
          syntax: '[pattern]',
        },
        (c, a) => channelsMatching(c, c.inst.pubsub.shardChannels, a),
      ),
      command(
        'pubsub|shardnumsub',
        -2,
        'pubsub loading stale',
        [0, 0, 0],
        {
          ...P,
          since: '7.0.0',
          summary: 'Get the count of subscribers for shard channels',
          complexity:
            'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
          syntax: '[shardchannel [shardchannel ...]]',
        },
        (c, a) => numsub(c, c.inst.pubsub.shardChannels, a),
      ),
      helpSubcommand('pubsub', P, '6.2.0', PUBSUB_HELP),
    ],
  ),
];
