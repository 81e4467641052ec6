/**
 * The append-only file of a running server, as Redis 7.0 keeps it (aof.c): the multi-part
 * directory (BASE + INCR files + manifest), the command stream from commands/propagation.ts
 * appended in RESP form with SELECT on database changes, written once per event-loop turn before
 * any reply goes out, and fsynced per `appendfsync` (always: before the replies, group commit
 * for every client of the turn; everysec: off the main thread at most once a second, the write
 * postponed up to 2 s while an fsync is still running; no: never). BGREWRITEAOF and the
 * automatic rewrite (open a new INCR file, write a new BASE from a snapshot, switch the manifest
 * atomically, delete the history), turning AOF on and off at runtime, the start-up sequence
 * (load, create the first BASE, open the last INCR), the shutdown flush and the INFO aof_* fields.
 */

import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  close as fsClose,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlink,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Instance } from '../commands/instance.js';
import type { PropagationTarget } from '../commands/propagation.js';
import { errnoText } from '../config/load.js';
import { AofLoadError, loadAppendOnlyFiles } from './aof-load.js';
import {
  AofManifest,
  ManifestError,
  manifestName,
  persistManifest,
  readManifestFile,
} from './aof-manifest.js';
import { encodeCommand, type RewriteJob, rewriteSync, startRewrite } from './aof-rewrite.js';
import type { PersistenceLogger as Logger } from './log.js';
import type { RdbLoadLimits } from './rdb/decoder.js';
import type { SaveOptions } from './rdb-file.js';

export type AofState = 'off' | 'on' | 'wait-rewrite';

/** What the persistence manager lends the AOF. */
export interface AofHost {
  readonly inst: Instance;
  readonly log: Logger;
  /** A BGSAVE is running (the other "child": the two never overlap). */
  bgsaveRunning(): boolean;
  rdbSaveOptions(): SaveOptions;
  rdbLoadLimits(): RdbLoadLimits & { verifyChecksum?: boolean };
  /**
   * What to do when `appendfsync always` cannot keep its promise (a write or fsync failed).
   * Unset, the process exits as redis-server does; a library store throws instead, and its writes
   * are then refused with -MISCONF until the AOF can be written again.
   */
  fatal?: (message: string) => never;
}

/** AOF_WRITE_LOG_ERROR_RATE: seconds between two logs of the same write error. */
const WRITE_ERROR_LOG_RATE_MS = 30_000;
/** Consecutive failures after which automatic rewrites back off (AOF_REWRITE_LIMITE_THRESHOLD). */
const REWRITE_LIMIT_THRESHOLD = 3;
const REWRITE_LIMIT_MAX_MINUTES = 60;

interface RunningRewrite {
  job: RewriteJob;
  /** Where the job writes the new BASE (renamed into the AOF directory when done). */
  tmpPath: string;
  /** The BASE is an RDB (aof-use-rdb-preamble when the rewrite started). */
  preamble: boolean;
  /** A pseudo child pid for the log lines and temporary names. */
  id: number;
}

let rewriteIds = 0;

export class AppendOnlyFile implements PropagationTarget {
  state: AofState = 'off';
  private manifest = new AofManifest();
  /** The INCR file being appended to (or the temporary one while waiting for the first rewrite). */
  private fd = -1;
  /** aof_buf: commands not yet written, as a binary string. */
  private pending = '';
  private selectedDb = -1;
  private lastTimestamp = 0;
  /** aof_current_size, aof_last_incr_size, aof_last_incr_fsync_offset, aof_rewrite_base_size. */
  currentSize = 0;
  private lastIncrSize = 0;
  private lastIncrFsyncOffset = 0;
  private rewriteBaseSize = 0;
  private lastFsync = Date.now();
  private fsyncsInFlight = 0;
  private flushPostponedStart = 0;
  private delayedFsync = 0;
  private lastWriteOk = true;
  private bioFsyncOk = true;
  private lastWriteError = '';
  private lastWriteErrorLog = 0;
  private rewrite: RunningRewrite | null = null;
  rewriteScheduled = false;
  private rewriteStartedAt = -1;
  private lastRewriteSeconds = -1;
  private lastBgrewriteOk = true;
  private rewrites = 0;
  private consecutiveFailures = 0;
  private nextDelayMinutes = 0;
  private nextRewriteTime = 0;
  /** Longest event-loop slice of a background rewrite (ms): the stall it caused. */
  longestRewriteSliceMs = 0;
  /** Replies waiting for this turn's write (and fsync): each resumes one connection. */
  private readonly held = new Set<() => void>();
  private flushScheduled = false;
  private cronTicks = 0;

