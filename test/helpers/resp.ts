/**
 * A small, independent RESP2/RESP3 client for tests that compare mnemo with a real
 * redis-server byte for byte: an incremental reader that keeps every reply's RESP type
 * (simple vs bulk vs verbatim, int vs double, map vs set vs array, the three nulls), a command
 * encoder, and sendCommands() that pipelines argvs over one connection and returns the
 * replies. It shares no code with src/protocol on purpose, so it can catch encoder bugs there.
 */

import { Socket } from 'node:net';

export type RespValue =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'int'; value: bigint }
  | { type: 'bulk'; value: string }
  | { type: 'verbatim'; format: string; value: string }
  | { type: 'double'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'bignum'; value: string }
  /** RESP3 `_`. */
  | { type: 'null' }
  /** RESP2 `$-1`. */
  | { type: 'nullbulk' }
  /** RESP2 `*-1`. */
  | { type: 'nullarray' }
  | { type: 'array'; value: RespValue[] }
  | { type: 'set'; value: RespValue[] }
  | { type: 'push'; value: RespValue[] }
  | { type: 'map'; value: Array<[RespValue, RespValue]> }
  /** RESP3 `|` attribute, followed by the value it annotates. */
  | { type: 'attribute'; value: Array<[RespValue, RespValue]>; of: RespValue };

/** Thrown by the reader on bytes that are not RESP. */
export class RespProtocolError extends Error {}

const CRLF = Buffer.from('\r\n');

/**
 * Incremental reader: feed() chunks as they arrive, then take complete replies with next().
 * Strings are latin1 (one char per byte) so binary payloads compare exactly.
 */
export class RespReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  feed(chunk: Buffer): void {
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.pos = 0;
  }

  /** The next complete reply, or undefined when more bytes are needed. */
  next(): RespValue | undefined {
    const r = this.parse(this.pos);
    if (r === null) return undefined;
    this.pos = r.end;
    return r.value;
  }

  /** Bytes received but not yet consumed as a complete reply. */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  private line(at: number): { text: string; end: number } | null {
    const nl = this.buf.indexOf(CRLF, at);
    if (nl < 0) return null;
    return { text: this.buf.toString('latin1', at, nl), end: nl + 2 };
  }

  private count(text: string): number {
    if (!/^-?\d+$/.test(text)) throw new RespProtocolError(`bad length ${JSON.stringify(text)}`);
    return Number(text);
  }

  private parse(at: number): { value: RespValue; end: number } | null {
    if (at >= this.buf.length) return null;
    const marker = String.fromCharCode(this.buf[at]!);
    const l = this.line(at + 1);
    if (l === null) return null;
    switch (marker) {
      case '+':
        return { value: { type: 'simple', value: l.text }, end: l.end };
      case '-':
        return { value: { type: 'error', value: l.text }, end: l.end };
      case ':':
        return { value: { type: 'int', value: BigInt(l.text) }, end: l.end };
      case ',':
        return { value: { type: 'double', value: l.text }, end: l.end };
      case '(':
        return { value: { type: 'bignum', value: l.text }, end: l.end };
      case '#':
        if (l.text !== 't' && l.text !== 'f') throw new RespProtocolError(`bad boolean ${l.text}`);
        return { value: { type: 'bool', value: l.text === 't' }, end: l.end };
      case '_':
        return { value: { type: 'null' }, end: l.end };
      case '$':
      case '=':
      case '!': {
        const n = this.count(l.text);
        if (n < 0) return { value: { type: 'nullbulk' }, end: l.end };
        if (this.buf.length < l.end + n + 2) return null;
        const s = this.buf.toString('latin1', l.end, l.end + n);
        const end = l.end + n + 2;
        if (marker === '!') return { value: { type: 'error', value: s }, end };
        if (marker === '=')
          return { value: { type: 'verbatim', format: s.slice(0, 3), value: s.slice(4) }, end };
        return { value: { type: 'bulk', value: s }, end };
      }
      case '*':
      case '~':
      case '>': {
        const n = this.count(l.text);
        if (n < 0) return { value: { type: 'nullarray' }, end: l.end };
        const items: RespValue[] = [];
        let p = l.end;
        for (let i = 0; i < n; i++) {
          const r = this.parse(p);
          if (r === null) return null;
          items.push(r.value);
          p = r.end;
        }
        const type = marker === '*' ? 'array' : marker === '~' ? 'set' : 'push';
        return { value: { type, value: items }, end: p };
      }
      case '%':
      case '|': {
        const n = this.count(l.text);
        const pairs: Array<[RespValue, RespValue]> = [];
        let p = l.end;
        for (let i = 0; i < n; i++) {
          const k = this.parse(p);
          if (k === null) return null;
          const v = this.parse(k.end);
          if (v === null) return null;
          pairs.push([k.value, v.value]);
          p = v.end;
        }
        if (marker === '%') return { value: { type: 'map', value: pairs }, end: p };
        const of = this.parse(p);
        if (of === null) return null;
        return { value: { type: 'attribute', value: pairs, of: of.value }, end: of.end };
      }
      default:
        throw new RespProtocolError(`unexpected byte ${JSON.stringify(marker)} at ${at}`);
    }
  }
}

