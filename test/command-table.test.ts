/**
 * The command table's own consistency, in-process (no server): unique names, arity, flags,
 * key positions inside the arity, key specs that agree with first/last/step the way Redis
 * derives them (server.c populateCommandLegacyRangeSpec), subcommand naming, docs fields, and
 * every `syntax` string parsing into a COMMAND DOCS argument tree. Also the syntax notation
 * itself (src/families/command.ts) and COMMAND through the in-process MemoryStore.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACL_CATEGORIES, aclCategories, type Command, type CommandFlag } from '../src/commands/spec.js';
import { CommandTable } from '../src/commands/table.js';
import { type DocArg, docArgsOf, inferArgType, keySpecsOf, parseSyntax } from '../src/families/command.js';
import { allCommands } from '../src/families/index.js';
import { MemoryStore } from '../src/index.js';

const table = new CommandTable(allCommands);
const everything = [...table.everything()];

/** Redis 7.0's command groups (server.c COMMAND_GROUP_STR). */
const GROUPS = new Set([
  'generic',
  'string',
  'list',
  'set',
  'sorted-set',
  'hash',
  'pubsub',
  'transactions',
  'connection',
  'server',
  'scripting',
  'hyperloglog',
  'cluster',
  'sentinel',
  'geo',
  'stream',
  'bitmap',
]);

const FLAGS = new Set<CommandFlag>([
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
  'may_replicate',
  'sentinel',
  'only_sentinel',
  'no_mandatory_keys',
  'protected',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
]);

const KEY_ACCESS = ['RO', 'RW', 'OW', 'RM'];
const KEY_FLAGS = new Set([
  ...KEY_ACCESS,
  'access',
  'update',
  'insert',
  'delete',
  'not_key',
  'incomplete',
  'variable_flags',
]);
const VERSION = /^\d+\.\d+\.\d+$/;

function each(check: (cmd: Command) => string | null): void {
  const bad: string[] = [];
  for (const cmd of everything) {
    const problem = check(cmd);
    if (problem !== null) bad.push(`${cmd.fullName}: ${problem}`);
  }
  assert.deepEqual(bad, []);
}

/** Every key spec of the command is a not_key spec (shard channels). */
function isNotKeyOnly(cmd: Command): boolean {
  const specs = cmd.keySpecs ?? [];
  return specs.length > 0 && specs.every((k) => k.flags.includes('not_key'));
}

