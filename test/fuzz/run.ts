/**
 * The hostile-input fuzzer: runs generated inputs (test/fuzz/corpus.ts) against
 *
 * - parser:    RequestParser fed whole, in random chunk splits (drained or piled up) and, for
 *              short inputs, byte by byte; every way must give the same commands and the same
 *              error, the only exception allowed is ProtocolError, and its text must be one
 *              Redis sends;
 * - roundtrip: well-formed multibulk of arbitrary bytes, split anywhere, must parse back exactly;
 * - command:   the command layer through an in-process MemoryStore; only ReplyError may escape;
 * - socket:    a subset of the protocol inputs sent over a raw TCP connection to
 *              startServer({ port: 0 }); a protocol error must be the last reply, with the text
 *              the parser gives, and the server must keep answering.
 *
 * Every input has a time budget (default 200 ms); heap use is sampled and must stay flat. On
 * failure fast-check shrinks the input and a minimal reproducer is printed. As a CLI
 * (`node dist/test/fuzz/run.js --inputs 1000000 [--seed N] [--budget-ms 200]`) the fuzzing runs
 * in a worker thread so that a true hang (an endless synchronous loop) is caught by a watchdog
 * in the main thread, which prints the input being run. fuzz.test.ts calls runFuzz() directly.
 */

import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { MemoryStore, ReplyError } from '../../src/index.js';
import { ProtocolError, RequestParser } from '../../src/protocol/parser.js';
import { oneLineError } from '../../src/protocol/reply.js';
import { startServer } from '../../src/server/index.js';
import { isolatedConfig } from '../helpers/mnemo.js';
import { frameEnd } from '../helpers/raw-client.js';
import {
  commandInput,
  isKnownProtocolError,
  multibulk,
  type ProtocolInput,
  protocolInput,
  type RoundTripInput,
  roundTripInput,
  SEED_COMMANDS,
  showBytes,
  splitAt,
} from './corpus.js';

export type Category = 'parser' | 'roundtrip' | 'command' | 'socket';
const CATEGORIES: readonly Category[] = ['parser', 'roundtrip', 'command', 'socket'];

export interface FuzzOptions {
  inputs: number;
  seed: number;
  /** An input slower than this (twice in a row) is a failure. */
  budgetMs?: number;
  /** How many of `inputs` go over real sockets (they cost ~1 ms each). */
  socketInputs?: number;
  /** Called before every input with its category and a byte form of it (the hang watchdog). */
  onInput?: (category: Category, bytes: () => Buffer) => void;
  log?: (line: string) => void;
}

export interface CategoryReport {
  runs: number;
  /** How inputs ended: "ok", "protocol error: ...", "reply error", ... */
  outcomes: Record<string, number>;
  maxMs: number;
  slowest: string;
  failure: string | null;
}

export interface FuzzReport {
  seed: number;
  inputs: number;
  seconds: number;
  maxInputMs: number;
  heapPeakMB: number;
  /** Post-GC heap at each checkpoint, in MB. */
  heapCheckpointsMB: number[];
  categories: Record<Category, CategoryReport>;
  failures: string[];
}

const HEAP_GROWTH_LIMIT_MB = 128;

