/**
 * The connection family: PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH and CLIENT (ID,
 * SETNAME, GETNAME, LIST, INFO, KILL, REPLY, PAUSE, UNPAUSE, NO-EVICT, UNBLOCK, HELP, and the
 * client-side caching subcommands TRACKING, CACHING, GETREDIR, TRACKINGINFO, whose state lives
 * in commands/tracking.ts). Authentication checks ACL users (commands/acl.ts).
 */

import type { AclUser } from '../commands/acl.js';
import { intArg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { cstr, E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { keysOf } from './command.js';
import { command, helpSubcommand } from './define.js';
import { int32Arg } from './keys.js';

export const SERVER_NAME = 'redis';
/** The Redis version mnemo implements and reports to clients for feature detection. */
export const REDIS_VERSION = '7.0.15';

function pingCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) throw new ReplyError(E.WRONG_ARGS('ping'));
  if (c.resp === 2 && c.inPubSub) {
    // In RESP2 subscribed mode a reply must look like a message: ["pong", payload].
    c.reply.array(2);
    c.reply.bulk('pong');
    c.reply.bulk(argv.length === 1 ? '' : argv[1]!);
  } else if (argv.length === 1) c.reply.simple('PONG');
  else c.reply.bulk(argv[1]!);
}

function selectCommand(c: Client, argv: string[]): void {
  // getIntFromObjectOrReply: a non-integer and an int64 outside int32 get different errors.
  const id = int32Arg(argv[1]!);
  if (id < 0 || id >= c.inst.ks.dbs.length) throw new ReplyError(E.DB_INDEX);
  c.select(id);
  c.reply.ok();
}

function quitCommand(c: Client): void {
  c.reply.ok();
  c.closeAfterReply = true;
}

function resetCommand(c: Client): void {
  c.discardTransaction();
  c.replyOff = false;
  c.replySkip = false;
  c.replySkipNext = false;
  c.monitor = false;
  c.inst.monitors.delete(c);
  c.inst.tracking.disable(c);
  c.inst.pubsub.removeAll(c);
  c.select(0);
  c.reply.resp = 2;
  c.name = '';
  c.inst.acl.setDefaultAuth(c);
  c.reply.simple('RESET');
}

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function authCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) throw syntaxError();
  let user = 'default';
  let pass: string;
  if (argv.length === 2) {
    if (c.inst.acl.defaultUser.nopass) {
      throw new ReplyError(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    pass = argv[1]!;
  } else {
    user = argv[1]!;
    pass = argv[2]!;
  }
  if (!c.inst.acl.authenticate(c, user, pass, argv[0]!)) throw new ReplyError(WRONGPASS);
  c.reply.ok();
}

function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

function setClientName(c: Client, name: string): void {
  if (!validClientName(name)) {
    throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
  }
  c.name = name;
}

function helloCommand(c: Client, argv: string[]): void {
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    ver = intArg(argv[next++]!, 'ERR Protocol version is not an integer or out of range');
    if (ver < 2 || ver > 3) throw new ReplyError('NOPROTO unsupported protocol version');
  }
  let name: string | null = null;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (isWord(opt, 'auth') && more >= 2) {
      if (!c.inst.acl.authenticate(c, argv[j + 1]!, argv[j + 2]!, argv[0]!)) throw new ReplyError(WRONGPASS);
      j += 2;
    } else if (isWord(opt, 'setname') && more >= 1) {
      name = argv[++j]!;
      setClientName(c, name);
    } else {
      throw new ReplyError(`ERR Syntax error in HELLO option '${cstr(opt)}'`);
    }
  }
  if (!c.authenticated) {
    throw new ReplyError(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (ver !== 0) c.reply.resp = ver as 2 | 3;
  const r = c.reply;
  r.map(7);
  r.bulk('server');
  r.bulk(SERVER_NAME);
  r.bulk('version');
  r.bulk(REDIS_VERSION);
  r.bulk('proto');
  r.int(c.resp);
  r.bulk('id');
  r.int(c.id);
  r.bulk('mode');
  r.bulk('standalone');
  r.bulk('role');
  r.bulk('master');
  r.bulk('modules');
  r.array(0);
}

// ---- CLIENT ----

/** CLIENT LIST flags, in Redis's order of letters (the subset mnemo has). */
function clientFlags(c: Client): string {
  let f = c.monitor ? 'O' : '';
  if (c.inPubSub) f += 'P';
  if (c.multi !== null) f += 'x';
  if (c.blocked !== null) f += 'b';
  const tracking = c.inst.tracking.state(c);
  if (tracking !== undefined) {
    f += 't';
    if (tracking.brokenRedirect) f += 'R';
    if (tracking.bcast) f += 'B';
  }
  if (c.dirtyCas) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.noEvict) f += 'e';
  return f === '' ? 'N' : f;
}