describe('command table consistency', () => {
  it('has the commands every family registers', () => {
    assert.ok(table.all.length >= 60, `only ${table.all.length} commands`);
    for (const name of ['get', 'set', 'del', 'command', 'config', 'client', 'object']) {
      assert.ok(table.lookup(name) !== undefined, name);
    }
  });

  it('names are unique, lowercase, and subcommands are named parent|sub', () => {
    const seen = new Set<string>();
    for (const cmd of everything) {
      assert.ok(!seen.has(cmd.fullName), `${cmd.fullName} registered twice`);
      seen.add(cmd.fullName);
      assert.equal(cmd.name, cmd.name.toLowerCase(), `${cmd.name} is not lowercase`);
      // Redis names may hold `_` (sort_ro, georadius_ro).
      assert.match(cmd.name, /^[a-z][a-z0-9_-]*(\|[a-z][a-z0-9_-]*)?$/);
      if (cmd.parent === null) {
        assert.ok(!cmd.name.includes('|'), `${cmd.name}: top-level name with |`);
      } else {
        assert.ok(cmd.name.startsWith(`${cmd.parent.name}|`), `${cmd.name} is not ${cmd.parent.name}|<sub>`);
        const short = cmd.name.slice(cmd.parent.name.length + 1);
        assert.equal(cmd.parent.subs?.get(short), cmd, `${cmd.name} is not reachable as ${short}`);
      }
    }
  });

  it('every record has a handler or subcommands', () => {
    each((cmd) => (cmd.handler === undefined && (cmd.subcommands?.length ?? 0) === 0 ? 'no handler' : null));
  });

  it('arity is consistent: never 0, subcommands take at least 2 arguments, containers are -2', () => {
    each((cmd) => {
      if (!Number.isInteger(cmd.arity) || cmd.arity === 0) return `arity ${cmd.arity}`;
      if (cmd.name.includes('|') && Math.abs(cmd.arity) < 2) return `subcommand arity ${cmd.arity}`;
      if (cmd.handler === undefined && cmd.arity !== -2) return `container arity ${cmd.arity}`;
      return null;
    });
  });

  it('flags are known, and write and readonly never go together', () => {
    each((cmd) => {
      const unknown = cmd.flags.filter((f) => !FLAGS.has(f));
      if (unknown.length > 0) return `unknown flags ${unknown.join(' ')}`;
      if (new Set(cmd.flags).size !== cmd.flags.length) return 'duplicate flags';
      if (cmd.flags.includes('write') && cmd.flags.includes('readonly')) return 'write and readonly';
      return null;
    });
  });

  it('key positions lie inside the arity', () => {
    each((cmd) => {
      // Shard channels are "keys" only for cluster routing (flag not_key); Redis gives
      // SUNSUBSCRIBE a first key although all its arguments are optional.
      if (isNotKeyOnly(cmd)) return null;
      const { firstKey: first, lastKey: last, step } = cmd;
      if (first === 0) return last === 0 && step === 0 ? null : `no first key but last ${last} step ${step}`;
      if (first < 0 || step < 1) return `first ${first} step ${step}`;
      if (last >= 0 && last < first) return `last ${last} before first ${first}`;
      // The mandatory arguments must cover the first key (and a fixed last key).
      const mandatory = cmd.arity > 0 ? cmd.arity - 1 : -cmd.arity - 1;
      if (first > mandatory) return `first key ${first} beyond arity ${cmd.arity}`;
      if (cmd.arity > 0 && last > mandatory) return `last key ${last} beyond arity ${cmd.arity}`;
      if (cmd.arity > 0 && last < 0 && cmd.arity + last < first)
        return `last key ${last} beyond arity ${cmd.arity}`;
      return null;
    });
  });

  it('key specs agree with first/last/step and movablekeys, as Redis derives them', () => {
    each((cmd) => {
      const specs = keySpecsOf(cmd);
      for (const ks of specs) {
        if (ks.flags.includes('not_key')) continue;
        const access = ks.flags.filter((f) => KEY_ACCESS.includes(f));
        if (access.length !== 1) return `key spec needs exactly one of RO/RW/OW/RM: ${ks.flags.join(' ')}`;
        const unknown = ks.flags.filter((f) => !KEY_FLAGS.has(f));
        if (unknown.length > 0) return `unknown key spec flags ${unknown.join(' ')}`;
      }
      // populateCommandLegacyRangeSpec
      let movable = false;
      let first = Number.MAX_SAFE_INTEGER;
      let last = 0;
      let prevLast = 0;
      for (const ks of specs) {
        if (!('index' in ks.begin) || !('lastKey' in ks.find)) {
          movable = true;
          continue;
        }
        if (ks.find.step !== 1 && specs.length > 1) {
          movable = true;
          continue;
        }
        if (specs.length > 1 && prevLast !== 0 && prevLast !== ks.begin.index - 1) {
          movable = true;
          continue;
        }
        if (ks.flags.includes('incomplete')) movable = true;
        first = Math.min(first, ks.begin.index);
        const abs = ks.find.lastKey >= 0 ? ks.find.lastKey + ks.begin.index : ks.find.lastKey;
        // Redis compares unsigned, so a negative (relative-to-end) last key wins.
        last = last < 0 === abs < 0 ? Math.max(last, abs) : Math.min(last, abs);
        prevLast = last;
      }
      let step = 0;
      if (specs.length === 1 && 'index' in specs[0]!.begin && 'lastKey' in specs[0]!.find) {
        step = specs[0]!.find.step;
      } else if (first !== Number.MAX_SAFE_INTEGER) {
        step = 1;
      }
      if (first === Number.MAX_SAFE_INTEGER) {
        first = 0;
        last = 0;
      }
      if (specs.length > 0 && first === 0) movable = true;
      const want = `${first}/${last}/${step}`;
      const got = `${cmd.firstKey}/${cmd.lastKey}/${cmd.step}`;
      if (want !== got) return `key specs give first/last/step ${want}, record says ${got}`;
      if (movable !== cmd.flags.includes('movablekeys')) return `movablekeys should be ${movable}`;
      return null;
    });
  });

  it('every record documents summary, since and group', () => {
    each((cmd) => {
      if (cmd.summary.trim() === '') return 'no summary';
      if (!VERSION.test(cmd.since)) return `since ${cmd.since}`;
      if (!GROUPS.has(cmd.group)) return `group ${cmd.group}`;
      if (cmd.parent !== null && cmd.group !== cmd.parent.group)
        return `group ${cmd.group} differs from its container's`;
      if (cmd.complexity !== undefined && cmd.complexity.trim() === '') return 'empty complexity';
      for (const [v, text] of cmd.history ?? []) {
        if (!VERSION.test(v) || text.trim() === '') return `history entry ${v} ${text}`;
      }
      for (const f of cmd.doc_flags ?? []) if (f !== 'deprecated' && f !== 'syscmd') return `doc flag ${f}`;
      if (cmd.deprecatedSince !== undefined && !(cmd.doc_flags ?? []).includes('deprecated')) {
        return 'deprecated_since without the deprecated doc flag';
      }
      for (const t of cmd.tips ?? []) {
        if (!/^(nondeterministic_output(_order)?|request_policy:[a-z_]+|response_policy:[a-z_]+)$/.test(t)) {
          return `tip ${t}`;
        }
      }
      return null;
    });
  });

  it('ACL categories are Redis’s, in Redis’s order, with @slow exactly when not @fast', () => {
    each((cmd) => {
      const cats = aclCategories(cmd);
      const unknown = cats.filter((c) => !(ACL_CATEGORIES as readonly string[]).includes(c));
      if (unknown.length > 0) return `unknown categories ${unknown.join(' ')}`;
      const sorted = [...cats].sort(
        (a, b) =>
          (ACL_CATEGORIES as readonly string[]).indexOf(a) - (ACL_CATEGORIES as readonly string[]).indexOf(b),
      );
      if (cats.join(' ') !== sorted.join(' ')) return `order ${cats.join(' ')}`;
      if (cats.includes('fast') === cats.includes('slow')) return 'fast and slow';
      if (cmd.flags.includes('write') && !cats.includes('write')) return 'write without @write';
      if (cmd.flags.includes('admin') && !cats.includes('dangerous')) return 'admin without @dangerous';
      return null;
    });
  });

  it('every syntax string parses, and key arguments match the key specs', () => {
    each((cmd) => {
      let args: DocArg[];
      try {
        args = docArgsOf(cmd);
      } catch (err) {
        return `syntax does not parse: ${(err as Error).message}`;
      }
      const keys: DocArg[] = [];
      const walk = (list: DocArg[]): void => {
        for (const a of list) {
          if (a.type === 'key') keys.push(a);
          if ((a.type === 'oneof' || a.type === 'block') && (a.args?.length ?? 0) === 0) keys.push(a);
          if (a.args) walk(a.args);
        }
      };
      walk(args);
      const nspecs = keySpecsOf(cmd).length;
      if (keys.some((k) => k.type !== 'key')) return 'an empty oneof/block';
      if (nspecs > 0 && keys.length === 0 && !isNotKeyOnly(cmd))
        return 'key specs but no key argument in the syntax';
      if (nspecs === 0 && keys.length > 0) return 'key arguments but no key specs';
      for (const k of keys) {
        if (k.keySpecIndex === undefined || k.keySpecIndex >= nspecs)
          return `${k.name}: key_spec_index ${k.keySpecIndex}`;
      }
      return null;
    });
  });
});