  /** appendfsync, read on every flush and reply: kept up to date by CONFIG SET. */
  private policy: string;

  constructor(private readonly host: AofHost) {
    this.policy = host.inst.config.string('appendfsync');
    host.inst.config.onChange('appendfsync', (v) => {
      this.policy = v;
    });
  }

  private get inst(): Instance {
    return this.host.inst;
  }

  private get log(): Logger {
    return this.host.log;
  }

  private get config() {
    return this.host.inst.config;
  }

  private get dir(): string {
    return this.config.string('dir');
  }

  /** `dir`/`appenddirname`. */
  get aofDir(): string {
    return resolve(this.dir, this.config.string('appenddirname'));
  }

  private get filename(): string {
    return this.config.string('appendfilename');
  }

  get rewriteRunning(): boolean {
    return this.rewrite !== null;
  }

  /** hasActiveChildProcess: a BGSAVE or an AOF rewrite. */
  private busy(): boolean {
    return this.rewrite !== null || this.host.bgsaveRunning();
  }

  // ---- start-up ---------------------------------------------------------------------------

  /**
   * With appendonly yes: aofLoadManifestFromDisk, loadAppendOnlyFiles, aofOpenIfNeededOnServerStart
   * and aofDelHistoryFiles, as redis-server's main() runs them. Throws when the server must not
   * start (the message names the file and what to do).
   */
  loadAtStartup(): void {
    const aofDir = this.aofDir;
    const mpath = join(aofDir, manifestName(this.filename));
    if (existsSync(aofDir) && existsSync(mpath)) {
      try {
        this.manifest = readManifestFile(mpath);
      } catch (err) {
        if (err instanceof ManifestError) {
          this.log.warning('*** FATAL AOF MANIFEST FILE ERROR ***');
          if (err.text !== null) {
            this.log.warning(`Reading the manifest file, at line ${err.line}`);
            this.log.warning(`>>> '${err.text}'`);
          }
          this.log.warning(err.reason);
          throw new AofLoadError(
            `Bad AOF manifest ${mpath}: ${err.reason}${err.text !== null ? ` (line ${err.line}: '${err.text}')` : ''}`,
          );
        }
        throw new AofLoadError(
          `Fatal error: can't open the AOF manifest file ${mpath} for reading: ${(err as Error).message}`,
        );
      }
    }
    const start = performance.now();
    const r = loadAppendOnlyFiles(
      {
        inst: this.inst,
        log: this.log,
        dir: this.dir,
        aofDir,
        filename: this.filename,
        loadTruncated: this.config.bool('aof-load-truncated'),
        rdbLimits: this.host.rdbLoadLimits(),
      },
      this.manifest,
    );
    if (r.status !== 'not-exist') {
      this.log.notice(
        `DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`,
      );
    }
    this.currentSize = r.totalSize;
    this.rewriteBaseSize = r.baseSize;
    this.openOnServerStart();
    this.deleteHistory();
  }