/** One CLIENT LIST line, fields in Redis 7.0's order. */
export function clientInfoLine(c: Client, now: number): string {
  const conn = c.conn;
  const qbuf = conn?.queryBufferBytes() ?? 0;
  const omem = conn?.outputBufferBytes() ?? 0;
  const cmd = c.lastCommand?.fullName ?? 'NULL';
  return (
    `id=${c.id} addr=${conn?.addr ?? ''} laddr=${conn?.laddr ?? ''} fd=${conn?.fd ?? -1} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)}` +
    ` flags=${clientFlags(c)} db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size}` +
    ` multi=${c.multi === null ? -1 : c.multi.length} qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0` +
    ` rbs=${qbuf} rbp=${qbuf} obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem}` +
    ` events=${omem > 0 ? 'rw' : 'r'} cmd=${cmd} user=${c.user} redir=${c.inst.tracking.state(c)?.redirect ?? -1} resp=${c.resp}`
  );
}

type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

function clientTypeArg(name: string): ClientType {
  const n = name.toLowerCase();
  if (n === 'normal' || n === 'master' || n === 'pubsub') return n;
  if (n === 'replica' || n === 'slave') return 'replica';
  throw new ReplyError(`ERR Unknown client type '${cstr(name)}'`);
}

/** A client is "pubsub" while subscribed, "normal" otherwise (mnemo has no replication links). */
function clientType(c: Client): ClientType {
  return c.inPubSub ? 'pubsub' : 'normal';
}

function clientList(c: Client, argv: string[]): void {
  let clients = [...c.inst.clients.values()];
  if (argv.length > 3 && isWord(argv[2]!, 'id')) {
    const ids: number[] = [];
    for (let j = 3; j < argv.length; j++) ids.push(intArg(argv[j]!, 'ERR Invalid client ID'));
    clients = ids.map((id) => c.inst.clients.get(id)).filter((x): x is Client => x !== undefined);
  } else if (argv.length === 4 && isWord(argv[2]!, 'type')) {
    const type = clientTypeArg(argv[3]!);
    clients = clients.filter((x) => clientType(x) === type);
  } else if (argv.length !== 2) {
    throw syntaxError();
  }
  const now = c.inst.ks.clock.now();
  c.reply.verbatim(clients.map((x) => `${clientInfoLine(x, now)}\n`).join(''));
}

