/**
 * Unit tests of the configuration subsystem (src/config) that need no server: the parameter
 * table's consistency, the C-compatible parsers, command-line and config-file parsing, start-up
 * loading (include, stdin, deferred directives, fatal errors), CONFIG SET semantics that a
 * server cannot show from outside (listeners, validators, protected and loading rules, typed
 * accessors) and CONFIG REWRITE on hand-made inputs. Behaviour observable on a real Redis is
 * compared with one in config-redis.test.ts.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ReplyError } from '../src/commands/errors.js';
import { Config, ConfigLoadError, type SetContext } from '../src/config/config.js';
import { loadConfig, parseCommandLine, parseConfigText, usage } from '../src/config/load.js';
import { PARAMS } from '../src/config/params.js';
import {
  formatDouble6,
  memtoull,
  parseInteger,
  parseMemory,
  quoteRepr,
  splitArgs,
  string2d,
  string2ll,
  strtoll,
} from '../src/config/parse.js';
import { NOTIFY } from '../src/engine/events.js';

function setError(cfg: Config, pairs: Array<[string, string]>, ctx: SetContext = {}): string {
  try {
    cfg.set(pairs, ctx);
  } catch (err) {
    if (err instanceof ReplyError) return err.message;
    throw err;
  }
  return 'OK';
}

function loadError(fn: () => unknown): ConfigLoadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigLoadError) return err;
    throw err;
  }
  assert.fail('expected a ConfigLoadError');
}

function fakeFs(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

describe('parameter table', () => {
  it('has unique names: 178 parameters (5 hidden) and 19 aliases, as Redis 7.0.15', () => {
    const names = PARAMS.flatMap((p) => (p.alias === undefined ? [p.name] : [p.name, p.alias]));
    assert.equal(new Set(names).size, names.length);
    assert.equal(PARAMS.length, 178);
    assert.equal(PARAMS.filter((p) => p.hidden).length, 5);
    assert.equal(names.length, 197);
    for (const n of names) assert.equal(n, n.toLowerCase());
  });

  it('prints every default back exactly (parse and print are inverse on defaults)', () => {
    const cfg = Config.defaults({ cwd: '/srv' });
    for (const p of PARAMS) {
      assert.equal(cfg.get(p.name), p.name === 'dir' ? '/srv' : p.default, p.name);
      if (p.alias !== undefined) assert.equal(cfg.get(p.alias), cfg.get(p.name));
    }
  });

  it('flags as implemented only parameters some code reads', () => {
    const on = PARAMS.filter((p) => p.implemented).map((p) => p.name);
    for (const n of ['port', 'bind', 'requirepass', 'save', 'appendonly', 'maxmemory', 'tls-port']) {
      assert.ok(on.includes(n), n);
    }
    for (const n of ['daemonize', 'io-threads', 'replicaof', 'unixsocket', 'cluster-enabled']) {
      assert.ok(!on.includes(n), n);
    }
    // Every parameter claimed to take effect is named by code outside the parameter table.
    const srcRoot = fileURLToPath(new URL('../../src/', import.meta.url));
    const sources = readdirSync(srcRoot, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('params.ts'))
      .map((f) => readFileSync(join(srcRoot, f), 'utf8'))
      .join('\n');
    for (const n of on)
      assert.ok(sources.includes(`'${n}'`), `${n} is flagged implemented but no code reads it`);
    assert.equal(Config.isImplemented('PORT'), true);
    assert.equal(Config.isImplemented('nope'), false);
    assert.equal(Config.param('slaveof')?.name, 'replicaof');
    assert.equal(Config.param('hash-max-ziplist-entries')?.name, 'hash-max-listpack-entries');
  });

  it('records the Redis flags', () => {
    const p = (n: string) => Config.param(n)!;
    assert.equal(p('daemonize').mutable, false);
    assert.equal(p('maxmemory').mutable, true);
    assert.equal(p('requirepass').sensitive, true);
    assert.equal(p('masterauth').sensitive, true);
    assert.equal(p('watchdog-period').hidden, true);
    assert.equal(p('dir').protected, true);
    assert.equal(p('appendonly').denyLoading, true);
    assert.equal(p('save').multiArg, true);
    assert.equal(p('tls-cert-file').volatile, true);
    assert.equal(p('maxmemory').kind, 'memory');
    assert.equal(p('maxmemory-clients').kind, 'percent-memory');
    assert.equal(p('unixsocketperm').kind, 'octal');
  });
});

describe('C-compatible parsers', () => {
  it('splits arguments like sdssplitargs', () => {
    assert.deepEqual(splitArgs('  set  a   b '), ['set', 'a', 'b']);
    assert.deepEqual(splitArgs('"a b" \'c d\''), ['a b', 'c d']);
    assert.deepEqual(splitArgs('"\\n\\r\\t\\b\\a\\\\\\"\\q"'), ['\n\r\t\b\x07\\"q']);
    assert.deepEqual(splitArgs('"\\x41\\x4a\\xzz"'), ['AJxzz']);
    assert.deepEqual(splitArgs("'it\\'s' '\\n'"), ["it's", '\\n']);
    assert.deepEqual(splitArgs('""'), ['']);
    assert.deepEqual(splitArgs('ab"cd"'), ['abcd']);
    assert.deepEqual(splitArgs('\v\f a'), ['a']);
    assert.deepEqual(splitArgs(''), []);
    assert.equal(splitArgs('"abc'), null);
    assert.equal(splitArgs("'abc"), null);
    assert.equal(splitArgs('"a"b'), null);
    assert.equal(splitArgs("'a'b"), null);
    assert.equal(splitArgs('"a\\'), null);
  });

  it('quotes like sdscatrepr, and splitArgs reads it back', () => {
    assert.equal(quoteRepr('a"b\\c\n\x01\xff '), '"a\\"b\\\\c\\n\\x01\\xff "');
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 500; i++) {
      let s = '';
      for (let k = rnd() % 12; k > 0; k--) s += String.fromCharCode((rnd() % 255) + 1);
      assert.deepEqual(splitArgs(quoteRepr(s)), [s], JSON.stringify(s));
    }
  });

  it('reads memory values like memtoull', () => {
    assert.equal(parseMemory('1k'), 1000);
    assert.equal(parseMemory('1kb'), 1024);
    assert.equal(parseMemory('1M'), 1000000);
    assert.equal(parseMemory('1mB'), 1048576);
    assert.equal(parseMemory('2g'), 2e9);
    assert.equal(parseMemory('1GB'), 1073741824);
    assert.equal(parseMemory('7b'), 7);
    assert.equal(parseMemory('42'), 42);
    assert.equal(parseMemory(''), 0);
    assert.equal(parseMemory('kb'), 0);
    for (const bad of ['-1', '+1', ' 1', '1 ', '1.5mb', '1tb', '0x10', 'abc'])
      assert.equal(parseMemory(bad), null, bad);
    assert.equal(memtoull('99999999999999999999'), 18446744073709551615n);
    assert.equal(memtoull('18446744073709551615kb'), 18446744073709550592n);
    assert.equal(memtoull('5\0junk'), 5n);
  });

  it('reads integers like string2ll and strtoll', () => {
    assert.equal(string2ll('0'), 0n);
    assert.equal(string2ll('-12'), -12n);
    assert.equal(string2ll('9223372036854775807'), 9223372036854775807n);
    assert.equal(string2ll('-9223372036854775808'), -9223372036854775808n);
    for (const bad of ['', '-0', '01', '+1', ' 1', '1 ', '9223372036854775808', '1e3', '-']) {
      assert.equal(string2ll(bad), null, bad);
    }
    assert.equal(parseInteger('123'), 123);
    assert.deepEqual(strtoll(' +12', 10), { value: 12n, end: 4, overflow: false });
    assert.deepEqual(strtoll('12x', 10), { value: 12n, end: 2, overflow: false });
    assert.deepEqual(strtoll('', 10), { value: 0n, end: 0, overflow: false });
    assert.deepEqual(strtoll(' ', 10), { value: 0n, end: 0, overflow: false });
    assert.deepEqual(strtoll('-99999999999999999999', 10).value, -9223372036854775808n);
    assert.deepEqual(strtoll('777', 8).value, 511n);
    assert.equal(strtoll('8', 8).end, 0);
  });

  it('reads and prints doubles like strtod and printf("%f")', () => {
    assert.equal(string2d('1e1'), 10);
    assert.equal(string2d('0x1.8p3'), 12);
    assert.equal(string2d('+5.'), 5);
    assert.equal(string2d('inf'), Infinity);
    for (const bad of ['', ' 5', 'nan', '1e400', '1e-400', '1e', '.', 'abc'])
      assert.equal(string2d(bad), null, bad);
    assert.equal(formatDouble6(99.9), '99.9');
    assert.equal(formatDouble6(50), '50');
    assert.equal(formatDouble6(0.0078125), '0.007812');
    assert.equal(formatDouble6(0.0234375), '0.023438');
    assert.equal(formatDouble6(-0), '-0');
    assert.equal(formatDouble6(99.99), '99.99');
  });
});

describe('command line', () => {
  it('turns options into config text like redis-server', () => {
    assert.deepEqual(parseCommandLine([]), { text: '', help: false, version: false, stdin: false });
    const cl = parseCommandLine([
      '/etc/r.conf',
      '--port',
      '7000',
      '--bind',
      '127.0.0.1',
      '::1',
      '--save',
      '',
    ]);
    assert.equal(cl.configFile, '/etc/r.conf');
    assert.equal(cl.text, 'port "7000" \nbind "127.0.0.1" "::1" \nsave "" ');
    assert.equal(parseCommandLine(['--port 7000', '--hz', '5']).text, 'port 7000 \nhz "5" ');
    assert.equal(parseCommandLine(['--maxmemory', '--foo']).text, 'maxmemory "--foo" ');
    assert.equal(parseCommandLine(['--save', '--port', '1']).text, 'save ""\nport "1" ');
    assert.equal(parseCommandLine(['--port', '1', '--save']).text, 'port "1" \nsave ""');
    assert.equal(parseCommandLine(['--requirepass', 'a"b']).text, 'requirepass "a\\"b" ');
  });

  it('recognises help, version and stdin only where redis-server does', () => {
    assert.equal(parseCommandLine(['-h']).help, true);
    assert.equal(parseCommandLine(['--help']).help, true);
    assert.equal(parseCommandLine(['-v']).version, true);
    assert.equal(parseCommandLine(['--version']).version, true);
    assert.equal(parseCommandLine(['--port', '1', '--version']).version, false);
    assert.equal(parseCommandLine(['-']).stdin, true);
    assert.equal(parseCommandLine(['r.conf', '--port', '1', '-']).stdin, true);
    const mid = parseCommandLine(['--bind', '-', '--port', '1']);
    assert.equal(mid.stdin, false);
    assert.equal(mid.text, 'bind "-" \nport "1" ');
    assert.match(usage(), /^Usage: \.\/mnemo-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]/);
  });

  it('refuses Sentinel mode', () => {
    assert.match(loadError(() => parseCommandLine(['--sentinel'])).message, /Sentinel/);
  });
});

describe('config file text', () => {
  it('parses directives, skipping comments and blank lines', () => {
    const ds = parseConfigText('# c\n\n  Port 7000  \r\nsave ""\n\tbind a b\n\v\n');
    assert.deepEqual(ds, [
      { line: 3, name: 'port', args: ['7000'], raw: 'Port 7000' },
      { line: 4, name: 'save', args: [''], raw: 'save ""' },
      { line: 5, name: 'bind', args: ['a', 'b'], raw: 'bind a b' },
    ]);
  });

  it('reports unbalanced quotes with the line', () => {
    const e = loadError(() => parseConfigText('port 1\nfoo "bar\n'));
    assert.equal(e.line, 2);
    assert.equal(e.raw, 'foo "bar');
    assert.equal(e.reason, 'Unbalanced quotes in configuration line');
    assert.equal(
      e.message,
      "*** FATAL CONFIG FILE ERROR (mnemo 0.1.0) ***\nReading the configuration file, at line 2\n>>> 'foo \"bar'\nUnbalanced quotes in configuration line",
    );
  });
});

describe('loadConfig', () => {
  it('applies the file, then stdin, then the command line; later directives win', () => {
    const fs = fakeFs({
      '/etc/r.conf': 'hz 5\nsave 900 1\nsave 300 10\nmaxmemory 1mb\nslaveof 10.0.0.1 6380\n',
    });
    const r = loadConfig(['/etc/r.conf', '--maxmemory', '2mb', '-'], fs, {
      cwd: '/',
      readStdin: () => 'hz 7\n',
    });
    assert.equal(r.configFile, '/etc/r.conf');
    assert.equal(r.config.get('hz'), '7');
    assert.equal(r.config.get('maxmemory'), '2097152');
    assert.equal(r.config.get('save'), '900 1 300 10');
    assert.deepEqual(r.config.replicaOf(), { host: '10.0.0.1', port: 6380 });
    assert.equal(r.config.get('replicaof'), '10.0.0.1 6380');
  });

  it('splits a multi-argument value given as one argument, and clamps hz after loading', () => {
    const r = loadConfig(['--save', '3600 1 60 100', '--bind', '127.0.0.1 ::1', '--hz', '0'], fakeFs({}));
    assert.equal(r.config.get('save'), '3600 1 60 100');
    assert.deepEqual(r.config.bindAddresses(), ['127.0.0.1', '::1']);
    assert.equal(r.config.get('hz'), '1');
    assert.equal(loadConfig(['--save', ''], fakeFs({})).config.get('save'), '');
  });

  it('makes the config file absolute and resolves relative paths against dir', () => {
    const fs = fakeFs({
      '/home/u/r.conf': 'dir /data\ninclude extra.conf\n',
      '/data/extra.conf': 'maxmemory 3mb\ninclude sub/more.conf\n',
      '/data/sub/more.conf': 'hz 9\n',
    });
    const r = loadConfig(['r.conf'], fs, { cwd: '/home/u' });
    assert.equal(r.configFile, '/home/u/r.conf');
    assert.equal(r.config.get('dir'), '/data');
    assert.equal(r.config.get('maxmemory'), '3145728');
    assert.equal(r.config.get('hz'), '9');
  });

  it('expands wildcard includes with the caller’s glob, and bounds include depth', () => {
    const fs = fakeFs({
      '/r.conf': 'include /conf.d/*.conf\n',
      '/conf.d/a.conf': 'hz 3\n',
      '/conf.d/b.conf': 'hz 4\n',
    });
    const glob = (p: string) => (p === '/conf.d/*.conf' ? ['/conf.d/a.conf', '/conf.d/b.conf'] : []);
    assert.equal(loadConfig(['/r.conf'], fs, { glob }).config.get('hz'), '4');
    assert.match(loadError(() => loadConfig(['/r.conf'], fs)).message, /wildcard include/);
    const loop = fakeFs({ '/loop.conf': 'include /loop.conf\n' });
    assert.match(loadError(() => loadConfig(['/loop.conf'], loop)).message, /include nesting/);
  });

  it('reports files it cannot read like redis-server', () => {
    const e = loadError(() => loadConfig(['missing.conf'], fakeFs({}), { cwd: '/x' }));
    assert.equal(
      e.message,
      "Fatal error, can't open config file '/x/missing.conf': No such file or directory",
    );
    assert.match(loadError(() => loadConfig(['-'], fakeFs({}))).message, /stdin/);
  });

  it('hands rename-command and user to their owners and ignores removed directives', () => {
    const fs = fakeFs({
      '/r.conf': 'rename-command CONFIG ""\nuser alice on >pw ~* +@all\nlist-max-ziplist-value 5\n',
    });
    const r = loadConfig(['/r.conf'], fs);
    assert.deepEqual(
      r.deferred.map((d) => [d.name, ...d.args]),
      [
        ['rename-command', 'CONFIG', ''],
        ['user', 'alice', 'on', '>pw', '~*', '+@all'],
      ],
    );
    assert.match(loadError(() => loadConfig(['--loadmodule', 'x.so'], fakeFs({}))).reason, /modules/);
  });

  it('returns defaults for --help and --version without reading anything', () => {
    const r = loadConfig(['--version', 'whatever'], () => assert.fail('no read'));
    assert.equal(r.version, true);
    assert.equal(r.config.get('port'), '6379');
  });

  it('runs validators at the directive (dir) and after loading (logfile)', () => {
    const validators = {
      dir: (d: string) => (d === '/gone' ? 'No such file or directory' : undefined),
      logfile: (f: string) => (f.startsWith('/ro/') ? 'Permission denied' : undefined),
    };
    const e = loadError(() => loadConfig(['--dir', '/gone'], fakeFs({}), { validators }));
    assert.equal(e.line, 2);
    assert.equal(e.reason, 'No such file or directory');
    const l = loadError(() =>
      loadConfig(['--logfile', '/ro/x.log', '--hz', '3'], fakeFs({}), { validators }),
    );
    assert.equal(l.line, undefined);
    assert.equal(
      l.message,
      "*** FATAL CONFIG FILE ERROR (mnemo 0.1.0) ***\nCan't open the log file: Permission denied",
    );
  });
});

describe('Config', () => {
  it('reads values through aliases and in any case', () => {
    const cfg = Config.defaults();
    assert.equal(cfg.get('HZ'), '10');
    assert.equal(cfg.get('lua-time-limit'), '5000');
    assert.equal(cfg.get('nope'), undefined);
    assert.equal(cfg.number('proto-max-bulk-len'), 512 * 1024 * 1024);
    assert.equal(cfg.number('list-max-ziplist-size'), -2);
    assert.equal(cfg.bool('protected-mode'), true);
    assert.equal(cfg.string('maxmemory-policy'), 'noeviction');
    assert.throws(() => cfg.number('nope'));
    assert.throws(() => cfg.number('logfile'));
    assert.throws(() => cfg.bool('hz'));
  });

  it('gives typed views of the special parameters', () => {
    const cfg = Config.defaults();
    assert.deepEqual(cfg.savePoints(), [
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 100 },
      { seconds: 60, changes: 10000 },
    ]);
    assert.deepEqual(cfg.bindAddresses(), ['127.0.0.1', '-::1']);
    assert.deepEqual(cfg.clientOutputBufferLimit('replica'), {
      hardBytes: 268435456,
      softBytes: 67108864,
      softSeconds: 60,
    });
    assert.deepEqual(cfg.oomScoreAdjValues(), [0, 200, 800]);
    assert.deepEqual(cfg.latencyPercentiles(), [50, 99, 99.9]);
    assert.equal(cfg.replicaOf(), null);
    cfg.set([
      ['notify-keyspace-events', 'Kx'],
      ['maxmemory-clients', '5%'],
    ]);
    assert.equal(cfg.keyspaceEvents(), NOTIFY.KEYSPACE | NOTIFY.EXPIRED);
    assert.equal(cfg.number('maxmemory-clients'), -5);
  });

  it('calls listeners after a change, once, with the printed value', () => {
    const cfg = Config.defaults();
    const seen: string[] = [];
    cfg.onChange('replica-priority', (v) => seen.push(`rp=${v} hz=${cfg.get('hz')}`));
    cfg.onChange('maxmemory', (v) => seen.push(`mm=${v}`));
    cfg.set([
      ['slave-priority', '5'],
      ['hz', '20'],
    ]);
    cfg.set([['slave-priority', '5']]);
    cfg.set([['maxmemory', '1kb']]);
    cfg.set([['maxmemory', '1024']]);
    assert.deepEqual(seen, ['rp=5 hz=20', 'mm=1024']);
    assert.throws(() => cfg.onChange('nope', () => {}));
  });

  it('lets validators veto a whole CONFIG SET', () => {
    const cfg = Config.defaults();
    cfg.addValidator('port', (p) =>
      p === '1' ? 'Unable to listen on this port. Check server logs.' : undefined,
    );
    assert.equal(
      setError(cfg, [
        ['maxmemory', '5'],
        ['port', '1'],
      ]),
      "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
    );
    assert.equal(cfg.get('maxmemory'), '0');
    assert.equal(setError(cfg, [['port', '2']]), 'OK');
  });

  it('resolves dir against the current one', () => {
    const open = loadConfig(['--enable-protected-configs', 'yes'], fakeFs({}), { cwd: '/a/b' }).config;
    open.set([['dir', '../c']]);
    assert.equal(open.get('dir'), '/a/c');
    assert.equal(
      setError(open, [['dir', '']]),
      "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
    );
  });

  it('applies the protected and loading rules', () => {
    const local = loadConfig(['--enable-protected-configs', 'local'], fakeFs({})).config;
    const denied =
      "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config";
    assert.equal(setError(local, [['dbfilename', 'x.rdb']]), denied);
    local.set([['dbfilename', 'x.rdb']], { localClient: true });
    assert.equal(local.get('dbfilename'), 'x.rdb');
    assert.equal(
      setError(local, [['dbfilename', 'a/x.rdb']], { localClient: true }),
      "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename",
    );
    const cfg = Config.defaults();
    assert.throws(
      () => cfg.set([['appendonly', 'yes']], { loading: true }),
      (e: unknown) =>
        e instanceof ReplyError && e.message === 'LOADING Redis is loading the dataset in memory',
    );
    cfg.set([['maxmemory', '1']], { loading: true });
  });

  it('strips CR and LF from error replies', () => {
    const cfg = Config.defaults();
    assert.equal(
      setError(cfg, [['a\r\nb', '1']]),
      "ERR Unknown option or number of arguments for CONFIG SET - 'a  b'",
    );
  });
});

describe('CONFIG REWRITE text', () => {
  it('writes the always-written parameters into an empty file', () => {
    const cfg = Config.defaults({ cwd: '/data' });
    assert.equal(
      cfg.rewrite('/r.conf', undefined),
      [
        '# Generated by CONFIG REWRITE',
        'dir "/data"',
        'save 3600 1',
        'save 300 100',
        'save 60 10000',
        'latency-tracking-info-percentiles 50 99 99.9',
        '',
      ].join('\n'),
    );
    const users = cfg.rewrite('/r.conf', '', { users: ['default on nopass ~* &* +@all'] });
    assert.ok(users.endsWith('user default on nopass ~* &* +@all\n'));
  });

  it('keeps comments and unknown lines, updates in place, blanks surplus lines', () => {
    const cfg = Config.defaults({ cwd: '/d' });
    cfg.set([
      ['maxmemory', '2gb'],
      ['replica-priority', '7'],
      ['requirepass', 'p w'],
      ['bind', '127.0.0.1'],
    ]);
    const before = [
      '# keep me',
      '  slave-priority 1  ',
      'maxmemory 1mb',
      'maxmemory 2mb',
      '',
      '',
      'bogus line',
      'rename-command A B',
      'masterauth old',
      'user x on',
      'loadmodule /x.so',
      '# Generated by CONFIG REWRITE',
      'hz 10',
      'save 1 1',
      '',
    ].join('\n');
    assert.equal(
      cfg.rewrite('/r.conf', before),
      [
        '# keep me',
        'replica-priority 7',
        'maxmemory 2gb',
        '',
        '# ??? bogus line',
        'rename-command A B',
        '',
        'user x on',
        '',
        '# Generated by CONFIG REWRITE',
        'hz 10',
        'save 3600 1',
        '',
        'requirepass "p w"',
        'dir "/d"',
        'save 300 100',
        'save 60 10000',
        'bind 127.0.0.1',
        'latency-tracking-info-percentiles 50 99 99.9',
        '',
      ].join('\n'),
    );
  });

  it('writes every parameter with forceAll', () => {
    const text = Config.defaults().rewrite('/r.conf', undefined, { forceAll: true });
    for (const p of PARAMS) {
      if (['bind', 'replicaof'].includes(p.name) || (p.kind === 'string' && p.nullable)) continue;
      assert.match(text, new RegExp(`^${p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'm'), p.name);
    }
  });
});
