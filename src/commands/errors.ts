/**
 * Error replies. Every error text mnemo sends lives here, byte-for-byte equal to Redis 7.0's,
 * so handlers never spell an error themselves and a test can compare them with the oracle.
 */

export { ReplyError } from '../protocol/reply.js';

import { ReplyError } from '../protocol/reply.js';

export const E = {
  SYNTAX: 'ERR syntax error',
  NOAUTH: 'NOAUTH Authentication required.',
  WRONGTYPE: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  NOT_INTEGER: 'ERR value is not an integer or out of range',
  NOT_FLOAT: 'ERR value is not a valid float',
  OVERFLOW: 'ERR increment or decrement would overflow',
  INCR_NAN_INF: 'ERR increment would produce NaN or Infinity',
  NO_SUCH_KEY: 'ERR no such key',
  OUT_OF_RANGE: 'ERR index out of range',
  DB_INDEX: 'ERR DB index is out of range',
  INVALID_DB_INDEX: 'ERR invalid DB index',
  SAME_OBJECT: 'ERR source and destination objects are the same',
  INVALID_CURSOR: 'ERR invalid cursor',
  OFFSET_RANGE: 'ERR offset is out of range',
  STRING_TOO_LONG: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  INVALID_EXPIRE: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  WRONG_ARGS: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
  UNKNOWN_COMMAND: (name: string, args: readonly string[]) => {
    let argsText = '';
    for (let i = 0; i < args.length && argsText.length < 128; i++) {
      argsText += `'${clip(args[i]!, 128 - argsText.length)}' `;
    }
    return `ERR unknown command '${clip(name, 128)}', with args beginning with: ${argsText}`;
  },
  UNKNOWN_SUBCOMMAND: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${clip(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  /** addReplySubcommandSyntaxError: a known subcommand with arguments its handler rejects. */
  SUBCOMMAND_SYNTAX: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${clip(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  MUST_BE_POSITIVE: (what: string) => `ERR ${what} must be positive`,
  NX_XX_GT_LT: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  GT_LT_NX: 'ERR GT and LT options at the same time are not compatible',
  GETKEYS_INVALID_COMMAND: 'ERR Invalid command specified',
  GETKEYS_NO_KEYS: 'ERR The command has no key arguments',
  GETKEYS_ARITY: 'ERR Invalid number of arguments specified for command',
  GETKEYS_INVALID_ARGS: 'ERR Invalid arguments specified for command',
} as const;

/**
 * User input as Redis's printf("%s") puts it into an error message: it stops at the first NUL
 * byte (`OBJECT a\0b` answers "unknown subcommand 'a'").
 */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Redis prints at most `max` bytes of user input inside an error message ("%.128s"). */
function clip(s: string, max: number): string {
  s = cstr(s);
  const cut = s.length > max ? s.slice(0, max) : s;
  // Redis replaces newlines in error replies with spaces so the reply stays one line.
  return cut.replace(/[\r\n]/g, ' ');
}

export function replyError(message: string): ReplyError {
  return new ReplyError(message);
}
