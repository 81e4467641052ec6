/**
 * Persistence for a running server: loading the dataset at start-up (the append-only file when
 * appendonly is yes, else the RDB file), SAVE, BGSAVE (and its SCHEDULE form), `save <seconds>
 * <changes>` points checked from the cron, BGREWRITEAOF and the automatic AOF rewrite (never
 * overlapping a BGSAVE: one "child" at a time, as in Redis), CONFIG SET appendonly, saving and
 * flushing at SHUTDOWN, after FLUSHALL when save points exist, and the INFO persistence fields,
 * with Redis 7.0's rules and replies. The AOF itself lives in aof.ts.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Instance, PersistenceHooks } from '../commands/instance.js';
import { usedMemory } from '../commands/instance.js';
import { AppendOnlyFile } from './aof.js';
import type { PersistenceLogger as Logger } from './log.js';
import { BackgroundSave, loadRdbFile, type SaveOptions, saveRdbSync } from './rdb-file.js';

/** CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed background save is retried by save points. */
const BGSAVE_RETRY_DELAY = 5;

const RDB_MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

export class Persistence implements PersistenceHooks {
  private bg: BackgroundSave | null = null;
  private bgScheduled = false;
  private dirtyAtBgStart = 0;
  private lastBgsaveOk = true;
  private lastBgsaveTry = 0;
  private lastBgsaveSeconds = -1;
  private saves = 0;
  private lastLoad = { loaded: 0, expired: 0 };
  /** Longest event-loop slice a background save took (ms), for INFO and the benchmark. */
  longestSaveSliceMs = 0;
  readonly aof: AppendOnlyFile;

  constructor(
    private readonly inst: Instance,
    private readonly log: Logger,
    /** See AofHost.fatal: a library store throws where the server exits. */
    fatal?: (message: string) => never,
  ) {
    inst.persistence = this;
    inst.cronHooks.push(() => this.cron());
    this.aof = new AppendOnlyFile({
      inst,
      log,
      bgsaveRunning: () => this.bg !== null,
      rdbSaveOptions: () => this.saveOptions(),
      rdbLoadLimits: () => this.loadLimits(),
      ...(fatal !== undefined ? { fatal } : {}),
    });
    // updateAppendonly: CONFIG SET appendonly starts (with a rewrite) or stops the AOF.
    inst.config.addValidator('appendonly', (v) => {
      if (v === 'no') this.aof.stop();
      else if (!this.aof.start(this.inExec())) return 'Unable to turn on AOF. Check server logs.';
      return undefined;
    });
    inst.config.onChange('aof-disable-auto-gc', (v) => {
      if (v === 'no') this.aof.deleteHistory();
    });
  }

  /** Redis's server.in_exec: the running command is inside EXEC. */
  private inExec(): boolean {
    return this.inst.currentClient?.multi != null;
  }

  /** What start-up loads: the AOF directory with appendonly yes, else the RDB file. */
  get loadSource(): string {
    return this.inst.config.bool('appendonly') ? this.aof.aofDir : this.rdbPath;
  }

  /** Where the RDB file lives: `dir`/`dbfilename`. */
  get rdbPath(): string {
    const c = this.inst.config;
    return resolve(c.string('dir'), c.string('dbfilename'));
  }

  private saveOptions(): SaveOptions {
    const c = this.inst.config;
    return {
      compression: c.bool('rdbcompression'),
      checksum: c.bool('rdbchecksum'),
      listMaxListpackSize: c.number('list-max-listpack-size'),
      header: { ctime: Math.floor(Date.now() / 1000), usedMem: usedMemory() },
    };
  }

  private loadLimits() {
    const c = this.inst.config;
    return {
      setMaxIntsetEntries: c.number('set-max-intset-entries'),
      hashMaxListpackEntries: c.number('hash-max-listpack-entries'),
      hashMaxListpackValue: c.number('hash-max-listpack-value'),
      zsetMaxListpackEntries: c.number('zset-max-listpack-entries'),
      zsetMaxListpackValue: c.number('zset-max-listpack-value'),
      verifyChecksum: c.bool('rdbchecksum'),
    };
  }

