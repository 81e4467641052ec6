/**
 * Loading the append-only file at start-up, as Redis 7.0's loadAppendOnlyFiles and
 * loadSingleAppendOnlyFile do it: the upgrade of an old single-file `appendonly.aof` into the
 * multi-part directory, then the BASE file (an RDB, possibly followed by an AOF tail, or RESP
 * commands) and every INCR file in manifest order, each command replayed through call() (what
 * dispatch() runs once a command is accepted: the same handlers) by an internal client whose
 * replies go nowhere (an error reply is logged as Redis logs it). A file whose last command is
 * cut short loads up to it and is truncated there when aof-load-truncated is on; anything else
 * malformed stops the start with the file and offset.
 * Also the buffered fgets/fread reader that mnemo-check-aof shares.
 */

import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { AclUser } from '../commands/acl.js';
import { Client } from '../commands/client.js';
import { call } from '../commands/dispatch.js';
import { E } from '../commands/errors.js';
import type { Instance } from '../commands/instance.js';
import type { Command } from '../commands/spec.js';
import type { Reply } from '../protocol/reply.js';
import { type AofManifest, persistManifest } from './aof-manifest.js';
import type { PersistenceLogger as Logger } from './log.js';
import { type RdbLoadLimits, RdbReader } from './rdb/decoder.js';

/** fgets buffer of Redis's AOF reader (AOF_ANNOTATION_LINE_MAX_LEN): lines of up to 1023 bytes. */
export const AOF_LINE_MAX = 1024;
const CHUNK = 1 << 20;

/**
 * Sequential reads of a file with stdio's semantics: fgets (a line up to a size, or what is left
 * at the end) and fread (possibly short at the end), through a 1 MB window.
 */
export class FileReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base: number;
  /** A read reached the end of the file (feof). */
  eof = false;

  constructor(
    private readonly fd: number,
    offset = 0,
  ) {
    this.base = offset;
  }

  /** ftello: the offset of the next byte to read. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Reads more after what is buffered; false at the end of the file. */
  private fill(want: number): boolean {
    const rest = this.buf.length - this.pos;
    const size = Math.max(CHUNK, want - rest);
    const next = Buffer.allocUnsafe(rest + size);
    this.buf.copy(next, 0, this.pos);
    const n = readSync(this.fd, next, rest, size, this.base + this.buf.length);
    this.base += this.pos;
    this.pos = 0;
    this.buf = next.subarray(0, rest + n);
    if (n === 0) this.eof = true;
    return n > 0;
  }

  /** fgets(buf, max): up to max-1 bytes, ending after a newline; null at the end of the file. */
  fgets(max: number): string | null {
    for (;;) {
      const limit = Math.min(this.buf.length, this.pos + max - 1);
      const nl = this.buf.indexOf(10, this.pos);
      if (nl >= 0 && nl < limit) {
        const line = this.buf.latin1Slice(this.pos, nl + 1);
        this.pos = nl + 1;
        return line;
      }
      if (this.buf.length - this.pos >= max - 1) {
        const line = this.buf.latin1Slice(this.pos, this.pos + max - 1);
        this.pos += max - 1;
        return line;
      }
      if (!this.fill(max)) {
        if (this.pos >= this.buf.length) return null;
        const line = this.buf.latin1Slice(this.pos);
        this.pos = this.buf.length;
        return line;
      }
    }
  }

  /** The next byte without consuming it, or -1 at the end of the file. */
  peek(): number {
    if (this.pos >= this.buf.length && !this.fill(1)) return -1;
    return this.buf[this.pos]!;
  }

  /** fread: `n` bytes, or fewer at the end of the file. */
  fread(n: number): Buffer {
    while (this.buf.length - this.pos < n) {
      if (!this.fill(n)) break;
    }
    const end = Math.min(this.buf.length, this.pos + n);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }
}

