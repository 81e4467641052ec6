/**
 * The COMMAND family: COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / GETKEYSANDFLAGS /
 * HELP, answered from the command records exactly as Redis 7.0 shapes them (server.c
 * addReplyCommandInfo / addReplyCommandDocs / getKeysSubcommandImpl), plus the small parser that
 * turns a record's `syntax` string into the argument tree COMMAND DOCS reports.
 *
 * Syntax notation (Redis's documentation notation, with annotations Redis's JSON needs):
 *   lowercase word      an argument; its type is inferred from the name (`key`, `count`,
 *                       `unix-time-seconds`, `pattern`, ...), otherwise `string`
 *   UPPERCASE word      a token: alone it is a pure-token; before values it is their token
 *   [ ... ]  ( ... )    optional / required group; `a | b` inside makes a oneof, several
 *                       arguments make a block
 *   x [x ...]           x may repeat (`multiple`); `TOK x [TOK x ...]` adds `multiple_token`
 *   item{...}           annotations, space separated: a bare word renames the argument,
 *                       `@7.0.0` since, `!2.8.12` deprecated_since, `:integer` type,
 *                       `#1` key_spec_index, `...` multiple
 * e.g. `key value [NX | XX]{condition @2.6.12} [GET]{@6.2.0}`.
 */

import { isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import {
  ACL_CATEGORIES,
  aclCategories,
  type Command,
  type CommandFlag,
  type CommandSpec,
  type KeySpec,
} from '../commands/spec.js';
import { globMatch } from '../engine/glob.js';
import type { Reply } from '../protocol/reply.js';
import { command, helpSubcommand } from './define.js';
import { sortKeyRefs, sortRoKeyRefs } from './sort.js';

// ---- syntax -> argument tree ----

export type DocArgType =
  | 'string'
  | 'integer'
  | 'double'
  | 'key'
  | 'pattern'
  | 'unix-time'
  | 'pure-token'
  | 'oneof'
  | 'block';

/** One node of COMMAND DOCS `arguments`. */
export interface DocArg {
  name: string;
  type: DocArgType;
  keySpecIndex?: number;
  token?: string;
  since?: string;
  deprecatedSince?: string;
  optional: boolean;
  multiple: boolean;
  multipleToken: boolean;
  args?: DocArg[];
}

interface Annotation {
  name?: string;
  since?: string;
  deprecatedSince?: string;
  type?: DocArgType;
  keySpecIndex?: number;
  multiple?: boolean;
}

type Item =
  | { kind: 'word'; text: string; ann: Annotation; src: string }
  | { kind: 'ellipsis'; ann: Annotation; src: string }
  | { kind: 'opt' | 'group'; alt: Item[][]; ann: Annotation; src: string };

const ARG_TYPES: readonly DocArgType[] = [
  'string',
  'integer',
  'double',
  'key',
  'pattern',
  'unix-time',
  'pure-token',
  'oneof',
  'block',
];

function parseAnnotation(body: string, where: string): Annotation {
  const ann: Annotation = {};
  for (const part of body.split(/\s+/)) {
    if (part === '') continue;
    const head = part[0]!;
    const rest = part.slice(1);
    if (part === '...') ann.multiple = true;
    else if (head === '@') ann.since = rest;
    else if (head === '!') ann.deprecatedSince = rest;
    else if (head === '#') ann.keySpecIndex = Number(rest);
    else if (head === ':') {
      if (!ARG_TYPES.includes(rest as DocArgType)) throw new Error(`syntax ${where}: bad type ${rest}`);
      ann.type = rest as DocArgType;
    } else ann.name = part;
  }
  return ann;
}

type Tok = { t: '[' | '(' | '|' | '...' } | { t: ']' | ')' | 'word'; text: string; ann: Annotation };

function tokenize(syntax: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = syntax.length;
  const readAnn = (): Annotation => {
    if (syntax[i] !== '{') return {};
    const close = syntax.indexOf('}', i);
    if (close < 0) throw new Error(`syntax "${syntax}": unclosed {`);
    const ann = parseAnnotation(syntax.slice(i + 1, close), syntax);
    i = close + 1;
    return ann;
  };
  while (i < n) {
    const ch = syntax[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      i++;
    } else if (ch === '[' || ch === '(' || ch === '|') {
      out.push({ t: ch });
      i++;
    } else if (ch === ']' || ch === ')') {
      i++;
      out.push({ t: ch, text: ch, ann: readAnn() });
    } else if (syntax.startsWith('...', i)) {
      out.push({ t: '...' });
      i += 3;
    } else {
      let j = i;
      while (j < n && !/[\s[\]()|{]/.test(syntax[j]!)) j++;
      const text = syntax.slice(i, j);
      i = j;
      out.push({ t: 'word', text, ann: readAnn() });
    }
  }
  return out;
}

class SyntaxParser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly source: string,
  ) {}

  parse(): Item[][] {
    const alt = this.alt();
    if (this.pos !== this.toks.length)
      throw new Error(`syntax "${this.source}": unexpected ${this.peek()?.t}`);
    return alt;
  }

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }

  private alt(): Item[][] {
    const seqs = [this.seq()];
    while (this.peek()?.t === '|') {
      this.pos++;
      seqs.push(this.seq());
    }
    return seqs;
  }

  private seq(): Item[] {
    const items: Item[] = [];
    for (let t = this.peek(); t !== undefined && t.t !== ']' && t.t !== ')' && t.t !== '|'; t = this.peek()) {
      items.push(this.item());
    }
    return items;
  }

  private item(): Item {
    const t = this.toks[this.pos++]!;
    if (t.t === 'word') return { kind: 'word', text: t.text, ann: t.ann, src: t.text };
    if (t.t === '...') return { kind: 'ellipsis', ann: {}, src: '...' };
    if (t.t === '[' || t.t === '(') {
      const alt = this.alt();
      const close = this.toks[this.pos++];
      const want = t.t === '[' ? ']' : ')';
      if (close === undefined || close.t !== want)
        throw new Error(`syntax "${this.source}": expected ${want}`);
      const body = alt.map((s) => s.map((x) => x.src).join(' ')).join(' | ');
      return {
        kind: t.t === '[' ? 'opt' : 'group',
        alt,
        ann: (close as { ann: Annotation }).ann,
        src: t.t === '[' ? `[${body}]` : `(${body})`,
      };
    }
    throw new Error(`syntax "${this.source}": unexpected ${t.t}`);
  }
}