describe('syntax notation -> COMMAND DOCS arguments', () => {
  const strip = (args: DocArg[]): unknown =>
    args.map((a) => {
      const o: Record<string, unknown> = { name: a.name, type: a.type };
      if (a.keySpecIndex !== undefined) o.key_spec_index = a.keySpecIndex;
      if (a.token !== undefined) o.token = a.token;
      if (a.since !== undefined) o.since = a.since;
      if (a.deprecatedSince !== undefined) o.deprecated_since = a.deprecatedSince;
      const flags = [
        a.optional && 'optional',
        a.multiple && 'multiple',
        a.multipleToken && 'multiple_token',
      ].filter(Boolean);
      if (flags.length > 0) o.flags = flags;
      if (a.args !== undefined) o.arguments = strip(a.args);
      return o;
    });

  it('SET: tokens with values, oneofs, names and since annotations', () => {
    const args = parseSyntax(
      'key value [NX | XX]{condition @2.6.12} [GET]{@6.2.0} [EX seconds{@2.6.12} | PX milliseconds{@2.6.12} | EXAT unix-time-seconds{@6.2.0} | PXAT unix-time-milliseconds{@6.2.0} | KEEPTTL{@6.0.0}]{expiration}',
    );
    assert.deepEqual(strip(args), [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
      {
        name: 'condition',
        type: 'oneof',
        since: '2.6.12',
        flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', flags: ['optional'] },
      {
        name: 'expiration',
        type: 'oneof',
        flags: ['optional'],
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ],
      },
    ]);
  });

  it('repetitions: x [x ...], blocks of several, and TOKEN x [TOKEN x ...]', () => {
    assert.deepEqual(strip(parseSyntax('key [key ...]')), [
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
    ]);
    assert.deepEqual(strip(parseSyntax('key value [key value ...]')), [
      {
        name: 'key_value',
        type: 'block',
        flags: ['multiple'],
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'value', type: 'string' },
        ],
      },
    ]);
    assert.deepEqual(strip(parseSyntax('[PREFIX prefix [PREFIX prefix ...]]')), [
      { name: 'prefix', type: 'string', token: 'PREFIX', flags: ['optional', 'multiple', 'multiple_token'] },
    ]);
    assert.deepEqual(strip(parseSyntax('[section [section ...]]')), [
      { name: 'section', type: 'string', flags: ['optional', 'multiple'] },
    ]);
    assert.deepEqual(strip(parseSyntax('(parameter){:block} [(parameter) ...]')), [
      {
        name: 'parameter',
        type: 'block',
        flags: ['multiple'],
        arguments: [{ name: 'parameter', type: 'string' }],
      },
    ]);
  });

  it('a token before several values or a repeated value makes a block; before a group, a oneof', () => {
    assert.deepEqual(strip(parseSyntax('[LIMIT offset count]')), [
      {
        name: 'offset_count',
        type: 'block',
        token: 'LIMIT',
        flags: ['optional'],
        arguments: [
          { name: 'offset', type: 'integer' },
          { name: 'count', type: 'integer' },
        ],
      },
    ]);
    assert.deepEqual(strip(parseSyntax('[ID client-id [client-id ...]]{@6.2.0}')), [
      {
        name: 'id',
        type: 'block',
        token: 'ID',
        since: '6.2.0',
        flags: ['optional'],
        arguments: [{ name: 'client-id', type: 'integer', flags: ['multiple'] }],
      },
    ]);
    assert.deepEqual(strip(parseSyntax('[TYPE (NORMAL | MASTER)]')), [
      {
        name: 'normal_master',
        type: 'oneof',
        token: 'TYPE',
        flags: ['optional'],
        arguments: [
          { name: 'normal', type: 'pure-token', token: 'NORMAL' },
          { name: 'master', type: 'pure-token', token: 'MASTER' },
        ],
      },
    ]);
  });

  it('a top-level alternative is one oneof; deprecated_since, types and key spec indexes', () => {
    assert.deepEqual(strip(parseSyntax('(old{!2.8.12} | [NEW x]{...}){filter}')), [
      {
        name: 'filter',
        type: 'oneof',
        arguments: [
          { name: 'old', type: 'string', deprecated_since: '2.8.12' },
          { name: 'x', type: 'string', token: 'NEW', flags: ['optional', 'multiple'] },
        ],
      },
    ]);
    assert.deepEqual(strip(parseSyntax('key increment{:double}')), [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'increment', type: 'double' },
    ]);
    assert.deepEqual(strip(parseSyntax('source destination', 2)), [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
    ]);
    assert.deepEqual(strip(parseSyntax('key1 key2', 1)), [
      { name: 'key1', type: 'key', key_spec_index: 0 },
      { name: 'key2', type: 'key', key_spec_index: 0 },
    ]);
  });

  it('infers types from argument names the way Redis’s JSON names them', () => {
    const cases: Array<[string, string]> = [
      ['key', 'key'],
      ['destination', 'key'],
      ['count', 'integer'],
      ['seconds', 'integer'],
      ['milliseconds', 'integer'],
      ['unix-time-seconds', 'unix-time'],
      ['pattern', 'pattern'],
      ['score', 'double'],
      ['element', 'string'],
    ];
    for (const [name, type] of cases) assert.equal(inferArgType(name), type, name);
  });

  it('rejects malformed syntax', () => {
    for (const bad of ['[key', 'key]', '(a | b', 'a{:nosuchtype}', 'a{unclosed']) {
      assert.throws(() => parseSyntax(bad), Error, bad);
    }
  });
});

describe('COMMAND through the in-process store', () => {
  const store = new MemoryStore({ activeExpire: false });

  it('COUNT, INFO, DOCS, GETKEYS and LIST answer from the table', () => {
    assert.equal(store.command('COMMAND', 'COUNT'), table.all.length);
    const info = store.command('COMMAND', 'INFO', 'get', 'nosuch') as unknown[];
    assert.equal(info.length, 2);
    assert.equal((info[0] as unknown[])[0], 'get');
    assert.equal(info[1], null);
    const docs = store.command('COMMAND', 'DOCS', 'set') as Map<string, Map<string, unknown>>;
    assert.equal(docs.get('set')?.get('group'), 'string');
    assert.deepEqual(store.command('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), ['a', 'b']);
    assert.deepEqual(store.command('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v'), [['k', ['OW', 'update']]]);
    const list = store.command('COMMAND', 'LIST') as string[];
    assert.equal(list.length, everything.length);
    assert.throws(
      () => store.command('COMMAND', 'GETKEYS', 'nosuch', 'x'),
      /^ReplyError: ERR Invalid command specified$/,
    );
  });
});
