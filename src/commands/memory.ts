/**
 * Memory accounting: the figure INFO reports as used_memory and maxmemory is enforced against.
 *
 * Redis counts every allocation. V8 cannot tell us that: its heapUsed includes every dead object
 * until a collection runs, so it can read twice the live size, and it does not drop when a key
 * is deleted. mnemo therefore splits the figure in two:
 *  - the dataset: the keyspace's running estimate of what its keys, values and tables cost
 *    (engine/memsize.ts, kept per key by engine/db.ts), exact to a few per cent for the common
 *    shapes and updated by every write, deletion and eviction as it happens;
 *  - everything else (code, runtime, clients, buffers, and whatever the size model misses):
 *    measured after each major GC (a PerformanceObserver on 'gc' entries) as the heap in use
 *    plus external memory, minus the dataset estimate at that moment. A major GC still leaves
 *    some garbage behind (objects that died while it was marking, ArrayBuffers whose release is
 *    swept later), which only ever inflates that figure, so the smallest of the last
 *    ANCHORS measurements is used.
 * used_memory = that non-dataset figure + the dataset estimate now.
 *
 * That is the `process` mode, for the server, which owns its process. The library runs inside
 * someone else's program, whose objects must not count against a store's maxmemory: its
 * `dataset` mode reports the dataset estimate alone. Both modes track the process figure, which
 * the heap guard (commands/eviction.ts) compares with V8's heap_size_limit.
 */

import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Keyspace } from '../engine/keyspace.js';
import { keyspaceBytes } from '../engine/memsize.js';

export type MemoryMode = 'process' | 'dataset';

/** PerformanceEntry detail.kind of a mark-compact collection (NODE_PERFORMANCE_GC_MAJOR). */
const GC_MAJOR = 4;

/** Heap in use plus memory held outside it (ArrayBuffers, external strings): the process's data. */
export function processMemory(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/**
 * One observer for the process: every live accounting is re-anchored after each major GC. The
 * accountings are held weakly, so an instance nobody closed can still be collected.
 */
const accountings = new Set<WeakRef<MemoryAccounting>>();
let observer: InstanceType<typeof PerformanceObserver> | null = null;
/** Major GCs seen since the process started. */
let majorGcs = 0;
/** The longest GC pause (any kind) since start or CONFIG RESETSTAT, ms (INFO mnemo_gc_max_pause_ms). */
let gcMaxPause = 0;
/**
 * Event-loop delay, sampled every ELD_RESOLUTION_MS by a libuv timer (no JS runs per sample).
 * Only a server ('process' mode) starts it: a library must not add a timer to its host.
 */
const ELD_RESOLUTION_MS = 1;
let loopDelay: IntervalHistogram | null = null;

function observe(acc: MemoryAccounting): WeakRef<MemoryAccounting> {
  const ref = new WeakRef(acc);
  accountings.add(ref);
  if (observer === null) {
    observer = new PerformanceObserver((list) => {
      let major = false;
      for (const entry of list.getEntries()) {
        if (entry.duration > gcMaxPause) gcMaxPause = entry.duration;
        if ((entry as { detail?: { kind?: number } }).detail?.kind === GC_MAJOR) major = true;
      }
      if (!major) return;
      majorGcs++;
      const live = processMemory();
      for (const r of accountings) {
        const a = r.deref();
        if (a === undefined) accountings.delete(r);
        else a.anchor(live);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  }
  if (loopDelay === null && acc.mode === 'process') {
    loopDelay = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    loopDelay.enable();
  }
  return ref;
}

/**
 * The longest event-loop stall and GC pause since start or CONFIG RESETSTAT, in ms (INFO
 * mnemo_eventloop_max_delay_ms, mnemo_gc_max_pause_ms). A histogram sample is the time between
 * two timer runs, so the resolution is taken off to leave the lateness.
 */
export function pauseStats(): { eventLoopMaxMs: number; gcMaxMs: number } {
  const max = loopDelay === null ? 0 : loopDelay.max / 1e6;
  return { eventLoopMaxMs: Math.max(0, max - ELD_RESOLUTION_MS), gcMaxMs: gcMaxPause };
}

/** Measurements of the non-dataset memory kept; the smallest is used. */
const ANCHORS = 8;

export class MemoryAccounting {
  /** The last ANCHORS measurements of process memory minus the dataset, right after major GCs. */
  private readonly anchors: number[] = [];
  private nonDataset: number;
  /** The dataset estimate at the last anchor. */
  private anchoredDataset = 0;
  /** The dataset shrank a lot before the last anchor: the next one starts the measurements over. */
  private dropped = false;
  /** When the last anchor was taken (performance.now() ms). */
  anchoredAt = performance.now();
  /** Memory used when the instance was created (INFO used_memory_startup). */
  readonly startup: number;
  peak: number;
  /** V8's heap limit (heap_size_limit), fixed for the life of the process. */
  readonly heapLimit = getHeapStatistics().heap_size_limit;
  private readonly ref: WeakRef<MemoryAccounting>;

  constructor(
    private readonly ks: Keyspace,
    readonly mode: MemoryMode,
  ) {
    const now = processMemory();
    this.nonDataset = Math.max(0, now - this.dataset());
    this.startup = mode === 'process' ? now : 0;
    this.peak = this.used();
    this.ref = observe(this);
  }

  /** Takes a measurement of the live process memory (right after a major GC). */
  anchor(live: number): void {
    const anchors = this.anchors;
    const dataset = this.dataset();
    // After the dataset shrank by a quarter or more, earlier measurements describe another
    // heap (tables that kept their capacity, freed buffers): start over, but only at the second
    // major GC after the drop. The first may have begun marking before it (V8 marks
    // concurrently) and so still counts the deleted data as live.
    if (this.dropped) {
      anchors.length = 0;
      this.dropped = false;
    } else if (dataset < this.anchoredDataset * 0.75) this.dropped = true;
    this.anchoredDataset = dataset;
    anchors.push(Math.max(0, live - dataset));
    if (anchors.length > ANCHORS) anchors.shift();
    this.nonDataset = Math.min(...anchors);
    this.anchoredAt = performance.now();
    this.used();
  }

  /** The dataset estimate: keys, values and the tables holding them (bytes). */
  dataset(): number {
    const [entries, tables] = keyspaceBytes(this.ks);
    return entries + tables;
  }

  /** The process's live memory: the non-dataset part as last measured plus the dataset now. */
  processUsed(): number {
    return this.nonDataset + this.dataset();
  }

  /** INFO used_memory: what maxmemory is compared with. */
  used(): number {
    const used = this.mode === 'process' ? this.processUsed() : this.dataset();
    if (used > this.peak) this.peak = used;
    return used;
  }

  /** Major GCs the process has had (INFO mnemo_major_gcs). */
  get majorGcs(): number {
    return majorGcs;
  }

  /** CONFIG RESETSTAT: used_memory_peak, and the process's pause maxima (pauseStats). */
  resetPeak(): void {
    this.peak = 0;
    this.used();
    gcMaxPause = 0;
    loopDelay?.reset();
  }

  close(): void {
    accountings.delete(this.ref);
  }
}