/** A word in capitals (or punctuation such as `=`/`~`) is a literal token, not a value. */
function isToken(item: Item): boolean {
  return item.kind === 'word' && item.text === item.text.toUpperCase() && /[^0-9]/.test(item.text);
}

const INTEGER_NAMES = new Set([
  'count',
  'index',
  'index1',
  'index2',
  'start',
  'stop',
  'end',
  'offset',
  'seconds',
  'milliseconds',
  'cursor',
  'db',
  'destination-db',
  'increment',
  'decrement',
  'numkeys',
  'client-id',
  'protover',
  'len',
  'min-match-len',
  'numreplicas',
  'numlocal',
  'timeout',
  'rank',
  'maxlen',
  'port',
]);
const KEY_NAMES = new Set(['key', 'newkey', 'destination', 'source', 'key1', 'key2']);
const DOUBLE_NAMES = new Set([
  'score',
  'longitude',
  'latitude',
  'radius',
  'weight',
  'min-score',
  'max-score',
]);

/** The type Redis's JSON gives an argument of that name (overridable with `{:type}`). */
export function inferArgType(name: string): DocArgType {
  if (KEY_NAMES.has(name)) return 'key';
  if (name.startsWith('unix-time')) return 'unix-time';
  if (name === 'pattern') return 'pattern';
  if (INTEGER_NAMES.has(name)) return 'integer';
  if (DOUBLE_NAMES.has(name)) return 'double';
  return 'string';
}

function newArg(name: string, type: DocArgType): DocArg {
  return { name, type, optional: false, multiple: false, multipleToken: false };
}

