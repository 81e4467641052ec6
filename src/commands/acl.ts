/**
 * Access control lists, as Redis 7.0's acl.c: users (flags, SHA-256 password hashes, a root
 * permission selector plus extra `(...)` selectors), the rule language of ACL SETUSER and the
 * `user` lines of config and ACL files, the canonical description ACL LIST prints, the checks
 * dispatch runs before every command (command, key and channel permissions), authentication,
 * and the security log (ACL LOG). Pure: the ACL file's text reaches it through AclFiles, which
 * the server provides; key positions come from the families' key extraction (installAclHelpers),
 * since commands/ does not import families/.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { asciiLower } from '../config/parse.js';
import { globMatch } from '../engine/glob.js';
import { splitArgs } from '../protocol/splitargs.js';
import type { Client } from './client.js';
import type { Instance } from './instance.js';
import { ACL_CATEGORIES, aclCategories, type Command, F } from './spec.js';

// ---- helpers the families provide ----

export interface KeyPosition {
  pos: number;
  /** Key-spec flags: 'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete'... */
  flags: readonly string[];
}

export interface AclHelpers {
  /** Redis's getKeysFromCommandWithSpecs. */
  keysOf(cmd: Command, argv: readonly string[]): readonly KeyPosition[];
  /** One CLIENT LIST line (catClientInfoString), for the log's client-info. */
  clientInfo(c: Client): string;
}

/** Until the families install the real ones: legacy key positions and a bare client line. */
let helpers: AclHelpers = {
  keysOf(cmd, argv) {
    const out: KeyPosition[] = [];
    if (cmd.firstKey <= 0) return out;
    const last = cmd.lastKey < 0 ? argv.length + cmd.lastKey : cmd.lastKey;
    for (let i = cmd.firstKey; i <= last && i < argv.length; i += Math.max(1, cmd.step))
      out.push({ pos: i, flags: [] });
    return out;
  },
  clientInfo: (c) => `id=${c.id} name=${c.name} db=${c.dbIndex} user=${c.user}`,
};

export function installAclHelpers(h: AclHelpers): void {
  helpers = h;
}

// ---- errors ----

/** Why a rule was refused (the errno values acl.c sets). */
export type AclErrno =
  | 'EINVAL'
  | 'ENOENT'
  | 'EEXIST'
  | 'EISDIR'
  | 'ENODEV'
  | 'EBADMSG'
  | 'ECHILD'
  | 'EALREADY';

const ERRNO_TEXT: Readonly<Record<AclErrno, string>> = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG:
    'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  EALREADY: 'Duplicate user found. A user can only be defined once in config files',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
};

export function aclErrorText(e: AclErrno): string {
  return ERRNO_TEXT[e];
}

/** Redis's ACLStringHasSpaces: isspace() or NUL anywhere. */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}

/** A printf("%s") of user input: C strings end at the first NUL. */
function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

// ---- passwords ----

export function hashPassword(cleartext: string): string {
  return createHash('sha256').update(Buffer.from(cleartext, 'latin1')).digest('hex');
}

function isPasswordHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** ACL GENPASS: `chars` random lowercase hex digits. */
export function randomHex(chars: number): string {
  return randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);
}

// ---- the commands rules name ----

/**
 * A command as ACL rules see it. The rule language and ACL LIST work on Redis 7.0's whole
 * command table, so that a rule naming a command mnemo does not implement (+xadd, -debug) is
 * accepted and kept, as in an ACL file written by Redis, and so that the categories ACL LIST
 * picks to describe a user are the ones Redis would pick. `record` is mnemo's command, if any.
 */
export interface AclCommand {
  readonly fullName: string;
  readonly parent: AclCommand | null;
  subs: Map<string, AclCommand> | null;
  /** ACL categories as bits (bit i: ACL_CATEGORIES[i]). */
  readonly mask: number;
  readonly record: Command | null;
}

/**
 * Redis 7.0.15's commands and subcommands with their ACL categories (a base-36 bit mask over
 * ACL_CATEGORIES), as its COMMAND reply lists them: the ones mnemo lacks still take part in rules.
 */
