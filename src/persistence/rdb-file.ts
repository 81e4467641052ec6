/**
 * RDB files on disk: writing a snapshot of the keyspace (synchronously for SAVE, in slices of
 * a few milliseconds per event-loop turn for BGSAVE, so the server keeps serving) and loading
 * one at start-up. A file is always written to a temporary name, fsynced, renamed over the
 * target and the directory fsynced, so a crash leaves either the old or the new file whole.
 */

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Keyspace } from '../engine/keyspace.js';
import { Snapshot } from '../engine/snapshot.js';
import type { Value } from '../engine/values/types.js';
import { type RdbLoadLimits, readRdb } from './rdb/decoder.js';
import { type RdbHeaderInfo, RdbWriter, type RdbWriterOptions } from './rdb/encoder.js';

/** How long one slice of a background save may run before yielding to clients. */
const SLICE_MS = 4;
/** Write to disk once this much is encoded. */
const FLUSH_BYTES = 1 << 20;

export interface SaveOptions extends RdbWriterOptions {
  header?: RdbHeaderInfo;
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/** Groups entries by database: SELECTDB (and RESIZEDB the first time) when the database changes. */
class EntryWriter {
  private db = -1;
  private readonly seen = new Set<number>();

  constructor(
    readonly rdb: RdbWriter,
    private readonly sizes: (db: number) => [number, number],
  ) {}

  write(db: number, key: string, value: Value, expireAt: number | undefined): void {
    if (db !== this.db) {
      this.rdb.selectDb(db);
      if (!this.seen.has(db)) {
        this.seen.add(db);
        const [n, e] = this.sizes(db);
        this.rdb.resizeDb(n, e);
      }
      this.db = db;
    }
    this.rdb.entry(key, value, expireAt);
  }
}

/** SAVE: writes the whole keyspace now, blocking, as Redis's rdbSave does. Returns keys written. */
export function saveRdbSync(ks: Keyspace, path: string, options: SaveOptions = {}): number {
  const tmp = `${path}.tmp-${process.pid}`;
  const rdb = new RdbWriter(options);
  rdb.header(options.header);
  const fd = openSync(tmp, 'w');
  let keys = 0;
  try {
    const out = new EntryWriter(rdb, (db) => [ks.dbs[db]!.size, ks.dbs[db]!.expires.size]);
    for (const db of ks.dbs) {
      const { dict, expires } = db;
      for (let i = 0; i < dict.size; i++) {
        const key = dict.keyAt(i);
        out.write(db.id, key, dict.valueAt(i), expires.size === 0 ? undefined : expires.get(key));
        keys++;
        if (rdb.pending >= FLUSH_BYTES) writeSync(fd, rdb.take());
      }
    }
    rdb.eof();
    writeSync(fd, rdb.take());
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
  fsyncDir(path);
  return keys;
}

/**
 * BGSAVE: takes a snapshot now and writes it in slices between client commands. The promise
 * settles when the file is in place (resolves with the number of keys written).
 */
export class BackgroundSave {
  readonly snapshot: Snapshot;
  private readonly out: EntryWriter;
  private readonly tmp: string;
  readonly startedAt = Date.now();
  /** Longest single slice, for the stall measurement in INFO/bench. */
  longestSliceMs = 0;
  readonly done: Promise<number>;
  private aborted = false;

  constructor(
    private readonly ks: Keyspace,
    private readonly path: string,
    options: SaveOptions = {},
  ) {
    const rdb = new RdbWriter(options);
    rdb.header(options.header);
    this.snapshot = new Snapshot(ks, (db, key, value, expireAt) => this.out.write(db, key, value, expireAt));
    this.out = new EntryWriter(rdb, (db) => this.snapshot.sizes(db));
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

  /** Stops the save; the temporary file is removed and the target left as it was. */
  abort(): void {
    this.aborted = true;
  }

  private async run(): Promise<number> {
    const file = await openAsync(this.tmp, 'w');
    const rdb = this.out.rdb;
    try {
      for (;;) {
        if (this.aborted) throw new Error('background save aborted');
        const start = performance.now();
        const finished = this.snapshot.step(start + SLICE_MS);
        const slice = performance.now() - start;
        if (slice > this.longestSliceMs) this.longestSliceMs = slice;
        if (finished) break;
        // Copy-on-write writes also land in the encoder between slices.
        if (rdb.pending >= FLUSH_BYTES) await file.write(rdb.take());
        // Always through setImmediate: a write completes in the poll phase, and slicing on from
        // there would run two slices in one event-loop turn.
        await new Promise((r) => setImmediate(r));
      }
      // Nothing pending in the snapshot any more: later writes no longer need to consult it.
      if (this.ks.snapshot === this.snapshot) this.ks.snapshot = null;
      rdb.eof();
      await file.write(rdb.take());
      await file.sync();
      await file.close();
      renameSync(this.tmp, this.path);
      fsyncDir(this.path);
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

export interface LoadResult {
  loaded: number;
  expired: number;
  /** The aux fields of the file (redis-ver, ctime, used-mem, ...). */
  aux: Map<string, string>;
}

/**
 * Loads an RDB file into an empty keyspace (rdbLoad). Keys whose time has passed are skipped,
 * as a master does. Throws RdbError (with the offset) for a corrupt file.
 */
export function loadRdbFile(
  ks: Keyspace,
  path: string,
  limits: RdbLoadLimits & { verifyChecksum?: boolean },
): LoadResult {
  const buf = readFileSync(path);
  const now = ks.clock.now();
  const result: LoadResult = { loaded: 0, expired: 0, aux: new Map() };
  for (const rec of readRdb(buf, limits)) {
    if (rec.kind === 'aux') result.aux.set(rec.key, rec.value);
    else if (rec.kind === 'entry') {
      if (rec.db >= ks.dbs.length)
        throw new Error(
          `FATAL: Data file was created with a Redis server configured to handle more than ${ks.dbs.length} databases. Exiting`,
        );
      if (rec.expireMs !== undefined && rec.expireMs < now) {
        result.expired++;
        continue;
      }
      const db = ks.db(rec.db);
      db.add(rec.key, rec.value);
      if (rec.expireMs !== undefined) db.setExpire(rec.key, rec.expireMs);
      result.loaded++;
    }
  }
  return result;
}