function applyAnn(arg: DocArg, ann: Annotation): DocArg {
  if (ann.name !== undefined) arg.name = ann.name;
  if (ann.type !== undefined) arg.type = ann.type;
  if (ann.since !== undefined) arg.since = ann.since;
  if (ann.deprecatedSince !== undefined) arg.deprecatedSince = ann.deprecatedSince;
  if (ann.keySpecIndex !== undefined) arg.keySpecIndex = ann.keySpecIndex;
  if (ann.multiple) arg.multiple = true;
  return arg;
}

/** Arguments of one option of an alternative: a single argument, or a block of several. */
function seqToArg(items: Item[]): DocArg {
  const args = convertSeq(items);
  if (args.length === 1) return args[0]!;
  const block = newArg(args.map((a) => a.name).join('_'), 'block');
  block.args = args;
  return block;
}

function altToArg(alt: Item[][]): DocArg {
  if (alt.length === 1) return seqToArg(alt[0]!);
  const options = alt.map(seqToArg);
  const oneof = newArg(options.map((a) => a.name).join('_'), 'oneof');
  oneof.args = options;
  return oneof;
}

/** A group's argument; `{:block}` on a group of one argument makes a block around it. */
function groupToArg(alt: Item[][], ann: Annotation): DocArg {
  const arg = altToArg(alt);
  if (ann.type !== 'block' || arg.type === 'block') return arg;
  const block = newArg(arg.name, 'block');
  block.args = [arg];
  return block;
}

/** The source text of `[x ...]` when `item` is such a repetition, else null. */
function repetitionOf(item: Item): string | null {
  if (item.kind !== 'opt' || item.alt.length !== 1) return null;
  const seq = item.alt[0]!;
  if (seq.length < 2 || seq[seq.length - 1]!.kind !== 'ellipsis') return null;
  return seq
    .slice(0, -1)
    .map((x) => x.src)
    .join(' ');
}

function itemToArg(item: Item): DocArg {
  switch (item.kind) {
    case 'word':
      if (isToken(item)) {
        const a = newArg(item.text.toLowerCase(), 'pure-token');
        a.token = item.text;
        return applyAnn(a, item.ann);
      }
      return applyAnn(newArg(item.text, inferArgType(item.text)), item.ann);
    case 'opt': {
      const a = applyAnn(groupToArg(item.alt, item.ann), item.ann);
      a.optional = true;
      return a;
    }
    case 'group':
      return applyAnn(groupToArg(item.alt, item.ann), item.ann);
    case 'ellipsis':
      throw new Error('syntax: "..." outside a repetition');
  }
}

function convertSeq(items: Item[]): DocArg[] {
  const out: DocArg[] = [];
  let i = 0;
  while (i < items.length) {
    const it = items[i]!;
    if (it.kind === 'word' && isToken(it)) {
      // The values this token introduces: the following non-token, non-optional items, with
      // their repetitions.
      let j = i + 1;
      const valueItems: Item[] = [];
      while (j < items.length) {
        const v = items[j]!;
        const rep = repetitionOf(v);
        if (rep !== null && valueItems.length > 0 && rep === valueItems[valueItems.length - 1]!.src) {
          valueItems.push(v);
          j++;
          continue;
        }
        if (isToken(v) || v.kind === 'opt' || v.kind === 'ellipsis') break;
        valueItems.push(v);
        j++;
      }
      let arg: DocArg;
      if (valueItems.length === 0) {
        arg = itemToArg(it);
      } else {
        const values = convertSeq(valueItems);
        if (values.length === 1 && !values[0]!.multiple) {
          arg = values[0]!;
          arg.token = it.text;
          applyAnn(arg, { ...it.ann, name: it.ann.name ?? arg.name });
        } else {
          const name = values.length === 1 ? it.text.toLowerCase() : values.map((a) => a.name).join('_');
          arg = applyAnn(newArg(name, 'block'), it.ann);
          arg.token = it.text;
          arg.args = values;
        }
      }
      // TOKEN value [TOKEN value ...]
      const src = items
        .slice(i, j)
        .map((x) => x.src)
        .join(' ');
      const next = items[j];
      if (next !== undefined && repetitionOf(next) === src) {
        arg.multiple = true;
        arg.multipleToken = true;
        j++;
      }
      out.push(arg);
      i = j;
      continue;
    }
    // `a b [a b ...]`: the k items before a repetition of themselves form a repeated block.
    let k = 1;
    for (; i + k < items.length; k++) {
      const rep = repetitionOf(items[i + k]!);
      if (
        rep !==
        items
          .slice(i, i + k)
          .map((x) => x.src)
          .join(' ')
      )
        continue;
      break;
    }
    if (i + k >= items.length) {
      out.push(itemToArg(it));
      i += 1;
      continue;
    }
    const arg = k === 1 ? itemToArg(it) : seqToArg(items.slice(i, i + k));
    arg.multiple = true;
    out.push(arg);
    i += k + 1;
  }
  return out;
}