const REDIS_COMMANDS = `
acl=pa8 acl|cat=pa8 acl|deluser=3oqo acl|dryrun=3oqo acl|genpass=pa8 acl|getuser=3oqo
acl|help=pa8 acl|list=3oqo acl|load=3oqo acl|log=3oqo acl|save=3oqo acl|setuser=3oqo
acl|users=3oqo acl|whoami=pa8 append=cqs asking=5yww auth=5yww bgrewriteaof=3oqo bgsave=3oqo
bitcount=phe bitfield=phg bitfield_ro=cua bitop=phg bitpos=phe blmove=23vo blmpop=23vo
blpop=23vo brpop=23vo brpoplpush=23vo bzmpop=23v8 bzpopmax=1r84 bzpopmin=1r84 client=pa8
client|caching=6bk0 client|getname=6bk0 client|getredir=6bk0 client|help=6bk0 client|id=6bk0
client|info=6bk0 client|kill=9b0g client|list=9b0g client|no-evict=9b0g client|pause=9b0g
client|reply=6bk0 client|setname=6bk0 client|tracking=6bk0 client|trackinginfo=6bk0
client|unblock=9b0g client|unpause=9b0g cluster=pa8 cluster|addslots=3oqo
cluster|addslotsrange=3oqo cluster|bumpepoch=3oqo cluster|count-failure-reports=3oqo
cluster|countkeysinslot=pa8 cluster|delslots=3oqo cluster|delslotsrange=3oqo
cluster|failover=3oqo cluster|flushslots=3oqo cluster|forget=3oqo cluster|getkeysinslot=pa8
cluster|help=pa8 cluster|info=pa8 cluster|keyslot=pa8 cluster|links=pa8 cluster|meet=3oqo
cluster|myid=pa8 cluster|nodes=pa8 cluster|replicas=3oqo cluster|replicate=3oqo
cluster|reset=3oqo cluster|saveconfig=3oqo cluster|set-config-epoch=3oqo cluster|setslot=3oqo
cluster|shards=pa8 cluster|slaves=3oqo cluster|slots=pa8 command=6bk0 command|count=6bk0
command|docs=6bk0 command|getkeys=6bk0 command|getkeysandflags=6bk0 command|help=6bk0
command|info=6bk0 command|list=6bk0 config=pa8 config|get=3oqo config|help=pa8
config|resetstat=3oqo config|rewrite=3oqo config|set=3oqo copy=pad dbsize=cn7 debug=3oqo
decr=cqs decrby=cqs del=pad discard=bl6o dump=pab echo=5yww eval=n6dc eval_ro=n6dc evalsha=n6dc
evalsha_ro=n6dc exec=bxts exists=cn7 expire=cn9 expireat=cn9 expiretime=cn7 failover=3oqo
fcall=n6dc fcall_ro=n6dc flushall=3if9 flushdb=3if9 function=pa8 function|delete=n6dg
function|dump=n6dc function|flush=n6dg function|help=n6dc function|kill=n6dc function|list=n6dc
function|load=n6dg function|restore=n6dg function|stats=n6dc geoadd=q2s geodist=q2q geohash=q2q
geopos=q2q georadius=q2s georadius_ro=q2q georadiusbymember=q2s georadiusbymember_ro=q2q
geosearch=q2q geosearchstore=q2s get=cqq getbit=cua getdel=cqs getex=cqs getrange=pdu
getset=cqs hdel=cp0 hello=5yww hexists=coy hget=coy hgetall=pc2 hincrby=cp0 hincrbyfloat=cp0
hkeys=pc2 hlen=coy hmget=coy hmset=cp0 hrandfield=pc2 hscan=pc2 hset=cp0 hsetnx=cp0 hstrlen=coy
hvals=pc2 incr=cqs incrby=cqs incrbyfloat=cqs info=3if4 keys=3if7 lastsave=3c3k latency=pa8
latency|doctor=3oqo latency|graph=3oqo latency|help=pa8 latency|histogram=3oqo
latency|history=3oqo latency|latest=3oqo latency|reset=3oqo lcs=pdu lindex=pb6 linsert=pb8
llen=co2 lmove=pb8 lmpop=pb8 lolwut=cn6 lpop=co4 lpos=pb6 lpush=co4 lpushx=co4 lrange=pb6
lrem=pb8 lset=pb8 ltrim=pb8 memory=pa8 memory|doctor=pa8 memory|help=pa8
memory|malloc-stats=pa8 memory|purge=pa8 memory|stats=pa8 memory|usage=paa mget=cqq
migrate=3if9 module=pa8 module|help=pa8 module|list=3oqo module|load=3oqo module|loadex=3oqo
module|unload=3oqo monitor=3oqo move=cn9 mset=pdw msetnx=pdw multi=bl6o object=pa8
object|encoding=pab object|freq=pab object|help=pa9 object|idletime=pab object|refcount=pab
persist=cn9 pexpire=cn9 pexpireat=cn9 pexpiretime=cn7 pfadd=d1g pfcount=poi pfdebug=3p50
pfmerge=pok pfselftest=3p4w ping=5yww psetex=pdw psubscribe=sg0 psync=3oqo pttl=cn7 publish=fsw
pubsub=pa8 pubsub|channels=sg0 pubsub|help=pa8 pubsub|numpat=sg0 pubsub|numsub=sg0
pubsub|shardchannels=sg0 pubsub|shardnumsub=sg0 punsubscribe=sg0 quit=5yww randomkey=pab
readonly=5yww readwrite=5yww rename=pad renamenx=cn9 replconf=3oqo replicaof=3oqo reset=5yww
restore=3if9 restore-asking=3if9 role=3c3k rpop=co4 rpoplpush=pb8 rpush=co4 rpushx=co4 sadd=cng
save=3oqo scan=pab scard=cne script=pa8 script|debug=n6dc script|exists=n6dc script|flush=n6dc
script|help=n6dc script|kill=n6dc script|load=n6dc sdiff=pai sdiffstore=pak select=5yww set=pdw
setbit=phg setex=pdw setnx=cqs setrange=pdw shutdown=3oqo sinter=pai sintercard=pai
sinterstore=pak sismember=cne slaveof=3oqo slowlog=pa8 slowlog|get=3oqo slowlog|help=pa8
slowlog|len=3oqo slowlog|reset=3oqo smembers=pai smismember=cne smove=cng sort=3igs
sort_ro=3igq spop=cng spublish=fsw srandmember=pai srem=cng sscan=pai ssubscribe=sg0 strlen=cqq
subscribe=sg0 substr=pdu sunion=pai sunionstore=pak sunsubscribe=sg0 swapdb=35s5 sync=3oqo
time=cn4 touch=cn7 ttl=cn7 type=cn7 unlink=cn9 unsubscribe=sg0 unwatch=bl6o wait=6bk0
watch=bl6o xack=e84 xadd=e84 xautoclaim=e84 xclaim=e84 xdel=e84 xgroup=pa8 xgroup|create=qv8
xgroup|createconsumer=qv8 xgroup|delconsumer=qv8 xgroup|destroy=qv8 xgroup|help=qv4
xgroup|setid=qv8 xinfo=pa8 xinfo|consumers=qv6 xinfo|groups=qv6 xinfo|help=qv4 xinfo|stream=qv6
xlen=e82 xpending=qv6 xrange=qv6 xread=25fm xreadgroup=25fo xrevrange=qv6 xsetid=e84 xtrim=qv8
zadd=cno zcard=cnm zcount=cnm zdiff=paq zdiffstore=pas zincrby=cno zinter=paq zintercard=paq
zinterstore=pas zlexcount=cnm zmpop=pas zmscore=cnm zpopmax=cno zpopmin=cno zrandmember=paq
zrange=paq zrangebylex=paq zrangebyscore=paq zrangestore=pas zrank=cnm zrem=cno
zremrangebylex=pas zremrangebyrank=pas zremrangebyscore=pas zrevrange=paq zrevrangebylex=paq
zrevrangebyscore=paq zrevrank=cnm zscan=paq zscore=cnm zunion=paq zunionstore=pas`;