let gcFn: (() => void) | null | undefined;
/** A forced GC for honest heap checkpoints, if V8 lets us have one. */
function collect(): void {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

class HeapWatch {
  peak = 0;
  readonly checkpoints: number[] = [];
  sample(): void {
    const h = process.memoryUsage().heapUsed;
    if (h > this.peak) this.peak = h;
  }
  checkpoint(): void {
    collect();
    this.sample();
    this.checkpoints.push(process.memoryUsage().heapUsed);
  }
  /** A failure text if the post-GC heap kept growing past the limit. */
  verdict(): string | null {
    if (this.checkpoints.length < 3) return null;
    // The first checkpoint is taken after warm-up, so lazily built tables do not count.
    const base = Math.min(...this.checkpoints.slice(0, 2));
    const last = this.checkpoints[this.checkpoints.length - 1]!;
    if (mb(last - base) > HEAP_GROWTH_LIMIT_MB) {
      return `heap grew from ${mb(base)} MB to ${mb(last)} MB after GC (limit +${HEAP_GROWTH_LIMIT_MB} MB)`;
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns an outcome label or throws an Error describing the failure.

interface ParseOutcome {
  commands: string[][];
  error: string | null;
}

function parse(
  chunks: readonly Buffer[],
  unauthenticated: boolean,
  drainAfter: (i: number) => boolean,
): ParseOutcome {
  const p = new RequestParser({ maxBulkLen: 512 * 1024 * 1024 });
  p.authRequired = unauthenticated;
  const commands: string[][] = [];
  const drain = (): void => {
    for (let cmd = p.next(); cmd !== null; cmd = p.next()) if (cmd.length > 0) commands.push(cmd);
  };
  try {
    for (let i = 0; i < chunks.length; i++) {
      p.push(chunks[i]!);
      if (drainAfter(i)) drain();
    }
    drain();
  } catch (err) {
    if (err instanceof ProtocolError) {
      if (!isKnownProtocolError(err.message)) throw new Error(`unknown protocol error text: ${err.reply}`);
      if (err.reply !== `ERR Protocol error: ${err.message}`) throw new Error(`bad reply form: ${err.reply}`);
      return { commands, error: err.message };
    }
    throw new Error(`parser threw ${String(err)}`);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (p.pendingBytes > total) throw new Error(`pendingBytes ${p.pendingBytes} > ${total} bytes fed`);
  return { commands, error: null };
}

function sameOutcome(a: ParseOutcome, b: ParseOutcome): boolean {
  if (a.error !== b.error || a.commands.length !== b.commands.length) return false;
  return a.commands.every((cmd, i) => {
    const other = b.commands[i]!;
    return cmd.length === other.length && cmd.every((x, j) => x === other[j]);
  });
}

/**
 * Whether two feedings may legitimately disagree: a line over 64 KB is refused only once that
 * much is pending without its terminator, so where the stream is cut decides (Redis, reading
 * 16 KB at a time, is just as chunking-dependent).
 */
function chunkingDependent(input: ProtocolInput, a: ParseOutcome, b: ParseOutcome): boolean {
  const tooBig = (o: ParseOutcome) => o.error?.startsWith('too big') === true;
  return input.bytes.length > 64 * 1024 && (tooBig(a) || tooBig(b));
}

const describeOutcome = (o: ParseOutcome): string =>
  `${o.commands.length} command(s) [${o.commands
    .slice(0, 4)
    .map((c) => c.map((a) => showBytes(a, 40)).join(' '))
    .join('; ')}], error ${o.error === null ? 'none' : JSON.stringify(o.error)}`;

export function checkProtocol(input: ProtocolInput): string {
  const whole = parse([input.bytes], input.unauthenticated, () => true);
  const chunks = splitAt(input.bytes, input.splits);
  const split = parse(chunks, input.unauthenticated, (i) => input.drains[i] ?? true);
  if (!sameOutcome(whole, split) && !chunkingDependent(input, whole, split)) {
    throw new Error(
      `fed whole: ${describeOutcome(whole)}\nfed in ${chunks.length} chunks: ${describeOutcome(split)}`,
    );
  }
  if (input.bytes.length <= 256) {
    const bytes = Array.from({ length: input.bytes.length }, (_, i) => input.bytes.subarray(i, i + 1));
    const one = parse(bytes, input.unauthenticated, () => true);
    if (!sameOutcome(whole, one)) {
      throw new Error(`fed whole: ${describeOutcome(whole)}\nfed byte by byte: ${describeOutcome(one)}`);
    }
  }
  return whole.error === null ? 'ok' : `protocol error: ${whole.error.replace(/got '[\s\S]'/, "got 'X'")}`;
}

export function checkRoundTrip(input: RoundTripInput): string {
  const got = parse(splitAt(input.bytes, input.splits), false, () => true);
  const want: ParseOutcome = { commands: input.argvs, error: null };
  if (!sameOutcome(got, want)) throw new Error(`parsed back as ${describeOutcome(got)}`);
  return 'ok';
}

/** Runs command inputs on one MemoryStore, reset and re-seeded before each input. */
export class CommandRunner {
  private store = CommandRunner.open();

  private static open(): MemoryStore {
    // No save points: FLUSHALL would otherwise write a dump.rdb, as in Redis.
    return new MemoryStore({ activeExpire: false, config: { save: '' } });
  }

  private reset(): void {
    try {
      this.store.command('DISCARD');
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
    }
    this.store.command('SELECT', '0');
    this.store.command('UNWATCH');
    this.store.command('FLUSHALL');
    for (const argv of SEED_COMMANDS) this.store.command(argv[0]!, ...argv.slice(1));
  }

  check(argvs: readonly string[][]): string {
    this.reset();
    let errors = 0;
    for (const argv of argvs) {
      try {
        this.store.commandBuffer(argv[0]!, ...argv.slice(1).map((a) => Buffer.from(a, 'latin1')));
      } catch (err) {
        if (err instanceof ReplyError) {
          errors++;
          continue;
        }
        throw new Error(
          `${argv[0]} threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      }
    }
    return errors === 0 ? 'all ok' : errors === argvs.length ? 'all reply errors' : 'some reply errors';
  }

  close(): void {
    this.store.close();
  }
}

/** Sends raw bytes on a fresh connection, half-closes, and returns everything until close. */
export function exchange(port: number, chunks: readonly Buffer[], timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`server did not close the connection within ${timeoutMs} ms after EOF`));
    }, timeoutMs);
    sock.on('data', (d: Buffer) => got.push(d));
    // A reset after a protocol error (we may still be writing) is a close like any other.
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got));
    });
    sock.connect(port, '127.0.0.1', () => {
      for (const c of chunks) sock.write(c);
      sock.end();
    });
  });
}

export async function checkSocket(port: number, input: ProtocolInput): Promise<string> {
  const local = parse([input.bytes], false, () => true);
  const reply = await exchange(port, splitAt(input.bytes, input.splits));
  const replies: Buffer[] = [];
  for (let pos = 0; pos < reply.length; ) {
    let end: number;
    try {
      end = frameEnd(reply, pos);
    } catch (err) {
      throw new Error(`unparseable reply stream: ${(err as Error).message}: ${showBytes(reply)}`);
    }
    if (end < 0) throw new Error(`truncated reply: ${showBytes(reply.subarray(pos))}`);
    replies.push(reply.subarray(pos, end));
    pos = end;
  }
  const protoAt = replies.findIndex((r) => r.toString('latin1', 0, 20) === '-ERR Protocol error:');
  if (protoAt >= 0 && protoAt !== replies.length - 1) {
    throw new Error(`replies after a protocol error: ${showBytes(reply)}`);
  }
  const sent = protoAt >= 0 ? replies[protoAt]!.toString('latin1', 21, replies[protoAt]!.length - 2) : null;
  if (sent !== null && !isKnownProtocolError(sent)) throw new Error(`unknown protocol error text: ${sent}`);
  // The server sends the text through addReplyErrorFormat's CR/LF flattening, as Redis does.
  const want = local.error === null ? null : oneLineError(local.error);
  // Past 64 KB, where the socket cuts the stream decides whether a line is "too big" (see
  // chunkingDependent), so only a disagreement about anything else counts.
  const tooBig = (e: string | null) => e?.startsWith('too big') === true;
  const cutDecides = input.bytes.length > 64 * 1024 && (tooBig(want) || tooBig(sent));
  if (want !== sent && !cutDecides) {
    throw new Error(`parser says error ${JSON.stringify(local.error)}, server sent ${JSON.stringify(sent)}`);
  }
  if (local.error === null && sent === null && replies.length !== local.commands.length) {
    throw new Error(`${local.commands.length} command(s) but ${replies.length} replies: ${showBytes(reply)}`);
  }
  return sent === null ? 'ok' : 'protocol error';
}

// ---------------------------------------------------------------------------------------------
// The driver

function describeInput(category: Category, value: unknown): string {
  if (category === 'command') {
    return `commands (after FLUSHALL, SELECT 0 and the seed commands in corpus.ts):\n${(value as string[][])
      .map((argv) => `  ${argv.map((a) => showBytes(a, 200)).join(' ')}`)
      .join('\n')}`;
  }
  const v = value as ProtocolInput | RoundTripInput;
  const extra =
    'unauthenticated' in v
      ? `, unauthenticated=${v.unauthenticated}, drains=${JSON.stringify(v.drains)}`
      : '';
  return `bytes ${showBytes(v.bytes, 2000)}\nsplits ${JSON.stringify(v.splits)}${extra}`;
}

function inputBytes(category: Category, value: unknown): Buffer {
  if (category === 'command') return Buffer.from((value as string[][]).map(multibulk).join(''), 'latin1');
  return (value as ProtocolInput).bytes;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {});
  const budget = options.budgetMs ?? 200;
  const socketRuns = options.socketInputs ?? Math.min(10_000, Math.ceil(options.inputs / 100));
  const rest = Math.max(0, options.inputs - socketRuns);
  const share: Record<Category, number> = {
    parser: Math.round(rest * 0.5),
    roundtrip: Math.round(rest * 0.1),
    command: 0,
    socket: socketRuns,
  };
  share.command = rest - share.parser - share.roundtrip;
  const heap = new HeapWatch();
  const started = performance.now();
  const categories = {} as Record<Category, CategoryReport>;
  const failures: string[] = [];
  let done = 0;
  const checkpointEvery = Math.max(1000, Math.floor(options.inputs / 40));

  const commands = new CommandRunner();
  const server = await startServer({ port: 0, host: '127.0.0.1', silent: true, config: isolatedConfig() });
  try {
    for (const [index, category] of CATEGORIES.entries()) {
      const report: CategoryReport = { runs: 0, outcomes: {}, maxMs: 0, slowest: '', failure: null };
      categories[category] = report;
      const runs = share[category];
      if (runs === 0) continue;
      // One timed, counted run of a check; a slow input is re-run once to rule out a GC pause.
      const timed = async (value: unknown, run: () => string | Promise<string>): Promise<void> => {
        options.onInput?.(category, () => inputBytes(category, value));
        let t0 = performance.now();
        let outcome = await run();
        let ms = performance.now() - t0;
        if (ms > budget) {
          t0 = performance.now();
          outcome = await run();
          ms = Math.min(ms, performance.now() - t0);
          if (ms > budget) throw new Error(`took ${ms.toFixed(1)} ms (budget ${budget} ms)`);
        }
        report.runs++;
        report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
        if (ms > report.maxMs) {
          report.maxMs = ms;
          report.slowest = describeInput(category, value);
        }
        if (++done % 1000 === 0) heap.sample();
        if (done % checkpointEvery === 0) heap.checkpoint();
        if (done % 100_000 === 0)
          log(`  ${done} inputs, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      };
      const params = { numRuns: runs, seed: options.seed + index, endOnFailure: false };
      let details: fc.RunDetails<[unknown]>;
      if (category === 'socket') {
        const prop = fc.asyncProperty(protocolInput, (v) => timed(v, () => checkSocket(server.port, v)));
        details = (await fc.check(prop, params)) as fc.RunDetails<[unknown]>;
      } else {
        const arb: fc.Arbitrary<unknown> =
          category === 'parser' ? protocolInput : category === 'roundtrip' ? roundTripInput : commandInput;
        const check = (v: unknown): string =>
          category === 'parser'
            ? checkProtocol(v as ProtocolInput)
            : category === 'roundtrip'
              ? checkRoundTrip(v as RoundTripInput)
              : commands.check(v as string[][]);
        // Synchronous on purpose: the parser and the command layer are synchronous code.
        const prop = fc.property(arb, (v) => {
          options.onInput?.(category, () => inputBytes(category, v));
          const t0 = performance.now();
          let outcome = check(v);
          let ms = performance.now() - t0;
          if (ms > budget) {
            const t1 = performance.now();
            outcome = check(v);
            ms = Math.min(ms, performance.now() - t1);
            if (ms > budget) throw new Error(`took ${ms.toFixed(1)} ms (budget ${budget} ms)`);
          }
          report.runs++;
          report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
          if (ms > report.maxMs) {
            report.maxMs = ms;
            report.slowest = describeInput(category, v);
          }
          if (++done % 1000 === 0) heap.sample();
          if (done % checkpointEvery === 0) heap.checkpoint();
          if (done % 100_000 === 0)
            log(`  ${done} inputs, ${((performance.now() - started) / 1000).toFixed(1)} s`);
        });
        details = fc.check(prop, params) as fc.RunDetails<[unknown]>;
      }
      if (details.failed) {
        const ce = details.counterexample?.[0];
        const why =
          details.errorInstance instanceof Error
            ? details.errorInstance.message
            : String(details.errorInstance);
        report.failure =
          `${category}: ${why}\nminimal reproducer (seed ${params.seed}, path ${details.counterexamplePath}):\n` +
          describeInput(category, ce);
        failures.push(report.failure);
      }
      log(`  ${category}: ${report.runs} inputs`);
    }
    // The server must still serve a well-behaved client after all that.
    const pong = await exchange(server.port, [Buffer.from('*1\r\n$4\r\nPING\r\n')]);
    if (pong.latin1Slice() !== '+PONG\r\n') failures.push(`socket: control PING got ${showBytes(pong)}`);
  } finally {
    commands.close();
    await server.close();
  }
  heap.checkpoint();
  const grew = heap.verdict();
  if (grew !== null) failures.push(`memory: ${grew}`);
  return {
    seed: options.seed,
    inputs: CATEGORIES.reduce((n, c) => n + categories[c].runs, 0),
    seconds: Math.round(performance.now() - started) / 1000,
    maxInputMs: Math.round(Math.max(...CATEGORIES.map((c) => categories[c].maxMs)) * 10) / 10,
    heapPeakMB: mb(heap.peak),
    heapCheckpointsMB: heap.checkpoints.map(mb),
    categories,
    failures,
  };
}

export function formatReport(r: FuzzReport): string {
  const lines = [
    `fuzz: ${r.inputs} inputs in ${r.seconds} s (seed ${r.seed}), slowest input ${r.maxInputMs} ms, heap peak ${r.heapPeakMB} MB`,
    `heap after GC at checkpoints (MB): ${r.heapCheckpointsMB.join(' ')}`,
  ];
  for (const c of CATEGORIES) {
    const cat = r.categories[c];
    if (cat === undefined) continue;
    const outcomes = Object.entries(cat.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
    lines.push(
      `  ${c.padEnd(9)} ${String(cat.runs).padStart(8)} inputs, max ${cat.maxMs.toFixed(1)} ms  (${outcomes})`,
    );
  }
  if (r.failures.length > 0) lines.push('', `FAILED (${r.failures.length}):`, ...r.failures);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// CLI: a worker does the fuzzing, the main thread watches it.

interface WorkerJob {
  options: Omit<FuzzOptions, 'onInput' | 'log'>;
  progress: SharedArrayBuffer;
}

const INPUT_CAP = 256 * 1024;

function parseCli(argv: readonly string[]): Omit<FuzzOptions, 'onInput' | 'log'> & { hangMs: number } {
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number): number => {
    const v = opt(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} wants a number, got ${v}`);
    return n;
  };
  const socketInputs = opt('--socket');
  return {
    inputs: num('--inputs', 100_000),
    seed: num('--seed', Date.now() % 2 ** 31),
    budgetMs: num('--budget-ms', 200),
    hangMs: num('--hang-ms', 10_000),
    ...(socketInputs !== undefined ? { socketInputs: num('--socket', 0) } : {}),
  };
}

async function workerMain(job: WorkerJob): Promise<void> {
  const meta = new Int32Array(job.progress, 0, 4);
  const bytes = new Uint8Array(job.progress, 16);
  const report = await runFuzz({
    ...job.options,
    onInput: (category, get) => {
      const b = get();
      const n = Math.min(b.length, INPUT_CAP);
      bytes.set(b.subarray(0, n));
      meta[1] = CATEGORIES.indexOf(category);
      meta[2] = b.length;
      Atomics.add(meta, 0, 1);
    },
    log: (line) => parentPort?.postMessage({ log: line }),
  });
  parentPort?.postMessage({ report });
}

async function cliMain(): Promise<void> {
  const { hangMs, ...options } = parseCli(process.argv.slice(2));
  console.log(
    `fuzz: ${options.inputs} inputs, seed ${options.seed}, budget ${options.budgetMs} ms per input`,
  );
  const progress = new SharedArrayBuffer(16 + INPUT_CAP);
  const meta = new Int32Array(progress, 0, 4);
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { options, progress } satisfies WorkerJob,
  });
  let last = -1;
  let still = 0;
  const watchdog = setInterval(() => {
    const now = Atomics.load(meta, 0);
    still = now === last ? still + 1000 : 0;
    last = now;
    if (still < hangMs) return;
    const len = meta[2]!;
    const input = Buffer.from(new Uint8Array(progress, 16, Math.min(len, INPUT_CAP)));
    console.log(`\nFAILED: HANG: no progress for ${hangMs} ms in category ${CATEGORIES[meta[1]!]} on input:`);
    console.log(showBytes(input, 4000));
    process.exit(1);
  }, 1000);
  const report = await new Promise<FuzzReport>((resolve, reject) => {
    worker.on('message', (m: { log?: string; report?: FuzzReport }) => {
      if (m.log !== undefined) console.log(m.log);
      if (m.report !== undefined) resolve(m.report);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`fuzz worker exited with code ${code}`)));
  });
  clearInterval(watchdog);
  await worker.terminate();
  console.log(formatReport(report));
  process.exit(report.failures.length === 0 ? 0 : 1);
}

if (!isMainThread && (workerData as WorkerJob | null)?.progress instanceof SharedArrayBuffer) {
  await workerMain(workerData as WorkerJob);
} else if (
  isMainThread &&
  process.argv[1] !== undefined &&
  fileURLToPath(import.meta.url) === process.argv[1]
) {
  await cliMain();
}