function assignKeySpecIndexes(args: DocArg[], nspecs: number, counter: { n: number }): void {
  for (const a of args) {
    if (a.type === 'key' && a.keySpecIndex === undefined && nspecs > 0) {
      a.keySpecIndex = Math.min(counter.n, nspecs - 1);
      counter.n++;
    }
    if (a.args) assignKeySpecIndexes(a.args, nspecs, counter);
  }
}

const docArgCache = new Map<string, DocArg[]>();

/** The COMMAND DOCS argument tree for a syntax string (key args numbered over `nspecs`). */
export function parseSyntax(syntax: string, nspecs = 1): DocArg[] {
  const cacheKey = `${nspecs}\u0000${syntax}`;
  const cached = docArgCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const alt = new SyntaxParser(tokenize(syntax), syntax).parse();
  const args = alt.length === 1 ? convertSeq(alt[0]!) : [altToArg(alt)];
  assignKeySpecIndexes(args, nspecs, { n: 0 });
  docArgCache.set(cacheKey, args);
  return args;
}

// ---- key specs ----

/** The record's key specs, or one derived from first/last/step when it declares none. */
export function keySpecsOf(cmd: CommandSpec): KeySpec[] {
  if (cmd.keySpecs !== undefined) return cmd.keySpecs;
  if (cmd.firstKey <= 0) return [];
  const lastKey = cmd.lastKey < 0 ? cmd.lastKey : cmd.lastKey - cmd.firstKey;
  const flags =
    cmd.flags.includes('readonly') && !cmd.flags.includes('write')
      ? ['RO', 'access']
      : ['RW', 'access', 'update'];
  return [{ flags, begin: { index: cmd.firstKey }, find: { lastKey, step: cmd.step, limit: 0 } }];
}

const KEY_FLAG_ORDER = [
  'RO',
  'RW',
  'OW',
  'RM',
  'access',
  'update',
  'insert',
  'delete',
  'not_key',
  'incomplete',
  'variable_flags',
];

const CMD_FLAG_ORDER: readonly CommandFlag[] = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

/** Writes a set of status strings, in the order of Redis's flag-name table, dropping hidden ones. */
function replyFlagSet(r: Reply, flags: readonly string[], order: readonly string[]): void {
  const shown = order.filter((f) => flags.includes(f));
  r.set(shown.length);
  for (const f of shown) r.simple(f);
}

