/**
 * The ACL command family (Redis 7.0's aclCommand): SETUSER, GETUSER, DELUSER, LIST, USERS,
 * WHOAMI, CAT, GENPASS, LOG, DRYRUN, LOAD, SAVE, HELP. The users, rules and checks live in
 * commands/acl.ts; this module parses arguments and shapes replies. It also hands the ACL layer
 * the families' key extraction and CLIENT LIST line, which commands/ cannot import.
 */

import { Acl, hasSpaces, installAclHelpers, NO_ACL_FILE, randomHex, type Selector } from '../commands/acl.js';
import { intArg, isWord } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { cstr, E, ReplyError } from '../commands/errors.js';
import { ACL_CATEGORIES, aclCategories, type Command, type CommandSpec } from '../commands/spec.js';
import { keysOf } from './command.js';
import { clientInfoLine } from './connection.js';
import { command, helpSubcommand } from './define.js';

installAclHelpers({
  keysOf,
  clientInfo: (c) => clientInfoLine(c, c.inst.ks.clock.now()),
});

function aclSetuser(c: Client, argv: string[]): void {
  const name = argv[2]!;
  if (hasSpaces(name)) throw new ReplyError("ERR Usernames can't contain spaces or null characters");
  const err = c.inst.acl.setUser(name, argv.slice(3));
  if (err !== null) throw new ReplyError(`ERR ${err}`);
  c.reply.ok();
}

function aclDeluser(c: Client, argv: string[]): void {
  for (let j = 2; j < argv.length; j++) {
    if (argv[j] === 'default') throw new ReplyError("ERR The 'default' user cannot be removed");
  }
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) if (c.inst.acl.deleteUser(argv[j]!)) deleted++;
  c.reply.int(deleted);
}

/** The commands, keys and channels fields of one selector (aclAddReplySelectorDescription). */
function replySelector(c: Client, acl: Acl, sel: Selector): void {
  const r = c.reply;
  r.bulk('commands');
  r.bulk(acl.describeCommands(sel));
  r.bulk('keys');
  r.bulk(sel.allKeys ? '~*' : sel.keys.map((k) => Acl.keyPatternText(k)).join(' '));
  r.bulk('channels');
  r.bulk(sel.allChannels ? '&*' : sel.channels.map((ch) => `&${ch}`).join(' '));
}

function aclGetuser(c: Client, argv: string[]): void {
  const acl = c.inst.acl;
  const u = acl.users.get(argv[2]!);
  const r = c.reply;
  if (u === undefined) {
    r.nil();
    return;
  }
  r.map(6);
  r.bulk('flags');
  const flags = Acl.userFlags(u);
  r.set(flags.length);
  for (const f of flags) r.bulk(f);
  r.bulk('passwords');
  r.array(u.passwords.length);
  for (const p of u.passwords) r.bulk(p);
  replySelector(c, acl, u.root);
  r.bulk('selectors');
  r.array(u.selectors.length - 1);
  for (const sel of u.selectors.slice(1)) {
    r.map(3);
    replySelector(c, acl, sel);
  }
}

function aclList(c: Client): void {
  const acl = c.inst.acl;
  const users = acl.sortedUsers();
  c.reply.array(users.length);
  for (const u of users) c.reply.bulk(`user ${u.name} ${acl.describeUser(u)}`);
}

function aclUsers(c: Client): void {
  const users = c.inst.acl.sortedUsers();
  c.reply.array(users.length);
  for (const u of users) c.reply.bulk(u.name);
}

function aclLoad(c: Client): void {
  const path = c.inst.config.string('aclfile');
  if (path === '') throw new ReplyError(NO_ACL_FILE);
  const errors = c.inst.acl.loadFile(path);
  if (errors !== null) throw new ReplyError(`ERR ${errors}`);
  c.reply.ok();
}

function aclSave(c: Client): void {
  const path = c.inst.config.string('aclfile');
  if (path === '') throw new ReplyError(NO_ACL_FILE);
  if (!c.inst.acl.saveFile(path)) {
    throw new ReplyError(
      'ERR There was an error trying to save the ACLs. Please check the server logs for more information',
    );
  }
  c.reply.ok();
}

/** addReplySubcommandSyntaxError: a known subcommand with too many arguments. */
function tooManyArgs(argv: string[], max: number): void {
  if (argv.length > max) throw new ReplyError(E.SUBCOMMAND_SYNTAX(argv[1]!, 'acl'));
}

function aclCat(c: Client, argv: string[]): void {
  tooManyArgs(argv, 3);
  const r = c.reply;
  if (argv.length === 2) {
    r.array(ACL_CATEGORIES.length);
    for (const cat of ACL_CATEGORIES) r.bulk(cat);
    return;
  }
  // strcasecmp against the table: any case of a category name (a C string: it ends at a NUL).
  const cat = cstr(argv[2]!).toLowerCase();
  if (!(ACL_CATEGORIES as readonly string[]).includes(cat)) {
    throw new ReplyError(`ERR Unknown category '${cstr(argv[2]!).slice(0, 128)}'`);
  }
  const names: string[] = [];
  const visit = (cmd: Command) => {
    if (aclCategories(cmd).includes(cat)) names.push(cmd.fullName);
    if (cmd.subs !== null) for (const sub of cmd.subs.values()) visit(sub);
  };
  for (const cmd of c.inst.commands.all) visit(cmd);
  r.array(names.length);
  for (const n of names) r.bulk(n);
}

const GENPASS_MAX_BITS = 4096;

function aclGenpass(c: Client, argv: string[]): void {
  tooManyArgs(argv, 3);
  const bits = argv.length === 3 ? intArg(argv[2]!) : 256;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    throw new ReplyError(
      `ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`,
    );
  }
  c.reply.bulk(randomHex(Math.floor((bits + 3) / 4)));
}