  /** aofOpenIfNeededOnServerStart: the first BASE on an empty start, then the last INCR file. */
  private openOnServerStart(): void {
    const aofDir = this.aofDir;
    try {
      mkdirSync(aofDir, { recursive: true });
    } catch (err) {
      throw new AofLoadError(`Can't open or create append-only dir ${aofDir}: ${(err as Error).message}`);
    }
    const am = this.manifest;
    const hadIncr = am.incr.length > 0;
    if (am.base === null && !hadIncr) {
      const preamble = this.config.bool('aof-use-rdb-preamble');
      const name = am.newBase(this.filename, preamble);
      try {
        rewriteSync(this.inst.ks, join(aofDir, name), this.rewriteOptions(preamble));
      } catch (err) {
        throw new AofLoadError(
          `Can't create the AOF base file ${join(aofDir, name)}: ${(err as Error).message}`,
        );
      }
      this.log.notice(`Creating AOF base file ${name} on server start`);
      const size = statSync(join(aofDir, name)).size;
      this.currentSize += size;
      this.rewriteBaseSize = size;
    }
    const name = am.lastIncr(this.filename);
    try {
      this.fd = openSync(join(aofDir, name), 'a', 0o644);
    } catch (err) {
      throw new AofLoadError(`Can't open the append-only file ${name}: ${(err as Error).message}`);
    }
    try {
      persistManifest(aofDir, this.filename, am);
    } catch (err) {
      throw new AofLoadError(`Can't write the AOF manifest in ${aofDir}: ${(err as Error).message}`);
    }
    this.lastIncrSize = statSync(join(aofDir, name)).size;
    this.lastIncrFsyncOffset = this.lastIncrSize;
    this.log.notice(`${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${name} on server start`);
    this.setState('on');
  }

  /** Attaches to (or detaches from) the command stream and the reply path. */
  private setState(state: AofState): void {
    this.state = state;
    const inst = this.inst;
    if (state === 'off') {
      if (inst.propagation.target === this) inst.propagation.target = null;
      if (inst.beforeReplies === this.gate) inst.beforeReplies = null;
      this.releaseReplies();
    } else {
      inst.propagation.target = this;
      inst.beforeReplies = this.gate;
    }
  }

  // ---- feeding and writing ------------------------------------------------------------------