function replyKeySpecs(r: Reply, specs: readonly KeySpec[]): void {
  r.set(specs.length);
  for (const ks of specs) {
    r.map(ks.notes !== undefined ? 4 : 3);
    if (ks.notes !== undefined) {
      r.bulk('notes');
      r.bulk(ks.notes);
    }
    r.bulk('flags');
    replyFlagSet(r, ks.flags, KEY_FLAG_ORDER);
    r.bulk('begin_search');
    r.map(2);
    r.bulk('type');
    if ('unknown' in ks.begin) {
      r.bulk('unknown');
      r.bulk('spec');
      r.map(0);
    } else if ('index' in ks.begin) {
      r.bulk('index');
      r.bulk('spec');
      r.map(1);
      r.bulk('index');
      r.int(ks.begin.index);
    } else {
      r.bulk('keyword');
      r.bulk('spec');
      r.map(2);
      r.bulk('keyword');
      r.bulk(ks.begin.keyword);
      r.bulk('startfrom');
      r.int(ks.begin.startFrom);
    }
    r.bulk('find_keys');
    r.map(2);
    r.bulk('type');
    if ('unknown' in ks.find) {
      r.bulk('unknown');
      r.bulk('spec');
      r.map(0);
    } else if ('lastKey' in ks.find) {
      r.bulk('range');
      r.bulk('spec');
      r.map(3);
      r.bulk('lastkey');
      r.int(ks.find.lastKey);
      r.bulk('keystep');
      r.int(ks.find.step);
      r.bulk('limit');
      r.int(ks.find.limit);
    } else {
      r.bulk('keynum');
      r.bulk('spec');
      r.map(3);
      r.bulk('keynumidx');
      r.int(ks.find.keyNumIdx);
      r.bulk('firstkey');
      r.int(ks.find.firstKey);
      r.bulk('keystep');
      r.int(ks.find.step);
    }
  }
}

// ---- COMMAND INFO / DOCS replies ----

function replyCommandInfo(r: Reply, cmd: Command | undefined): void {
  if (cmd === undefined) {
    r.nil();
    return;
  }
  r.array(10);
  r.bulk(cmd.fullName);
  r.int(cmd.arity);
  replyFlagSet(r, cmd.flags, CMD_FLAG_ORDER);
  r.int(cmd.firstKey);
  r.int(cmd.lastKey);
  r.int(cmd.step);
  const cats = aclCategories(cmd);
  r.set(cats.length);
  for (const cat of cats) r.simple(`@${cat}`);
  const tips = cmd.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  replyKeySpecs(r, keySpecsOf(cmd));
  if (cmd.subs === null) {
    r.set(0);
  } else {
    r.array(cmd.subs.size);
    for (const sub of cmd.subs.values()) replyCommandInfo(r, sub);
  }
}

function replyDocArgs(r: Reply, args: readonly DocArg[]): void {
  r.array(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multipleToken) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.keySpecIndex !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecatedSince !== undefined) n++;
    if (flags.length > 0) n++;
    if (nested) n++;
    r.map(n);
    r.bulk('name');
    r.bulk(a.name);
    r.bulk('type');
    r.bulk(a.type);
    if (a.keySpecIndex !== undefined) {
      r.bulk('key_spec_index');
      r.int(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      r.bulk('token');
      r.bulk(a.token);
    }
    if (a.since !== undefined) {
      r.bulk('since');
      r.bulk(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      r.bulk('deprecated_since');
      r.bulk(a.deprecatedSince);
    }
    if (flags.length > 0) {
      r.bulk('flags');
      r.set(flags.length);
      for (const f of flags) r.simple(f);
    }
    if (nested) {
      r.bulk('arguments');
      replyDocArgs(r, a.args ?? []);
    }
  }
}

/** The argument tree of a record (empty when it takes no arguments). */
export function docArgsOf(cmd: CommandSpec): DocArg[] {
  if (cmd.syntax === undefined || cmd.syntax.trim() === '') return [];
  return parseSyntax(cmd.syntax, keySpecsOf(cmd).length);
}