  /**
   * Start-up: with appendonly yes the AOF alone is loaded (even when it does not exist and a
   * dump.rdb does, as in Redis), else the RDB file if there is one.
   */
  loadAtStartup(): void {
    if (this.inst.config.bool('appendonly')) {
      this.aof.loadAtStartup();
      // Replaying went through dispatch(): a fresh server has run no commands yet.
      this.inst.resetStats();
      return;
    }
    const path = this.rdbPath;
    if (!existsSync(path)) return;
    const start = performance.now();
    const r = loadRdbFile(this.inst.ks, path, this.loadLimits());
    this.lastLoad = { loaded: r.loaded, expired: r.expired };
    const ver = r.aux.get('redis-ver');
    if (ver !== undefined) this.log.notice(`Loading RDB produced by version ${ver}`);
    const ctime = Number(r.aux.get('ctime') ?? Number.NaN);
    if (Number.isFinite(ctime))
      this.log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000 - ctime))} seconds`);
    this.log.notice(`Done loading RDB, keys loaded: ${r.loaded}, keys expired: ${r.expired}.`);
    this.log.notice(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
  }

  /**
   * The library's store.load(), like DEBUG RELOAD NOSAVE: the dataset is emptied and the RDB
   * file loaded in its place. Refused with appendonly yes: the AOF is open for appending and
   * already holds every write, so there is nothing to reload that memory does not have.
   * On a corrupt file the store is left empty rather than half loaded.
   */
  reload(): void {
    if (this.inst.config.bool('appendonly'))
      throw new Error('load() is refused with appendonly yes: the AOF already holds every write in memory');
    if (this.bg !== null) throw new Error('load() is refused while a background save is in progress');
    const path = this.rdbPath;
    if (!existsSync(path)) throw new Error(`load(): there is no RDB file at ${path}`);
    this.inst.ks.flushAll();
    try {
      this.loadAtStartup();
    } catch (err) {
      this.inst.ks.flushAll();
      throw new Error(`load(): error loading ${path}: ${(err as Error).message}`);
    }
    // Memory now matches the file.
    this.inst.dirty = 0;
  }

  save(): string | undefined {
    if (this.bg !== null) return 'ERR Background save already in progress';
    try {
      this.saveNow();
      return undefined;
    } catch (err) {
      this.log.warning(
        `Failed opening the temp RDB file ${this.rdbPath} (in server root dir ${process.cwd()}) for saving: ${(err as Error).message}`,
      );
      return 'ERR';
    }
  }

  /** rdbSave: synchronous, resets the dirty counter. */
  saveNow(): void {
    const dirty = this.inst.dirty;
    saveRdbSync(this.inst.ks, this.rdbPath, this.saveOptions());
    this.inst.dirty -= dirty;
    this.inst.lastSave = Date.now();
    this.saves++;
    this.lastBgsaveOk = true;
    this.log.notice('DB saved on disk');
  }

  bgsave(schedule: boolean): { ok: string } | { error: string } {
    if (this.bg !== null) return { error: 'ERR Background save already in progress' };
    if (this.aofRewriteRunning()) {
      if (!schedule) {
        return {
          error:
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        };
      }
      this.bgScheduled = true;
      return { ok: 'Background saving scheduled' };
    }
    this.startBackgroundSave();
    return { ok: 'Background saving started' };
  }

  /** The AOF rewrite, which must not overlap a background save. */
  aofRewriteRunning(): boolean {
    return this.aof.rewriteRunning;
  }

  bgrewriteaof(): { ok: string } | { error: string } {
    return this.aof.bgrewriteaof(this.inExec());
  }

  get bgsaveInProgress(): boolean {
    return this.bg !== null;
  }

  /** The running background save, if any (its promise settles when the file is in place). */
  get backgroundSave(): BackgroundSave | null {
    return this.bg;
  }

  private startBackgroundSave(): void {
    this.lastBgsaveTry = Date.now();
    this.dirtyAtBgStart = this.inst.dirty;
    const t0 = performance.now();
    const bg = new BackgroundSave(this.inst.ks, this.rdbPath, this.saveOptions());
    // Taking the snapshot is the one step that cannot be sliced: it counts as a slice.
    const snapshotMs = performance.now() - t0;
    if (snapshotMs > this.longestSaveSliceMs) this.longestSaveSliceMs = snapshotMs;
    this.bg = bg;
    this.log.notice(
      `Background saving started (snapshot of ${bg.keysTotal} keys taken in ${snapshotMs.toFixed(2)} ms)`,
    );
    bg.done
      .then(
        () => {
          this.inst.dirty -= this.dirtyAtBgStart;
          this.inst.lastSave = Date.now();
          this.lastBgsaveOk = true;
          this.saves++;
          this.log.notice('Background saving terminated with success');
        },
        (err: Error) => {
          this.lastBgsaveOk = false;
          this.log.warning(`Background saving error: ${err.message}`);
        },
      )
      .finally(() => {
        this.lastBgsaveSeconds = Math.round((Date.now() - bg.startedAt) / 1000);
        if (bg.longestSliceMs > this.longestSaveSliceMs) this.longestSaveSliceMs = bg.longestSliceMs;
        this.bg = null;
      });
  }

  hasSavePoints(): boolean {
    return this.inst.config.savePoints().length > 0;
  }

  diskError(): string | null {
    if (!this.lastBgsaveOk && this.inst.config.bool('stop-writes-on-bgsave-error') && this.hasSavePoints())
      return RDB_MISCONF;
    return this.aof.writeError;
  }

  /**
   * serverCron's part, in its order: a scheduled AOF rewrite, then (nothing running) the save
   * points and the automatic AOF rewrite, the AOF's own flush duties, and a scheduled BGSAVE.
   */
  private cron(): void {
    const aof = this.aof;
    const busy = () => this.bg !== null || aof.rewriteRunning;
    if (!busy() && aof.rewriteScheduled && !aof.rewriteLimited()) aof.startRewrite();
    if (!busy()) {
      const now = Date.now();
      const dirty = this.inst.dirty;
      for (const sp of this.inst.config.savePoints()) {
        const due =
          dirty >= sp.changes &&
          (now - this.inst.lastSave) / 1000 > sp.seconds &&
          ((now - this.lastBgsaveTry) / 1000 > BGSAVE_RETRY_DELAY || this.lastBgsaveOk);
        if (due) {
          this.log.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
          this.startBackgroundSave();
          break;
        }
      }
      if (!busy()) aof.maybeAutoRewrite();
    }
    aof.cron();
    if (!busy() && this.bgScheduled) {
      this.bgScheduled = false;
      this.startBackgroundSave();
    }
  }

  /**
   * SHUTDOWN / SIGTERM (prepareForShutdown): the AOF is flushed and fsynced (a rewrite killed),
   * then the RDB is saved synchronously when asked to, or by default when save points exist.
   */
  saveOnShutdown(save: boolean | null, force = false): string | undefined {
    const aofErr = this.aof.shutdown(force);
    if (aofErr !== undefined) return aofErr;
    const wanted = save === true || (save === null && this.hasSavePoints());
    if (!wanted) return undefined;
    if (this.bg !== null) {
      this.log.warning('There is a child saving an .rdb. Killing it!');
      this.bg.abort();
    }
    this.log.notice('Saving the final RDB snapshot before exiting.');
    try {
      this.saveNow();
      return undefined;
    } catch (err) {
      this.log.warning(`Error trying to save the DB, can't exit: ${(err as Error).message}`);
      return 'ERR Errors trying to SHUTDOWN. Check logs.';
    }
  }

  /** The server stops: the AOF is flushed, fsynced and closed; a background save is abandoned. */
  close(): void {
    this.aof.close();
  }

  info(): Array<[string, string | number]> {
    const bg = this.bg;
    // A running AOF rewrite reports its progress in the same fields as a BGSAVE (one child).
    const rw = this.aof.rewriteProgress;
    const processed = bg?.keysProcessed ?? rw?.processed ?? 0;
    const total = bg?.keysTotal ?? rw?.total ?? 0;
    return [
      ['loading', 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', total === 0 ? '0.00' : ((processed * 100) / total).toFixed(2)],
      ['current_save_keys_processed', processed],
      ['current_save_keys_total', total],
      ['rdb_changes_since_last_save', this.inst.dirty],
      ['rdb_bgsave_in_progress', bg === null ? 0 : 1],
      ['rdb_last_save_time', Math.floor(this.inst.lastSave / 1000)],
      ['rdb_last_bgsave_status', this.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveSeconds],
      ['rdb_current_bgsave_time_sec', bg === null ? -1 : Math.round((Date.now() - bg.startedAt) / 1000)],
      ['rdb_saves', this.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.lastLoad.expired],
      ['rdb_last_load_keys_loaded', this.lastLoad.loaded],
      ...this.aof.info(),
      // mnemo's own: the longest event-loop slice spent on a BGSAVE / an AOF rewrite (the stall).
      ['rdb_longest_save_slice_ms', this.longestSaveSliceMs.toFixed(2)],
      ['aof_longest_rewrite_slice_ms', this.aof.longestRewriteSliceMs.toFixed(2)],
    ];
  }
}