  /** feedAppendOnlyFile for each operation of one top-level command (or expiry). */
  propagate(ops: ReadonlyArray<{ db: number; argv: string[] }>): void {
    const keep = this.state === 'on' || (this.state === 'wait-rewrite' && this.rewrite !== null);
    const stamps = this.config.bool('aof-timestamp-enabled');
    let buf = '';
    for (const { db, argv } of ops) {
      if (stamps) {
        const sec = Math.floor(Date.now() / 1000);
        if (sec > this.lastTimestamp) {
          buf += `#TS:${sec}\r\n`;
          this.lastTimestamp = sec;
        }
      }
      if (db !== this.selectedDb) {
        const id = String(db);
        buf += `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
        this.selectedDb = db;
      }
      buf += encodeCommand(argv);
    }
    if (!keep) return;
    this.pending += buf;
    this.scheduleFlush();
  }

  /** Redis writes the AOF in beforeSleep: here, once per turn after the I/O callbacks. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.beforeSleep);
  }

  private readonly beforeSleep = (): void => {
    this.flushScheduled = false;
    if (this.state !== 'off') this.flush(false);
    this.releaseReplies();
  };

  private releaseReplies(): void {
    if (this.held.size === 0) return;
    const waiting = [...this.held];
    this.held.clear();
    for (const resume of waiting) resume();
  }

  /**
   * The connections' hook (Instance.beforeReplies): replies wait while there is AOF data a flush
   * would write (or, with appendfsync always, fsync) this turn. A reply is released even though
   * its data is not written when Redis would send it anyway: the write postponed behind a slow
   * everysec fsync, or failing (everysec/no).
   */
  private readonly gate = (resume: (() => void) | null): boolean => {
    if (!this.mustHoldReplies()) return false;
    if (resume === null) {
      this.flush(false);
      return false;
    }
    this.held.add(resume);
    this.scheduleFlush();
    return true;
  };

  private mustHoldReplies(): boolean {
    if (this.state === 'off' || this.fd < 0) return false;
    const policy = this.policy;
    if (this.pending.length === 0) {
      return policy === 'always' && this.lastIncrFsyncOffset !== this.lastIncrSize && !this.fsyncSkipped();
    }
    // After a failed write, `always` keeps retrying before each reply (the server exits on the
    // failure anyway); a library store retries from the cron, as everysec does.
    if (!this.lastWriteOk && (policy !== 'always' || this.host.fatal !== undefined)) return false;
    if (
      policy === 'everysec' &&
      this.fsyncsInFlight > 0 &&
      this.flushPostponedStart !== 0 &&
      Date.now() - this.flushPostponedStart < 2000
    )
      return false;
    return true;
  }

  /** no-appendfsync-on-rewrite: no fsync while a BGSAVE or rewrite does its own I/O. */
  private fsyncSkipped(): boolean {
    return this.config.bool('no-appendfsync-on-rewrite') && this.busy();
  }

  /** flushAppendOnlyFile: writes aof_buf to the INCR file in one go, then fsyncs per policy. */
  flush(force: boolean): void {
    if (this.fd < 0) return;
    const policy = this.policy;
    const now = Date.now();
    if (this.pending.length === 0) {
      const unsynced = this.lastIncrFsyncOffset !== this.lastIncrSize;
      // An everysec fsync is also due when writes stopped before the second was over.
      if (policy === 'everysec' && unsynced && now - this.lastFsync >= 1000 && this.fsyncsInFlight === 0) {
        this.tryFsync(policy, now);
      } else if (policy === 'always' && unsynced) {
        this.tryFsync(policy, now);
      }
      return;
    }
    if (policy === 'everysec' && !force && this.fsyncsInFlight > 0) {
      // A background fsync is still running: a write would block behind it on most filesystems.
      if (this.flushPostponedStart === 0) {
        this.flushPostponedStart = now;
        return;
      }
      if (now - this.flushPostponedStart < 2000) return;
      this.delayedFsync++;
      this.log.notice(
        'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.',
      );
    }
    const data = Buffer.from(this.pending, 'latin1');
    let written = 0;
    let error: Error | null = null;
    try {
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } catch (err) {
      error = err as Error;
    }
    this.flushPostponedStart = 0;
    if (error !== null) {
      this.writeFailed(error, written, data.length, policy, now);
      return;
    }
    if (!this.lastWriteOk) {
      this.log.warning('AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
    }
    this.currentSize += written;
    this.lastIncrSize += written;
    this.pending = '';
    this.tryFsync(policy, now);
  }

  private writeFailed(error: Error, written: number, expected: number, policy: string, now: number): void {
    const canLog = now - this.lastWriteErrorLog > WRITE_ERROR_LOG_RATE_MS;
    if (canLog) this.lastWriteErrorLog = now;
    if (written === 0) {
      if (canLog) this.log.warning(`Error writing to the AOF file: ${error.message}`);
      this.lastWriteError = errnoText(error);
    } else {
      if (canLog)
        this.log.warning(
          `Short write while writing to the AOF file: (nwritten=${written}, expected=${expected})`,
        );
      try {
        // Remove the partial command so the file stays loadable.
        ftruncateSync(this.fd, this.lastIncrSize);
        written = 0;
      } catch (err) {
        if (canLog)
          this.log.warning(
            `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${(err as Error).message}`,
          );
      }
      this.lastWriteError = 'No space left on device';
    }
    const fatal = this.host.fatal;
    // Only the failure that ends a run of good writes is the caller's to hear: the retries (from
    // the cron, once a second) must not throw into a timer.
    const first = this.lastWriteOk;
    if (policy === 'always' && fatal === undefined) {
      // Replies of reads and writes may already be out, and the change cannot be undone: the
      // promise that acknowledged writes are on disk can only be kept by stopping.
      this.log.warning(
        "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
      );
      process.exit(1);
    }
    this.lastWriteOk = false;
    if (written > 0) {
      this.currentSize += written;
      this.lastIncrSize += written;
      this.pending = this.pending.slice(written);
    }
    if (policy === 'always' && fatal !== undefined && first) {
      fatal(`Error writing to the AOF file: ${this.lastWriteError}`);
    }
  }

  private tryFsync(policy: string, now: number): void {
    if (this.fsyncSkipped()) return;
    if (policy === 'always') {
      try {
        fdatasyncSync(this.fd);
      } catch (err) {
        const fatal = this.host.fatal;
        if (fatal !== undefined) {
          const first = this.bioFsyncOk;
          this.bioFsyncOk = false;
          this.lastWriteError = errnoText(err);
          if (first) fatal(`Error fsyncing the AOF file: ${this.lastWriteError}`);
          return;
        }
        this.log.warning(
          `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(err as Error).message}. Exiting...`,
        );
        process.exit(1);
      }
      this.lastIncrFsyncOffset = this.lastIncrSize;
      this.lastFsync = now;
    } else if (policy === 'everysec' && now - this.lastFsync >= 1000) {
      if (this.fsyncsInFlight === 0) {
        this.backgroundFsync(this.fd);
        this.lastIncrFsyncOffset = this.lastIncrSize;
      }
      this.lastFsync = now;
    }
  }

  /** aof_background_fsync: fdatasync on libuv's thread pool, the main thread carries on. */
  private backgroundFsync(fd: number): void {
    this.fsyncsInFlight++;
    fdatasync(fd, (err) => {
      this.fsyncsInFlight--;
      if (err && err.code !== 'EBADF' && err.code !== 'EINVAL') {
        this.bioFsyncOk = false;
        this.lastWriteError = errnoText(err);
        this.log.warning(`Fail to fsync the AOF file: ${err.message}`);
      } else this.bioFsyncOk = true;
      // A postponed write can go now rather than at the next cron tick.
      if (this.flushPostponedStart !== 0 && this.state !== 'off') this.scheduleFlush();
    });
  }

  /** aof_background_fsync_and_close: a rotated INCR file is synced and closed off the main thread. */
  private closeInBackground(fd: number): void {
    fdatasync(fd, () => fsClose(fd, () => {}));
  }

  // ---- rewriting ----------------------------------------------------------------------------

  private rewriteOptions(preamble: boolean) {
    return {
      preamble,
      rdb: this.host.rdbSaveOptions(),
      timestamp: this.config.bool('aof-timestamp-enabled'),
    };
  }

  private tempIncrName(): string {
    return `temp-${this.filename}.incr`;
  }

  /**
   * openNewIncrAofForAppend: writes continue in a new INCR file from now on (a temporary one
   * while AOF waits for its first rewrite); the manifest listing it is on disk before it is used.
   */
  private openNewIncrForAppend(): boolean {
    if (this.state === 'off') return true;
    const aofDir = this.aofDir;
    let am: AofManifest | null = null;
    let name: string;
    if (this.state === 'wait-rewrite') name = this.tempIncrName();
    else {
      am = this.manifest.dup();
      name = am.newIncr(this.filename);
    }
    let fd: number;
    try {
      fd = openSync(join(aofDir, name), 'w', 0o644);
    } catch (err) {
      this.log.warning(`Can't open the append-only file ${name}: ${(err as Error).message}`);
      return false;
    }
    if (am !== null) {
      try {
        persistManifest(aofDir, this.filename, am);
      } catch (err) {
        this.log.warning(`Can't persist the AOF manifest: ${(err as Error).message}`);
        closeSync(fd);
        return false;
      }
    }
    this.log.notice(`Creating AOF incr file ${name} on background rewrite`);
    if (this.fd >= 0) {
      this.closeInBackground(this.fd);
      this.lastFsync = Date.now();
    }
    this.fd = fd;
    this.lastIncrSize = 0;
    this.lastIncrFsyncOffset = 0;
    if (am !== null) this.manifest = am;
    return true;
  }

