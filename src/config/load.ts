/**
 * Start-up configuration, the way redis-server reads it: an optional config file (first
 * argument), optionally stdin (a lone "-"), then `--name value...` command-line options turned
 * into config text appended after the file, all applied in order to a default Config. Pure:
 * reading files is delegated to the caller's `readFile`, so the rules can be tested without a
 * file system. `include` is supported (relative paths resolve against the current `dir`, as
 * Redis's chdir makes them); wildcard includes need the caller's `glob`.
 */

import { resolve as resolvePath } from 'node:path';
import { Config, ConfigLoadError, type Directive } from './config.js';
import { asciiLower, quoteRepr, splitArgs } from './parse.js';

export { ConfigLoadError, type Directive } from './config.js';
export { parseInteger, parseMemory } from './parse.js';

export interface CommandLine {
  /** The config file as given (not yet made absolute). */
  configFile?: string;
  /** The command-line options as config-file text (one directive per line, arguments quoted). */
  text: string;
  /** -h / --help was the first argument: print usage() and exit 1, as redis-server does. */
  help: boolean;
  /** -v / --version was the first argument: print the version and exit 0. */
  version: boolean;
  /** A lone "-" first or last: append the configuration read from stdin after the file. */
  stdin: boolean;
}

export interface LoadOptions {
  /** The directory relative paths start from (default: process.cwd()); also the initial `dir`. */
  cwd?: string;
  /** Reads stdin for "-"; without it a "-" argument is a fatal error. */
  readStdin?: () => string;
  /** Expands a wildcard `include` into file paths (sorted); without it such includes are fatal. */
  glob?: (pattern: string) => string[];
  /** Config.addValidator() hooks to install before loading (e.g. dir, logfile). */
  validators?: Readonly<Record<string, (value: string) => string | undefined>>;
}

export interface LoadResult {
  config: Config;
  help: boolean;
  version: boolean;
  /** Absolute path of the config file, for CONFIG REWRITE; undefined without one. */
  configFile: string | undefined;
  /** rename-command and user directives, in order, for the command table and ACL owners. */
  deferred: Directive[];
}

/**
 * Turn redis-server style arguments (without the program name) into config text, exactly as
 * Redis 7.0's main() does: `--name` starts a directive (`--port 6380` as one argument is a whole
 * directive), other words are its arguments, quoted; a `--word` right after an option that has
 * no argument yet is an argument, not a new option; `--save` without a value means `save ""`.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const out: CommandLine = { text: '', help: false, version: false, stdin: false };
  const first = argv[0];
  if (first === undefined) return out;
  if (first === '-v' || first === '--version') return { ...out, version: true };
  if (first === '--help' || first === '-h') return { ...out, help: true };
  if (argv.includes('--sentinel')) {
    throw new ConfigLoadError(
      'mnemo does not support Sentinel mode (--sentinel)',
      undefined,
      undefined,
      true,
    );
  }
  let j = 0;
  if (first[0] !== '-') {
    out.configFile = first;
    j = 1;
  }
  let options = '';
  let handledLast = true;
  for (; j < argv.length; j++) {
    const arg = argv[j]!;
    const last = j === argv.length - 1;
    if (arg === '-' && (j === 0 || last)) {
      out.stdin = true;
    } else if (handledLast && arg.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += `${arg.slice(2)} `;
      if (splitArgs(arg)?.length === 1) {
        handledLast = false;
        const nextIsOption = !last && argv[j + 1]!.startsWith('--');
        if (asciiLower(arg) === '--save' && (nextIsOption || last)) {
          // Kept from Redis < 7.0.1: `--save` followed by nothing or by an option means save "".
          options += '""';
          handledLast = nextIsOption;
        }
      } else {
        handledLast = true;
      }
    } else {
      options += `${quoteRepr(arg)} `;
      handledLast = true;
    }
  }
  out.text = options;
  return out;
}

function* iterateConfigText(text: string): Generator<Directive> {
  const lines = text.split('\n');
  for (const [i, rawLine] of lines.entries()) {
    const raw = rawLine.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (raw === '' || raw[0] === '#') continue;
    const argv = splitArgs(raw);
    if (argv === null) throw new ConfigLoadError('Unbalanced quotes in configuration line', i + 1, raw);
    if (argv.length === 0) continue;
    yield { line: i + 1, name: asciiLower(argv[0]!), args: argv.slice(1), raw };
  }
}

/**
 * Parse redis.conf text: one directive per line, `#` comments and blank lines skipped, each
 * line trimmed and split like Redis's sdssplitargs. Names are lower-cased; `line` is 1-based.
 * Throws ConfigLoadError ("Unbalanced quotes in configuration line") for a bad line.
 */