function replyCommandDocs(r: Reply, cmd: Command): void {
  const args = docArgsOf(cmd);
  const docFlags = (cmd.doc_flags ?? []).filter((f) => f === 'deprecated' || f === 'syscmd');
  let n = 1; // group
  if (cmd.summary) n++;
  if (cmd.since) n++;
  if (cmd.complexity) n++;
  if (docFlags.length > 0) n++;
  if (cmd.deprecatedSince) n++;
  if (cmd.replacedBy) n++;
  if (cmd.history && cmd.history.length > 0) n++;
  if (args.length > 0) n++;
  if (cmd.subs !== null) n++;
  r.map(n);
  if (cmd.summary) {
    r.bulk('summary');
    r.bulk(cmd.summary);
  }
  if (cmd.since) {
    r.bulk('since');
    r.bulk(cmd.since);
  }
  r.bulk('group');
  r.bulk(cmd.group);
  if (cmd.complexity) {
    r.bulk('complexity');
    r.bulk(cmd.complexity);
  }
  if (docFlags.length > 0) {
    r.bulk('doc_flags');
    replyFlagSet(r, docFlags, ['deprecated', 'syscmd']);
  }
  if (cmd.deprecatedSince) {
    r.bulk('deprecated_since');
    r.bulk(cmd.deprecatedSince);
  }
  if (cmd.replacedBy) {
    r.bulk('replaced_by');
    r.bulk(cmd.replacedBy);
  }
  if (cmd.history && cmd.history.length > 0) {
    r.bulk('history');
    r.set(cmd.history.length);
    for (const [version, text] of cmd.history) {
      r.array(2);
      r.bulk(version);
      r.bulk(text);
    }
  }
  if (args.length > 0) {
    r.bulk('arguments');
    replyDocArgs(r, args);
  }
  if (cmd.subs !== null) {
    r.bulk('subcommands');
    r.map(cmd.subs.size);
    for (const sub of cmd.subs.values()) {
      r.bulk(sub.fullName);
      replyCommandDocs(r, sub);
    }
  }
}

// ---- lookups ----

/** Redis's lookupCommandBySds: "name" or "container|sub", nothing deeper. */
export function lookupByFullName(c: Client, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2 || parts[0] === '') return undefined;
  const base = c.inst.commands.lookup(parts[0]!);
  if (base === undefined) return undefined;
  if (parts.length === 1) return base;
  if (base.subs === null) return undefined;
  const sub = parts[1]!;
  return base.subs.get(sub) ?? base.subs.get(sub.toLowerCase());
}

/** Redis's lookupCommand for a full argv (non-strict): the subcommand when there is one. */
function lookupArgv(c: Client, argv: readonly string[]): Command | undefined {
  const base = c.inst.commands.lookup(argv[0]!);
  if (base === undefined || argv.length === 1 || base.subs === null) return base;
  const sub = argv[1]!;
  return base.subs.get(sub) ?? base.subs.get(sub.toLowerCase());
}

// ---- GETKEYS ----

export interface KeyRef {
  pos: number;
  flags: string[];
}

/**
 * Key positions from the key specs, as Redis's getKeysUsingKeySpecs: null when a spec does not
 * fit the arguments (the caller then falls back to the command's own key function).
 */
export function keysFromSpecs(
  specs: readonly KeySpec[],
  argv: readonly string[],
  arity: number,
): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    // An unknown spec is invalid here: the command's own key function answers (SORT).
    if ('unknown' in spec.begin) return null;
    if ('index' in spec.begin) {
      first = spec.begin.index;
    } else {
      const from = spec.begin.startFrom;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === spec.begin.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    let last: number;
    let step: number;
    if ('unknown' in spec.find) return null;
    if ('lastKey' in spec.find) {
      step = spec.find.step;
      if (spec.find.lastKey >= 0) last = first + spec.find.lastKey;
      else if (spec.find.limit === 0) last = argc + spec.find.lastKey;
      else last = first + (Math.floor((argc - first) / spec.find.limit) + spec.find.lastKey);
    } else {
      step = spec.find.step;
      if (spec.find.keyNumIdx >= argc) return null;
      const raw = argv[first + spec.find.keyNumIdx];
      if (raw === undefined || !/^(0|-?[1-9][0-9]*)$/.test(raw)) return null;
      const numkeys = Number(raw);
      if (numkeys < 0 || !Number.isSafeInteger(numkeys)) return null;
      first += spec.find.firstKey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      // Commands with a variable argument count leave arity problems to the command itself.
      if (i >= argc || i < first) {
        if (arity < 0) continue;
        return null;
      }
      out.push({ pos: i, flags: spec.flags });
    }
    if (spec.flags.includes('incomplete')) return null;
  }
  return out;
}

