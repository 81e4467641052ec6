/**
 * The multi-part append-only file's manifest, as Redis 7.0 keeps it (aof.c): which files make up
 * the AOF (at most one BASE, then INCR files in sequence order) and which are HISTORY waiting to
 * be deleted, the naming rules (`<appendfilename>.<seq>.base.rdb|aof`,
 * `<appendfilename>.<seq>.incr.aof`), the text format (`file <name> seq <n> type <b|h|i>` lines),
 * the strict parser with Redis's error texts, and the atomic replacement on disk (temporary file,
 * fsync, rename, fsync of the directory). Both mnemo-server and mnemo-check-aof use it.
 */

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { quoteRepr } from '../config/parse.js';
import { splitArgs } from '../protocol/splitargs.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

/** A manifest that cannot be used: the message is what Redis logs before exiting. */
export class ManifestError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly text: string | null,
  ) {
    super(
      text === null
        ? `*** FATAL AOF MANIFEST FILE ERROR *** ${reason}`
        : `*** FATAL AOF MANIFEST FILE ERROR *** Reading the manifest file, at line ${line}: >>> '${text}' ${reason}`,
    );
    this.name = 'ManifestError';
  }
}

const MANIFEST_MAX_LINE = 1024;

export class AofManifest {
  base: AofInfo | null = null;
  /** HISTORY files: left over from a completed rewrite, deleted in the background. */
  history: AofInfo[] = [];
  incr: AofInfo[] = [];
  baseSeq = 0;
  incrSeq = 0;
  /** Changed since it was last written. */
  dirty = false;