/** atoi/strtol on a line: optional blanks and sign, then digits (0 when there are none). */
export function leadingInt(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

export type AofStatus = 'ok' | 'not-exist' | 'empty' | 'open-err' | 'failed' | 'truncated';

/** Loading cannot go on: the message says which file, where, and what to do. */
export class AofLoadError extends Error {
  override readonly name = 'AofLoadError';
}

export interface AofLoadContext {
  inst: Instance;
  log: Logger;
  /** `dir`: where an old-style single AOF file would be. */
  dir: string;
  /** `dir`/`appenddirname`. */
  aofDir: string;
  /** `appendfilename`. */
  filename: string;
  loadTruncated: boolean;
  rdbLimits: RdbLoadLimits & { verifyChecksum?: boolean };
}

export interface AofLoadResult {
  status: AofStatus;
  /** Bytes of the BASE and INCR files (aof_current_size after loading). */
  totalSize: number;
  /** Bytes of the BASE file (aof_rewrite_base_size after loading). */
  baseSize: number;
}

/** The replies of the loading client: nothing is kept but the error texts, to log them. */
class LoadingReply implements Reply {
  readonly resp = 2 as const;
  errors: string[] = [];
  ok(): void {}
  simple(): void {}
  error(message: string): void {
    this.errors.push(message);
  }
  bulk(): void {}
  bulkBytes(): void {}
  bulkInt(): void {}
  int(): void {}
  nil(): void {}
  nilArray(): void {}
  double(): void {}
  bool(): void {}
  bigNumber(): void {}
  verbatim(): void {}
  array(): void {}
  map(): void {}
  set(): void {}
  push(): void {}
  mark(): number {
    return 0;
  }
  rollback(): void {}
}

function errnoText(err: unknown): string {
  return (err as Error).message ?? String(err);
}

function fileSize(path: string): number {
  return statSync(path).size;
}

/**
 * aofUpgradePrepare: an `appendonly.aof` in `dir` from before multi-part AOF becomes the BASE of
 * a new manifest and moves into the AOF directory. Every step is safe to repeat after a crash.
 */
function upgradeOldAof(ctx: AofLoadContext, am: AofManifest): void {
  try {
    mkdirSync(ctx.aofDir, { recursive: true });
  } catch (err) {
    throw new AofLoadError(`Can't open or create append-only dir ${ctx.aofDir}: ${errnoText(err)}`);
  }
  am.base = { name: ctx.filename, seq: 1, type: 'b' };
  am.baseSeq = 1;
  am.dirty = true;
  try {
    persistManifest(ctx.aofDir, ctx.filename, am);
  } catch (err) {
    throw new AofLoadError(`Can't write the AOF manifest in ${ctx.aofDir}: ${errnoText(err)}`);
  }
  try {
    renameSync(join(ctx.dir, ctx.filename), join(ctx.aofDir, ctx.filename));
  } catch (err) {
    throw new AofLoadError(
      `Error trying to move the old AOF file ${ctx.filename} into dir ${ctx.aofDir}: ${errnoText(err)}`,
    );
  }
  ctx.log.notice(
    `Successfully migrated an old-style AOF file (${ctx.filename}) into the AOF directory (${ctx.aofDir}).`,
  );
}

/**
 * loadAppendOnlyFiles: upgrades an old-style file if needed, then loads the BASE and INCR files.
 * Returns the outcome for 'ok', 'truncated', 'empty' and 'not-exist'; throws AofLoadError when
 * the server must not start.
 */
export function loadAppendOnlyFiles(ctx: AofLoadContext, am: AofManifest): AofLoadResult {
  const old = join(ctx.dir, ctx.filename);
  if (existsSync(old)) {
    const dirExists = existsSync(ctx.aofDir);
    if (
      !dirExists ||
      (am.base === null && am.incr.length === 0) ||
      (am.base !== null &&
        am.incr.length === 0 &&
        am.base.name === ctx.filename &&
        !existsSync(join(ctx.aofDir, ctx.filename)))
    ) {
      upgradeOldAof(ctx, am);
    }
  }
  if (am.base === null && am.incr.length === 0) return { status: 'not-exist', totalSize: 0, baseSize: 0 };

  const files = [...(am.base !== null ? [am.base] : []), ...am.incr];
  let totalSize = 0;
  for (const f of files) {
    try {
      totalSize += fileSize(join(ctx.aofDir, f.name));
    } catch (err) {
      ctx.log.warning(`Unable to obtain the AOF file ${f.name} length. stat: ${errnoText(err)}`);
      throw new AofLoadError(
        `The AOF file ${f.name} listed in the manifest of ${ctx.aofDir} is missing or unreadable: ${errnoText(err)}`,
      );
    }
  }
  if (totalSize === 0) return { status: 'empty', totalSize: 0, baseSize: 0 };

  const ks = ctx.inst.ks;
  const loader = new Replayer(ctx);
  let baseSize = 0;
  let status: AofStatus = 'ok';
  ks.loading = true;
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const last = i === files.length - 1;
      const isBase = f.type === 'b';
      if (isBase) baseSize = fileSize(join(ctx.aofDir, f.name));
      const start = performance.now();
      let ret = loader.loadFile(f.name);
      if (ret === 'ok' || (ret === 'truncated' && last)) {
        ctx.log.notice(
          `DB loaded from ${isBase ? 'base' : 'incr'} file ${f.name}: ${((performance.now() - start) / 1000).toFixed(3)} seconds`,
        );
      }
      if (ret === 'empty' && !isBase) ret = 'ok';
      if (ret === 'truncated' && !last) {
        ctx.log.warning('Fatal error: the truncated file is not the last file');
        throw new AofLoadError(
          `The AOF file ${f.name} is truncated but is not the last file of ${ctx.aofDir}; fix it with mnemo-check-aof`,
        );
      }
      if (ret === 'truncated') status = 'truncated';
    }
  } finally {
    ks.loading = false;
    loader.close();
  }
  return { status, totalSize, baseSize };
}

