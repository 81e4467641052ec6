/**
 * Writing a new BASE file for the append-only file (Redis 7.0's rewriteAppendOnlyFile): the
 * dataset as of one instant, either as an RDB (aof-use-rdb-preamble yes, the default; marked
 * with the aof-base aux field) or as RESP commands (SET, RPUSH, SADD, ZADD, HMSET of at most 64
 * items each, PEXPIREAT, SELECT). The background form works from a copy-on-write Snapshot in
 * slices of a few milliseconds between client commands, like BGSAVE, so no event-loop turn
 * stalls; the synchronous form serves the empty base made at first start. Files are written to
 * a temporary name, fsynced and renamed into place. Also the RESP encoding of one command,
 * which the AOF writer uses too.
 */

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Keyspace } from '../engine/keyspace.js';
import { Snapshot } from '../engine/snapshot.js';
import { HashValue } from '../engine/values/hash.js';
import { ListValue } from '../engine/values/list.js';
import { SetValue } from '../engine/values/set.js';
import { type StringValue, stringOf } from '../engine/values/string.js';
import type { Value } from '../engine/values/types.js';
import { ZSetValue } from '../engine/values/zset.js';
import { formatDouble17g } from '../protocol/reply.js';
import { fsyncDirectory } from './aof-manifest.js';
import { BackgroundSave, type SaveOptions, saveRdbSync } from './rdb-file.js';

/** AOF_REWRITE_ITEMS_PER_CMD: elements per RPUSH/SADD/ZADD/HMSET in a rewritten file. */
const ITEMS_PER_CMD = 64;
const SLICE_MS = 4;
const FLUSH_CHARS = 1 << 20;

