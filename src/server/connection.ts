/**
 * One TCP client: reads socket chunks into the request parser, dispatches every complete
 * command, gathers its replies in the client's RespWriter, and writes them with a single
 * socket.write() once every connection readable in this turn of the event loop has been served
 * (scheduleFlush), as Redis writes replies in beforeSleep: a write wakes the peer, and on this
 * machine the wake-ups of one write per read were a tenth of the server's CPU at pipeline 16.
 * When the socket cannot take more (write() returns false)
 * reading stops until 'drain', so a client that does not read its replies cannot make the
 * server buffer without bound. A protocol error answers and closes only this connection.
 */

import { Socket, type SocketConstructorOpts } from 'node:net';
import { isWord } from '../commands/args.js';
import { Client, type Connection } from '../commands/client.js';
import { dispatch, prefetchPipeline } from '../commands/dispatch.js';
import type { Instance } from '../commands/instance.js';
import { type ParserLimits, ProtocolError, RequestParser } from '../protocol/parser.js';
import { RespWriter } from '../protocol/resp-writer.js';
import { authRequired, isLoopbackPeer, queryBufferLimitLog } from './limits.js';
import type { Logger } from './log.js';

/**
 * Replies gathered from one read are written once; past this many bytes they are written at
 * once, so that a pipeline of GETs of big values cannot pile up gigabytes before the socket
 * says it is full and reading stops.
 */
const FLUSH_AT = 1 << 20;

/** The limits every connection reads from one shared object, so that CONFIG SET applies at once. */
export interface ConnectionLimits extends ParserLimits {
  /** client-query-buffer-limit */
  queryBufferLimit: number;
}

/**
 * The buffer every plain TCP connection reads into (ClientConnection.accept): reads run one at
 * a time on the event loop, and each connection makes its unparsed bytes its own before the
 * read returns. 64 KB is what Node reads at most by default.
 */
const SHARED_READS = Buffer.allocUnsafeSlow(64 * 1024);

/** The most commands parsed ahead of running them, for prefetching their keys together. */
const BATCH = 16;
const NO_ARGV: string[] = [];

export class ClientConnection implements Connection {
  readonly client: Client;
  private readonly parser: RequestParser;
  private readonly writer = new RespWriter();
  private closing = false;
  private paused = false;
  private flushScheduled = false;
  /** Commands parsed ahead of running (fillBatch): batch[batchNext, batchLen) are still to run. */
  private readonly batch: string[][] = [];
  private batchNext = 0;
  private batchLen = 0;
  /** A protocol error met while parsing ahead, answered once the commands before it have run. */
  private batchError: ProtocolError | null = null;
  /** When the output first went over the soft limit (client-output-buffer-limit), or 0. */
  private softLimitSince = 0;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly local: boolean;