function clientKill(c: Client, argv: string[]): void {
  const clients = c.inst.clients;
  if (argv.length === 3) {
    const addr = argv[2]!;
    for (const x of clients.values()) {
      if (x.conn !== null && x.conn.addr === addr) {
        c.reply.ok();
        x.conn.close(x === c);
        return;
      }
    }
    throw new ReplyError('ERR No such client');
  }
  let id = 0;
  let type: ClientType | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: AclUser | null = null;
  let skipme = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!;
    const more = i + 1 < argv.length;
    if (isWord(opt, 'id') && more) {
      const v = intArg(argv[i + 1]!, 'ERR client-id should be greater than 0');
      if (v < 1) throw new ReplyError('ERR client-id should be greater than 0');
      id = v;
    } else if (isWord(opt, 'type') && more) type = clientTypeArg(argv[i + 1]!);
    else if (isWord(opt, 'addr') && more) addr = argv[i + 1]!;
    else if (isWord(opt, 'laddr') && more) laddr = argv[i + 1]!;
    else if (isWord(opt, 'user') && more) {
      user = c.inst.acl.users.get(argv[i + 1]!) ?? null;
      if (user === null) throw new ReplyError(`ERR No such user '${cstr(argv[i + 1]!)}'`);
    } else if (isWord(opt, 'skipme') && more) {
      if (isWord(argv[i + 1]!, 'yes')) skipme = true;
      else if (isWord(argv[i + 1]!, 'no')) skipme = false;
      else throw syntaxError();
    } else throw syntaxError();
  }
  let killed = 0;
  let killSelf = false;
  for (const x of [...clients.values()]) {
    if (x.conn === null) continue;
    if (id !== 0 && x.id !== id) continue;
    if (type !== null && clientType(x) !== type) continue;
    if (addr !== null && x.conn.addr !== addr) continue;
    if (laddr !== null && x.conn.laddr !== laddr) continue;
    if (user !== null && x.aclUser !== user) continue;
    if (x === c && skipme) continue;
    killed++;
    if (x === c) killSelf = true;
    else x.conn.close(false);
  }
  c.reply.int(killed);
  if (killSelf) c.closeAfterReply = true;
}

function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2]!;
  if (isWord(mode, 'on')) {
    c.replyOff = false;
    c.replySkip = false;
    c.replySkipNext = false;
    c.reply.ok();
  } else if (isWord(mode, 'off')) {
    c.replyOff = true;
  } else if (isWord(mode, 'skip')) {
    if (!c.replyOff) c.replySkipNext = true;
  } else throw syntaxError();
}