/** lookupCommand(argv): the command or subcommand record; undefined for an unknown one. */
function lookupCommand(commands: Instance['commands'], argv: string[]): Command | undefined {
  const cmd = commands.lookup(argv[0]!);
  if (cmd === undefined || cmd.subs === null || argv.length < 2) return cmd;
  const sub = argv[1]!;
  return cmd.subs.get(sub) ?? cmd.subs.get(sub.toLowerCase());
}

/** Replays files through one internal client (Redis's fake AOF client). */
class Replayer {
  private readonly reply = new LoadingReply();
  private readonly client: Client;

  constructor(private readonly ctx: AofLoadContext) {
    const inst = ctx.inst;
    // The loading client is not a real client: it must not use up a client id.
    const nextId = inst.nextClientId;
    this.client = new Client(inst, this.reply, null);
    inst.nextClientId = nextId;
    // Like Redis's AOF client (CLIENT_DENY_BLOCKING): a blocking command answers at once.
    this.client.denyBlocking = true;
    // ... and with no ACL user at all: nothing in the file may be refused (EXEC checks again).
    const superuser = new AclUser('(aof-loading)', true);
    superuser.enabled = true;
    superuser.nopass = true;
    superuser.unrestricted = true;
    this.client.aclUser = superuser;
  }

  close(): void {
    if (this.client.multi !== null) this.client.discardTransaction();
  }

