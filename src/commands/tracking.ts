/**
 * Server-assisted client-side caching (Redis 7.0's tracking.c): the CLIENT TRACKING state of
 * each client, the table of keys tracking clients may hold in their caches (key -> client ids),
 * the prefix table of BCAST clients, and the invalidation messages sent when a key changes or
 * expires, when a database is flushed, or when the table outgrows tracking-table-max-keys.
 *
 * Delivery follows sendTrackingMessage: a RESP3 client gets `>2 invalidate <keys>` pushes; with
 * REDIRECT the message goes to the other client instead, as a push when that one speaks RESP3
 * or, when it is a RESP2 connection in Pub/Sub mode (any subscription: Redis checks the mode,
 * not the channel), as a `message` on `__redis__:invalidate`. An invalidation caused by the
 * client's own command waits until that command's reply is out (Redis's pending list), and BCAST
 * invalidations are gathered per prefix and sent once per event-loop turn (beforeSleep).
 *
 * Hooks: afterCommand (end of every call(), remembers keys read), afterDispatch (end of every
 * top-level command: pending invalidations, the CLIENT CACHING reset, the table limit),
 * keyModified and dbFlushed (keyspace changes), clientClosed. With nothing tracked, `active`
 * is false and the callers skip them.
 */

import type { Client } from './client.js';
import type { Instance } from './instance.js';
import { type Command, F } from './spec.js';

/** One client's CLIENT TRACKING settings (Redis's CLIENT_TRACKING_* flags and fields). */
export class ClientTracking {
  /** Client id the messages go to, 0 for this connection. */
  redirect = 0;
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command. */
  caching = false;
  /** The redirect target went away (CLIENT LIST flag R, TRACKINGINFO broken_redirect). */
  brokenRedirect = false;
  /** BCAST prefixes (listed sorted, as Redis's radix tree holds them). */
  readonly prefixes = new Set<string>();
}

export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: readonly string[];
}

/**
 * The positions of the keys in a command's argv. The command family owns key extraction (the
 * COMMAND GETKEYS code) and commands/ may not import families/, so CLIENT TRACKING hands it in.
 */
export type KeyFinder = (cmd: Command, argv: readonly string[]) => ReadonlyArray<{ pos: number }>;

/** A BCAST prefix: keys changed this turn (with the client that changed them last) and its clients. */
interface BcastState {
  keys: Map<string, Client | null>;
  readonly clients: Set<Client>;
}

const PUSH_HEAD = '>2\r\n$10\r\ninvalidate\r\n';
const MESSAGE_HEAD = '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n';

/** A RESP array of bulk strings, as one latin1 string (keys are one char per byte). */
function keysArray(keys: readonly string[]): string {
  let out = `*${keys.length}\r\n`;
  for (const k of keys) out += `$${k.length}\r\n${k}\r\n`;
  return out;
}

/** Scripts that only read remember nothing: Redis excludes them by name in call(). */
const UNTRACKED_READONLY = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

export class Tracking {
  /** Clients with CLIENT TRACKING on. */
  readonly clients = new Map<Client, ClientTracking>();
  /** Redis's TrackingTable: key -> ids of clients that may cache it (ids of gone clients linger). */
  private readonly table = new Map<string, Set<number>>();
  private items = 0;
  /** Redis's PrefixTable, for BCAST clients. */
  private readonly prefixTable = new Map<string, BcastState>();
  /** Invalidations for the running command's own client, sent after its reply. */
  private readonly pending: Array<{ c: Client; keys: string[] | null }> = [];
  private broadcastScheduled = false;
  /** How many table-limit rounds in a row ended still over the limit (more effort each time). */
  private limitRounds = 0;
  private inst: Instance | null = null;
  private findKeys: KeyFinder | null = null;

  /** Whether any hook has work to do. */
  get active(): boolean {
    return this.clients.size !== 0 || this.table.size !== 0 || this.pending.length !== 0;
  }

  /** INFO tracking_total_keys */
  get totalKeys(): number {
    return this.table.size;
  }

  /** INFO tracking_total_items: client ids stored over all keys. */
  get totalItems(): number {
    return this.items;
  }

  /** INFO tracking_total_prefixes */
  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  /** The client's tracking state, or undefined while tracking is off. */
  state(c: Client): ClientTracking | undefined {
    return this.clients.get(c);
  }

