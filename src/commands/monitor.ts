/**
 * MONITOR (Redis's replicationFeedMonitors): every executed command, except admin and
 * skip_monitor ones, is streamed to monitoring clients as one status line:
 * `+<unix seconds.micros> [<db> <client address>] "arg" "arg"...`. Passwords in AUTH and
 * HELLO ... AUTH are replaced by "(redacted)", as Redis does.
 */

import type { Client } from './client.js';
import type { Command } from './spec.js';

/** sdscatrepr: a double-quoted, escaped rendering of a binary string. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 34) out += `\\${s[i]}`;
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** Which arguments are secrets (redactClientCommandArgument). */
function redacted(cmd: Command, argv: string[]): Set<number> | null {
  if (cmd.parent !== null) return null;
  if (cmd.name === 'auth') return new Set(argv.map((_, i) => i).filter((i) => i > 0));
  if (cmd.name === 'hello') {
    for (let i = 2; i + 2 < argv.length; i++) {
      if (argv[i]!.toLowerCase() === 'auth') return new Set([i + 1, i + 2]);
    }
  }
  return null;
}

export function feedMonitors(monitors: Set<Client>, c: Client, cmd: Command, argv: string[]): void {
  const t = performance.timeOrigin + performance.now();
  const sec = Math.floor(t / 1000);
  const usec = Math.floor((t - sec * 1000) * 1000);
  // Redis shows a script as "lua"; an in-process MemoryStore shows as "lib".
  const addr = c.conn === null ? 'lib' : c.conn.addr;
  const secret = redacted(cmd, argv);
  let line = `+${sec}.${String(usec).padStart(6, '0')} [${c.dbIndex} ${addr}]`;
  for (let i = 0; i < argv.length; i++) line += ` ${secret?.has(i) ? '"(redacted)"' : quoteRepr(argv[i]!)}`;
  const frame = Buffer.from(`${line}\r\n`, 'latin1');
  for (const m of monitors) if (m.conn !== null) m.conn.pushFrame(frame);
}