/**
 * Commands whose key flags depend on the arguments (key specs with variable_flags, or unknown
 * ones), as Redis's native getkeys procs compute them.
 */
const VARIABLE_KEY_FLAGS: Record<string, (argv: readonly string[]) => KeyRef[]> = {
  sort: sortKeyRefs,
  sort_ro: sortRoKeyRefs,
  set(argv) {
    for (let i = 3; i < argv.length; i++) {
      if (isWord(argv[i]!, 'get')) return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
    }
    return [{ pos: 1, flags: ['OW', 'update'] }];
  },
  bitfield(argv) {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const a = argv[i]!;
      if (isWord(a, 'get') && rem >= 2) i += 2;
      else if ((isWord(a, 'set') || isWord(a, 'incrby')) && rem >= 3) {
        readonly = false;
        break;
      } else if (isWord(a, 'overflow') && rem >= 1) i += 1;
      else {
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? ['RO', 'access'] : ['RW', 'access', 'update'] }];
  },
};

function hasKeys(cmd: Command): boolean {
  return (
    cmd.getKeys !== undefined ||
    VARIABLE_KEY_FLAGS[cmd.fullName] !== undefined ||
    keySpecsOf(cmd).some((s) => !s.flags.includes('not_key'))
  );
}

/** Redis's getKeysFromCommandWithSpecs (also what client tracking remembers of a read). */
export function keysOf(cmd: Command, argv: readonly string[]): KeyRef[] {
  const specs = keySpecsOf(cmd);
  const hasSpec = specs.some((s) => !s.flags.includes('not_key'));
  const varFlags = specs.some((s) => s.flags.includes('variable_flags'));
  if (hasSpec && !varFlags) {
    const keys = keysFromSpecs(specs, argv, cmd.arity);
    if (keys !== null) return keys;
  }
  const variable = VARIABLE_KEY_FLAGS[cmd.fullName];
  if (variable !== undefined) return variable(argv);
  // A positions-only key function reports no access flags, like Redis's native getkeys procs.
  if (cmd.getKeys !== undefined) return cmd.getKeys(argv as string[]).map((pos) => ({ pos, flags: [] }));
  return [];
}

function getkeys(c: Client, argv: string[], withFlags: boolean): void {
  const target = argv.slice(2);
  const cmd = lookupArgv(c, target);
  if (cmd === undefined) throw new ReplyError(E.GETKEYS_INVALID_COMMAND);
  if (!hasKeys(cmd)) throw new ReplyError(E.GETKEYS_NO_KEYS);
  const argc = target.length;
  if ((cmd.arity > 0 && cmd.arity !== argc) || argc < -cmd.arity) {
    throw new ReplyError(E.GETKEYS_ARITY);
  }
  const keys = keysOf(cmd, target);
  if (keys.length === 0) {
    if (cmd.flags.includes('no_mandatory_keys')) {
      c.reply.array(0);
      return;
    }
    throw new ReplyError(E.GETKEYS_INVALID_ARGS);
  }
  c.reply.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      c.reply.bulk(target[k.pos]!);
      continue;
    }
    c.reply.array(2);
    c.reply.bulk(target[k.pos]!);
    replyFlagSet(c.reply, k.flags, KEY_FLAG_ORDER);
  }
}

// ---- handlers ----

function commandAll(c: Client): void {
  const all = c.inst.commands.all;
  c.reply.array(all.length);
  for (const cmd of all) replyCommandInfo(c.reply, cmd);
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    commandAll(c);
    return;
  }
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) replyCommandInfo(c.reply, lookupByFullName(c, argv[i]!));
}

function commandDocs(c: Client, argv: string[]): void {
  let cmds: Command[];
  if (argv.length === 2) {
    cmds = c.inst.commands.all;
  } else {
    cmds = [];
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupByFullName(c, argv[i]!);
      if (cmd !== undefined) cmds.push(cmd);
    }
  }
  // Parse every syntax string before the first byte of the reply, so a bad one fails cleanly.
  for (const cmd of cmds) {
    docArgsOf(cmd);
    if (cmd.subs !== null) for (const sub of cmd.subs.values()) docArgsOf(sub);
  }
  c.reply.map(cmds.length);
  for (const cmd of cmds) {
    c.reply.bulk(cmd.fullName);
    replyCommandDocs(c.reply, cmd);
  }
}

