/**
 * MODULE as Redis 7.0 answers it with no module loaded, which in mnemo is always: Redis modules
 * are native libraries written against Redis's C API, and mnemo cannot load them. LIST is
 * empty, HELP is Redis's text; LOAD, LOADEX and UNLOAD are protected commands (dispatch refuses
 * them unless enable-module-command allows), and once allowed they fail as Redis's do when the
 * library cannot be loaded or no module has the name. Redis also writes the loader's reason to
 * its log; mnemo has none to write (docs/compatibility.md).
 */

import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { command, helpSubcommand } from './define.js';

const LOAD_FAILED = 'ERR Error loading the extension. Please check the server logs.';

const MODULE_HELP = [
  'MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
  'HELP',
  '    Prints this help.',
];

const SRV = { group: 'server' } as const;
const ADMIN = 'admin noscript no_async_loading protected';

export const moduleCommands: CommandSpec[] = [
  command(
    'module',
    -2,
    '',
    [0, 0, 0],
    {
      ...SRV,
      since: '4.0.0',
      summary: 'A container for module commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'module|list',
        2,
        'admin noscript',
        [0, 0, 0],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'List all modules loaded by the server',
          complexity: 'O(N) where N is the number of loaded modules.',
          tips: ['nondeterministic_output_order'],
        },
        (c) => c.reply.array(0),
      ),
      helpSubcommand('module', SRV, '5.0.0', MODULE_HELP),
      command(
        'module|load',
        -3,
        ADMIN,
        [0, 0, 0],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'Load a module',
          complexity: 'O(1)',
          syntax: 'path [arg [arg ...]]',
        },
        () => {
          throw new ReplyError(LOAD_FAILED);
        },
      ),
      command(
        'module|loadex',
        -3,
        ADMIN,
        [0, 0, 0],
        {
          ...SRV,
          since: '7.0.0',
          summary: 'Load a module with extended parameters',
          complexity: 'O(1)',
          syntax: 'path [CONFIG name value [CONFIG name value ...]]{configs} [ARGS (arg){:block}]{args ...}',
        },
        () => {
          throw new ReplyError(LOAD_FAILED);
        },
      ),
      command(
        'module|unload',
        3,
        ADMIN,
        [0, 0, 0],
        { ...SRV, since: '4.0.0', summary: 'Unload a module', complexity: 'O(1)', syntax: 'name' },
        () => {
          throw new ReplyError('ERR Error unloading module: no such module with that name');
        },
      ),
    ],
  ),
];
