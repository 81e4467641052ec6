/**
 * The server family: TIME, SHUTDOWN and CONFIG (GET, SET, RESETSTAT, REWRITE, HELP).
 * CONFIG SET validates every parameter the way Redis 7.0 does (config/); the values mnemo acts
 * on take effect through the Config change listeners.
 */

import { isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { command, helpSubcommand } from './define.js';

function timeCommand(c: Client): void {
  // Microseconds from the high-resolution clock, anchored to wall time.
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  c.reply.array(2);
  c.reply.bulk(String(Math.floor(us / 1e6)));
  c.reply.bulk(String(us % 1e6));
}

function shutdownCommand(c: Client, argv: string[]): void {
  let nosave = false;
  let save = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (isWord(a, 'nosave')) nosave = true;
    else if (isWord(a, 'save')) save = true;
    else if (isWord(a, 'now')) now = true;
    else if (isWord(a, 'force')) force = true;
    else if (isWord(a, 'abort')) abort = true;
    else throw syntaxError();
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) throw syntaxError();
  if (abort) throw new ReplyError('ERR No shutdown in progress.');
  const hooks = c.inst.server;
  if (hooks === null) throw new ReplyError('ERR SHUTDOWN is only available on a server');
  const err = hooks.shutdown({ save: save ? true : nosave ? false : null, now, force });
  if (err !== undefined) throw new ReplyError(err);
  // The connection closes without a reply, as with Redis.
  c.closeAfterReply = true;
}

function configGet(c: Client, argv: string[]): void {
  const pairs = c.inst.config.getMatching(argv.slice(2));
  c.reply.map(pairs.length);
  for (const [k, v] of pairs) {
    c.reply.bulk(k);
    c.reply.bulk(v);
  }
}

function configSet(c: Client, argv: string[]): void {
  if ((argv.length - 2) % 2 !== 0)
    throw new ReplyError("ERR wrong number of arguments for 'config|set' command");
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
  c.inst.config.set(pairs, { localClient: c.local });
  c.reply.ok();
}

function configResetstat(c: Client): void {
  c.inst.resetStats();
  c.reply.ok();
}

function configRewrite(c: Client): void {
  const hooks = c.inst.server;
  if (hooks === null) throw new ReplyError('ERR The server is running without a config file');
  const err = hooks.rewriteConfig();
  if (err !== undefined) throw new ReplyError(err);
  c.reply.ok();
}

function persistence(c: Client) {
  const p = c.inst.persistence;
  if (p === null) throw new ReplyError('ERR persistence is not available in an in-process store');
  return p;
}

function saveCommand(c: Client): void {
  const err = persistence(c).save();
  if (err !== undefined) throw new ReplyError(err);
  c.reply.ok();
}

function bgsaveCommand(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && isWord(argv[1]!, 'schedule')) schedule = true;
    else throw syntaxError();
  }
  const r = persistence(c).bgsave(schedule);
  if ('error' in r) throw new ReplyError(r.error);
  c.reply.simple(r.ok);
}

function bgrewriteaofCommand(c: Client): void {
  const r = persistence(c).bgrewriteaof();
  if ('error' in r) throw new ReplyError(r.error);
  c.reply.simple(r.ok);
}

function monitorCommand(c: Client): void {
  if (c.denyBlocking) throw new ReplyError("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (c.monitor) return;
  c.monitor = true;
  c.inst.monitors.add(c);
  c.reply.ok();
}

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

const SRV = { group: 'server' } as const;

export const serverCommands: CommandSpec[] = [
  command(
    'time',
    1,
    'loading stale fast',
    [0, 0, 0],
    {
      ...SRV,
      since: '2.6.0',
      summary: 'Return the current server time',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
    },
    timeCommand,
  ),
  command(
    'shutdown',
    -1,
    'admin noscript loading stale no_multi sentinel allow_busy',
    [0, 0, 0],
    {
      ...SRV,
      since: '1.0.0',
      summary: 'Synchronously save the dataset to disk and then shut down the server',
      complexity:
        'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
      syntax: '[NOSAVE | SAVE] [NOW]{@7.0.0} [FORCE]{@7.0.0} [ABORT]{@7.0.0}',
      history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    },
    shutdownCommand,
  ),
  command(
    'save',
    1,
    'admin noscript no_async_loading no_multi',
    [0, 0, 0],
    {
      ...SRV,
      since: '1.0.0',
      summary: 'Synchronously save the dataset to disk',
      complexity: 'O(N) where N is the total number of keys in all databases',
    },
    saveCommand,
  ),
  command(
    'bgsave',
    -1,
    'admin noscript no_async_loading',
    [0, 0, 0],
    {
      ...SRV,
      since: '1.0.0',
      summary: 'Asynchronously save the dataset to disk',
      complexity: 'O(1)',
      syntax: '[SCHEDULE]{@3.2.2}',
      history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    },
    bgsaveCommand,
  ),
  command(
    'bgrewriteaof',
    1,
    'admin noscript no_async_loading',
    [0, 0, 0],
    { ...SRV, since: '1.0.0', summary: 'Asynchronously rewrite the append-only file', complexity: 'O(1)' },
    bgrewriteaofCommand,
  ),
  command(
    'lastsave',
    1,
    'loading stale fast',
    [0, 0, 0],
    {
      ...SRV,
      acl: 'admin dangerous',
      since: '1.0.0',
      summary: 'Get the UNIX time stamp of the last successful save to disk',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
    },
    (c) => c.reply.int(Math.floor(c.inst.lastSave / 1000)),
  ),
  command(
    'monitor',
    1,
    'admin noscript loading stale',
    [0, 0, 0],
    { ...SRV, since: '1.0.0', summary: 'Listen for all requests received by the server in real time' },
    monitorCommand,
  ),
  command(
    'config',
    -2,
    '',
    [0, 0, 0],
    {
      ...SRV,
      since: '2.0.0',
      summary: 'A container for server configuration commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'config|get',
        -3,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.0.0',
          summary: 'Get the values of configuration parameters',
          complexity: 'O(N) when N is the number of configuration parameters provided',
          syntax: '(parameter){:block} [(parameter) ...]',
          history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        },
        configGet,
      ),
      command(
        'config|set',
        -4,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.0.0',
          summary: 'Set configuration parameters to the given values',
          complexity: 'O(N) when N is the number of configuration parameters provided',
          syntax: 'parameter value [parameter value ...]',
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
          history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        },
        configSet,
      ),
      command(
        'config|resetstat',
        2,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.0.0',
          summary: 'Reset the stats returned by INFO',
          complexity: 'O(1)',
        },
        configResetstat,
      ),
      command(
        'config|rewrite',
        2,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.8.0',
          summary: 'Rewrite the configuration file with the in memory configuration',
          complexity: 'O(1)',
        },
        configRewrite,
      ),
      helpSubcommand('config', SRV, '5.0.0', CONFIG_HELP),
    ],
  ),
];