// ---- selectors and users ----

const READ = 1;
const WRITE = 2;
const READ_WRITE = READ | WRITE;

interface KeyPattern {
  pattern: string;
  flags: number;
}

/** One set of permissions: commands, key patterns, channel patterns (Redis's aclSelector). */
export class Selector {
  allKeys = false;
  allChannels = false;
  /** SELECTOR_FLAG_ALLCOMMANDS: skip the per-command test (cleared by any removal). */
  allCommands = false;
  /**
   * The reserved command bit +@all sets and only -@all clears: the rules started from "every
   * command" (ACL LIST then begins with +@all and subtracts).
   */
  future = false;
  /** The command bits: commands and subcommands this selector may run. */
  allowed = new Set<AclCommand>();
  /** Allowed first arguments of otherwise denied commands (+select|0). */
  firstArgs: Map<AclCommand, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: string[] = [];

  constructor(readonly root: boolean) {}

  clone(): Selector {
    const s = new Selector(this.root);
    s.allKeys = this.allKeys;
    s.allChannels = this.allChannels;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = new Set(this.allowed);
    if (this.firstArgs !== null) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.keys = this.keys.map((k) => ({ ...k }));
    s.channels = [...this.channels];
    return s;
  }
}

export class AclUser {
  /** USER_FLAG_ENABLED (on) or, when false, USER_FLAG_DISABLED (off). */
  enabled = false;
  nopass = false;
  /** Neither, sanitize-payload, or skip-sanitize-payload (RESTORE's payload checks). */
  sanitize: '' | 'sanitize-payload' | 'skip-sanitize-payload' = '';
  /** SHA-256 hex digests, in the order they were added. */
  passwords: string[] = [];
  /** The root selector first, then the `(...)` ones. */
  selectors: Selector[];
  /** Some selector allows every command, key and channel: dispatch can skip the checks. */
  unrestricted = false;

  constructor(
    readonly name: string,
    allChannels: boolean,
  ) {
    const root = new Selector(true);
    root.allChannels = allChannels;
    this.selectors = [root];
  }

  get root(): Selector {
    return this.selectors[0]!;
  }

  /** Redis's ACLCopyUser: take every rule of `src` (the name stays). */
  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.clone());
    this.refresh();
  }

  refresh(): void {
    this.unrestricted = this.selectors.some((s) => s.allCommands && s.allKeys && s.allChannels);
  }
}

// ---- the permission check ----

export type DenialReason = 'command' | 'key' | 'channel';

/** ACL_DENIED_* values: which denial wins when every selector refuses. */
const REASON_RANK: Readonly<Record<DenialReason, number>> = { command: 1, key: 2, channel: 4 };

export interface Denial {
  reason: DenialReason;
  /** The argv index of the key or channel (0 for a command denial). */
  pos: number;
}

const SUBSCRIBE = 1;
const PUBLISH = 2;
const PATTERN = 4;

/** Redis's commands_with_channels (db.c), by name: unsubscribing is never checked. */
const CHANNEL_COMMANDS: ReadonlyMap<string, { flags: number; count: number }> = new Map([
  ['subscribe', { flags: SUBSCRIBE, count: -1 }],
  ['ssubscribe', { flags: SUBSCRIBE, count: -1 }],
  ['psubscribe', { flags: SUBSCRIBE | PATTERN, count: -1 }],
  ['publish', { flags: PUBLISH, count: 1 }],
  ['spublish', { flags: PUBLISH, count: 1 }],
]);

function keyPermission(flags: readonly string[]): number {
  let p = 0;
  for (const f of flags) {
    if (f === 'access') p |= READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') p |= WRITE;
  }
  return p;
}

function selectorAllowsKey(sel: Selector, key: string, perm: number): boolean {
  if (sel.allKeys) return true;
  for (const k of sel.keys) {
    if ((k.flags & perm) !== perm) continue;
    if (globMatch(k.pattern, key)) return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: a PSUBSCRIBE pattern must equal an allowed pattern literally. */
function channelAllowed(list: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? cstr(p) === cstr(channel) : globMatch(p, channel)) return true;
  }
  return false;
}

interface KeyCache {
  keys: readonly KeyPosition[] | null;
}

/** ACLSelectorCheckCmd: null when allowed, else the denial. */
function checkSelector(
  sel: Selector,
  node: AclCommand,
  cmd: Command,
  argv: readonly string[],
  cache: KeyCache,
): Denial | null {
  if (!sel.allCommands && (cmd.bits & F.NO_AUTH) === 0 && !sel.allowed.has(node)) {
    const allowedArgs = sel.firstArgs?.get(node);
    if (argv.length < 2 || allowedArgs === undefined) return { reason: 'command', pos: 0 };
    const arg = argv[cmd.parent !== null ? 2 : 1];
    if (arg === undefined) return { reason: 'command', pos: 0 };
    const lower = asciiLower(cstr(arg));
    if (!allowedArgs.some((a) => asciiLower(a) === lower)) return { reason: 'command', pos: 0 };
  }
  if (!sel.allKeys) {
    cache.keys ??= helpers.keysOf(cmd, argv);
    for (const k of cache.keys) {
      if (!selectorAllowsKey(sel, argv[k.pos]!, keyPermission(k.flags))) return { reason: 'key', pos: k.pos };
    }
  }
  if (!sel.allChannels && cmd.parent === null) {
    const spec = CHANNEL_COMMANDS.get(cmd.name);
    if (spec !== undefined) {
      const stop = spec.count === -1 ? argv.length : Math.min(argv.length, 1 + spec.count);
      for (let i = 1; i < stop; i++) {
        if (!channelAllowed(sel.channels, argv[i]!, (spec.flags & PATTERN) !== 0))
          return { reason: 'channel', pos: i };
      }
    }
  }
  return null;
}

