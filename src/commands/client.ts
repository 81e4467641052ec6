/**
 * Client: the state of one caller of dispatch(), whether a TCP connection or an in-process
 * MemoryStore. It holds what Redis keeps in its client struct that commands read or change:
 * selected database, protocol version, name, flags, timing for CLIENT LIST, and the reply sink.
 * What only a socket knows (addresses, buffers) comes from the optional Connection.
 */

import type { Database } from '../engine/db.js';
import type { Reply } from '../protocol/reply.js';
import type { AclUser } from './acl.js';
import type { BlockState } from './blocking.js';
import type { Instance } from './instance.js';
import type { PubSubMessage, Subscriber } from './pubsub.js';
import type { Command } from './spec.js';
import type { WatchedKey } from './watch.js';

/** What the network layer tells about a client (absent for in-process clients). */
export interface Connection {
  readonly addr: string;
  /** Redis's islocalClient(): the peer is 127.0.0.1 or ::1 (the `local` setting of protected actions). */
  readonly local: boolean;
  readonly laddr: string;
  readonly fd: number;
  /** Bytes read but not yet parsed into commands. */
  queryBufferBytes(): number;
  /** Bytes of replies not yet accepted by the socket. */
  outputBufferBytes(): number;
  /** Closes the connection once pending replies are written (CLIENT KILL, QUIT). */
  close(afterReply: boolean): void;
  /** Queues bytes produced outside this client's own commands (messages) and sends them soon. */
  pushFrame(bytes: Buffer): void;
  /** The client was blocked and got its reply: send it and resume reading commands. */
  unblocked(): void;
}

export class Client implements Subscriber {
  readonly id: number;
  dbIndex = 0;
  db: Database;
  name = '';
  readonly createdAt: number;
  lastInteraction: number;
  lastCommand: Command | null = null;
  /** Total input and output bytes, for CLIENT LIST tot-net-in/out (set by the server). */
  netIn = 0;
  netOut = 0;
  /** The connection closes after the current reply is sent (QUIT, protocol errors). */
  closeAfterReply = false;
  authenticated = true;
  /** The ACL user the client runs as (Redis's c->user). */
  aclUser: AclUser;
  /** Commands executed, for CLIENT LIST tot-cmds (7.2 field; kept for INFO). */
  commandsProcessed = 0;
  /** Commands queued since MULTI, or null outside a transaction. */
  multi: Array<{ cmd: Command; argv: string[] }> | null = null;
  /** A queued command was rejected: EXEC answers EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
  multiError = false;
  /** A watched key changed: EXEC answers a null array (CLIENT_DIRTY_CAS). */
  dirtyCas = false;
  readonly watching: WatchedKey[] = [];
  /** Inside EXEC (and later scripts): blocking commands must not block. */
  denyBlocking = false;
  /**
   * Commands are timed (INFO commandstats usec, SLOWLOG, LATENCY). Always for connections; the
   * library's client only when asked (MemoryStoreOptions.commandTiming): two clock reads are
   * most of an in-process GET.
   */
  timed = true;
  /**
   * While the connection runs commands it parsed together, the end time of one command is the
   * start time of the next (one clock read per command instead of two: `lap` holds that reading
   * between them, -1 otherwise). See call().
   */
  chained = false;
  lap = -1;
  /** How long the command that blocked this client took on its first run, µs (Redis's c->duration). */
  blockedUsec = 0;
  /** CLIENT REPLY OFF / SKIP state (Redis's CLIENT_REPLY_OFF, _SKIP_NEXT, _SKIP). */
  replyOff = false;
  replySkipNext = false;
  replySkip = false;
  /** Push frames this client's own command produced while its replies were off (see afterCommand). */
  mutedPushes: Buffer[] | null = null;
  /** CLIENT NO-EVICT */
  noEvict = false;
  /** A command held back by CLIENT PAUSE, run again when the pause ends. */
  postponed: string[] | null = null;
  /** MONITOR mode. */
  monitor = false;
  /** How the running command is propagated: rewritten (rewriteCommand) or not at all. */
  propagateAs: string[] | null = null;
  noPropagate = false;
  /** Set while a blocking command waits (BLPOP...); the connection reads no further commands. */
  blocked: BlockState | null = null;
  /** For in-process clients without a connection: called when a blocked command completes. */
  onUnblock: (() => void) | null = null;
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  constructor(
    readonly inst: Instance,
    public reply: Reply & { resp: 2 | 3 },
    public conn: Connection | null,
  ) {
    this.id = inst.nextClientId++;
    this.aclUser = inst.acl.defaultUser;
    this.db = inst.ks.db(0);
    this.createdAt = inst.ks.clock.now();
    this.lastInteraction = this.createdAt;
  }

  /** The ACL user's name (CLIENT LIST user=, ACL WHOAMI). */
  get user(): string {
    return this.aclUser.name;
  }

  /**
   * islocalClient, for the `local` setting of enable-protected-configs and
   * enable-module-command: a loopback peer, or the library's own client (in the same process).
   */
  get local(): boolean {
    return this.conn === null || this.conn.local;
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  /**
   * Propagates the running write as `argv` instead of the command as sent (Redis's
   * rewriteClientCommandVector): the deterministic form for the append-only file.
   */
  rewriteCommand(argv: string[]): void {
    this.propagateAs = argv;
  }

  /** Propagates an extra command now, before the running one (Redis's alsoPropagate). */
  alsoPropagate(argv: string[]): void {
    this.inst.propagation.add(this.dbIndex, argv);
  }

  /** The running command is not propagated (its effect was propagated another way). */
  preventPropagation(): void {
    this.noPropagate = true;
  }

  /** Leaves MULTI state and forgets watched keys (Redis's discardTransaction). */
  discardTransaction(): void {
    this.multi = null;
    this.multiError = false;
    this.dirtyCas = false;
    this.inst.watches.unwatchAll(this);
  }

  /** Redis's CLIENT_PUBSUB: subscribed to anything. */
  get inPubSub(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  unblocked(): void {
    if (this.conn !== null) this.conn.unblocked();
    else if (this.onUnblock !== null) this.onUnblock();
  }

  deliver(message: PubSubMessage): void {
    if (this.conn === null) return;
    const frame = message.frame(this.resp);
    // A message to itself while its reply is being dropped must survive the rollback.
    if (this.inst.currentClient === this && (this.replyOff || this.replySkip))
      (this.mutedPushes ??= []).push(frame);
    else this.conn.pushFrame(frame);
  }

  select(index: number): void {
    this.dbIndex = index;
    this.db = this.inst.ks.db(index);
  }
}
