/**
 * dispatch(): the single entry for executing a command, used by TCP connections, the
 * in-process MemoryStore and (later) EXEC, scripts and AOF replay. It does what Redis's
 * processCommand + call do: look the command up, check arity, run the handler at a fresh clock
 * snapshot, turn a thrown ReplyError into an error reply, and keep the statistics INFO shows.
 */

import { type MemberTable, PREFETCH_MAX } from '../engine/dict.js';
import { Acl } from './acl.js';
import type { Client } from './client.js';
import { E, ReplyError } from './errors.js';
import { EVICT_FAIL, OOM_ERROR } from './eviction.js';
import { recordLatency } from './latency-histogram.js';
import { feedMonitors } from './monitor.js';
import { type Command, F } from './spec.js';

/**
 * The global `performance` is a lazy getter in Node 20, run on every access: held once here,
 * since call() reads the clock twice per command.
 */
const perf = performance;

const prefetchKeys: string[] = [];

/**
 * Before commands parsed together run, warms the cache for their keys (Database.prefetch, at
 * most PREFETCH_MAX keys at a time): on a big keyspace each lookup otherwise waits for a chain
 * of cache misses of its own, one after another, where the prefetch lets the misses of all the
 * keys overlap. Keys are found by the commands' legacy key range (first, last, step), as
 * COMMAND reports it; a lone key gains nothing and is left alone. A hint only: the commands
 * then run as usual, in order.
 */
export function prefetchPipeline(c: Client, batch: readonly string[][], from: number, to: number): void {
  const table = c.inst.commands;
  const keys = prefetchKeys;
  let n = 0;
  let sent = false;
  for (let i = from; i < to; i++) {
    const argv = batch[i]!;
    const cmd = table.lookup(argv[0]!);
    if (cmd === undefined || cmd.firstKey <= 0) continue;
    const last = cmd.lastKey < 0 ? argv.length + cmd.lastKey : Math.min(cmd.lastKey, argv.length - 1);
    const step = cmd.step > 0 ? cmd.step : 1;
    for (let k = cmd.firstKey; k <= last; k += step) {
      const key = argv[k]!;
      // A pipeline on one key names it again and again (as the same string: see the parser).
      if (n > 0 && keys[n - 1] === key) continue;
      keys[n++] = key;
      if (n === PREFETCH_MAX) {
        c.db.prefetch(keys, n);
        n = 0;
        sent = true;
      }
    }
  }
  if (n > 1 || (n === 1 && sent)) c.db.prefetch(keys, n);
  // Not kept alive until the next pipeline.
  const used = sent ? PREFETCH_MAX : n;
  for (let i = 0; i < used; i++) keys[i] = '';
  prefetchMembers(c, batch, from, to);
}

const prefetchFound = new Int32Array(PREFETCH_MAX);
/** Member tables smaller than this are not prefetched (a few hundred KB: they stay in cache). */
const PREFETCH_MEMBERS_MIN = 8192;

/**
 * The second step of prefetchPipeline: the members (hash fields, set and sorted-set members) the
 * commands name in a big hash, set or sorted set, batched across consecutive commands on the
 * same one (a pipeline of HSETs to one big hash), so that the misses of their lookups overlap as
 * the keys' did.
 */
function prefetchMembers(c: Client, batch: readonly string[][], from: number, to: number): void {
  const table = c.inst.commands;
  const members = prefetchKeys;
  let target: MemberTable | null = null;
  let targetKey = '';
  let n = 0;
  let high = 0;
  for (let i = from; i < to; i++) {
    const argv = batch[i]!;
    const spec = table.lookup(argv[0]!)?.memberArgs;
    if (spec === undefined || spec === null || argv.length <= spec[0]) continue;
    const key = argv[1]!;
    let set: MemberTable | null = target;
    if (key !== targetKey || i === from) {
      set = c.db.memberTable(key);
      // A table that fits in the cache has no misses to hide: hashing its members twice would
      // cost more than it saves.
      if (set !== null && set.size < PREFETCH_MEMBERS_MIN) set = null;
      targetKey = key;
    }
    if (set !== target) {
      if (target !== null && n > 1) target.prefetch(members, n, prefetchFound);
      target = set;
      n = 0;
    }
    if (set === null) continue;
    for (let k = spec[0]; k < argv.length; k += spec[1]) {
      members[n++] = argv[k]!;
      if (n > high) high = n;
      if (n === PREFETCH_MAX) {
        set.prefetch(members, n, prefetchFound);
        n = 0;
      }
    }
  }
  if (target !== null && n > 1) target.prefetch(members, n, prefetchFound);
  for (let i = 0; i < high; i++) members[i] = '';
}