// ---- the log ----

export type LogContext = 'toplevel' | 'multi' | 'lua';
export type LogReason = DenialReason | 'auth';

export interface AclLogEntry {
  count: number;
  reason: LogReason;
  context: LogContext;
  object: string;
  username: string;
  /** When it last happened (ms). */
  ctime: number;
  clientInfo: string;
}

/** Entries this close in time (ms) with the same reason, context, object and user are merged. */
const LOG_GROUPING_MS = 60_000;

// ---- the ACL file ----

/** How the ACL file is read and written (the server's file system; absent for the library). */
export interface AclFiles {
  /** The file's text; throws an Error whose message is the strerror() text on failure. */
  read(path: string): string;
  /** Replaces the file atomically; throws on failure. */
  write(path: string, text: string): void;
}

export const NO_ACL_FILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

/** Selector arguments split over several words ("(+get" "~k)") joined back (ACLMergeSelectorArguments). */
export function mergeSelectorArgs(args: readonly string[]): { merged: string[] } | { unmatched: number } {
  const merged: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j]!;
    if (op.startsWith('(') && !op.endsWith(')')) {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op.endsWith(')')) {
        open = -1;
        merged.push(selector);
      }
      continue;
    }
    merged.push(op);
  }
  return open !== -1 ? { unmatched: open } : { merged };
}

// ---- the ACL state of one instance ----

export class Acl {
  /** Users by name; listed in byte order of their names (Redis keeps them in a radix tree). */
  users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  /** Newest first. */
  readonly log: AclLogEntry[] = [];
  files: AclFiles | null = null;
  /** Top-level commands by their original name (ACL rules ignore rename-command). */
  private readonly roots = new Map<string, AclCommand>();
  /** Every command and subcommand, for +@all and the category counts. */
  private readonly everything: AclCommand[] = [];
  /** mnemo's command records to their ACL commands. */
  private readonly nodes = new Map<Command, AclCommand>();

  constructor(private readonly inst: Instance) {
    for (const cmd of inst.commands.all) {
      const node = this.addNode(cmd.name, null, categoryMask(cmd), cmd);
      if (cmd.subs !== null) {
        for (const sub of cmd.subs.values()) {
          this.addNode(sub.name.slice(sub.name.indexOf('|') + 1), node, categoryMask(sub), sub);
        }
      }
    }
    for (const entry of REDIS_COMMANDS.split(/\s+/)) {
      if (entry === '') continue;
      const [fullName, mask] = entry.split('=') as [string, string];
      const bar = fullName.indexOf('|');
      const parent = bar < 0 ? null : this.roots.get(fullName.slice(0, bar))!;
      const name = fullName.slice(bar + 1);
      const known = parent === null ? this.roots.get(name) : parent.subs?.get(name);
      if (known === undefined) this.addNode(name, parent, Number.parseInt(mask, 36), null);
    }
    this.defaultUser = this.createDefaultUser();
    this.users.set('default', this.defaultUser);
    this.updateDefaultPassword(inst.config.string('requirepass'));
    inst.config.onChange('requirepass', (v) => this.updateDefaultPassword(v));
  }

  private get pubsubDefault(): boolean {
    return this.inst.config.string('acl-pubsub-default') === 'allchannels';
  }

  /** A user not (yet) in the table: off, no passwords, no commands (ACLCreateUser). */
  newUser(name: string): AclUser {
    return new AclUser(name, this.pubsubDefault);
  }

