/**
 * mnemo-check-aof's logic, a port of redis-check-aof (Redis 7.0) with its output: checks a
 * multi-part AOF through its manifest (BASE in RDB or RESP form, then every INCR file), an
 * old-style single file, or an old RDB-preamble file; reports the first problem with its offset
 * and how much of the file is valid; with --fix truncates the last file after the last complete
 * command (an unfinished MULTI counts as incomplete) once the user confirms; with
 * --truncate-to-timestamp cuts the last file at the first `#TS:` annotation past a time.
 */

import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileReader } from './aof-load.js';
import { type AofManifest, ManifestError, readManifestFile } from './aof-manifest.js';
import { RdbReader } from './rdb/decoder.js';

export interface CheckIo {
  out(text: string): void;
  /** Reads the answer to "Continue? [y/N]:" (true for a line starting with y or Y). */
  confirm(): boolean;
}

/** exit(code) in the C tool. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

type CheckResult = 'ok' | 'empty' | 'truncated' | 'timestamp-truncated';

const LONG_MAX = 2 ** 63 - 1;

class Checker {
  private error = '';
  private epos = 0;
  private line = 1;

  constructor(
    private readonly io: CheckIo,
    private readonly fix: boolean,
    private readonly toTimestamp: number,
  ) {}

  private print(s: string): void {
    this.io.out(`${s}\n`);
  }

  private fail(msg: string): void {
    this.error = `0x${this.epos.toString(16).padStart(16, ' ')}: ${msg}`;
  }

  private consumeNewline(s: string): boolean {
    if (!s.startsWith('\r\n')) {
      const hex = (i: number) => (s.charCodeAt(i) || 0).toString(16).padStart(2, '0');
      this.fail(`Expected \\r\\n, got: ${hex(0)}${hex(1)}`);
      return false;
    }
    this.line++;
    return true;
  }

  private readLong(r: FileReader, prefix: string): number | null {
    this.epos = r.offset;
    const buf = r.fgets(128);
    if (buf === null) return null;
    if (buf[0] !== prefix) {
      this.fail(`Expected prefix '${prefix}', got: '${buf[0] ?? ''}'`);
      return null;
    }
    // strtol: blanks, sign, digits; with no digits nothing is consumed.
    const m = /^[ \t\n\v\f\r]*[+-]?\d+/.exec(buf.slice(1));
    const value = m === null ? 0 : Number(m[0].trim());
    return this.consumeNewline(buf.slice(1 + (m === null ? 0 : m[0].length))) ? value : null;
  }

  private readString(r: FileReader): string | null {
    const len = this.readLong(r, '$');
    if (len === null) return null;
    if (len < 0 || len > LONG_MAX - 2) {
      this.fail(`Expected to read string of ${len} bytes, which is not in the suitable range`);
      return null;
    }
    this.epos = r.offset;
    const data = r.fread(len + 2);
    if (data.length !== len + 2) {
      this.fail(`Expected to read ${len + 2} bytes, got ${data.length} bytes`);
      return null;
    }
    if (!this.consumeNewline(data.latin1Slice(len))) return null;
    return data.latin1Slice(0, len);
  }

  /** processRESP: one command; tracks MULTI/EXEC nesting in `multi`. */
  private processResp(r: FileReader, filename: string, state: { multi: number }): boolean {
    const argc = this.readLong(r, '*');
    if (argc === null) return false;
    for (let i = 0; i < argc; i++) {
      const s = this.readString(r);
      if (s === null) return false;
      if (i === 0) {
        const name = s.toLowerCase();
        if (name === 'multi') {
          if (state.multi++ !== 0) {
            this.fail(`Unexpected MULTI in AOF ${filename}`);
            return false;
          }
        } else if (name === 'exec') {
          if (--state.multi !== 0) {
            this.fail(`Unexpected EXEC in AOF ${filename}`);
            return false;
          }
        }
      }
    }
    return true;
  }

  /** processAnnotations: false when the file was cut at a timestamp past --truncate-to-timestamp. */
  private processAnnotations(r: FileReader, fd: number, filename: string, lastFile: boolean): boolean {
    this.epos = r.offset;
    const buf = r.fgets(1024);
    if (buf === null) {
      this.print(`Failed to read annotations from AOF ${filename}, aborting...`);
      throw new Exit(1);
    }
    if (this.toTimestamp !== 0 && buf.startsWith('#TS:')) {
      const m = /^[+-]?\d+/.exec(buf.slice(4));
      if (m === null || buf[4 + m[0].length] !== '\r') {
        this.print('Invalid timestamp annotation');
        throw new Exit(1);
      }
      const ts = Number(m[0]);
      if (ts <= this.toTimestamp) return true;
      if (this.epos === 0) {
        this.print(`AOF ${filename} has nothing before timestamp ${this.toTimestamp}, aborting...`);
        throw new Exit(1);
      }
      if (!lastFile) {
        this.print(
          `Failed to truncate AOF ${filename} to timestamp ${this.toTimestamp} to offset ${this.epos} because it is not the last file.`,
        );
        this.print(
          'If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run mnemo-check-aof.',
        );
        throw new Exit(1);
      }
      try {
        ftruncateSync(fd, this.epos);
      } catch {
        this.print(`Failed to truncate AOF ${filename} to timestamp ${this.toTimestamp}`);
        throw new Exit(1);
      }
      return false;
    }
    return true;
  }

  /** redis-check-rdb on the RDB part; returns where it ends. */
  private checkRdb(fd: number, filename: string): number {
    const reader = new RdbReader({ verifyChecksum: true });
    const chunk = Buffer.allocUnsafe(1 << 20);
    let offset = 0;
    let keys = 0;
    let expires = 0;
    const count = (recs: ReturnType<RdbReader['push']>) => {
      for (const rec of recs) {
        if (rec.kind === 'entry') {
          keys++;
          if (rec.expireMs !== undefined) expires++;
        }
      }
    };
    this.print(`[offset 0] Checking RDB file ${filename}`);
    try {
      while (!reader.done) {
        const n = readSync(fd, chunk, 0, chunk.length, offset);
        if (n === 0) {
          count(reader.end());
          break;
        }
        offset += n;
        count(reader.push(Buffer.from(chunk.subarray(0, n))));
      }
    } catch (err) {
      this.print('--- RDB ERROR DETECTED ---');
      this.print(`[offset ${reader.offset}] ${(err as Error).message}`);
      this.print('RDB preamble of AOF file is not sane, aborting.');
      throw new Exit(1);
    }
    this.print(`[offset ${reader.offset}] \\o/ RDB looks OK! \\o/`);
    this.print(`[info] ${keys} keys read`);
    this.print(`[info] ${expires} expires`);
    this.print('RDB preamble is OK, proceeding with AOF tail...');
    return reader.offset;
  }

  /** checkSingleAof. */
  checkSingle(name: string, path: string, lastFile: boolean, preamble: boolean): CheckResult {
    let fd: number;
    try {
      fd = openSync(path, 'r+');
    } catch (err) {
      this.print(`Cannot open file ${path}: ${(err as Error).message}, aborting...`);
      throw new Exit(1);
    }
    try {
      const size = fstatSync(fd).size;
      if (size === 0) return 'empty';
      const start = preamble ? this.checkRdb(fd, name) : 0;
      const r = new FileReader(fd, start);
      const state = { multi: 0 };
      let pos = start;
      for (;;) {
        if (state.multi === 0) pos = r.offset;
        const c = r.peek();
        if (c < 0) break;
        if (c === 0x23) {
          if (!this.processAnnotations(r, fd, path, lastFile)) return 'timestamp-truncated';
        } else if (c === 0x2a) {
          if (!this.processResp(r, path, state)) break;
        } else {
          this.print(`AOF ${name} format error`);
          break;
        }
      }
      if (r.eof && state.multi !== 0 && this.error === '') {
        this.fail('Reached EOF before reading EXEC for MULTI');
      }
      if (this.error !== '') this.print(this.error);
      const diff = size - pos;
      if (diff === 0 && this.toTimestamp !== 0) {
        this.print(`Truncate nothing in AOF ${name} to timestamp ${this.toTimestamp}`);
        return 'ok';
      }
      this.print(
        `AOF analyzed: filename=${name}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${this.line}, diff=${diff}`,
      );
      if (diff > 0) {
        if (!this.fix) {
          this.print(`AOF ${name} is not valid. Use the --fix option to try fixing it.`);
          throw new Exit(1);
        }
        if (!lastFile) {
          this.print(`Failed to truncate AOF ${name} because it is not the last file`);
          throw new Exit(1);
        }
        this.print(
          `This will shrink the AOF ${name} from ${size} bytes, with ${diff} bytes, to ${pos} bytes`,
        );
        this.io.out('Continue? [y/N]: ');
        if (!this.io.confirm()) {
          this.print('Aborting...');
          throw new Exit(1);
        }
        try {
          ftruncateSync(fd, pos);
        } catch {
          this.print(`Failed to truncate AOF ${name}`);
          throw new Exit(1);
        }
        return 'truncated';
      }
      return 'ok';
    } finally {
      closeSync(fd);
    }
  }

  report(kind: string, name: string, r: CheckResult): void {
    if (r === 'ok') this.print(`${kind}${name} is valid`);
    else if (r === 'empty') this.print(`${kind}${name} is empty`);
    else if (r === 'timestamp-truncated')
      this.print(`Successfully truncated AOF ${name} to timestamp ${this.toTimestamp}`);
    else this.print(`Successfully truncated AOF ${name}`);
  }

  multiPart(dir: string, manifestPath: string): void {
    this.print('Start checking Multi Part AOF');
    let am: AofManifest;
    try {
      am = readManifestFile(manifestPath);
    } catch (err) {
      this.print('*** FATAL AOF MANIFEST FILE ERROR ***');
      if (err instanceof ManifestError) {
        if (err.text !== null) {
          this.print(`Reading the manifest file, at line ${err.line}`);
          this.print(`>>> '${err.text}'`);
        }
        this.print(err.reason);
      } else
        this.print(
          `Fatal error: can't open the AOF manifest file ${manifestPath} for reading: ${(err as Error).message}`,
        );
      throw new Exit(1);
    }
    const total = am.fileCount;
    let n = 0;
    if (am.base !== null) {
      const path = join(dir, am.base.name);
      const rdb = fileIsRdb(path, this.io);
      this.print(`Start to check BASE AOF (${rdb ? 'RDB' : 'RESP'} format).`);
      this.report('BASE AOF ', am.base.name, this.checkSingle(am.base.name, path, ++n === total, rdb));
    }
    if (am.incr.length > 0) {
      this.print('Start to check INCR files.');
      for (const f of am.incr) {
        this.report('INCR AOF ', f.name, this.checkSingle(f.name, join(dir, f.name), ++n === total, false));
      }
    }
    this.print('All AOF files and manifest are valid');
  }

  oldStyle(path: string, preamble: boolean): void {
    this.print('Start checking Old-Style AOF');
    this.report('AOF ', path, this.checkSingle(path, path, true, preamble));
  }
}

