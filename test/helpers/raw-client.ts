/**
 * A persistent raw RESP connection for byte-for-byte comparisons: argvs go out as multibulk
 * (or any raw bytes, e.g. inline commands), and every reply comes back as the exact bytes the
 * server wrote, one Buffer per reply, cut by a small RESP2/RESP3 frame scanner that does not
 * interpret anything. Comparing these Buffers is what the compat suite is about, so nothing
 * here decodes or normalises (decoding, when a comparison needs it, is RespReader's job in
 * resp.ts). Also knows when the server closed the connection, for protocol-error tests.
 */

import { Socket } from 'node:net';
import { encodeCommand, RespReader, type RespValue } from './resp.js';

export type Argv = ReadonlyArray<string | Buffer>;

const CR = 13;
const LF = 10;

function lineEnd(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length - 1; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

function headerInt(buf: Buffer, from: number, to: number): number {
  const text = buf.toString('latin1', from, to);
  if (!/^-?\d+$/.test(text)) throw new Error(`raw-client: bad length ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * The offset just past the complete RESP frame starting at `pos`, or -1 if `buf` does not
 * hold all of it yet. An attribute (`|`) is counted together with the value it annotates.
 */
export function frameEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const type = buf[pos]!;
  const eol = lineEnd(buf, pos + 1);
  if (eol < 0) return -1;
  const next = eol + 2;
  switch (type) {
    case 0x2b: // + simple
    case 0x2d: // - error
    case 0x3a: // : integer
    case 0x2c: // , double
    case 0x28: // ( big number
    case 0x23: // # boolean
    case 0x5f: // _ null
      return next;
    case 0x24: // $ bulk
    case 0x3d: // = verbatim
    case 0x21: {
      // ! bulk error
      const n = headerInt(buf, pos + 1, eol);
      if (n < 0) return next;
      return buf.length >= next + n + 2 ? next + n + 2 : -1;
    }
    case 0x2a: // * array
    case 0x7e: // ~ set
    case 0x3e: // > push
    case 0x25: // % map
    case 0x7c: {
      // | attribute
      let n = headerInt(buf, pos + 1, eol);
      if (n < 0) return next;
      if (type === 0x25 || type === 0x7c) n *= 2;
      let p = next;
      for (let i = 0; i < n; i++) {
        p = frameEnd(buf, p);
        if (p < 0) return -1;
      }
      return type === 0x7c ? frameEnd(buf, p) : p;
    }
    default:
      throw new Error(`raw-client: unexpected byte 0x${type.toString(16)} at offset ${pos}`);
  }
}

interface Waiter {
  count: number;
  resolve: (replies: Buffer[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RawClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly replies: Buffer[] = [];
  private waiter: Waiter | null = null;
  private ended = false;
  private lastData = Date.now();
  /** Resolves when the server (or we) closed the connection. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly timeoutMs: number,
  ) {
    let onClosed!: () => void;
    this.closed = new Promise((r) => (onClosed = r));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // reported through 'close' and the pending waiter
    socket.on('close', () => {
      this.ended = true;
      onClosed();
      this.settle();
    });
  }

  static connect(port: number, options: { host?: string; timeoutMs?: number } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.connect(port, options.host ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket, port, options.timeoutMs ?? 10_000));
      });
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  private onData(chunk: Buffer): void {
    this.lastData = Date.now();
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      const end = frameEnd(this.buf, pos);
      if (end < 0) break;
      // Copy: the reply must not share memory with a buffer we keep appending to.
      this.replies.push(Buffer.from(this.buf.subarray(pos, end)));
      pos = end;
    }
    this.buf = pos === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
    this.settle();
  }

  private settle(): void {
    const w = this.waiter;
    if (w === null) return;
    if (this.replies.length >= w.count) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.resolve(this.replies.splice(0, w.count));
    } else if (this.ended) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.reject(
        new Error(
          `port ${this.port}: connection closed after ${this.replies.length} of ${w.count} replies` +
            (this.buf.length > 0 ? ` (+${this.buf.length} bytes of an incomplete reply)` : ''),
        ),
      );
    }
  }

  /** Waits for the next `count` replies, as raw bytes. */
  read(count: number): Promise<Buffer[]> {
    if (this.waiter !== null) return Promise.reject(new Error('raw-client: concurrent read'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`port ${this.port}: timeout, ${this.replies.length} of ${count} replies`));
      }, this.timeoutMs);
      this.waiter = { count, resolve, reject, timer };
      this.settle();
    });
  }

  /**
   * Everything the server sent that no read() took, once it closed the connection or stayed
   * silent for `idleMs`: for inputs whose number of replies is not known in advance.
   */
  async drain(idleMs = 300): Promise<{ bytes: Buffer; closed: boolean }> {
    while (!this.ended && Date.now() - this.lastData < idleMs) await new Promise((r) => setTimeout(r, 10));
    const bytes = Buffer.concat([...this.replies.splice(0), this.buf]);
    this.buf = Buffer.alloc(0);
    return { bytes, closed: this.ended };
  }

  /** Writes bytes as they are (inline commands, hand-made protocol, partial frames). */
  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Pipelines every argv in one write and resolves with one raw reply per argv. */
  send(argvs: ReadonlyArray<Argv>): Promise<Buffer[]> {
    if (argvs.length === 0) return Promise.resolve([]);
    this.write(Buffer.concat(argvs.map((a) => encodeCommand(a))));
    return this.read(argvs.length);
  }

  async command(...argv: Array<string | Buffer>): Promise<Buffer> {
    const [r] = await this.send([argv]);
    return r!;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}

/** A reply's bytes in a readable, unambiguous form for failure messages. */
export function showRaw(b: Buffer, max = 600): string {
  let s = '';
  for (const byte of b.subarray(0, max)) {
    if (byte === CR) s += '\\r';
    else if (byte === LF) s += '\\n';
    else if (byte === 0x5c) s += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) s += String.fromCharCode(byte);
    else s += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return b.length > max ? `${s}... (${b.length} bytes)` : s;
}

/** Decodes one complete raw reply. */
export function decodeReply(raw: Buffer): RespValue {
  const r = new RespReader();
  r.feed(raw);
  const v = r.next();
  if (v === undefined) throw new Error(`incomplete reply ${showRaw(raw)}`);
  return v;
}
