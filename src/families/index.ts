/**
 * Every command family's records, in one list: what an Instance registers. A new family is
 * added here and nowhere else.
 */

import type { CommandSpec } from '../commands/spec.js';
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import { infoCommands } from './info.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { stringCommands } from './strings.js';

export const allCommands: readonly CommandSpec[] = [
  ...stringCommands,
  ...keyCommands,
  ...listCommands,
  ...setCommands,
  ...connectionCommands,
  ...infoCommands,
  ...serverCommands,
  ...commandCommands,
];