function openForType(path: string, io: CheckIo): { fd: number; size: number } {
  try {
    const fd = openSync(path, 'r');
    return { fd, size: fstatSync(fd).size };
  } catch (err) {
    io.out(`Cannot open file ${path}: ${(err as Error).message}\n`);
    throw new Exit(1);
  }
}

/** fileIsRDB: at least 8 bytes starting with "REDIS". */
function fileIsRdb(path: string, io: CheckIo): boolean {
  const { fd, size } = openForType(path, io);
  try {
    if (size < 8) return false;
    const sig = Buffer.alloc(5);
    return readSync(fd, sig, 0, 5, 0) === 5 && sig.latin1Slice() === 'REDIS';
  } finally {
    closeSync(fd);
  }
}

/** fileIsManifest: some non-comment line starts with "file". */
function fileIsManifest(path: string, io: CheckIo): boolean {
  const { fd, size } = openForType(path, io);
  try {
    if (size === 0) return false;
    const r = new FileReader(fd);
    for (;;) {
      const line = r.fgets(1025);
      if (line === null) return false;
      if (line.startsWith('#')) continue;
      if (line.startsWith('file')) return true;
    }
  } finally {
    closeSync(fd);
  }
}

/** The whole tool: returns the exit code (0 valid or fixed, 1 otherwise). */
export function checkAofMain(args: readonly string[], io: CheckIo, prog = 'mnemo-check-aof'): number {
  let path: string;
  let fix = false;
  let toTimestamp = 0;
  const usage = () => {
    io.out(`Usage: ${prog} [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n`);
    return 1;
  };
  if (args.length === 1) path = args[0]!;
  else if (args.length === 2 && args[0] === '--fix') {
    path = args[1]!;
    fix = true;
  } else if (args.length === 3 && args[0] === '--truncate-to-timestamp') {
    if (!/^[+-]?\d+$/.test(args[1]!)) {
      io.out('Invalid timestamp, aborting...\n');
      return 1;
    }
    toTimestamp = Number(args[1]);
    path = args[2]!;
  } else return usage();
  try {
    const checker = new Checker(io, fix, toTimestamp);
    if (fileIsManifest(path, io)) checker.multiPart(dirname(path), path);
    else checker.oldStyle(path, fileIsRdb(path, io));
    return 0;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    throw err;
  }
}