  /**
   * rewriteAppendOnlyFileBackground: flush what is buffered into the current INCR file, switch to
   * a new one, and snapshot the dataset for the new BASE, all in this same instant.
   */
  startRewrite(): boolean {
    if (this.busy()) return false;
    const aofDir = this.aofDir;
    try {
      mkdirSync(aofDir, { recursive: true });
    } catch (err) {
      this.log.warning(`Can't open or create append-only dir ${aofDir}: ${(err as Error).message}`);
      this.lastBgrewriteOk = false;
      return false;
    }
    // Changes already made belong before the snapshot, in the current INCR file.
    this.inst.propagation.flush();
    this.selectedDb = -1;
    this.flush(true);
    if (!this.openNewIncrForAppend()) {
      this.lastBgrewriteOk = false;
      return false;
    }
    this.rewrites++;
    const id = ++rewriteIds;
    const preamble = this.config.bool('aof-use-rdb-preamble');
    const tmpPath = join(this.dir, `temp-rewriteaof-bg-${process.pid}-${id}.aof`);
    const t0 = performance.now();
    const job = startRewrite(this.inst.ks, tmpPath, this.rewriteOptions(preamble));
    // Taking the snapshot is the one step that cannot be sliced: it counts as a slice.
    const snapshotMs = performance.now() - t0;
    if (snapshotMs > this.longestRewriteSliceMs) this.longestRewriteSliceMs = snapshotMs;
    const running: RunningRewrite = { job, tmpPath, preamble, id };
    this.rewrite = running;
    this.rewriteScheduled = false;
    this.rewriteStartedAt = Date.now();
    this.log.notice(
      `Background append only file rewriting started (snapshot of ${job.keysTotal} keys taken in ${snapshotMs.toFixed(2)} ms, rewrite ${process.pid}-${id})`,
    );
    job.done.then(
      () => this.rewriteDone(running, null),
      (err: Error) => this.rewriteDone(running, err),
    );
    return true;
  }