  /** loadSingleAppendOnlyFile for one file of the manifest. */
  loadFile(name: string): AofStatus {
    const { ctx } = this;
    const path = join(ctx.aofDir, name);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        ctx.log.warning(`The append log file ${name} doesn't exist: ${errnoText(err)}`);
        throw new AofLoadError(`The AOF file ${path} listed in the manifest doesn't exist`);
      }
      ctx.log.warning(`Fatal error: can't open the append log file ${name} for reading: ${errnoText(err)}`);
      throw new AofLoadError(`Can't open the append log file ${path} for reading: ${errnoText(err)}`);
    }
    try {
      if (fstatSync(fd).size === 0) return 'empty';
      return this.replay(fd, name, path);
    } finally {
      closeSync(fd);
    }
  }

  private replay(fd: number, name: string, path: string): AofStatus {
    const { ctx, client, reply } = this;
    const inst = ctx.inst;
    let start = 0;
    const sig = Buffer.alloc(5);
    if (readSync(fd, sig, 0, 5, 0) === 5 && sig.latin1Slice() === 'REDIS') {
      const oldStyle = name === ctx.filename;
      ctx.log.notice(
        oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...',
      );
      start = this.loadRdb(fd, name, path, oldStyle);
      if (oldStyle) ctx.log.notice('Reading the remaining AOF tail...');
    }
    const r = new FileReader(fd, start);
    let validUpTo = start;
    let validBeforeMulti = start;
    let truncated = false;
    let badAt = -1;
    const commands = inst.commands;
    for (;;) {
      const lineStart = r.offset;
      const line = r.fgets(AOF_LINE_MAX);
      if (line === null) break;
      if (line.charCodeAt(0) === 0x23) continue; // '#': an annotation (#TS:...)
      if (line.charCodeAt(0) !== 0x2a) {
        badAt = lineStart;
        break;
      }
      if (line.length === 1) {
        truncated = true;
        break;
      }
      const argc = leadingInt(line.slice(1));
      if (argc < 1) {
        badAt = lineStart;
        break;
      }
      const argv: string[] = [];
      for (let j = 0; j < argc; j++) {
        const argStart = r.offset;
        const l = r.fgets(AOF_LINE_MAX);
        if (l === null) {
          truncated = true;
          break;
        }
        if (l.charCodeAt(0) !== 0x24) {
          badAt = argStart;
          break;
        }
        const len = leadingInt(l.slice(1));
        if (len < 0) {
          badAt = argStart;
          break;
        }
        const data = r.fread(len);
        if (data.length < len) {
          truncated = true;
          break;
        }
        argv.push(data.latin1Slice());
        if (r.fread(2).length < 2) {
          truncated = true;
          break;
        }
      }
      if (truncated || badAt >= 0) break;
      const cmd = lookupCommand(commands, argv);
      if (cmd === undefined) {
        ctx.log.warning(`Unknown command '${argv[0]}' reading the append only file ${name}`);
        throw new AofLoadError(
          `Unknown command '${argv[0]}' reading the append only file ${path} at offset ${lineStart}`,
        );
      }
      if (cmd.parent === null && cmd.name === 'multi') validBeforeMulti = validUpTo;
      reply.errors.length = 0;
      // As Redis runs cmd->proc for its AOF client: no ACL, maxmemory or pause checks (the
      // commands were checked when they first ran); inside MULTI everything but EXEC is queued.
      const arity = cmd.arity;
      if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
        reply.error(E.WRONG_ARGS(cmd.fullName));
      else if (client.multi !== null && !(cmd.parent === null && cmd.name === 'exec'))
        client.multi.push({ cmd, argv });
      else call(client, cmd, argv);
      for (const e of reply.errors) {
        ctx.log.warning(
          `== CRITICAL == This server is sending an error to its AOF-loading-client: '${e.slice(0, 4096)}' after processing the command '${cmd.fullName}'`,
        );
      }
      validUpTo = r.offset;
    }

    if (badAt >= 0) {
      if (client.multi !== null) client.discardTransaction();
      ctx.log.warning(
        `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use mnemo-check-aof --fix <filename.manifest>`,
      );
      throw new AofLoadError(
        `Bad file format reading the append only file ${path} at offset ${badAt}: make a backup of your AOF directory, then use mnemo-check-aof --fix ${join(ctx.aofDir, `${ctx.filename}.manifest`)}`,
      );
    }
    if (!truncated && client.multi === null) return 'ok';
    if (client.multi !== null) {
      // The queued commands never ran; cut the whole unfinished transaction, not only its
      // broken tail (Redis keeps a cut-short MULTI in the file, which would swallow the commands
      // appended after it on the next start).
      ctx.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
      client.discardTransaction();
      validUpTo = validBeforeMulti;
    }
    if (ctx.loadTruncated) {
      ctx.log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
      ctx.log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
      try {
        truncateSync(path, validUpTo);
        ctx.log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
        return 'truncated';
      } catch (err) {
        ctx.log.warning(`Error truncating the AOF file ${name}: ${errnoText(err)}`);
      }
    }
    ctx.log.warning(
      `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use mnemo-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
    );
    throw new AofLoadError(
      `Unexpected end of file reading the append only file ${path} (last valid command ends at offset ${validUpTo}); use mnemo-check-aof --fix or set aof-load-truncated yes`,
    );
  }

  /**
   * Loads the RDB part of a BASE file (or of an old RDB-preamble AOF) into the keyspace; returns
   * the offset where it ends (an old-style file continues with commands there). Unlike a plain
   * RDB load, keys whose time has passed are kept (RDBFLAGS_AOF_PREAMBLE): a command later in
   * the AOF may still use them.
   */
  private loadRdb(fd: number, name: string, path: string, oldStyle: boolean): number {
    const { ctx } = this;
    const ks = ctx.inst.ks;
    const reader = new RdbReader(ctx.rdbLimits);
    const chunk = Buffer.allocUnsafe(CHUNK);
    let offset = 0;
    let loaded = 0;
    let functions = 0;
    const take = (records: ReturnType<RdbReader['push']>) => {
      for (const rec of records) {
        if (rec.kind === 'entry') {
          if (rec.db >= ks.dbs.length) {
            throw new AofLoadError(
              `FATAL: Data file was created with a Redis server configured to handle more than ${ks.dbs.length} databases. Exiting`,
            );
          }
          const db = ks.db(rec.db);
          db.add(rec.key, rec.value);
          if (rec.expireMs !== undefined) db.setExpire(rec.key, rec.expireMs);
          loaded++;
        } else if (rec.kind === 'function') functions++;
        else if (rec.kind === 'aux') {
          // rdbLoadRio's log lines for the aux fields it understands.
          if (rec.key === 'redis-ver') ctx.log.notice(`Loading RDB produced by version ${rec.value}`);
          else if (rec.key === 'ctime') {
            const age = Math.floor(Date.now() / 1000) - Number(rec.value);
            if (Number.isFinite(age)) ctx.log.notice(`RDB age ${Math.max(0, age)} seconds`);
          } else if (rec.key === 'aof-base' && rec.value === '1') ctx.log.notice('RDB is base AOF');
        }
      }
    };
    try {
      while (!reader.done) {
        const n = readSync(fd, chunk, 0, CHUNK, offset);
        if (n === 0) {
          take(reader.end());
          break;
        }
        offset += n;
        // push() keeps no reference past the records it completes, but the chunk is reused.
        take(reader.push(Buffer.from(chunk.subarray(0, n))));
      }
    } catch (err) {
      if (err instanceof AofLoadError) throw err;
      ctx.log.warning(
        oldStyle
          ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
          : `Error reading the RDB base file ${name}, AOF loading aborted`,
      );
      throw new AofLoadError(`Error reading the RDB part of ${path}: ${errnoText(err)}`);
    }
    if (functions > 0) {
      ctx.log.warning(
        `${functions} function libraries in ${name} were skipped: mnemo has no FUNCTION support`,
      );
    }
    ctx.log.notice(`Done loading RDB, keys loaded: ${loaded}, keys expired: 0.`);
    return reader.offset;
  }
}