function aclLog(c: Client, argv: string[]): void {
  tooManyArgs(argv, 3);
  const acl = c.inst.acl;
  let count = 10;
  if (argv.length === 3) {
    if (isWord(argv[2]!, 'reset')) {
      acl.log.length = 0;
      c.reply.ok();
      return;
    }
    count = Math.max(0, intArg(argv[2]!));
  }
  const entries = acl.log.slice(0, count);
  const now = c.inst.ks.clock.now();
  const r = c.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.map(7);
    r.bulk('count');
    r.int(e.count);
    r.bulk('reason');
    r.bulk(e.reason);
    r.bulk('context');
    r.bulk(e.context);
    r.bulk('object');
    r.bulk(e.object);
    r.bulk('username');
    r.bulk(e.username);
    r.bulk('age-seconds');
    r.double((now - e.ctime) / 1000);
    r.bulk('client-info');
    r.bulk(e.clientInfo);
  }
}

function aclDryrun(c: Client, argv: string[]): void {
  const acl = c.inst.acl;
  const u = acl.users.get(argv[2]!);
  if (u === undefined) throw new ReplyError(`ERR User '${cstr(argv[2]!)}' not found`);
  const target = argv.slice(3);
  // lookupCommand, not strict: a container without a known subcommand is the container itself.
  let cmd = c.inst.commands.lookup(target[0]!);
  if (cmd !== undefined && cmd.subs !== null && target.length > 1) {
    const sub = target[1]!;
    cmd = cmd.subs.get(sub) ?? cmd.subs.get(sub.toLowerCase());
  }
  if (cmd === undefined) throw new ReplyError(`ERR Command '${cstr(target[0]!)}' not found`);
  if ((cmd.arity > 0 && cmd.arity !== target.length) || target.length < -cmd.arity) {
    throw new ReplyError(E.WRONG_ARGS(cmd.fullName));
  }
  const denial = acl.check(u, cmd, target);
  if (denial === null) c.reply.ok();
  else if (denial.reason === 'command')
    c.reply.bulk(`This user has no permissions to run the '${cmd.fullName}' command`);
  else
    c.reply.bulk(
      `This user has no permissions to access the '${cstr(target[denial.pos]!)}' ${denial.reason}`,
    );
}

const ACL_HELP = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

// ---- registration ----

const S = { group: 'server' } as const;
const ADMIN = 'admin noscript loading stale';

export const aclCommands: CommandSpec[] = [
  command(
    'acl',
    -2,
    '',
    [0, 0, 0],
    {
      ...S,
      since: '6.0.0',
      summary: 'A container for Access List Control commands ',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'acl|cat',
        -2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'List the ACL categories or the commands inside a category',
          complexity: 'O(1) since the categories and commands are a fixed set.',
          syntax: '[categoryname]',
        },
        aclCat,
      ),
      command(
        'acl|deluser',
        -3,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Remove the specified ACL users and the associated rules',
          complexity: 'O(1) amortized time considering the typical user.',
          syntax: 'username [username ...]',
        },
        aclDeluser,
      ),
      command(
        'acl|dryrun',
        -4,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '7.0.0',
          summary: 'Returns whether the user can execute the given command without executing the command.',
          complexity: 'O(1).',
          syntax: 'username command [arg [arg ...]]',
        },
        aclDryrun,
      ),
      command(
        'acl|genpass',
        -2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Generate a pseudorandom secure password to use for ACL users',
          complexity: 'O(1)',
          syntax: '[bits{:integer}]',
        },
        aclGenpass,
      ),
      command(
        'acl|getuser',
        3,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Get the rules for a specific ACL user',
          complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
          syntax: 'username',
          history: [
            ['6.2.0', 'Added Pub/Sub channel patterns.'],
            [
              '7.0.0',
              'Added selectors and changed the format of key and channel patterns from a list to their rule representation.',
            ],
          ],
        },
        aclGetuser,
      ),
      helpSubcommand('acl', S, '6.0.0', ACL_HELP),
      command(
        'acl|list',
        2,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'List the current ACL rules in ACL config file format',
          complexity: 'O(N). Where N is the number of configured users.',
        },
        aclList,
      ),
      command(
        'acl|load',
        2,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Reload the ACLs from the configured ACL file',
          complexity: 'O(N). Where N is the number of configured users.',
        },
        aclLoad,
      ),
      command(
        'acl|log',
        -2,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'List latest events denied because of ACLs in place',
          complexity: 'O(N) with N being the number of entries shown.',
          syntax: '[count{:integer} | RESET]{operation}',
        },
        aclLog,
      ),
      command(
        'acl|save',
        2,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Save the current ACL rules in the configured ACL file',
          complexity: 'O(N). Where N is the number of configured users.',
        },
        aclSave,
      ),
      command(
        'acl|setuser',
        -3,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Modify or create the rules for a specific ACL user',
          complexity: 'O(N). Where N is the number of rules provided.',
          syntax: 'username [rule [rule ...]]',
          history: [
            ['6.2.0', 'Added Pub/Sub channel patterns.'],
            ['7.0.0', 'Added selectors and key based permissions.'],
          ],
        },
        aclSetuser,
      ),
      command(
        'acl|users',
        2,
        ADMIN,
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'List the username of all the configured ACL rules',
          complexity: 'O(N). Where N is the number of configured users.',
        },
        aclUsers,
      ),
      command(
        'acl|whoami',
        2,
        'noscript loading stale',
        [0, 0, 0],
        {
          ...S,
          since: '6.0.0',
          summary: 'Return the name of the user associated to the current connection',
          complexity: 'O(1)',
        },
        (c) => c.reply.bulk(c.user),
      ),
    ],
  ),
];