/** A command as a RESP multibulk (arguments are latin1 strings or raw bytes). */
export function encodeCommand(argv: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

export interface SendOptions {
  /** 3 sends HELLO 3 first (its reply is not returned). Default 2. */
  resp?: 2 | 3;
  host?: string;
  /** Give up after this many ms (default 10 s). */
  timeoutMs?: number;
}

/**
 * Opens one connection, pipelines every argv, and resolves with one reply per argv (push
 * messages are dropped). The connection is closed afterwards.
 */
export function sendCommands(
  port: number,
  argvs: ReadonlyArray<ReadonlyArray<string | Buffer>>,
  options: SendOptions = {},
): Promise<RespValue[]> {
  const resp = options.resp ?? 2;
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const all = resp === 3 ? [['HELLO', '3'], ...argvs] : argvs;
  return new Promise((resolve, reject) => {
    const reader = new RespReader();
    const replies: RespValue[] = [];
    const sock = new Socket();
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`timeout: ${replies.length} of ${all.length} replies from port ${port}`));
    }, timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    };
    sock.on('error', fail);
    sock.on('close', () => {
      if (replies.length < all.length) fail(new Error(`connection closed after ${replies.length} replies`));
    });
    sock.on('data', (chunk: Buffer) => {
      try {
        reader.feed(chunk);
        for (let r = reader.next(); r !== undefined; r = reader.next()) {
          if (r.type === 'push') continue;
          replies.push(r);
        }
      } catch (err) {
        fail(err as Error);
        return;
      }
      if (replies.length >= all.length) {
        clearTimeout(timer);
        sock.end();
        resolve(resp === 3 ? replies.slice(1) : replies);
      }
    });
    sock.connect(port, host, () => {
      if (all.length === 0) {
        clearTimeout(timer);
        sock.end();
        resolve([]);
        return;
      }
      sock.write(Buffer.concat(all.map((a) => encodeCommand(a))));
    });
  });
}

/** One argv's reply (convenience over sendCommands). */
export async function sendCommand(
  port: number,
  argv: ReadonlyArray<string | Buffer>,
  options: SendOptions = {},
): Promise<RespValue> {
  const [r] = await sendCommands(port, [argv], options);
  return r!;
}

/** A compact, type-keeping text form for assertion messages and snapshots. */
export function showResp(v: RespValue, indent = ''): string {
  const inner = `${indent}  `;
  switch (v.type) {
    case 'simple':
      return `+${v.value}`;
    case 'error':
      return `-${v.value}`;
    case 'int':
      return `:${v.value}`;
    case 'bulk':
      return JSON.stringify(v.value);
    case 'verbatim':
      return `=${v.format}:${JSON.stringify(v.value)}`;
    case 'double':
      return `,${v.value}`;
    case 'bool':
      return v.value ? '#t' : '#f';
    case 'bignum':
      return `(${v.value}`;
    case 'null':
      return '_';
    case 'nullbulk':
      return '$-1';
    case 'nullarray':
      return '*-1';
    case 'array':
    case 'set':
    case 'push': {
      const open = v.type === 'array' ? '[' : v.type === 'set' ? '~{' : '>[';
      const close = v.type === 'set' ? '}' : ']';
      if (v.value.length === 0) return `${open}${close}`;
      return `${open}\n${v.value.map((x) => inner + showResp(x, inner)).join(',\n')}\n${indent}${close}`;
    }
    case 'map':
    case 'attribute': {
      const open = v.type === 'map' ? '%{' : '|{';
      const body = v.value
        .map(([k, x]) => `${inner}${showResp(k, inner)}: ${showResp(x, inner)}`)
        .join(',\n');
      const tail = v.type === 'attribute' ? ` ${showResp(v.of, indent)}` : '';
      return v.value.length === 0 ? `${open}}${tail}` : `${open}\n${body}\n${indent}}${tail}`;
    }
  }
}
