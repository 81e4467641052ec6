/**
 * The server log, in redis-server's format (`pid:M 26 Nov 2026 09:37:06.123 * message`), with
 * its levels (debug, verbose, notice, warning) and `logfile` ("" = standard output).
 */

import { appendFileSync } from 'node:fs';

const LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;
type Level = (typeof LEVELS)[number];
const MARKS: Record<Level, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  constructor(
    public level: string = 'notice',
    public file = '',
  ) {}

  private enabled(level: Level): boolean {
    // startServer({ silent: true }) sets this level; it must not fall back to notice below.
    if (this.level === 'silent') return false;
    const min = LEVELS.indexOf(this.level as Level);
    return LEVELS.indexOf(level) >= (min < 0 ? 2 : min);
  }

  write(level: Level, message: string): void {
    if (!this.enabled(level)) return;
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const stamp = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${stamp} ${MARKS[level]} ${message}\n`;
    if (this.file === '') process.stdout.write(line);
    else appendFileSync(this.file, line);
  }

  debug(m: string): void {
    this.write('debug', m);
  }
  verbose(m: string): void {
    this.write('verbose', m);
  }
  notice(m: string): void {
    this.write('notice', m);
  }
  warning(m: string): void {
    this.write('warning', m);
  }
}