/** Resolves argv to a command record, or writes the rejection and returns null. */
export function resolve(c: Client, argv: string[]): Command | null {
  const inst = c.inst;
  let cmd = inst.commands.lookup(argv[0]!);
  if (cmd === undefined) {
    c.lastCommand = null;
    reject(c, null, E.UNKNOWN_COMMAND(argv[0]!, argv.slice(1)));
    return null;
  }
  if (cmd.subs !== null && argv.length >= 2) {
    const sub = argv[1]!;
    const found = cmd.subs.get(sub) ?? cmd.subs.get(sub.toLowerCase());
    if (found === undefined) {
      // No command record: like an unknown command, counted in no one's rejected_calls.
      c.lastCommand = null;
      reject(c, null, E.UNKNOWN_SUBCOMMAND(sub, cmd.name));
      return null;
    }
    cmd = found;
  }
  // CLIENT LIST's cmd=: Redis sets lastcmd right after the lookup, so a command rejected for its
  // arity or queued by MULTI shows, and the commands EXEC runs do not replace `exec`.
  c.lastCommand = cmd;
  const argc = argv.length;
  const arity = cmd.arity;
  if ((arity > 0 && argc !== arity) || argc < -arity) {
    reject(c, cmd, E.WRONG_ARGS(cmd.fullName));
    return null;
  }
  if ((cmd.bits & F.PROTECTED) !== 0 && !protectedAllowed(c, cmd)) return null;
  // authRequired(): while the default user needs a password, a client that has not
  // authenticated may run only no_auth commands (AUTH, HELLO, QUIT, RESET). Checked after arity,
  // as Redis does.
  if ((cmd.bits & F.NO_AUTH) === 0 && c.inst.acl.authRequired(c)) {
    reject(c, cmd, E.NOAUTH);
    return null;
  }
  if (!aclAllows(c, cmd, argv)) return null;
  // A RESP2 connection in subscribed mode can only (un)subscribe, ping, quit or reset.
  if (c.resp === 2 && c.inPubSub && !(cmd.parent === null && PUBSUB_ALLOWED.has(cmd.name))) {
    reject(
      c,
      cmd,
      `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
    return null;
  }
  return cmd;
}

/**
 * Redis's CMD_PROTECTED check, right after arity: MODULE LOAD/LOADEX/UNLOAD (and DEBUG in Redis,
 * which mnemo does not have) run only as their parameter allows: no, yes, or local (loopback
 * peers and the library's own client). The parameters are fixed at start-up, as in Redis.
 */
function protectedAllowed(c: Client, cmd: Command): boolean {
  const top = (cmd.parent ?? cmd).name.toUpperCase();
  const param = 'enable-module-command';
  if (c.inst.config.allowsProtected(param, c.local)) return true;
  reject(
    c,
    cmd,
    `ERR ${top} command not allowed. If the ${param} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
  );
  return false;
}

const PUBSUB_ALLOWED = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

/**
 * ACLCheckAllPerm as processCommand runs it: a denied command is logged and answered with
 * NOPERM (which also dooms a transaction being queued).
 */
function aclAllows(c: Client, cmd: Command, argv: string[]): boolean {
  if (c.aclUser.unrestricted) return true;
  // Redis refuses a no_multi command inside MULTI before it looks at permissions.
  if (c.multi !== null && (cmd.bits & F.NO_MULTI) !== 0) return true;
  const acl = c.inst.acl;
  const denial = acl.check(c.aclUser, cmd, argv);
  if (denial === null) return true;
  acl.logDenial(c, denial, cmd, argv, c.multi !== null ? 'multi' : 'toplevel');
  reject(c, cmd, Acl.denialError(denial, cmd));
  return false;
}

const EXEC_DENIAL = {
  command: 'no permission to execute the command or subcommand',
  key: 'no permission to touch the specified keys',
  channel: 'no permission to access one of the channels used as arguments',
} as const;

/**
 * EXEC checks each queued command again, since the rules may have changed after it was queued:
 * a denied one gets an error in its slot (and a log entry) instead of running.
 */
export function execAllows(c: Client, cmd: Command, argv: string[]): boolean {
  if (c.aclUser.unrestricted) return true;
  const acl = c.inst.acl;
  const denial = acl.check(c.aclUser, cmd, argv);
  if (denial === null) return true;
  acl.logDenial(c, denial, cmd, argv, 'multi');
  const message = `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${EXEC_DENIAL[denial.reason]}`;
  c.inst.countError(message);
  c.reply.error(message);
  return false;
}

/** Commands that run at once inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Redis's processCommand: resolve, then hold back (CLIENT PAUSE), queue (MULTI) or run. */
export function dispatch(c: Client, argv: string[]): void {
  const mark = c.reply.mark();
  const cmd = resolve(c, argv);
  if (cmd !== null) execute(c, cmd, argv);
  afterCommand(c, mark, argv);
}

/**
 * Runs a command already resolved (and checked) by resolve(): the MemoryStore keeps resolved
 * records and enters here directly, everything after lookup is shared.
 */
export function dispatchResolved(c: Client, cmd: Command, argv: string[]): void {
  const mark = c.reply.mark();
  c.lastCommand = cmd;
  // The permissions may have changed since the record was resolved.
  if (aclAllows(c, cmd, argv)) execute(c, cmd, argv);
  afterCommand(c, mark, argv);
}

function execute(c: Client, cmd: Command, argv: string[]): void {
  if (c.inst.eviction.armed && outOfMemory(c, cmd)) return;
  if (c.inst.persistence !== null && deniedByDiskError(c, cmd)) return;
  if (c.inst.pause !== null && mustWait(c, cmd)) {
    c.postponed = argv;
    c.inst.postponed.add(c);
    return;
  }
  if (c.multi !== null && !(cmd.parent === null && MULTI_IMMEDIATE.has(cmd.name))) {
    if ((cmd.bits & F.NO_MULTI) !== 0) reject(c, cmd, 'ERR Command not allowed inside a transaction');
    else {
      // queueMultiCommand: a transaction already doomed (dirty WATCH, rejected command) keeps
      // nothing more, so CLIENT LIST's multi= stops counting.
      if (!c.dirtyCas && !c.multiError) c.multi.push({ cmd, argv });
      c.reply.simple('QUEUED');
    }
    return;
  }
  call(c, cmd, argv);
  c.inst.propagation.flush();
  // handleClientsBlockedOnKeys: after a whole top-level command (EXEC included).
  if (c.inst.blocking.hasReady) {
    c.inst.blocking.serveReady();
    c.inst.propagation.flush();
    // Other clients' commands ran: not this client's next command's time.
    c.lap = -1;
  }
}

/** Commands a transaction may still send when memory is short (the rest are refused in MULTI). */
const OOM_MULTI_ALLOWED = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * processCommand's maxmemory step: evict what the policy allows, then refuse with -OOM a denyoom
 * command (or an EXEC with one queued) if the memory is still over the limit, and, inside MULTI,
 * any command but EXEC, DISCARD, QUIT and RESET. Returns true when the command was refused.
 */
function outOfMemory(c: Client, cmd: Command): boolean {
  const inst = c.inst;
  inst.ks.tick();
  if (inst.eviction.perform() !== EVICT_FAIL) return false;
  const top = cmd.parent === null ? cmd.name : '';
  let refuse = (cmd.bits & F.DENYOOM) !== 0;
  if (!refuse && top === 'exec' && c.multi !== null)
    refuse = c.multi.some((q) => (q.cmd.bits & F.DENYOOM) !== 0);
  if (!refuse && c.multi !== null && !OOM_MULTI_ALLOWED.has(top)) refuse = true;
  if (refuse) reject(c, cmd, OOM_ERROR);
  return refuse;
}

/**
 * processCommand's disk-error step: while the last background save failed (with
 * stop-writes-on-bgsave-error and save points) or the AOF cannot be written, write commands,
 * an EXEC of queued writes, and PING are refused with -MISCONF.
 */
function deniedByDiskError(c: Client, cmd: Command): boolean {
  const top = cmd.parent === null ? cmd.name : '';
  let write = (cmd.bits & F.WRITE) !== 0 || top === 'ping';
  if (!write && top === 'exec' && c.multi !== null) write = c.multi.some((q) => (q.cmd.bits & F.WRITE) !== 0);
  if (!write) return false;
  const err = c.inst.persistence!.diskError();
  if (err === null) return false;
  reject(c, cmd, err);
  return true;
}

/** CLIENT REPLY OFF/SKIP: the command ran, its reply is dropped; SKIP lasts one command. */
function afterCommand(c: Client, mark: number, argv: string[]): void {
  if (c.replyOff || c.replySkip) c.reply.rollback(mark);
  if (c.mutedPushes !== null) {
    // Pushes (subscription confirmations, messages) go out even with replies off (Redis's
    // CLIENT_PUSHING), after the reply they would otherwise have followed.
    const frames = c.mutedPushes;
    c.mutedPushes = null;
    for (const f of frames) c.conn?.pushFrame(f);
  }
  if (c.replySkip) c.replySkip = false;
  if (c.replySkipNext) {
    c.replySkip = true;
    c.replySkipNext = false;
  }
  // After the rollback: invalidation pushes for the client's own changes go out even with
  // CLIENT REPLY OFF, after the reply (Redis's trackingHandlePendingKeyInvalidations).
  if (c.inst.tracking.active) c.inst.tracking.afterDispatch(c, argv);
}

/** Whether CLIENT PAUSE holds this command back: everything, or writes (and EXEC of writes). */
function mustWait(c: Client, cmd: Command): boolean {
  // The in-process store cannot wait; like a replica, it is never paused.
  if (c.conn === null) return false;
  const pause = c.inst.pause!;
  if (pause.all) return true;
  if ((cmd.bits & (F.WRITE | F.MAY_REPLICATE)) !== 0) return true;
  if (cmd.parent === null && cmd.name === 'exec' && c.multi !== null) {
    return c.multi.some((q) => (q.cmd.bits & (F.WRITE | F.MAY_REPLICATE)) !== 0);
  }
  return false;
}

/** Runs a resolved command (Redis's call()). */
export function call(c: Client, cmd: Command, argv: string[]): void {
  const inst = c.inst;
  const timed = c.timed;
  let start = 0;
  if (timed) {
    // A command run right after another of the same batch starts where that one ended: its
    // time then also holds the dispatch between the two (lookup, checks), a fraction of a
    // microsecond Redis leaves out, for one clock read less per command.
    if (c.lap >= 0) {
      start = c.lap;
      c.lap = -1;
    } else start = perf.now();
    inst.ks.tick(start);
  } else inst.ks.lazyTick();
  const mark = c.reply.mark();
  const previous = inst.currentClient;
  inst.currentClient = c;
  const dirty = inst.dirty;
  try {
    cmd.handler!(c, argv);
  } catch (err) {
    cmd.stats.failed++;
    c.reply.rollback(mark);
    if (err instanceof ReplyError) {
      inst.countError(err.message);
      c.reply.error(err.message);
    } else {
      // A bug, not a user error: answer like Redis would for an internal failure, keep serving.
      const msg = `ERR internal error while executing '${cmd.fullName}': ${(err as Error)?.message ?? String(err)}`;
      inst.countError(msg);
      c.reply.error(msg);
      process.emitWarning(err as Error);
    }
  }
  inst.currentClient = previous;
  // A write that changed the dataset is propagated (as rewritten by its handler, if it was).
  if (inst.propagation.active && inst.dirty !== dirty && !c.noPropagate) {
    inst.propagation.add(c.dbIndex, c.propagateAs ?? argv);
  }
  c.propagateAs = null;
  c.noPropagate = false;
  if (timed) {
    const end = perf.now();
    if (c.chained) c.lap = end;
    const usec = (end - start) * 1000;
    cmd.stats.usec += usec;
    // A command that blocked is recorded once served, with both runs (see BlockingRegistry).
    if (c.blocked !== null) c.blockedUsec = usec;
    else if (inst.latencyTracking.num !== 0) recordLatency(cmd.stats, usec);
    // Slow log and latency monitor: one comparison while both are idle.
    if (usec >= inst.introspection.threshold) inst.introspection.record(c, cmd, argv, usec);
  }
  cmd.stats.calls++;
  inst.stats.commands++;
  c.commandsProcessed++;
  if (inst.monitors.size !== 0 && (cmd.bits & (F.ADMIN | F.SKIP_MONITOR)) === 0) {
    feedMonitors(inst.monitors, c, cmd, argv);
  }
  if (inst.tracking.clients.size !== 0) inst.tracking.afterCommand(c, cmd, argv);
}

function reject(c: Client, cmd: Command | null, message: string): void {
  if (cmd !== null) cmd.stats.rejected++;
  // flagTransaction: a command rejected while queueing dooms the transaction.
  if (c.multi !== null) c.multiError = true;
  if (cmd !== null && cmd.parent === null && cmd.name === 'exec') {
    // execCommandAbort: a rejected EXEC discards the transaction and says why.
    c.discardTransaction();
    message = `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`;
  }
  c.inst.countError(message);
  c.reply.error(message);
}