  constructor(
    private readonly socket: Socket,
    private readonly inst: Instance,
    private readonly log: Logger,
    private readonly onClose: (conn: ClientConnection) => void,
    private readonly limits: ConnectionLimits,
    /** The socket reads into SHARED_READS (see accept()) instead of emitting 'data'. */
    sharedReads = false,
  ) {
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort);
    this.laddr = formatAddr(socket.localAddress, socket.localPort);
    this.local = isLoopbackPeer(socket.remoteAddress);
    this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    this.client = new Client(inst, this.writer, this);
    // Redis's clientSetDefaultAuth: authenticated at once only if the default user needs no password.
    inst.acl.setDefaultAuth(this.client);
    this.parser = new RequestParser(limits);
    inst.clients.set(this.client.id, this.client);
    inst.stats.connections++;
    socket.setNoDelay(true);
    if (!sharedReads) {
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      // An accepted socket starts paused (pauseOnConnect) when it could not be re-wrapped.
      socket.resume();
    }
    socket.on('drain', () => this.onDrain());
    // The peer's EOF can arrive in the same turn of the event loop as its last commands, before
    // their replies are written (scheduleFlush); Node ends our side right after 'end' and
    // refuses writes from then on, so they are written now.
    socket.on('end', () => this.flushPending());
    socket.on('error', (err) => this.log.verbose(`Client ${this.addr} error: ${err.message}`));
    socket.on('close', () => this.cleanup());
  }

  /**
   * A connection for a plain TCP socket accepted with pauseOnConnect (nothing read yet). Node
   * gives each read of a socket a new Buffer, an ArrayBuffer with a native backing store to
   * allocate and later sweep; a socket created with `onread` reads into a buffer it is given
   * instead, which takes about a tenth off the CPU of a one-command round trip. net.Server has
   * no such option for the sockets it accepts, so the accepted socket's handle moves to a new
   * Socket created with `onread`, and the accepted one is destroyed without it (which also
   * takes it out of the server's count of connections: close() waits for these connections
   * itself). Reaching the handle uses Node's internal `_handle`; without one, the accepted
   * socket is kept and read through 'data' events as before. TLS sockets always are.
   */
  static accept(
    accepted: Socket,
    inst: Instance,
    log: Logger,
    onClose: (conn: ClientConnection) => void,
    limits: ConnectionLimits,
  ): ClientConnection {
    const holder = accepted as unknown as { _handle?: object | null };
    const handle = holder._handle;
    if (handle === undefined || handle === null)
      return new ClientConnection(accepted, inst, log, onClose, limits);
    holder._handle = null;
    accepted.destroy();
    let conn: ClientConnection | null = null;
    const options = {
      handle,
      readable: true,
      writable: true,
      onread: {
        buffer: SHARED_READS,
        // Reading starts on a later turn of the event loop, after `conn` is set.
        callback: (nread: number, buf: Uint8Array) => {
          conn!.received(buf as Buffer, nread);
        },
      },
    } as SocketConstructorOpts;
    conn = new ClientConnection(new Socket(options), inst, log, onClose, limits, true);
    return conn;
  }

  /** A read into SHARED_READS: what is not parsed now is copied out before the next read. */
  private received(buf: Buffer, nread: number): void {
    this.onData(buf.subarray(0, nread));
    this.parser.detach();
  }

  queryBufferBytes(): number {
    return this.parser.pendingBytes;
  }

  outputBufferBytes(): number {
    return this.writer.pending + this.socket.writableLength;
  }

  close(afterReply: boolean): void {
    if (afterReply) {
      this.client.closeAfterReply = true;
      return;
    }
    this.closing = true;
    this.socket.destroy();
  }

  pushFrame(bytes: Buffer): void {
    if (this.closing) return;
    this.writer.rawBytes(bytes);
    this.deferFlush();
  }

  /** Queues this connection's replies for the flush after the current I/O callbacks. */
  private deferFlush(): void {
    if (this.writer.len === 0 || this.flushScheduled) return;
    this.flushScheduled = true;
    scheduleFlush(this);
  }

  unblocked(): void {
    // Resume on a later turn: the command that served us is still on the stack.
    setImmediate(() => {
      if (this.closing) return;
      this.flush();
      this.processInput();
    });
  }

  /** Sends the replies queued for this connection (its own, messages, invalidations). */
  flushPending(): void {
    this.flushScheduled = false;
    if (!this.closing) this.flush();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const inst = this.inst;
    inst.stats.netInput += chunk.length;
    inst.stats.readsProcessed++;
    this.client.netIn += chunk.length;
    // Redis stamps a read with its cached clock (server.unixtime); ours is at most a cron
    // period old, and spares a clock read per read.
    this.client.lastInteraction = inst.ks.accessNow;
    this.parser.push(chunk);
    // readQueryFromClient: unparsed input over client-query-buffer-limit (a blocked client that
    // keeps sending, a bulk bigger than the limit) closes the client, without a reply.
    if (this.parser.pendingBytes > this.limits.queryBufferLimit) {
      this.log.warning(queryBufferLimitLog(this.client, inst.ks.clock.now(), this.parser.pendingHead(64)));
      this.close(false);
      return;
    }
    this.processInput();
  }

  private processInput(): void {
    const client = this.client;
    // A command held back by CLIENT PAUSE goes first once the pause is over.
    if (client.postponed !== null) {
      const argv = client.postponed;
      client.postponed = null;
      dispatch(client, argv);
    }
    client.chained = true;
    try {
      this.runCommands();
    } finally {
      client.chained = false;
      client.lap = -1;
      // Values the commands changed in place are measured again once per read, not per command
      // (a pipeline of pushes to one list: once); whatever reads the totals settles first.
      this.inst.ks.settle();
    }
  }

  /** processInput's loop over parsed commands; queues the replies when the input runs out. */
  private runCommands(): void {
    const client = this.client;
    while (!this.paused && !this.closing && client.blocked === null && client.postponed === null) {
      if (this.batchNext === this.batchLen && !this.fillBatch()) return;
      const argv = this.batch[this.batchNext]!;
      // Not kept alive by the batch once it runs.
      this.batch[this.batchNext++] = NO_ARGV;
      dispatch(client, argv);
      if (client.closeAfterReply) {
        this.flush(true);
        this.closing = true;
        // Like Redis's freeClient after the reply: the client is gone now, not when the peer
        // closes its side.
        this.inst.clientClosed(client);
        this.socket.end(() => this.socket.destroy());
        return;
      }
      if (this.writer.len > FLUSH_AT) {
        this.flush();
        client.lap = -1;
      }
    }
    this.deferFlush();
  }

  /**
   * Parses up to BATCH commands ahead of running them, so that their keys are looked up together
   * first (prefetchPipeline: the cache misses of a pipeline overlap). Returns false, with the
   * replies queued for writing, when nothing is left to run; a protocol error met after some
   * commands waits until they ran, then is answered as before. A client that must still
   * authenticate is parsed one command at a time (its request limits change once AUTH
   * succeeds), and a batch ends after a RESET, which may undo the authentication.
   */
  private fillBatch(): boolean {
    const client = this.client;
    const parser = this.parser;
    this.batchNext = 0;
    this.batchLen = 0;
    // Parsing and prefetching are not the next command's time.
    client.lap = -1;
    if (this.batchError !== null) {
      const err = this.batchError;
      this.batchError = null;
      this.protocolError(err);
      return false;
    }
    parser.authRequired = !client.authenticated && authRequired(client);
    const max = parser.authRequired ? 1 : BATCH;
    let n = 0;
    while (n < max) {
      let argv: string[] | null;
      try {
        argv = parser.next();
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        if (n === 0) {
          this.protocolError(err);
          return false;
        }
        this.batchError = err;
        break;
      }
      if (argv === null) break;
      if (argv.length === 0) continue;
      this.batch[n++] = argv;
      if (isWord(argv[0]!, 'reset')) break;
    }
    this.batchLen = n;
    if (n === 0) {
      this.deferFlush();
      return false;
    }
    prefetchPipeline(client, this.batch, 0, n);
    return true;
  }

  private protocolError(err: ProtocolError): void {
    this.inst.countError(err.reply);
    this.writer.error(err.reply);
    this.log.verbose(`Protocol error (${err.message}) from client: id=${this.client.id} addr=${this.addr}`);
    this.flush(true);
    this.closing = true;
    this.socket.end();
  }

  /** Sends the replies held back by the append-only file once its data is on disk. */
  private readonly resume = (): void => {
    if (!this.closing) this.flush();
  };

  /** `urgent`: the connection closes right after, so the AOF is made durable now, not later. */
  private flush(urgent = false): void {
    const writer = this.writer;
    if (writer.len === 0) return;
    const gate = this.inst.beforeReplies;
    if (gate?.(urgent ? null : this.resume)) return;
    const out = writer.take();
    const inst = this.inst;
    inst.stats.netOutput += out.length;
    inst.stats.writesProcessed++;
    this.client.netOut += out.length;
    const more = this.socket.write(out);
    // The buffer can be reused only if the socket wrote it synchronously.
    const backlog = this.socket.writableLength;
    writer.release(backlog === 0);
    if (backlog !== 0) this.checkOutputLimits(backlog);
    else this.softLimitSince = 0;
    if (!more && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /**
   * client-output-buffer-limit: a client whose unsent replies pass the hard limit, or stay over
   * the soft limit for too long, is disconnected, so a subscriber that stops reading cannot make
   * the server's memory grow without bound.
   */
  private checkOutputLimits(backlog: number): void {
    const cls = this.client.inPubSub ? 'pubsub' : 'normal';
    const limit = this.inst.config.clientOutputBufferLimit(cls);
    const hard = limit.hardBytes > 0 && backlog >= limit.hardBytes;
    let soft = false;
    if (limit.softBytes > 0 && backlog >= limit.softBytes) {
      const now = this.inst.ks.clock.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else soft = now - this.softLimitSince > limit.softSeconds * 1000;
    } else {
      this.softLimitSince = 0;
    }
    if (hard || soft) {
      this.log.warning(
        `Client id=${this.client.id} addr=${this.addr} closed for overcoming of output buffer limits.`,
      );
      this.inst.stats.clientsClosedByOutputLimit++;
      this.close(false);
    }
  }

  private onDrain(): void {
    if (!this.paused || this.closing) return;
    this.paused = false;
    this.socket.resume();
    this.processInput();
  }

  private cleanup(): void {
    this.closing = true;
    this.inst.clientClosed(this.client);
    this.onClose(this);
  }

  /** Ends the connection after writing what is pending (server shutdown). */
  shutdown(): void {
    this.flush(true);
    this.closing = true;
    this.socket.end();
    // A peer that never closes its side must not hold the server's close() forever.
    setTimeout(() => this.socket.destroy(), 500).unref();
  }
}

/**
 * Connections with replies to write, written together once the current batch of I/O callbacks
 * is done (setImmediate runs after the poll phase): Redis's handleClientsWithPendingWrites in
 * beforeSleep. `flushScheduled` keeps a connection from being listed twice.
 */
let pendingFlush: ClientConnection[] = [];
let flushTimer: NodeJS.Immediate | null = null;

function flushAll(): void {
  flushTimer = null;
  const conns = pendingFlush;
  pendingFlush = [];
  for (let i = 0; i < conns.length; i++) conns[i]!.flushPending();
}

function scheduleFlush(conn: ClientConnection): void {
  pendingFlush.push(conn);
  if (flushTimer === null) flushTimer = setImmediate(flushAll);
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? 0}`;
}