  dup(): AofManifest {
    const m = new AofManifest();
    m.base = this.base === null ? null : { ...this.base };
    m.history = this.history.map((a) => ({ ...a }));
    m.incr = this.incr.map((a) => ({ ...a }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    m.dirty = this.dirty;
    return m;
  }

  /** The manifest text: base first, then history, then incr files (getAofManifestAsString). */
  format(): string {
    let out = '';
    const line = (a: AofInfo) => {
      out += `file ${needsRepr(a.name) ? quoteRepr(a.name) : a.name} seq ${a.seq} type ${a.type}\n`;
    };
    if (this.base !== null) line(this.base);
    for (const a of this.history) line(a);
    for (const a of this.incr) line(a);
    return out;
  }

  /**
   * A new BASE name (getNewBaseFileNameAndMarkPreAsHistory): the previous base, if any, becomes
   * the first HISTORY entry.
   */
  newBase(filename: string, rdbPreamble: boolean): string {
    if (this.base !== null) {
      this.base.type = 'h';
      this.history.unshift(this.base);
    }
    const seq = ++this.baseSeq;
    this.base = { name: `${filename}.${seq}.base${rdbPreamble ? '.rdb' : '.aof'}`, seq, type: 'b' };
    this.dirty = true;
    return this.base.name;
  }

  /** A new INCR name appended to the list (getNewIncrAofName). */
  newIncr(filename: string): string {
    const seq = ++this.incrSeq;
    const info: AofInfo = { name: `${filename}.${seq}.incr.aof`, seq, type: 'i' };
    this.incr.push(info);
    this.dirty = true;
    return info.name;
  }

  /** The INCR file writes continue in: the last one, or a new one (getLastIncrAofName). */
  lastIncr(filename: string): string {
    const last = this.incr[this.incr.length - 1];
    return last === undefined ? this.newIncr(filename) : last.name;
  }

  /**
   * After a rewrite, the INCR files it covers become HISTORY (markRewrittenIncrAofAsHistory);
   * with `keepLast` (AOF on), the last one is the file being written and stays INCR.
   */
  markRewrittenIncrAsHistory(keepLast: boolean): void {
    if (this.incr.length === 0) return;
    const keep = keepLast ? this.incr.slice(-1) : [];
    const moved = keepLast ? this.incr.slice(0, -1) : this.incr;
    // Redis walks from the newest, adding each to the head of the history list.
    for (let i = moved.length - 1; i >= 0; i--) this.history.unshift({ ...moved[i]!, type: 'h' });
    this.incr = keep;
    this.dirty = true;
  }

  get fileCount(): number {
    return (this.base === null ? 0 : 1) + this.incr.length;
  }
}

/** sdsneedsrepr: names with quotes, backslashes, blanks or unprintable bytes are quoted. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c <= 0x20 || c >= 0x7f) return true;
  }
  return false;
}

/** pathIsBaseName: no directory separators. */
function isBaseName(s: string): boolean {
  return !s.includes('/') && !s.includes('\\');
}

/** atoll: optional blanks and sign, then digits up to the first non-digit (0 if none). */
function atoll(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/**
 * Parses manifest text with aofLoadManifestFromFile's rules: `#` lines are comments; every
 * other line needs a newline (a longer line, or a last line without one, is "too long"), must
 * split into an even number (at least 6) of words, and name a base-name file, a non-zero
 * sequence and a type; at most one base; INCR sequences strictly increasing.
 */
export function parseManifest(text: string): AofManifest {
  const am = new AofManifest();
  let maxSeq = 0;
  let linenum = 0;
  let pos = 0;
  if (text.length === 0) throw new ManifestError('Found an empty AOF manifest', 0, null);
  while (pos < text.length) {
    // fgets with a MANIFEST_MAX_LINE+1 buffer: at most 1024 bytes, up to and including '\n'.
    const nl = text.indexOf('\n', pos);
    const end = Math.min(nl < 0 ? text.length : nl + 1, pos + MANIFEST_MAX_LINE);
    const buf = text.slice(pos, end);
    pos = end;
    linenum++;
    if (buf.startsWith('#')) continue;
    const line = buf.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (!buf.includes('\n'))
      throw new ManifestError('The AOF manifest file contains too long line', linenum, null);
    if (line.length === 0) throw new ManifestError('Invalid AOF manifest file format', linenum, line);
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0)
      throw new ManifestError('Invalid AOF manifest file format', linenum, line);
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i]!.toLowerCase();
      const v = argv[i + 1]!;
      if (k === 'file') {
        name = v;
        if (!isBaseName(name))
          throw new ManifestError("File can't be a path, just a filename", linenum, line);
      } else if (k === 'seq') seq = atoll(v);
      else if (k === 'type') type = v.slice(0, 1);
    }
    if (name === null || name === '' || seq === 0 || type === '')
      throw new ManifestError('Invalid AOF manifest file format', linenum, line);
    if (type === 'b') {
      if (am.base !== null) throw new ManifestError('Found duplicate base file information', linenum, line);
      am.base = { name, seq, type: 'b' };
      am.baseSeq = seq;
    } else if (type === 'h') {
      am.history.push({ name, seq, type: 'h' });
    } else if (type === 'i') {
      if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number', linenum, line);
      am.incr.push({ name, seq, type: 'i' });
      am.incrSeq = seq;
      maxSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type', linenum, line);
    }
  }
  return am;
}

/** Reads and parses a manifest file (binary-safe: names are byte strings). */
export function readManifestFile(path: string): AofManifest {
  return parseManifest(readFileSync(path).latin1Slice());
}

export function manifestName(filename: string): string {
  return `${filename}.manifest`;
}

/** fsync of a directory, so a rename or a new file in it survives a crash. */
export function fsyncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; renames stay atomic anyway.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Writes the manifest atomically (writeAofManifestFile): `temp-<name>` in the AOF directory,
 * fsync, rename over the manifest, fsync of the directory. Throws on failure (the old manifest
 * is then untouched). Clears `dirty`.
 */
export function persistManifest(dir: string, filename: string, am: AofManifest): void {
  if (!am.dirty) return;
  const name = manifestName(filename);
  const tmp = join(dir, `temp-${name}`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    const data = Buffer.from(am.format(), 'latin1');
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDirectory(dir);
  am.dirty = false;
}