function clientPause(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    throw new ReplyError(
      `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`,
    );
  }
  let all = true;
  if (argv.length === 4) {
    if (isWord(argv[3]!, 'write')) all = false;
    else if (!isWord(argv[3]!, 'all')) throw new ReplyError('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const ms = intArg(argv[2]!, 'ERR timeout is not an integer or out of range');
  if (ms < 0) throw new ReplyError('ERR timeout is negative');
  const now = c.inst.ks.clock.now();
  c.inst.pauseClients(ms > 0 ? now + ms : now, all);
  c.reply.ok();
}

function clientNoEvict(c: Client, argv: string[]): void {
  if (isWord(argv[2]!, 'on')) c.noEvict = true;
  else if (isWord(argv[2]!, 'off')) c.noEvict = false;
  else throw syntaxError();
  c.reply.ok();
}

function clientUnblock(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    // Redis's addReplySubcommandSyntaxError, quoting the subcommand as typed.
    throw new ReplyError(
      `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`,
    );
  }
  let withError = false;
  if (argv.length === 4) {
    if (isWord(argv[3]!, 'error')) withError = true;
    else if (!isWord(argv[3]!, 'timeout'))
      throw new ReplyError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const id = intArg(argv[2]!);
  const target = c.inst.clients.get(id);
  c.reply.int(target !== undefined && c.inst.blocking.unblock(target, withError) ? 1 : 0);
}

// ---- CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (client-side caching) ----

/** Redis's prefix overlap test: one is a prefix of the other (or they are equal). */
function prefixesOverlap(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

function clientTracking(c: Client, argv: string[]): void {
  const tracking = c.inst.tracking;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j < argv.length - 1;
    if (isWord(opt, 'redirect') && more) {
      j++;
      if (redirect !== 0) throw new ReplyError('ERR A client can only redirect to a single other client');
      redirect = intArg(argv[j]!);
      // The target must exist now, even if it may go away later.
      if (!c.inst.clients.has(redirect)) {
        throw new ReplyError('ERR The client ID you want redirect to does not exist');
      }
    } else if (isWord(opt, 'bcast')) bcast = true;
    else if (isWord(opt, 'optin')) optin = true;
    else if (isWord(opt, 'optout')) optout = true;
    else if (isWord(opt, 'noloop')) noloop = true;
    else if (isWord(opt, 'prefix') && more) prefixes.push(argv[++j]!);
    else throw syntaxError();
  }
  const mode = argv[2]!;
  if (isWord(mode, 'off')) {
    tracking.disable(c);
    c.reply.ok();
    return;
  }
  if (!isWord(mode, 'on')) throw syntaxError();
  const st = tracking.state(c);
  if (!bcast && prefixes.length !== 0)
    throw new ReplyError('ERR PREFIX option requires BCAST mode to be enabled');
  if (st !== undefined && st.bcast !== bcast) {
    throw new ReplyError(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast && (optin || optout)) throw new ReplyError('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (optin && optout) throw new ReplyError("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (st !== undefined && ((optin && st.optout) || (optout && st.optin))) {
    throw new ReplyError(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast) {
    const existing = st === undefined ? [] : [...st.prefixes].sort();
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const old of existing) {
        if (prefixesOverlap(old, p)) {
          throw new ReplyError(
            `ERR Prefix '${cstr(p)}' overlaps with an existing prefix '${cstr(old)}'. Prefixes for a single client must not overlap.`,
          );
        }
      }
      const j = prefixes.findIndex((q, k) => k > i && prefixesOverlap(p, q));
      if (j >= 0) {
        const message = `ERR Prefix '${cstr(p)}' overlaps with another provided prefix '${cstr(prefixes[j]!)}'. Prefixes for a single client must not overlap.`;
        if (i === 0) throw new ReplyError(message);
        // Redis 7.0's checkPrefixCollisionsOrReply returns the (non-zero) index here, so the
        // error is followed by tracking being enabled and +OK: two replies, kept for fidelity.
        c.inst.countError(message);
        c.reply.error(message);
        break;
      }
    }
  }
  tracking.enable(c, { redirect, bcast, optin, optout, noloop, prefixes }, keysOf);
  c.reply.ok();
}

function clientCaching(c: Client, argv: string[]): void {
  const st = c.inst.tracking.state(c);
  if (st === undefined) {
    throw new ReplyError(
      'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
    );
  }
  const opt = argv[2]!;
  if (isWord(opt, 'yes')) {
    if (!st.optin)
      throw new ReplyError('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (isWord(opt, 'no')) {
    if (!st.optout)
      throw new ReplyError('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else throw syntaxError();
  st.caching = true;
  c.reply.ok();
}

function clientTrackingInfo(c: Client): void {
  const st = c.inst.tracking.state(c);
  const flags: string[] = [st === undefined ? 'off' : 'on'];
  if (st !== undefined) {
    if (st.bcast) flags.push('bcast');
    if (st.optin) flags.push('optin');
    if (st.optin && st.caching) flags.push('caching-yes');
    if (st.optout) flags.push('optout');
    if (st.optout && st.caching) flags.push('caching-no');
    if (st.noloop) flags.push('noloop');
    if (st.brokenRedirect) flags.push('broken_redirect');
  }
  const r = c.reply;
  r.map(3);
  r.bulk('flags');
  r.set(flags.length);
  for (const f of flags) r.bulk(f);
  r.bulk('redirect');
  r.int(st === undefined ? -1 : st.redirect);
  r.bulk('prefixes');
  const prefixes = st === undefined ? [] : [...st.prefixes].sort();
  r.array(prefixes.length);
  for (const p of prefixes) r.bulk(p);
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

// ---- registration ----

const C = { group: 'connection', acl: 'connection' } as const;

export const connectionCommands: CommandSpec[] = [
  command(
    'ping',
    -1,
    'fast',
    [0, 0, 0],
    {
      ...C,
      since: '1.0.0',
      summary: 'Ping the server',
      complexity: 'O(1)',
      syntax: '[message]',
      tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    },
    pingCommand,
  ),
  command(
    'echo',
    2,
    'loading stale fast',
    [0, 0, 0],
    { ...C, since: '1.0.0', summary: 'Echo the given string', complexity: 'O(1)', syntax: 'message' },
    (c, a) => c.reply.bulk(a[1]!),
  ),
  command(
    'select',
    2,
    'loading stale fast',
    [0, 0, 0],
    {
      ...C,
      since: '1.0.0',
      summary: 'Change the selected database for the current connection',
      complexity: 'O(1)',
      syntax: 'index',
    },
    selectCommand,
  ),
  command(
    'quit',
    -1,
    'allow_busy noscript loading stale fast no_auth',
    [0, 0, 0],
    { ...C, since: '1.0.0', summary: 'Close the connection', complexity: 'O(1)' },
    quitCommand,
  ),
  command(
    'reset',
    1,
    'noscript loading stale fast no_auth allow_busy',
    [0, 0, 0],
    { ...C, since: '6.2.0', summary: 'Reset the connection', complexity: 'O(1)' },
    resetCommand,
  ),
  command(
    'hello',
    -1,
    'noscript loading stale fast no_auth allow_busy',
    [0, 0, 0],
    {
      ...C,
      since: '6.0.0',
      summary: 'Handshake with Redis',
      complexity: 'O(1)',
      syntax: '[protover [AUTH username password] [SETNAME clientname]]{arguments}',
      history: [
        [
          '6.2.0',
          "`protover` made optional; when called without arguments the command reports the current connection's context.",
        ],
      ],
    },
    helloCommand,
  ),
  command(
    'auth',
    -2,
    'noscript loading stale fast no_auth allow_busy',
    [0, 0, 0],
    {
      ...C,
      since: '1.0.0',
      summary: 'Authenticate to the server',
      complexity: 'O(N) where N is the number of passwords defined for the user',
      syntax: '[username]{@6.0.0} password',
      history: [['6.0.0', 'Added ACL style (username and password).']],
    },
    authCommand,
  ),
  command(
    'client',
    -2,
    '',
    [0, 0, 0],
    {
      group: 'connection',
      since: '2.4.0',
      summary: 'A container for client connection commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'client|id',
        2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '5.0.0',
          summary: 'Returns the client ID for the current connection',
          complexity: 'O(1)',
        },
        (c) => c.reply.int(c.id),
      ),
      command(
        'client|setname',
        3,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '2.6.9',
          summary: 'Set the current connection name',
          complexity: 'O(1)',
          syntax: 'connection-name',
        },
        (c, a) => {
          setClientName(c, a[2]!);
          c.reply.ok();
        },
      ),
      command(
        'client|getname',
        2,
        'noscript loading stale',
        [0, 0, 0],
        { ...C, since: '2.6.9', summary: 'Get the current connection name', complexity: 'O(1)' },
        (c) => {
          if (c.name === '') c.reply.nil();
          else c.reply.bulk(c.name);
        },
      ),
      command(
        'client|list',
        -2,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '2.4.0',
          summary: 'Get the list of client connections',
          complexity: 'O(N) where N is the number of client connections',
          syntax:
            '[TYPE (NORMAL | MASTER | REPLICA | PUBSUB)]{@5.0.0} [ID client-id [client-id ...]]{@6.2.0}',
          history: [
            ['2.8.12', 'Added unique client `id` field.'],
            ['5.0.0', 'Added optional `TYPE` filter.'],
            ['6.0.0', 'Added `user` field.'],
            [
              '6.2.0',
              'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.',
            ],
            ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
            ['7.0.3', 'Added `ssub` field.'],
          ],
          tips: ['nondeterministic_output'],
        },
        clientList,
      ),
      command(
        'client|info',
        2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '6.2.0',
          summary: 'Returns information about the current client connection.',
          complexity: 'O(1)',
          tips: ['nondeterministic_output'],
        },
        (c) => c.reply.verbatim(`${clientInfoLine(c, c.inst.ks.clock.now())}\n`),
      ),
      command(
        'client|reply',
        3,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '3.2.0',
          summary: 'Instruct the server whether to reply to commands',
          complexity: 'O(1)',
          syntax: 'ON | OFF | SKIP',
        },
        clientReply,
      ),
      command(
        'client|pause',
        -3,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '2.9.50',
          summary: 'Stop processing commands from clients for some time',
          complexity: 'O(1)',
          syntax: 'timeout{:integer} [WRITE | ALL]{mode @6.2.0}',
          history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
        },
        clientPause,
      ),
      command(
        'client|unpause',
        2,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '6.2.0',
          summary: 'Resume processing of clients that were paused',
          complexity: 'O(N) Where N is the number of paused clients',
        },
        (c) => {
          c.inst.unpauseClients();
          c.reply.ok();
        },
      ),
      command(
        'client|no-evict',
        3,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '7.0.0',
          summary: 'Set client eviction mode for the current connection',
          complexity: 'O(1)',
          syntax: '(ON | OFF){enabled}',
        },
        clientNoEvict,
      ),
      command(
        'client|unblock',
        -3,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '5.0.0',
          summary: 'Unblock a client blocked in a blocking command from a different connection',
          complexity: 'O(log N) where N is the number of client connections',
          syntax: 'client-id{:integer} [TIMEOUT | ERROR]{timeout_error}',
        },
        clientUnblock,
      ),
      command(
        'client|kill',
        -3,
        'admin noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '2.4.0',
          summary: 'Kill the connection of a client',
          complexity: 'O(N) where N is the number of client connections',
          syntax:
            '(ip:port{!2.8.12} | ([ID client-id]{@2.8.12} | [TYPE (NORMAL | MASTER{@3.2.0} | SLAVE | REPLICA{@5.0.0} | PUBSUB)]{normal_master_slave_pubsub @2.8.12} | [USER username] | [ADDR ip:port] | [LADDR ip:port]{@6.2.0} | [SKIPME yes/no]){new-format ...}){filter}',
          history: [
            ['2.8.12', 'Added new filter format.'],
            ['2.8.12', '`ID` option.'],
            ['3.2.0', 'Added `master` type in for `TYPE` option.'],
            [
              '5.0.0',
              'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.',
            ],
            ['6.2.0', '`LADDR` option.'],
          ],
        },
        clientKill,
      ),
      command(
        'client|tracking',
        -3,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '6.0.0',
          summary: 'Enable or disable server assisted client side caching support',
          complexity: 'O(1). Some options may introduce additional complexity.',
          syntax:
            '(ON | OFF){status} [REDIRECT client-id{:integer}] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]',
        },
        clientTracking,
      ),
      command(
        'client|caching',
        3,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '6.0.0',
          summary: 'Instruct the server about tracking or not keys in the next request',
          complexity: 'O(1)',
          syntax: '(YES | NO){mode}',
        },
        clientCaching,
      ),
      command(
        'client|getredir',
        2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '6.0.0',
          summary: 'Get tracking notifications redirection client ID if any',
          complexity: 'O(1)',
        },
        (c) => c.reply.int(c.inst.tracking.state(c)?.redirect ?? -1),
      ),
      command(
        'client|trackinginfo',
        2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...C,
          since: '6.2.0',
          summary: 'Return information about server assisted client side caching for the current connection',
          complexity: 'O(1)',
        },
        clientTrackingInfo,
      ),
      helpSubcommand('client', C, '5.0.0', CLIENT_HELP),
    ],
  ),
];