export function parseConfigText(text: string): Directive[] {
  return [...iterateConfigText(text)];
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EIO: 'Input/output error',
  EROFS: 'Read-only file system',
  EFBIG: 'File too large',
  EBADF: 'Bad file descriptor',
};

/** strerror() for an error thrown by a Node file API. */
export function errnoText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  return err instanceof Error ? err.message : String(err);
}

function readConfigFile(shown: string, path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (err) {
    throw new ConfigLoadError(
      `Fatal error, can't open config file '${shown}': ${errnoText(err)}`,
      undefined,
      undefined,
      true,
    );
  }
}

const MAX_INCLUDE_DEPTH = 32;

function* expandIncludes(
  text: string,
  readFile: (path: string) => string,
  options: LoadOptions,
  currentDir: () => string,
  depth: number,
): Generator<Directive> {
  for (const d of iterateConfigText(text)) {
    if (d.name !== 'include' || d.args.length !== 1) {
      yield d;
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      throw new ConfigLoadError(`include nesting deeper than ${MAX_INCLUDE_DEPTH} files`, d.line, d.raw);
    }
    const target = d.args[0]!;
    let included = '';
    if (/[*?[]/.test(target)) {
      if (!options.glob) throw new ConfigLoadError('wildcard include is not supported here', d.line, d.raw);
      // Redis concatenates the matches and reads them as one text; no match is not an error.
      for (const f of options.glob(resolvePath(currentDir(), target)))
        included += readConfigFile(f, f, readFile);
    } else {
      included = readConfigFile(target, resolvePath(currentDir(), target), readFile);
    }
    yield* expandIncludes(included, readFile, options, currentDir, depth + 1);
  }
}

/**
 * Build the start-up Config from redis-server style arguments. `readFile` returns a file's text
 * (and throws a Node fs error when it cannot). Throws ConfigLoadError for anything redis-server
 * would refuse to start with; its message is what to print on stderr before exiting with 1.
 * With -h/--help or -v/--version nothing is read and the defaults are returned.
 */
export function loadConfig(
  argv: readonly string[],
  readFile: (path: string) => string,
  options: LoadOptions = {},
): LoadResult {
  const cl = parseCommandLine(argv);
  const cwd = options.cwd ?? process.cwd();
  const config = Config.defaults({ cwd });
  const configFile = cl.configFile === undefined ? undefined : resolvePath(cwd, cl.configFile);
  const result: LoadResult = { config, help: cl.help, version: cl.version, configFile, deferred: [] };
  if (cl.help || cl.version || argv.length === 0) return result;
  for (const [name, check] of Object.entries(options.validators ?? {})) config.addValidator(name, check);

  let text = configFile === undefined ? '' : readConfigFile(configFile, configFile, readFile);
  if (cl.stdin) {
    if (!options.readStdin) {
      throw new ConfigLoadError(
        'Reading the configuration from stdin is not supported here',
        undefined,
        undefined,
        true,
      );
    }
    text += options.readStdin();
  }
  // Redis always puts the options on a fresh line, so they start at line (file lines + 2).
  text += `\n${cl.text}`;
  result.deferred = config.apply(expandIncludes(text, readFile, options, () => config.string('dir'), 0));
  return result;
}

/** The usage text redis-server prints for --help, with mnemo's program name. */
export function usage(program = 'mnemo-server'): string {
  const p = `./${program}`;
  return [
    `Usage: ${p} [/path/to/redis.conf] [options] [-]`,
    `       ${p} - (read config from stdin)`,
    `       ${p} -v or --version`,
    `       ${p} -h or --help`,
    '',
    'Examples:',
    `       ${p} (run the server with default conf)`,
    `       echo 'maxmemory 128mb' | ${p} -`,
    `       ${p} /etc/redis/6379.conf`,
    `       ${p} --port 7777`,
    `       ${p} --port 7777 --replicaof 127.0.0.1 8888`,
    `       ${p} /etc/myredis.conf --loglevel verbose -`,
    `       ${p} /etc/myredis.conf --loglevel verbose`,
    '',
  ].join('\n');
}
