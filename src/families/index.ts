/**
 * Every command family's records, in one list: what an Instance registers. A new family is
 * added here and nowhere else.
 */

import type { CommandSpec } from '../commands/spec.js';
import { aclCommands } from './acl.js';
import { bitmapCommands } from './bitmaps.js';
import { blockingCommands } from './blocking.js';
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import { dumpCommands } from './dump.js';
import { hashCommands } from './hashes.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { infoCommands } from './info.js';
import { introspectionCommands } from './introspection.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { moduleCommands } from './modules.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets.js';

export const allCommands: readonly CommandSpec[] = [
  ...stringCommands,
  ...transactionCommands,
  ...dumpCommands,
  ...blockingCommands,
  ...pubsubCommands,
  ...keyCommands,
  ...listCommands,
  ...setCommands,
  ...zsetCommands,
  ...sortCommands,
  ...hashCommands,
  ...bitmapCommands,
  ...hyperloglogCommands,
  ...connectionCommands,
  ...infoCommands,
  ...serverCommands,
  ...introspectionCommands,
  ...commandCommands,
  ...aclCommands,
  ...moduleCommands,
];