  /** backgroundRewriteDoneHandler. */
  private rewriteDone(running: RunningRewrite, error: Error | null): void {
    if (running.job.longestSliceMs > this.longestRewriteSliceMs)
      this.longestRewriteSliceMs = running.job.longestSliceMs;
    if (this.rewrite !== running) {
      // Killed (appendonly no, shutdown, a restart of the rewrite): no status change, no file kept.
      unlink(running.tmpPath, () => {});
      return;
    }
    this.rewrite = null;
    if (error === null) this.installRewrite(running);
    else {
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      this.log.warning(`Background AOF rewrite terminated with error: ${error.message}`);
    }
    unlink(running.tmpPath, () => {});
    if (this.state === 'wait-rewrite') {
      // The first rewrite failed: what accumulated is dropped and the rewrite tried again.
      this.pending = '';
      this.log.notice(`Removing the temp incr aof file ${this.tempIncrName()} in the background`);
      unlink(join(this.aofDir, this.tempIncrName()), () => {});
      this.rewriteScheduled = true;
    }
    this.lastRewriteSeconds = Math.floor((Date.now() - this.rewriteStartedAt) / 1000);
    this.rewriteStartedAt = -1;
  }

  private installRewrite(running: RunningRewrite): void {
    const log = this.log;
    const aofDir = this.aofDir;
    log.notice('Background AOF rewrite terminated with success');
    const am = this.manifest.dup();
    const baseName = am.newBase(this.filename, running.preamble);
    const basePath = join(aofDir, baseName);
    const fail = () => {
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
    };
    try {
      renameSync(running.tmpPath, basePath);
    } catch (err) {
      log.warning(
        `Error trying to rename the temporary AOF base file ${running.tmpPath} into ${basePath}: ${(err as Error).message}`,
      );
      fail();
      return;
    }
    log.notice(`Successfully renamed the temporary AOF base file ${running.tmpPath} into ${baseName}`);
    let incrPath: string | null = null;
    if (this.state === 'wait-rewrite') {
      const tempIncr = join(aofDir, this.tempIncrName());
      const incrName = am.newIncr(this.filename);
      incrPath = join(aofDir, incrName);
      try {
        renameSync(tempIncr, incrPath);
      } catch (err) {
        log.warning(
          `Error trying to rename the temporary AOF incr file ${tempIncr} into ${incrPath}: ${(err as Error).message}`,
        );
        unlink(basePath, () => {});
        fail();
        return;
      }
      log.notice(`Successfully renamed the temporary AOF incr file ${this.tempIncrName()} into ${incrName}`);
    }
    am.markRewrittenIncrAsHistory(this.fd >= 0);
    try {
      persistManifest(aofDir, this.filename, am);
    } catch (err) {
      log.warning(`Can't persist the AOF manifest: ${(err as Error).message}`);
      unlink(basePath, () => {});
      if (incrPath !== null) unlink(incrPath, () => {});
      fail();
      return;
    }
    this.manifest = am;
    if (this.state !== 'off') {
      this.currentSize = statSync(basePath).size + this.lastIncrSize;
      this.rewriteBaseSize = this.currentSize;
    }
    this.deleteHistory();
    this.lastBgrewriteOk = true;
    this.consecutiveFailures = 0;
    log.notice('Background AOF rewrite finished successfully');
    if (this.state === 'wait-rewrite') this.state = 'on';
  }