  private createDefaultUser(): AclUser {
    const u = new AclUser('default', this.pubsubDefault);
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) this.userOp(u, op);
    u.refresh();
    return u;
  }

  /** requirepass: the default user's only password, or nopass when empty (ACLUpdateDefaultUserPassword). */
  updateDefaultPassword(password: string): void {
    const u = this.defaultUser;
    this.userOp(u, 'resetpass');
    this.userOp(u, password === '' ? 'nopass' : `>${password}`);
  }

  /** Users sorted as Redis's radix tree iterates them (byte order). */
  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private addNode(name: string, parent: AclCommand | null, mask: number, record: Command | null): AclCommand {
    const node: AclCommand = {
      fullName: parent === null ? name : `${parent.fullName}|${name}`,
      parent,
      subs: null,
      mask,
      record,
    };
    if (parent === null) this.roots.set(name, node);
    else (parent.subs ??= new Map()).set(name, node);
    this.everything.push(node);
    if (record !== null) this.nodes.set(record, node);
    return node;
  }

  // ---- rules ----

  /** ACLLookupCommand: "name" or "container|sub", by original names, case-insensitively. */
  lookupCommand(spec: string): AclCommand | undefined {
    const parts = cstr(spec).split('|');
    if (parts.length > 2) return undefined;
    const base = this.roots.get(asciiLower(parts[0]!));
    if (base === undefined || parts.length === 1) return base;
    if (base.subs === null) return undefined;
    return base.subs.get(asciiLower(parts[1]!));
  }

  /** mnemo's record of a command by its original name ("sort", "config|get"). */
  commandRecord(spec: string): Command | undefined {
    return this.lookupCommand(spec)?.record ?? undefined;
  }

  private setBit(sel: Selector, cmd: AclCommand, allow: boolean): void {
    if (allow) sel.allowed.add(cmd);
    else {
      sel.allowed.delete(cmd);
      sel.allCommands = false;
    }
  }

  /** ACLChangeSelectorPerm: a container's rule covers its subcommands. */
  private changePerm(sel: Selector, cmd: AclCommand, allow: boolean): void {
    this.setBit(sel, cmd, allow);
    sel.firstArgs?.delete(cmd);
    if (cmd.subs !== null) for (const sub of cmd.subs.values()) this.setBit(sel, sub, allow);
  }

  private setCategory(sel: Selector, bit: number, allow: boolean): void {
    for (const cmd of this.roots.values()) {
      if ((cmd.mask & bit) !== 0) this.changePerm(sel, cmd, allow);
      if (cmd.subs !== null) {
        for (const sub of cmd.subs.values()) if ((sub.mask & bit) !== 0) this.changePerm(sel, sub, allow);
      }
    }
  }

  /** ACLSetSelector: one rule about commands, keys or channels. */
  selectorOp(sel: Selector, op: string): AclErrno | null {
    const lower = asciiLower(op);
    if (lower === 'allkeys' || op === '~*') {
      sel.allKeys = true;
      sel.keys = [];
    } else if (lower === 'resetkeys') {
      sel.allKeys = false;
      sel.keys = [];
    } else if (lower === 'allchannels' || op === '&*') {
      sel.allChannels = true;
      sel.channels = [];
    } else if (lower === 'resetchannels') {
      sel.allChannels = false;
      sel.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      sel.allowed = new Set(this.everything);
      sel.allCommands = true;
      sel.future = true;
      sel.firstArgs = null;
    } else if (lower === 'nocommands' || lower === '-@all') {
      sel.allowed = new Set();
      sel.allCommands = false;
      sel.future = false;
      sel.firstArgs = null;
    } else if (op[0] === '~' || op[0] === '%') {
      if (sel.allKeys) return 'EEXIST';
      let flags = 0;
      let offset = 1;
      if (op[0] === '%') {
        for (; offset < op.length; offset++) {
          const ch = op[offset]!;
          if ((ch === 'R' || ch === 'r') && (flags & READ) === 0) flags |= READ;
          else if ((ch === 'W' || ch === 'w') && (flags & WRITE) === 0) flags |= WRITE;
          else if (ch === '~') {
            offset++;
            break;
          } else return 'EINVAL';
        }
        // Redis 7.0.15 refuses a %~ rule that grants neither read nor write.
        if (flags === 0) return 'EINVAL';
      } else flags = READ_WRITE;
      const pattern = op.slice(offset);
      if (hasSpaces(pattern)) return 'EINVAL';
      const existing = sel.keys.find((k) => k.pattern === pattern);
      if (existing === undefined) sel.keys.push({ pattern, flags });
      else existing.flags |= flags;
      sel.allKeys = false;
    } else if (op[0] === '&') {
      if (sel.allChannels) return 'EISDIR';
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) return 'EINVAL';
      if (!sel.channels.includes(pattern)) sel.channels.push(pattern);
      sel.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      const bar = op.lastIndexOf('|');
      if (bar < 0) {
        const cmd = this.lookupCommand(op.slice(1));
        if (cmd === undefined) return 'ENOENT';
        this.changePerm(sel, cmd, true);
      } else {
        const cmd = this.lookupCommand(op.slice(1, bar));
        if (cmd === undefined) return 'ENOENT';
        if (cmd.parent !== null) return 'ECHILD';
        const sub = op.slice(bar + 1);
        if (sub === '') return 'EINVAL';
        if (cmd.subs !== null) {
          const full = this.lookupCommand(op.slice(1));
          if (full === undefined) return 'ENOENT';
          this.changePerm(sel, full, true);
        } else {
          // A first argument of a command without subcommands (+select|0): deprecated in Redis.
          sel.firstArgs ??= new Map();
          const list = sel.firstArgs.get(cmd) ?? [];
          const l = asciiLower(cstr(sub));
          if (!list.some((a) => asciiLower(a) === l)) list.push(cstr(sub));
          sel.firstArgs.set(cmd, list);
        }
      }
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = this.lookupCommand(op.slice(1));
      if (cmd === undefined) return 'ENOENT';
      this.changePerm(sel, cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const i = (ACL_CATEGORIES as readonly string[]).indexOf(asciiLower(cstr(op.slice(2))));
      if (i < 0) return 'ENOENT';
      this.setCategory(sel, 1 << i, op[0] === '+');
    } else return 'EINVAL';
    return null;
  }

  /** A `(...)` selector (aclCreateSelectorFromOpSet); its rules are split like a config line. */
  private selectorFromOpSet(opset: string): Selector | AclErrno {
    const sel = new Selector(false);
    sel.allChannels = this.pubsubDefault;
    // Unbalanced quotes split into nothing: Redis then creates an empty selector.
    for (const op of splitArgs(opset.slice(1, -1)) ?? []) {
      const err = this.selectorOp(sel, op);
      if (err !== null) return err;
    }
    return sel;
  }

  /** ACLSetUser: one rule about the user, or about its root selector. */
  userOp(u: AclUser, op: string): AclErrno | null {
    if (op === '') return null;
    const lower = asciiLower(op);
    if (lower === 'on') u.enabled = true;
    else if (lower === 'off') u.enabled = false;
    else if (lower === 'skip-sanitize-payload') u.sanitize = 'skip-sanitize-payload';
    else if (lower === 'sanitize-payload') u.sanitize = 'sanitize-payload';
    else if (lower === 'nopass') {
      u.nopass = true;
      u.passwords = [];
    } else if (lower === 'resetpass') {
      u.nopass = false;
      u.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let hash: string;
      if (op[0] === '>') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isPasswordHash(hash)) return 'EBADMSG';
      }
      if (!u.passwords.includes(hash)) u.passwords.push(hash);
      u.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let hash: string;
      if (op[0] === '<') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isPasswordHash(hash)) return 'EBADMSG';
      }
      const i = u.passwords.indexOf(hash);
      if (i < 0) return 'ENODEV';
      u.passwords.splice(i, 1);
    } else if (op[0] === '(' && op.endsWith(')')) {
      const sel = this.selectorFromOpSet(op);
      if (typeof sel === 'string') return sel;
      u.selectors.push(sel);
    } else if (lower === 'clearselectors') {
      u.selectors.length = 1;
    } else if (lower === 'reset') {
      for (const o of ['resetpass', 'resetkeys', 'resetchannels']) this.userOp(u, o);
      if (this.pubsubDefault) this.userOp(u, 'allchannels');
      for (const o of ['off', 'sanitize-payload', 'clearselectors', '-@all']) this.userOp(u, o);
    } else return this.selectorOp(u.root, op);
    return null;
  }

  /**
   * ACL SETUSER (ACLStringSetUser): applies every rule to a copy, and only if all are valid
   * creates or changes the user. Returns the error text (without "ERR ") or null.
   */
  setUser(name: string, rules: readonly string[]): string | null {
    const m = mergeSelectorArgs(rules);
    if ('unmatched' in m) {
      return `Unmatched parenthesis in acl selector starting at '${cstr(rules[m.unmatched]!)}'.`;
    }
    const existing = this.users.get(name);
    const temp = this.newUser(name);
    if (existing !== undefined) temp.copyFrom(existing);
    for (const op of m.merged) {
      const err = this.userOp(temp, op);
      if (err !== null) return `Error in ACL SETUSER modifier '${cstr(op)}': ${ERRNO_TEXT[err]}`;
    }
    if (existing !== undefined) {
      this.killPubsubClientsIfNeeded(temp, existing);
      existing.copyFrom(temp);
    } else {
      temp.refresh();
      this.users.set(name, temp);
    }
    return null;
  }

  // ---- description (ACL LIST, GETUSER, SAVE) ----

  private countCategory(sel: Selector, bit: number): { on: number; off: number } {
    let on = 0;
    let off = 0;
    for (const cmd of this.everything) {
      if ((cmd.mask & bit) === 0) continue;
      if (sel.allowed.has(cmd)) on++;
      else off++;
    }
    return { on, off };
  }

  /**
   * ACLDescribeSelectorCommandRules: starts from +@all or -@all, greedily adds the category that
   * best fits what is left, then fixes single commands, replaying each rule on a scratch selector
   * so the text, read back, gives exactly these command bits.
   */
  describeCommands(sel: Selector): string {
    const fake = new Selector(false);
    const additive = !sel.future;
    const rules: string[] = [additive ? '-@all' : '+@all'];
    this.selectorOp(fake, rules[0]!);
    const temp = new Selector(false);
    temp.allowed = new Set(sel.allowed);
    const applied = new Array<boolean>(ACL_CATEGORIES.length).fill(false);
    for (;;) {
      let best = -1;
      let mindiff = Number.MAX_SAFE_INTEGER;
      let maxsame = 0;
      for (let j = 0; j < ACL_CATEGORIES.length; j++) {
        if (applied[j]) continue;
        const { on, off } = this.countCategory(temp, 1 << j);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = j;
          mindiff = diff;
          maxsame = same;
        }
      }
      if (best < 0) break;
      const name = ACL_CATEGORIES[best]!;
      const op = `${additive ? '+' : '-'}@${name}`;
      this.selectorOp(fake, op);
      this.selectorOp(temp, `${additive ? '-' : '+'}@${name}`);
      rules.push(op);
      applied[best] = true;
    }
    for (const cmd of this.roots.values()) this.describeSingle(sel, fake, cmd, rules);
    return rules.join(' ');
  }

  private describeSingle(sel: Selector, fake: Selector, cmd: AclCommand, rules: string[]): void {
    const userbit = sel.allowed.has(cmd);
    if (userbit !== fake.allowed.has(cmd)) {
      rules.push(`${userbit ? '+' : '-'}${cmd.fullName}`);
      this.changePerm(fake, cmd, userbit);
    }
    if (cmd.subs !== null) for (const sub of cmd.subs.values()) this.describeSingle(sel, fake, sub, rules);
    const args = sel.firstArgs?.get(cmd);
    if (!userbit && args !== undefined) for (const a of args) rules.push(`+${cmd.fullName}|${a}`);
  }

  /** sdsCatPatternString */
  static keyPatternText(k: KeyPattern): string {
    return `${k.flags === READ_WRITE ? '~' : k.flags === READ ? '%R~' : '%W~'}${k.pattern}`;
  }

  /** ACLDescribeSelector */
  describeSelector(sel: Selector): string {
    let out = '';
    if (sel.allKeys) out += '~* ';
    else for (const k of sel.keys) out += `${Acl.keyPatternText(k)} `;
    if (sel.allChannels) out += '&* ';
    else {
      out += 'resetchannels ';
      for (const c of sel.channels) out += `&${c} `;
    }
    return out + this.describeCommands(sel);
  }

  /** ACLDescribeUser: the rules that recreate the user, as ACL LIST and the ACL file show them. */
  describeUser(u: AclUser): string {
    let out = '';
    out += u.enabled ? 'on ' : 'off ';
    if (u.nopass) out += 'nopass ';
    if (u.sanitize !== '') out += `${u.sanitize} `;
    for (const p of u.passwords) out += `#${p} `;
    for (const sel of u.selectors) {
      const d = this.describeSelector(sel);
      out += sel.root ? d : ` (${d})`;
    }
    return out;
  }

  /** The user's flags as ACL GETUSER lists them. */
  static userFlags(u: AclUser): string[] {
    const flags = [u.enabled ? 'on' : 'off'];
    if (u.nopass) flags.push('nopass');
    if (u.sanitize !== '') flags.push(u.sanitize);
    return flags;
  }

  // ---- checks ----

  /** ACLCheckAllUserCommandPerm: null when some selector allows it, else the most relevant denial. */
  check(u: AclUser, cmd: Command, argv: readonly string[]): Denial | null {
    let relevant: Denial = { reason: 'command', pos: 0 };
    const cache: KeyCache = { keys: null };
    const node = this.nodes.get(cmd)!;
    for (const sel of u.selectors) {
      const d = checkSelector(sel, node, cmd, argv, cache);
      if (d === null) return null;
      const rank = REASON_RANK[d.reason];
      const best = REASON_RANK[relevant.reason];
      if (rank > best || (rank === best && d.pos > relevant.pos)) relevant = d;
    }
    return relevant;
  }

  /**
   * ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector allows the command and grants the
   * access in `flags` (key-spec flags such as ['access']) to every key (~*, allkeys, %R~*...).
   */
  unrestrictedKeyAccess(
    u: AclUser,
    cmd: Command,
    argv: readonly string[],
    flags: readonly string[],
  ): boolean {
    const perm = keyPermission(flags);
    const cache: KeyCache = { keys: null };
    const node = this.nodes.get(cmd)!;
    for (const sel of u.selectors) {
      if (checkSelector(sel, node, cmd, argv, cache) !== null) continue;
      if (sel.allKeys || sel.keys.some((k) => (k.flags & perm) === perm && k.pattern === '*')) return true;
    }
    return false;
  }

  /** The NOPERM error dispatch answers for a denial. */
  static denialError(d: Denial, cmd: Command): string {
    if (d.reason === 'command')
      return `NOPERM this user has no permissions to run the '${cmd.fullName}' command`;
    if (d.reason === 'key')
      return 'NOPERM this user has no permissions to access one of the keys used as arguments';
    return 'NOPERM this user has no permissions to access one of the channels used as arguments';
  }

  /** Redis's authRequired(): the default user needs a password (or is off) and the client has none. */
  authRequired(c: Client): boolean {
    const d = this.defaultUser;
    return (!d.nopass || !d.enabled) && !c.authenticated;
  }

  /** clientSetDefaultAuth: back to the default user, authenticated only if it needs no password. */
  setDefaultAuth(c: Client): void {
    c.aclUser = this.defaultUser;
    c.authenticated = this.defaultUser.nopass && this.defaultUser.enabled;
  }

  /** ACLCheckUserCredentials */
  checkCredentials(username: string, password: string): boolean {
    const u = this.users.get(username);
    if (u === undefined || !u.enabled) return false;
    if (u.nopass) return true;
    const hashed = Buffer.from(hashPassword(password), 'latin1');
    let ok = false;
    for (const p of u.passwords) if (timingSafeEqual(hashed, Buffer.from(p, 'latin1'))) ok = true;
    return ok;
  }

  /** ACLAuthenticateUser: logs the failure (reason auth, object the command name as sent). */
  authenticate(c: Client, username: string, password: string, argv0: string): boolean {
    if (this.checkCredentials(username, password)) {
      c.authenticated = true;
      c.aclUser = this.users.get(username)!;
      return true;
    }
    this.addLogEntry(c, 'auth', c.multi !== null ? 'multi' : 'toplevel', argv0, username);
    return false;
  }

  // ---- the log ----

  /** addACLLogEntry: merges with a similar recent entry (first 10 scanned) or adds one. */
  addLogEntry(c: Client, reason: LogReason, context: LogContext, object: string, username?: string): void {
    const now = this.inst.ks.clock.now();
    const entry: AclLogEntry = {
      count: 1,
      reason,
      context,
      object,
      username: username ?? c.user,
      ctime: now,
      clientInfo: helpers.clientInfo(c),
    };
    const log = this.log;
    for (let i = 0; i < log.length && i < 10; i++) {
      const e = log[i]!;
      if (
        e.reason === entry.reason &&
        e.context === entry.context &&
        Math.abs(e.ctime - entry.ctime) <= LOG_GROUPING_MS &&
        e.object === entry.object &&
        e.username === entry.username
      ) {
        log.splice(i, 1);
        log.unshift(e);
        e.clientInfo = entry.clientInfo;
        e.ctime = entry.ctime;
        e.count++;
        return;
      }
    }
    log.unshift(entry);
    const max = this.inst.config.number('acllog-max-len');
    if (log.length > max) log.length = max;
  }

  /** Logs a denial found by check() for the command `argv` of client `c`. */
  logDenial(c: Client, d: Denial, cmd: Command, argv: readonly string[], context: LogContext): void {
    this.addLogEntry(c, d.reason, context, d.reason === 'command' ? cmd.fullName : argv[d.pos]!);
  }

  // ---- users going away ----

  /** Clients of a removed user are reset to the default user, unauthenticated, and closed. */
  private killClientsOf(u: AclUser): void {
    for (const c of [...this.inst.clients.values()]) {
      if (c.aclUser !== u) continue;
      c.aclUser = this.defaultUser;
      c.authenticated = false;
      this.closeClient(c);
    }
  }

  private closeClient(c: Client): void {
    // An in-process client has nothing to close: it is left as the unauthenticated default user.
    if (c.conn === null) return;
    // The running client still gets its reply (CLIENT_CLOSE_AFTER_COMMAND).
    if (c === this.inst.currentClient) c.closeAfterReply = true;
    else c.conn.close(false);
  }

  /** ACL DELUSER of one user: true if it existed. */
  deleteUser(name: string): boolean {
    const u = this.users.get(name);
    if (u === undefined) return false;
    this.users.delete(name);
    this.killClientsOf(u);
    return true;
  }

  /**
   * ACLKillPubsubClientsIfNeeded: when a user loses channel permissions, its subscribed clients
   * holding a channel or pattern no longer allowed are disconnected.
   */
  private killPubsubClientsIfNeeded(next: AclUser, original: AclUser): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming = next.selectors.flatMap((s) => s.channels);
    let superset = true;
    for (const s of original.selectors) {
      if (s.allChannels || s.channels.some((ch) => !upcoming.includes(ch))) {
        superset = false;
        break;
      }
    }
    if (superset) return;
    for (const c of [...this.inst.clients.values()]) {
      if (c.aclUser !== original || !c.inPubSub) continue;
      let kill = false;
      for (const p of c.patterns) if (!channelAllowed(upcoming, p, true)) kill = true;
      for (const ch of c.channels) if (!channelAllowed(upcoming, ch, false)) kill = true;
      for (const ch of c.shardChannels) if (!channelAllowed(upcoming, ch, false)) kill = true;
      if (kill) this.closeClient(c);
    }
  }

  // ---- loading and saving ----

  /**
   * Users from `user` config directives and the ACL file at start-up (ACLLoadUsersAtStartup).
   * Each entry is a directive's arguments: name, then rules. Returns the fatal error or null.
   */
  loadAtStartup(userDirectives: ReadonlyArray<readonly string[]>): string | null {
    const aclfile = this.inst.config.string('aclfile');
    // Validated as the config file is read (ACLAppendUserForLoading).
    const pending: Array<{ name: string; rules: string[] }> = [];
    for (const args of userDirectives) {
      const name = args[0]!;
      // Redis names the offending word by its index among the rules, but looks it up in the whole
      // line ("user", name, rules...): the word quoted is two places early. Kept as Redis has it.
      const word = (i: number) => cstr(i === 0 ? 'user' : (args[i - 1] ?? ''));
      if (pending.some((p) => p.name === name)) {
        return `Error in user declaration '${cstr(name)}': ${ERRNO_TEXT.EALREADY}`;
      }
      const m = mergeSelectorArgs(args.slice(1));
      // errno is left over from elsewhere here; Redis 7.0.15 prints this text.
      if ('unmatched' in m) return `Error in user declaration '${word(m.unmatched)}': ${ERRNO_TEXT.ENOENT}`;
      const fake = this.newUser(name);
      for (let j = 0; j < m.merged.length; j++) {
        const err = this.userOp(fake, m.merged[j]!);
        if (err !== null && err !== 'ENOENT')
          return `Error in user declaration '${word(j)}': ${ERRNO_TEXT[err]}`;
      }
      pending.push({ name, rules: m.merged });
    }
    if (aclfile !== '' && pending.length !== 0) {
      return 'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.';
    }
    for (const { name, rules } of pending) {
      if (hasSpaces(name)) return 'Spaces not allowed in ACL usernames';
      let u = this.users.get(name);
      if (u === undefined) {
        u = this.newUser(name);
        this.users.set(name, u);
      } else this.userOp(u, 'reset');
      for (const op of rules) {
        const err = this.userOp(u, op);
        if (err !== null) {
          u.refresh();
          return `Error loading ACL rule '${cstr(op)}' for the user named '${cstr(name)}': ${ERRNO_TEXT[err]}`;
        }
      }
      u.refresh();
    }
    if (aclfile !== '') {
      const errors = this.loadFile(aclfile);
      if (errors !== null) return `Aborting Redis startup because of ACL errors: ${errors}`;
    }
    return null;
  }

  /**
   * ACL LOAD (ACLLoadFromFile): every line must be `user <name> <rules...>`; with any error
   * nothing changes and the errors come back in one line. On success the default user keeps its
   * identity (its clients stay) and every other old user's clients are disconnected.
   */
  loadFile(path: string): string | null {
    if (this.files === null) return `Error loading ACLs, opening file '${path}': Operation not supported`;
    let text: string;
    try {
      text = this.files.read(path);
    } catch (err) {
      return `Error loading ACLs, opening file '${path}': ${(err as Error).message}`;
    }
    text = cstr(text);
    const fresh = new Map<string, AclUser>();
    let errors = '';
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const linenum = i + 1;
      const line = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '') continue;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${path}:${linenum} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1]!;
      if (hasSpaces(name)) {
        errors += `'${path}:${linenum}: username '${cstr(name)}' contains invalid characters. `;
        continue;
      }
      if (fresh.has(name)) {
        errors += `WARNING: Duplicate user '${cstr(name)}' found on line ${linenum}. `;
        continue;
      }
      const u = this.newUser(name);
      fresh.set(name, u);
      const m = mergeSelectorArgs(argv.slice(2));
      if ('unmatched' in m) {
        errors += `${path}:${linenum}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      let syntaxError = false;
      for (const raw of m.merged) {
        const op = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, '');
        const err = this.userOp(u, op);
        if (err === null) continue;
        if (err === 'ENOENT') {
          errors += `${path}:${linenum}: Error in applying operation '${cstr(op)}': ${ERRNO_TEXT[err]}. `;
        } else if (!syntaxError) {
          errors += `${path}:${linenum}: ${ERRNO_TEXT[err]}. `;
          syntaxError = true;
        }
      }
      u.refresh();
    }
    if (errors !== '') {
      return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
    }
    const newDefault = fresh.get('default') ?? this.createDefaultUser();
    this.defaultUser.copyFrom(newDefault);
    fresh.set('default', this.defaultUser);
    const old = this.users;
    this.users = fresh;
    for (const [name, u] of old) if (name !== 'default') this.killClientsOf(u);
    return null;
  }

  /** The ACL file's text: one `user` line per user, in name order (ACLSaveToFile). */
  fileText(): string {
    return this.sortedUsers()
      .map((u) => `user ${u.name} ${this.describeUser(u)}\n`)
      .join('');
  }

  /** ACL SAVE: true on success. */
  saveFile(path: string): boolean {
    if (this.files === null) return false;
    try {
      this.files.write(path, this.fileText());
      return true;
    } catch {
      return false;
    }
  }

  /** CONFIG REWRITE's `user` lines: none with an ACL file, every user otherwise. */
  configUserLines(): string[] {
    if (this.inst.config.string('aclfile') !== '') return [];
    return this.sortedUsers().map((u) => `${u.name} ${this.describeUser(u)}`);
  }
}

function categoryMask(cmd: Command): number {
  let mask = 0;
  for (const cat of aclCategories(cmd)) {
    const i = (ACL_CATEGORIES as readonly string[]).indexOf(cat);
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}