/** catAppendOnlyGenericCommand: one command as a RESP multibulk (binary strings in, out). */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** Appends the commands that rebuild `key` (rewriteAppendOnlyFileRio's per-type writers). */
export function encodeEntry(key: string, value: Value, expireAt: number | undefined): string {
  let out = '';
  const k = bulk(key);
  /** Emits `items` (already encoded bulks, `per` of them per element) in batches of 64 elements. */
  const batched = (name: string, count: number, per: number, each: (emit: (s: string) => void) => void) => {
    let left = count;
    let inCmd = 0;
    each((s) => {
      if (inCmd === 0) {
        const n = Math.min(left, ITEMS_PER_CMD);
        out += `*${2 + n * per}\r\n${bulk(name)}${k}`;
      }
      out += s;
      if (++inCmd === ITEMS_PER_CMD) inCmd = 0;
      left--;
    });
  };
  if (typeof value !== 'object' || value.type === 'string') {
    out += `*3\r\n$3\r\nSET\r\n${k}${bulk(stringOf(value as StringValue))}`;
  } else if (value instanceof ListValue) {
    batched('RPUSH', value.length, 1, (emit) => value.forRange(0, value.length - 1, (e) => emit(bulk(e))));
  } else if (value instanceof SetValue) {
    batched('SADD', value.size, 1, (emit) => {
      for (const m of value.toArray()) emit(bulk(m));
    });
  } else if (value instanceof ZSetValue) {
    batched('ZADD', value.size, 2, (emit) =>
      value.index.walk(0, false, (m, score) => {
        emit(bulk(formatDouble17g(score)) + bulk(m));
        return true;
      }),
    );
  } else if (value instanceof HashValue) {
    batched('HMSET', value.size, 2, (emit) => {
      value.forEach((f, v) => {
        emit(bulk(f) + bulk(v));
      });
    });
  }
  if (expireAt !== undefined) {
    const ms = expireAt >= 2 ** 63 ? '9223372036854775807' : BigInt(Math.trunc(expireAt)).toString();
    out += `*3\r\n$9\r\nPEXPIREAT\r\n${k}${bulk(ms)}`;
  }
  return out;
}

function selectCommand(db: number): string {
  return `*2\r\n$6\r\nSELECT\r\n${bulk(String(db))}`;
}

export interface RewriteOptions {
  /** aof-use-rdb-preamble: write an RDB. */
  preamble: boolean;
  /** RDB settings (compression, checksum, list node size) and header. */
  rdb: SaveOptions;
  /** aof-timestamp-enabled: a `#TS:` annotation first (RESP form only, as Redis). */
  timestamp: boolean;
}

/** A running background rewrite. `done` settles once the file is complete at its path. */
export interface RewriteJob {
  readonly startedAt: number;
  readonly done: Promise<unknown>;
  readonly keysTotal: number;
  readonly keysProcessed: number;
  readonly longestSliceMs: number;
  abort(): void;
}

/** Starts writing the dataset as of now to `path` (a temporary name the caller renames later). */
export function startRewrite(ks: Keyspace, path: string, options: RewriteOptions): RewriteJob {
  if (options.preamble) {
    return new BackgroundSave(ks, path, { ...options.rdb, header: { ...options.rdb.header, aofBase: true } });
  }
  return new RespRewrite(ks, path, options.timestamp);
}

/** rewriteAppendOnlyFile run synchronously (the BASE made when AOF starts on an empty dataset). */
export function rewriteSync(ks: Keyspace, path: string, options: RewriteOptions): void {
  if (options.preamble) {
    saveRdbSync(ks, path, { ...options.rdb, header: { ...options.rdb.header, aofBase: true } });
    return;
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    let text = options.timestamp ? `#TS:${Math.floor(Date.now() / 1000)}\r\n` : '';
    const flush = () => {
      writeAll(fd, Buffer.from(text, 'latin1'));
      text = '';
    };
    for (const db of ks.dbs) {
      if (db.size === 0) continue;
      text += selectCommand(db.id);
      const { dict, expires } = db;
      for (let i = 0; i < dict.size; i++) {
        const key = dict.keyAt(i);
        text += encodeEntry(key, dict.valueAt(i), expires.size === 0 ? undefined : expires.get(key));
        if (text.length >= FLUSH_CHARS) flush();
      }
    }
    flush();
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDirectory(dirname(path));
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/** The RESP-form background rewrite: BackgroundSave's slicing, with commands instead of RDB. */
class RespRewrite implements RewriteJob {
  readonly startedAt = Date.now();
  longestSliceMs = 0;
  readonly done: Promise<number>;
  private readonly snapshot: Snapshot;
  private text = '';
  private db = -1;
  private aborted = false;
  private readonly tmp: string;

  constructor(
    private readonly ks: Keyspace,
    private readonly path: string,
    timestamp: boolean,
  ) {
    if (timestamp) this.text = `#TS:${Math.floor(Date.now() / 1000)}\r\n`;
    this.snapshot = new Snapshot(ks, (db, key, value, expireAt) => {
      if (db !== this.db) {
        this.text += selectCommand(db);
        this.db = db;
      }
      this.text += encodeEntry(key, value, expireAt);
    });
    this.tmp = `${path}.tmp-bg-${process.pid}`;
    ks.snapshot = this.snapshot;
    this.done = this.run().finally(() => {
      if (ks.snapshot === this.snapshot) ks.snapshot = null;
    });
  }

  get keysTotal(): number {
    return this.snapshot.totalKeys;
  }

  get keysProcessed(): number {
    return this.snapshot.emitted;
  }

  abort(): void {
    this.aborted = true;
  }

  private take(): Buffer {
    const b = Buffer.from(this.text, 'latin1');
    this.text = '';
    return b;
  }

  private async run(): Promise<number> {
    const file = await openAsync(this.tmp, 'w', 0o644);
    try {
      for (;;) {
        if (this.aborted) throw new Error('AOF rewrite aborted');
        const start = performance.now();
        const finished = this.snapshot.step(start + SLICE_MS);
        const slice = performance.now() - start;
        if (slice > this.longestSliceMs) this.longestSliceMs = slice;
        if (finished) break;
        if (this.text.length >= FLUSH_CHARS) await file.write(this.take());
        // Always through setImmediate: a write completes in the poll phase, and slicing on from
        // there would run two slices in one event-loop turn.
        await new Promise((r) => setImmediate(r));
      }
      if (this.ks.snapshot === this.snapshot) this.ks.snapshot = null;
      await file.write(this.take());
      await file.sync();
      await file.close();
      renameSync(this.tmp, this.path);
      fsyncDirectory(dirname(this.path));
      return this.snapshot.emitted;
    } catch (err) {
      await file.close().catch(() => {});
      try {
        unlinkSync(this.tmp);
      } catch {}
      throw err;
    }
  }
}