  /** aofDelHistoryFiles: HISTORY files go, unless aof-disable-auto-gc. */
  deleteHistory(): void {
    const am = this.manifest;
    if (this.config.bool('aof-disable-auto-gc') || am.history.length === 0) return;
    const aofDir = this.aofDir;
    for (const h of am.history) {
      this.log.notice(`Removing the history file ${h.name} in the background`);
      unlink(join(aofDir, h.name), () => {});
    }
    am.history = [];
    am.dirty = true;
    try {
      persistManifest(aofDir, this.filename, am);
    } catch (err) {
      this.log.warning(`Can't persist the AOF manifest: ${(err as Error).message}`);
    }
  }

  /** killAppendOnlyChild: the running rewrite is abandoned; its temporary file is removed. */
  private killRewrite(): void {
    const running = this.rewrite;
    if (running === null) return;
    this.log.notice(`Killing running AOF rewrite child: ${process.pid}-${running.id}`);
    this.rewrite = null;
    running.job.abort();
    this.rewriteStartedAt = -1;
  }

  /** aofRewriteLimited: after 3 consecutive failures automatic rewrites wait 1, 2, 4 ... 60 minutes. */
  rewriteLimited(): boolean {
    if (this.consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
      this.nextDelayMinutes = 0;
      this.nextRewriteTime = 0;
      return false;
    }
    const now = Date.now();
    if (this.nextRewriteTime !== 0) {
      if (now < this.nextRewriteTime) return true;
      this.nextRewriteTime = 0;
      return false;
    }
    this.nextDelayMinutes = Math.min(
      this.nextDelayMinutes === 0 ? 1 : this.nextDelayMinutes * 2,
      REWRITE_LIMIT_MAX_MINUTES,
    );
    this.nextRewriteTime = now + this.nextDelayMinutes * 60_000;
    this.log.warning(
      `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.nextDelayMinutes} minutes`,
    );
    return true;
  }

  /** BGREWRITEAOF's rules and replies. */
  bgrewriteaof(inExec: boolean): { ok: string } | { error: string } {
    if (this.rewrite !== null)
      return { error: 'ERR Background append only file rewriting already in progress' };
    if (this.host.bgsaveRunning() || inExec) {
      this.rewriteScheduled = true;
      // A manual request is not held back by the failure limit.
      this.consecutiveFailures = 0;
      return { ok: 'Background append only file rewriting scheduled' };
    }
    if (this.startRewrite()) return { ok: 'Background append only file rewriting started' };
    return {
      error:
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
    };
  }

  /** serverCron's AOF part that does not depend on other background work. */
  cron(): void {
    if (this.state === 'off') return;
    // The postponed write, the retry after a write error (once a second), and the everysec fsync
    // of data written before writes stopped: flushAppendOnlyFile covers them all.
    const hz = Math.max(1, this.config.number('hz'));
    const everySecond = ++this.cronTicks % hz === 0;
    if (this.flushPostponedStart !== 0 || (everySecond && !this.lastWriteOk) || this.pending.length === 0)
      this.flush(false);
  }

  /** The automatic rewrite on growth (auto-aof-rewrite-percentage / -min-size); true if started. */
  maybeAutoRewrite(): boolean {
    if (this.state !== 'on' || this.busy()) return false;
    const perc = this.config.number('auto-aof-rewrite-percentage');
    if (perc === 0 || this.currentSize <= this.config.number('auto-aof-rewrite-min-size')) return false;
    const base = this.rewriteBaseSize === 0 ? 1 : this.rewriteBaseSize;
    const growth = Math.floor((this.currentSize * 100) / base) - 100;
    if (growth < perc || this.rewriteLimited()) return false;
    this.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
    return this.startRewrite();
  }

  // ---- turning on and off -------------------------------------------------------------------