  /** CLIENT TRACKING ON, once the options were validated (enableTracking). */
  enable(c: Client, options: TrackingOptions, findKeys: KeyFinder): void {
    if (this.inst === null) {
      this.inst = c.inst;
      // serverCron trims the table too, so a CONFIG SET of the limit applies on an idle server.
      c.inst.cronHooks.push(() => {
        if (this.clients.size !== 0) this.limitUsedSlots();
      });
    }
    this.findKeys = findKeys;
    let st = this.clients.get(c);
    if (st === undefined) {
      st = new ClientTracking();
      this.clients.set(c, st);
    }
    // A CLIENT CACHING given before survives re-enabling, as the flag does in Redis.
    st.brokenRedirect = false;
    st.noloop = options.noloop;
    st.optin = options.optin;
    st.optout = options.optout;
    st.redirect = options.redirect;
    if (options.bcast) {
      st.bcast = true;
      if (options.prefixes.length === 0) this.addPrefix(c, st, '');
      for (const p of options.prefixes) this.addPrefix(c, st, p);
    }
  }

  private addPrefix(c: Client, st: ClientTracking, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (bs === undefined) {
      bs = { keys: new Map(), clients: new Set() };
      this.prefixTable.set(prefix, bs);
    }
    bs.clients.add(c);
    st.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET, disconnect (disableTracking). Table entries are dropped lazily. */
  disable(c: Client): void {
    const st = this.clients.get(c);
    if (st === undefined) return;
    for (const p of st.prefixes) {
      const bs = this.prefixTable.get(p);
      if (bs === undefined) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixTable.delete(p);
    }
    this.clients.delete(c);
  }

  clientClosed(c: Client): void {
    this.disable(c);
    for (let i = this.pending.length - 1; i >= 0; i--)
      if (this.pending[i]!.c === c) this.pending.splice(i, 1);
  }

  /** After a command ran for `c` inside call(): remembers the keys a read-only command fetched. */
  afterCommand(c: Client, cmd: Command, argv: string[]): void {
    const st = this.clients.get(c);
    if (st === undefined || st.bcast) return;
    if ((cmd.bits & F.READONLY) === 0 || (cmd.bits & F.PUBSUB) !== 0) return;
    if (cmd.parent === null && UNTRACKED_READONLY.has(cmd.name)) return;
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    if (this.findKeys === null) return;
    for (const { pos } of this.findKeys(cmd, argv)) {
      const key = argv[pos]!;
      let ids = this.table.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
  }

  /**
   * After a top-level command (not each command inside EXEC): sends the invalidations its own
   * keys caused, ends the one-command CLIENT CACHING, and keeps the table under its limit.
   */
  afterDispatch(c: Client, argv: readonly string[]): void {
    const st = this.clients.get(c);
    // resetClient: CACHING covers the next command, or the whole MULTI ... EXEC; any CLIENT
    // subcommand (even one rejected for its arity) leaves it in place.
    if (st?.caching && c.multi === null && c.postponed === null && !isClientSubcommand(c, argv)) {
      st.caching = false;
    }
    if (this.pending.length !== 0) {
      const pending = this.pending.splice(0);
      for (const { c: target, keys } of pending) {
        this.send(target, keys === null ? nullFor(target) : keysArray(keys));
      }
    }
    if (this.clients.size !== 0) this.limitUsedSlots();
  }

  /** A key changed; `by` is the client whose command changed it (null for expiry/eviction). */
  keyModified(_db: number, key: string, by: Client | null): void {
    this.invalidateKey(key, by, true);
  }

  /**
   * trackingInvalidateKey. Keys are not per database: a key of that name in any database is
   * invalidated. `bcast` is false when the table limit evicts a key that did not change.
   */
  private invalidateKey(key: string, by: Client | null, bcast: boolean): void {
    const inst = this.inst;
    if (inst === null) return;
    if (bcast && this.prefixTable.size !== 0) this.rememberForBroadcast(key, by);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    const current = inst.currentClient;
    for (const id of ids) {
      const target = inst.clients.get(id);
      if (target === undefined) continue;
      const st = this.clients.get(target);
      // Keys read before a switch to BCAST are not reported one by one any more.
      if (st === undefined || st.bcast) continue;
      // NOLOOP compares with the client running a command, so a key that expires during the
      // client's own read is not reported to it either, as in Redis.
      if (st.noloop && target === current) continue;
      if (target === current) this.pending.push({ c: target, keys: [key] });
      else this.send(target, keysArray([key]));
    }
    this.items -= ids.size;
    this.table.delete(key);
  }

  /** A database is about to be flushed (-1: all): every tracking client learns "all keys". */
  dbFlushed(_db: number): void {
    const inst = this.inst;
    if (inst === null) return;
    if (this.clients.size !== 0) {
      // In connection order, as Redis walks server.clients.
      for (const x of inst.clients.values()) {
        if (!this.clients.has(x)) continue;
        if (x === inst.currentClient) this.pending.push({ c: x, keys: null });
        else this.send(x, nullFor(x));
      }
    }
    this.table.clear();
    this.items = 0;
  }

  /** trackingRememberKeyToBroadcast: the key joins every matching prefix's batch of this turn. */
  private rememberForBroadcast(key: string, by: Client | null): void {
    let matched = false;
    for (const [prefix, bs] of this.prefixTable) {
      if (prefix.length > key.length || !key.startsWith(prefix)) continue;
      bs.keys.set(key, by);
      matched = true;
    }
    if (matched && !this.broadcastScheduled) {
      this.broadcastScheduled = true;
      // After the I/O callbacks of this turn, like beforeSleep: pipelined changes share a message.
      setImmediate(() => this.broadcast());
    }
  }

  /** trackingBroadcastInvalidationMessages: one message per prefix, its keys sorted. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    const prefixes = [...this.prefixTable.keys()].sort(compareBytes);
    for (const prefix of prefixes) {
      const bs = this.prefixTable.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const changed = bs.keys;
      bs.keys = new Map();
      const keys = [...changed.keys()].sort(compareBytes);
      let common: string | null = null;
      for (const c of bs.clients) {
        const st = this.clients.get(c);
        if (st === undefined) continue;
        if (st.noloop) {
          // Without the keys this client changed last; nothing at all if that leaves none.
          const own = keys.filter((k) => changed.get(k) !== c);
          if (own.length !== 0) this.send(c, keysArray(own));
        } else {
          common ??= keysArray(keys);
          this.send(c, common);
        }
      }
    }
  }

  /**
   * trackingLimitUsedSlots: while the table holds more keys than tracking-table-max-keys,
   * forget keys (telling their clients, as if the keys changed), with an effort that grows
   * while the table stays over the limit. Redis picks keys at random; the oldest go first here.
   */
  private limitUsedSlots(): void {
    const inst = this.inst;
    if (inst === null) return;
    const max = inst.config.number('tracking-table-max-keys');
    if (max === 0 || this.table.size <= max) {
      this.limitRounds = 0;
      return;
    }
    let effort = 100 * (this.limitRounds + 1);
    // Not the running command's client: these are sent at once (current is null here).
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidateKey(key, null, false);
      if (this.table.size <= max) {
        this.limitRounds = 0;
        return;
      }
    }
    this.limitRounds++;
  }

  /**
   * sendTrackingMessage: `body` is the RESP of the keys array (or of a null after a flush). A
   * broken redirect is reported to a RESP3 client; a RESP2 client without a redirect, or
   * redirecting to a connection that is neither RESP3 nor subscribed, gets nothing.
   */
  private send(c: Client, body: string): void {
    const st = this.clients.get(c);
    let to = c;
    let redirected = false;
    if (st !== undefined && st.redirect !== 0) {
      const target = this.inst?.clients.get(st.redirect);
      if (target === undefined) {
        st.brokenRedirect = true;
        if (c.resp === 3 && c.conn !== null) {
          c.conn.pushFrame(
            Buffer.from(`>2\r\n$21\r\ntracking-redir-broken\r\n:${st.redirect}\r\n`, 'latin1'),
          );
        }
        return;
      }
      to = target;
      redirected = true;
    }
    if (to.conn === null) return;
    let head: string;
    if (to.resp === 3) head = PUSH_HEAD;
    else if (redirected && to.inPubSub) head = MESSAGE_HEAD;
    else return;
    to.conn.pushFrame(Buffer.from(head + body, 'latin1'));
  }
}

/** The "all keys" null after a flush, in the tracking client's protocol (even when redirected). */
function nullFor(c: Client): string {
  return c.resp === 3 ? '_\r\n' : '$-1\r\n';
}

/** Byte order (keys are latin1 strings), as Redis's radix tree sorts. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether argv names an existing CLIENT subcommand (Redis's prevcmd == clientCommand). */
function isClientSubcommand(c: Client, argv: readonly string[]): boolean {
  if (argv.length < 2) return false;
  const cmd = c.inst.commands.lookup(argv[0]!);
  if (cmd === undefined || cmd.name !== 'client' || cmd.subs === null) return false;
  const sub = argv[1]!;
  return cmd.subs.has(sub) || cmd.subs.has(sub.toLowerCase());
}
