/**
 * The benchmark's own RESP2 client: a small request/reply connection for control traffic
 * (PING, INFO, DBSIZE, preparing keys) and a pipelined bulk loader for the memory, scale and
 * pauses parts. It is written independently of mnemo's src/protocol so that a bug there cannot
 * change how mnemo is measured against redis-server.
 */

import { connect, type Socket } from 'node:net';

export class RespError extends Error {}

export type RespValue = string | number | null | RespError | RespValue[];

const CRLF = Buffer.from('\r\n');

export function encodeCommand(argv: readonly string[]): Buffer {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

/** One reply starting at `pos`, with the offset after it; undefined while incomplete. */
export function parseReply(buf: Buffer, pos: number): [RespValue, number] | undefined {
  if (pos >= buf.length) return undefined;
  const end = buf.indexOf(CRLF, pos);
  if (end < 0) return undefined;
  const line = buf.toString('latin1', pos + 1, end);
  const next = end + 2;
  switch (buf[pos]) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new RespError(line), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: RespValue[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (r === undefined) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected reply byte 0x${(buf[pos] ?? 0).toString(16)}`);
  }
}

interface Waiter {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
}

/** One connection; replies arrive in request order, error replies resolve as RespError. */
export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: Waiter[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.failAll(err));
    socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespClient(socket));
      });
    });
  }

  command(...argv: string[]): Promise<RespValue> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(encodeCommand(argv));
    });
  }

  /** Like command(), but an error reply rejects. */
  async call(...argv: string[]): Promise<RespValue> {
    const r = await this.command(...argv);
    if (r instanceof RespError) throw new Error(`${argv[0]} failed: ${r.message}`);
    return r;
  }

  async info(section: string): Promise<Map<string, string>> {
    const text = await this.call('INFO', section);
    const fields = new Map<string, string>();
    for (const line of String(text).split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) fields.set(line.slice(0, i), line.slice(i + 1));
    }
    return fields;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    while (this.waiting.length > 0) {
      const r = parseReply(this.buf, pos);
      if (r === undefined) break;
      pos = r[1];
      this.waiting.shift()!.resolve(r[0]);
    }
    this.buf = this.buf.subarray(pos);
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}

/** The memory test's key and value for index i (1-based): `key:0000001` -> `val1`. */
export function loadKey(i: number, width: number): string {
  return `key:${String(i).padStart(width, '0')}`;
}

function buildSetBatch(first: number, n: number, width: number): Buffer {
  let out = '';
  for (let i = first; i < first + n; i++) {
    const key = loadKey(i, width);
    const val = `val${i}`;
    out += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${val.length}\r\n${val}\r\n`;
  }
  return Buffer.from(out, 'latin1');
}

/** The key width loadKeys uses for keys 1..count unless told otherwise. */
export function loadKeyWidth(count: number): number {
  return Math.max(7, String(count).length);
}

export interface LoadRange {
  /** Index of the first key (1 unless continuing an earlier load). */
  first?: number;
  /** Digits in a key (loadKeyWidth of the highest index ever loaded, so a continued load matches). */
  width?: number;
  host?: string;
}

/**
 * Writes `total` commands through one connection, `batch` at a time as built by
 * `build(from, n)`, keeping up to four batches of replies outstanding so both servers see the
 * same deep pipeline. Every reply must be one line starting with `replyByte` (+ for OK, : for an
 * integer); the first anything-else rejects with its text. Resolves with the wall time in ms.
 */
export function pipelineLoad(
  port: number,
  total: number,
  build: (from: number, n: number) => Buffer,
  options: { replyByte: number; batch: number; host?: string; what: string },
): Promise<number> {
  const { replyByte, batch, what } = options;
  const window = 4 * batch;
  if (total <= 0) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: options.host ?? '127.0.0.1' });
    let sent = 0;
    let acked = 0;
    let atLineStart = true;
    let done = false;
    const start = performance.now();
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(err);
    };
    const sendMore = () => {
      while (sent < total && sent - acked < window) {
        const n = Math.min(batch, total - sent);
        socket.write(build(sent, n));
        sent += n;
      }
    };
    socket.on('connect', sendMore);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`connection closed after ${acked} of ${total} replies`)));
    socket.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (atLineStart && b !== replyByte) {
          fail(new Error(`${what} #${acked + 1} answered: ${chunk.toString('latin1', i, i + 120).trim()}`));
          return;
        }
        atLineStart = b === 0x0a;
        if (atLineStart) acked++;
      }
      if (acked === total) {
        done = true;
        const ms = performance.now() - start;
        socket.destroy();
        resolve(ms);
      } else sendMore();
    });
  });
}

/** Writes `count` SETs (keys `first`..`first + count - 1`): the memory and scale parts' load. */
export function loadKeys(port: number, count: number, range: LoadRange = {}): Promise<number> {
  const first = range.first ?? 1;
  const width = range.width ?? loadKeyWidth(first + count - 1);
  return pipelineLoad(port, count, (from, n) => buildSetBatch(first + from, n, width), {
    replyByte: 0x2b,
    batch: 10_000,
    what: 'SET',
    ...(range.host !== undefined ? { host: range.host } : {}),
  });
}