function commandList(c: Client, argv: string[]): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (!isWord(argv[i]!, 'filterby') || more !== 2) throw syntaxError();
    const kind = argv[i + 1]!.toLowerCase();
    const arg = argv[i + 2]!;
    if (kind === 'module') {
      filter = () => false; // mnemo loads no modules
    } else if (kind === 'aclcat') {
      const cat = arg.toLowerCase();
      const known = (ACL_CATEGORIES as readonly string[]).includes(cat);
      filter = (cmd) => known && aclCategories(cmd).includes(cat);
    } else if (kind === 'pattern') {
      filter = (cmd) => globMatch(arg, cmd.fullName, true);
    } else {
      throw syntaxError();
    }
    i += 2;
  }
  const names: string[] = [];
  for (const cmd of c.inst.commands.everything()) {
    if (filter === null || filter(cmd)) names.push(cmd.fullName);
  }
  c.reply.array(names.length);
  for (const n of names) c.reply.bulk(n);
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

// ---- registration ----

const CMD = { group: 'server', acl: 'connection' } as const;

export const commandCommands: CommandSpec[] = [
  command(
    'command',
    -1,
    'loading stale',
    [0, 0, 0],
    {
      ...CMD,
      since: '2.8.13',
      summary: 'Get array of Redis command details',
      complexity: 'O(N) where N is the total number of Redis commands',
      tips: ['nondeterministic_output_order'],
    },
    commandAll,
    [
      command(
        'command|count',
        2,
        'loading stale',
        [0, 0, 0],
        { ...CMD, since: '2.8.13', summary: 'Get total number of Redis commands', complexity: 'O(1)' },
        (c) => c.reply.int(c.inst.commands.all.length),
      ),
      command(
        'command|docs',
        -2,
        'loading stale',
        [0, 0, 0],
        {
          ...CMD,
          since: '7.0.0',
          summary: 'Get array of specific Redis command documentation',
          complexity: 'O(N) where N is the number of commands to look up',
          syntax: '[command-name [command-name ...]]',
          tips: ['nondeterministic_output_order'],
        },
        commandDocs,
      ),
      command(
        'command|getkeys',
        -4,
        'loading stale',
        [0, 0, 0],
        {
          ...CMD,
          since: '2.8.13',
          summary: 'Extract keys given a full Redis command',
          complexity: 'O(N) where N is the number of arguments to the command',
        },
        (c, argv) => getkeys(c, argv, false),
      ),
      command(
        'command|getkeysandflags',
        -4,
        'loading stale',
        [0, 0, 0],
        {
          ...CMD,
          since: '7.0.0',
          summary: 'Extract keys and access flags given a full Redis command',
          complexity: 'O(N) where N is the number of arguments to the command',
        },
        (c, argv) => getkeys(c, argv, true),
      ),
      helpSubcommand('command', CMD, '5.0.0', COMMAND_HELP),
      command(
        'command|info',
        -2,
        'loading stale',
        [0, 0, 0],
        {
          ...CMD,
          since: '2.8.13',
          summary: 'Get array of specific Redis command details, or all when no argument is given.',
          complexity: 'O(N) where N is the number of commands to look up',
          syntax: '[command-name [command-name ...]]',
          tips: ['nondeterministic_output_order'],
          history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        },
        commandInfo,
      ),
      command(
        'command|list',
        -2,
        'loading stale',
        [0, 0, 0],
        {
          ...CMD,
          since: '7.0.0',
          summary: 'Get an array of Redis command names',
          complexity: 'O(N) where N is the total number of Redis commands',
          syntax: '[FILTERBY (MODULE module-name | ACLCAT category | PATTERN pattern)]{filterby}',
          tips: ['nondeterministic_output_order'],
        },
        commandList,
      ),
    ],
  ),
];
