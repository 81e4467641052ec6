/**
 * The command table: registers the families' CommandSpec records, precomputes what dispatch
 * checks per call (flag bits, subcommand maps, stats counters), and looks commands up by name
 * case-insensitively. `rename-command` is applied here.
 */

import { type Command, type CommandSpec, flagBits } from './spec.js';

/**
 * The commands whose arguments name members of the hash, set or sorted set at their key
 * (Command.memberArgs): fields for the hash commands, members for the others.
 */
const MEMBER_ARGS: Readonly<Record<string, readonly [number, number]>> = {
  hset: [2, 2],
  hmset: [2, 2],
  hsetnx: [2, 2],
  hget: [2, 1],
  hmget: [2, 1],
  hdel: [2, 1],
  hexists: [2, 1],
  hstrlen: [2, 1],
  hincrby: [2, 3],
  hincrbyfloat: [2, 3],
  sadd: [2, 1],
  srem: [2, 1],
  sismember: [2, 1],
  smismember: [2, 1],
  // ZADD's members follow its options: [3, 2] is right without options, a wasted hint with them.
  zadd: [3, 2],
  zincrby: [3, 3],
  zscore: [2, 1],
  zmscore: [2, 1],
  zrem: [2, 1],
  zrank: [2, 1],
  zrevrank: [2, 1],
};

export class CommandTable {
  private readonly byName = new Map<string, Command>();
  /**
   * The last name looked up and what it found. A pipeline repeats its command's name, usually
   * as the very string the parser reused, so the comparison is a pointer check where the Map
   * would hash and probe (each command is looked up twice: to prefetch its keys, then to run).
   */
  private lastName = '';
  private lastCmd: Command | undefined = undefined;
  /** Every registered top-level command, in registration order. */
  readonly all: Command[] = [];

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) this.register(spec);
  }

  private static build(spec: CommandSpec, parent: Command | null): Command {
    const cmd: Command = {
      ...spec,
      bits: flagBits(spec.flags),
      subs: null,
      stats: { calls: 0, usec: 0, rejected: 0, failed: 0, histogram: null },
      parent,
      fullName: spec.name,
      memberArgs:
        (parent === null && Object.hasOwn(MEMBER_ARGS, spec.name) && MEMBER_ARGS[spec.name]) || null,
    };
    if (spec.subcommands) {
      cmd.subs = new Map();
      for (const s of spec.subcommands) {
        const sub = CommandTable.build(s, cmd);
        const short = s.name.slice(s.name.indexOf('|') + 1);
        cmd.subs.set(short, sub);
      }
    }
    return cmd;
  }

  register(spec: CommandSpec): void {
    const name = spec.name.toLowerCase();
    if (this.byName.has(name)) throw new Error(`command ${name} registered twice`);
    const cmd = CommandTable.build(spec, null);
    this.byName.set(name, cmd);
    this.byName.set(name.toUpperCase(), cmd);
    this.lastName = '';
    this.lastCmd = undefined;
    this.all.push(cmd);
  }

  /** Looks up by the name a client sent (any case). */
  lookup(name: string): Command | undefined {
    if (name === this.lastName) return this.lastCmd;
    const cmd = this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    this.lastName = name;
    this.lastCmd = cmd;
    return cmd;
  }

  /** rename-command: an empty new name removes the command. */
  rename(from: string, to: string): boolean {
    this.lastName = '';
    this.lastCmd = undefined;
    const cmd = this.byName.get(from.toLowerCase());
    if (cmd === undefined) return false;
    this.byName.delete(from.toLowerCase());
    this.byName.delete(from.toUpperCase());
    if (to !== '') {
      this.byName.set(to.toLowerCase(), cmd);
      this.byName.set(to.toUpperCase(), cmd);
    }
    return true;
  }

  /**
   * A `rename-command <from> <to>` line of the config file, as Redis's loadServerConfig applies
   * it: returns its error text, or undefined once done. Names compare case-insensitively; the
   * old name is dropped before the new one is added, so renaming a command to itself works.
   */
  renameFromConfig(from: string, to: string): string | undefined {
    const key = from.toLowerCase();
    if (!this.byName.has(key)) return 'No such command in rename-command';
    if (to !== '' && to.toLowerCase() !== key && this.byName.has(to.toLowerCase())) {
      return 'Target command name already exists';
    }
    this.rename(from, to);
    return undefined;
  }

  /** Every command and subcommand (for INFO commandstats, COMMAND DOCS). */
  *everything(): Iterable<Command> {
    for (const cmd of this.all) {
      yield cmd;
      if (cmd.subs) yield* cmd.subs.values();
    }
  }

  resetStats(): void {
    for (const cmd of this.everything()) {
      cmd.stats.calls = 0;
      cmd.stats.usec = 0;
      cmd.stats.rejected = 0;
      cmd.stats.failed = 0;
      cmd.stats.histogram = null;
    }
  }
}