  /** startAppendOnly (CONFIG SET appendonly yes): AOF is on once the first rewrite completes. */
  start(inExec: boolean): boolean {
    if (this.state !== 'off') return true;
    this.setState('wait-rewrite');
    if (this.host.bgsaveRunning()) {
      this.rewriteScheduled = true;
      this.log.warning(
        'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.',
      );
    } else if (inExec) {
      this.rewriteScheduled = true;
      this.log.warning(
        'AOF was enabled during a transaction. An AOF background was scheduled to start when possible.',
      );
    } else {
      if (this.rewrite !== null) {
        this.log.warning(
          'AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.',
        );
        this.killRewrite();
      }
      if (!this.startRewrite()) {
        this.setState('off');
        this.log.warning(
          "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
        );
        return false;
      }
    }
    this.lastFsync = Date.now();
    if (!this.bioFsyncOk) {
      this.log.warning('AOF reopen, just ignore the AOF fsync error in bio job');
      this.bioFsyncOk = true;
    }
    if (!this.lastWriteOk) {
      this.log.warning('AOF reopen, just ignore the last error.');
      this.lastWriteOk = true;
    }
    return true;
  }

  /** stopAppendOnly (CONFIG SET appendonly no): flush, fsync, close; a running rewrite is killed. */
  stop(): void {
    if (this.state === 'off') return;
    this.syncAndClose();
    this.selectedDb = -1;
    this.rewriteScheduled = false;
    this.lastIncrSize = 0;
    this.lastIncrFsyncOffset = 0;
    this.killRewrite();
    this.pending = '';
    this.setState('off');
  }

  private syncAndClose(): void {
    if (this.fd < 0) return;
    this.flush(true);
    try {
      fdatasyncSync(this.fd);
      this.lastFsync = Date.now();
    } catch (err) {
      this.log.warning(`Fail to fsync the AOF file: ${(err as Error).message}`);
    }
    closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * prepareForShutdown's AOF part: a rewrite is killed (unless it is the first one, which AOF
   * waits for: then only a forced shutdown goes on), and the file is flushed and fsynced.
   * Returns an error text when the shutdown must not proceed.
   */
  shutdown(force: boolean): string | undefined {
    if (this.rewrite !== null) {
      if (this.state === 'wait-rewrite') {
        if (force) this.log.warning('Writing initial AOF. Exit anyway.');
        else {
          this.log.warning("Writing initial AOF, can't exit.");
          return 'ERR Errors trying to SHUTDOWN. Check logs.';
        }
      }
      this.log.warning('There is a child rewriting the AOF. Killing it!');
      this.killRewrite();
    }
    if (this.state !== 'off' && this.fd >= 0) {
      this.log.notice('Calling fsync() on the AOF file.');
      this.flush(true);
      try {
        fdatasyncSync(this.fd);
      } catch (err) {
        this.log.warning(`Fail to fsync the AOF file: ${(err as Error).message}.`);
      }
    }
    return undefined;
  }

  /** The server stops (also for in-process servers in tests): flush, fsync and close. */
  close(): void {
    this.killRewrite();
    this.syncAndClose();
    this.pending = '';
    this.setState('off');
  }

  // ---- INFO ---------------------------------------------------------------------------------

  /** INFO persistence: the aof_* fields in Redis 7.0's order (the second part only with appendonly yes). */
  info(): Array<[string, string | number]> {
    const out: Array<[string, string | number]> = [
      ['aof_enabled', this.state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', this.rewrite !== null ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSeconds],
      [
        'aof_current_rewrite_time_sec',
        this.rewrite === null ? -1 : Math.floor((Date.now() - this.rewriteStartedAt) / 1000),
      ],
      ['aof_last_bgrewrite_status', this.lastBgrewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk && this.bioFsyncOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (this.config.bool('appendonly')) {
      out.push(
        ['aof_current_size', this.currentSize],
        ['aof_base_size', this.rewriteBaseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', this.pending.length],
        ['aof_pending_bio_fsync', this.fsyncsInFlight],
        ['aof_delayed_fsync', this.delayedFsync],
      );
    }
    return out;
  }

  /** The rewrite's progress, for current_save_keys_* / current_fork_perc while it runs. */
  get rewriteProgress(): { processed: number; total: number } | null {
    const r = this.rewrite;
    return r === null ? null : { processed: r.job.keysProcessed, total: r.job.keysTotal };
  }

  /** Whether writes must be refused (MISCONF): AOF on and its last write or fsync failed. */
  get writeError(): string | null {
    if (this.state === 'off' || (this.lastWriteOk && this.bioFsyncOk)) return null;
    return `MISCONF Errors writing to the AOF file: ${this.lastWriteError}`;
  }
}
