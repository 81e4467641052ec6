/**
 * Reads the .cpuprofile that `node --cpu-prof` writes when mnemo-server exits and ranks
 * functions by self time (samples whose top frame is the function), as a share of the time
 * the process was not idle. This is how `npm run bench -- --profile` points at mnemo's hot
 * spots without opening DevTools.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  location: string;
  selfMs: number;
  /** Share of non-idle samples. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  idleMs: number;
  top: HotFunction[];
}

/**
 * The summary of the busiest .cpuprofile in dir (emptied before a profiled run), if any.
 * mnemo-server runs the server in a worker thread when it raises its heap limit, and node
 * writes one profile per thread: the main thread's is nearly all idle.
 */
export function busiestProfile(dir: string, topN = 10): ProfileSummary | undefined {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  let best: ProfileSummary | undefined;
  for (const name of names) {
    if (!name.endsWith('.cpuprofile')) continue;
    const summary = summariseProfile(join(dir, name), topN);
    if (best === undefined || summary.busyMs > best.busyMs) best = summary;
  }
  return best;
}

function shortLocation(frame: CallFrame): string {
  if (frame.url === '') return '';
  const url = frame.url.replace(/^file:\/\//, '');
  const i = url.indexOf('/dist/');
  const path = i >= 0 ? url.slice(i + 6) : url;
  return `${path}:${frame.lineNumber + 1}`;
}

export function summariseProfile(file: string, topN = 10): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the gap before sample i, so the time a sample stands for is the gap
  // after it; the last sample gets the mean gap.
  const meanGap = samples.length > 0 ? (profile.endTime - profile.startTime) / samples.length : 0;
  const self = new Map<string, { name: string; location: string; us: number }>();
  let idleUs = 0;
  let busyUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (node === undefined) continue;
    const us = Math.max(0, deltas[i + 1] ?? meanGap);
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const location = shortLocation(node.callFrame);
    const key = `${name}@${location}`;
    const entry = self.get(key);
    if (entry !== undefined) entry.us += us;
    else self.set(key, { name, location, us });
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({
      name: e.name,
      location: e.location,
      selfMs: e.us / 1000,
      percent: busyUs > 0 ? (e.us * 100) / busyUs : 0,
    }));
  return { file, busyMs: busyUs / 1000, idleMs: idleUs / 1000, top };
}
