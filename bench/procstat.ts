/**
 * Linux /proc readers for the benchmark: a process's CPU time (utime + stime over all its
 * threads) and resident set size, plus a description of the machine and tool versions for
 * the report. The harness reads these from outside both servers so that mnemo and
 * redis-server are measured the same way, whatever either one says about itself.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

let ticksPerSecond = 0;

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === 0) {
    let n = Number.NaN;
    try {
      n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      // getconf missing: 100 is what every Linux build since 2.6 exports to user space.
    }
    ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

export interface CpuTimes {
  /** User + system, in microseconds. */
  total: number;
  /** System (kernel) part, in microseconds: for a network server mostly socket reads and writes. */
  sys: number;
}

/** CPU time the process has used so far (all threads), in microseconds. */
export function cpuMicros(pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Field 2 (comm) is parenthesised and may itself contain spaces or ')', so count fields
  // from the last ')': after it comes field 3, which makes utime (14) and stime (15) the
  // 12th and 13th entries.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`unexpected /proc/${pid}/stat format: ${stat.slice(0, 120)}`);
  }
  const us = 1e6 / clockTicksPerSecond();
  return { total: (utime + stime) * us, sys: stime * us };
}

/** Resident set size (VmRSS) in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (m === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

function cpuTotals(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/**
 * How many cores other processes keep busy, sampled over `ms` before the servers start. On a
 * 2-core machine one busy core elsewhere leaves the server and redis-benchmark sharing the
 * other, which changes every figure, so the report records it.
 */
export async function backgroundLoad(ms = 1000): Promise<number> {
  const a = cpuTotals();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTotals();
  const total = b.total - a.total;
  return total > 0 ? ((b.busy - a.busy) / total) * os.cpus().length : 0;
}

export interface Environment {
  date: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  kernel: string;
  node: string;
  redisServer: string;
  redisBenchmark: string;
  clockTicks: number;
  /** Cores kept busy by other processes just before the run (see backgroundLoad). */
  backgroundCores: number;
}

function versionOf(cmd: string): string {
  try {
    const out = execFileSync(cmd, ['--version'], { encoding: 'utf8' }).trim();
    return /v=(\S+)/.exec(out)?.[1] ?? /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out;
  } catch {
    return 'unknown';
  }
}

export async function describeEnvironment(): Promise<Environment> {
  const cpus = os.cpus();
  const backgroundCores = await backgroundLoad();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    redisServer: versionOf('redis-server'),
    redisBenchmark: versionOf('redis-benchmark'),
    clockTicks: clockTicksPerSecond(),
    backgroundCores,
  };
}
