/**
 * Pub/sub fan-out: one publisher pipelining PUBLISH to a channel that N subscribers listen on,
 * for mnemo and redis-server alike. The subscribers are raw sockets in this process that only
 * count bytes (every message on the channel is the same size, so bytes say how many arrived)
 * and check the first message byte for byte, so the load generator spends as little as
 * possible per message. A run is measured from the first PUBLISH to the last byte delivered
 * to the last subscriber: deliveries per second, and the server's own CPU time (from /proc,
 * as for the other tests) per delivered message. redis-benchmark cannot do this (it has no
 * subscribers), which is why this part has its own driver.
 */

import { connect, type Socket } from 'node:net';
import { encodeCommand } from './client.js';
import { cpuMicros } from './procstat.js';
import type { ServerName, ServerProcess } from './servers.js';

export interface FanoutResult {
  server: ServerName;
  subscribers: number;
  /** PUBLISH commands sent (each reaches every subscriber). */
  published: number;
  /** Messages received by all subscribers together. */
  delivered: number;
  payloadBytes: number;
  wallMs: number;
  /** Server CPU (user + system) during the run, and the kernel's share of it. */
  cpuUs: number;
  cpuSysUs: number;
  deliveredPerSec: number;
  cpuUsPerDelivery: number;
  error?: string;
}

export interface FanoutOptions {
  subscribers: number;
  /** PUBLISH commands in the measured run (a tenth as many go first, unmeasured, as warm-up). */
  messages: number;
  payloadBytes: number;
  timeoutMs: number;
}

const CHANNEL = 'bench:fanout';

function bulk(s: string): string {
  return `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
}

/** What each subscriber receives per message (RESP2). */
function messageFrame(payload: string): Buffer {
  return Buffer.from(`*3\r\n${bulk('message')}${bulk(CHANNEL)}${bulk(payload)}`, 'latin1');
}

const SUBSCRIBED = Buffer.from(`*3\r\n${bulk('subscribe')}${bulk(CHANNEL)}:1\r\n`, 'latin1');

/** A subscriber that counts the bytes it gets and keeps the first frame after the confirmation. */
class CountingSubscriber {
  received = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private waiter: { target: number; resolve: () => void } | null = null;
  closed = false;

  private constructor(
    readonly socket: Socket,
    private readonly keep: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.headBytes < this.keep) {
        this.head.push(chunk);
        this.headBytes += chunk.length;
      }
      const w = this.waiter;
      if (w !== null && this.received >= w.target) {
        this.waiter = null;
        w.resolve();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static open(port: number, keep: number): Promise<CountingSubscriber> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new CountingSubscriber(socket, keep));
      });
    });
  }

  /** Resolves once `target` bytes in total arrived. */
  until(target: number): Promise<void> {
    if (this.received >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiter = { target, resolve };
    });
  }

  /** The first `n` bytes received. */
  first(n: number): Buffer {
    return Buffer.concat(this.head).subarray(0, n);
  }
}

/**
 * Sends `count` PUBLISH commands with up to `window` unanswered, and resolves when every reply
 * came back. Each reply must be `:<subscribers>`.
 */
function publishAll(socket: Socket, count: number, command: Buffer, expectReply: Buffer): Promise<void> {
  const batch = 100;
  const window = 20 * batch;
  const batchBytes = Buffer.concat(new Array<Buffer>(batch).fill(command));
  return new Promise((resolve, reject) => {
    let sent = 0;
    let repliedBytes = 0;
    let checked = false;
    const total = count * expectReply.length;
    const pump = () => {
      while (sent < count && sent - repliedBytes / expectReply.length < window) {
        const n = Math.min(batch, count - sent);
        socket.write(n === batch ? batchBytes : batchBytes.subarray(0, n * command.length));
        sent += n;
      }
    };
    const onData = (chunk: Buffer) => {
      if (!checked && chunk.length >= expectReply.length) {
        checked = true;
        if (!chunk.subarray(0, expectReply.length).equals(expectReply)) {
          cleanup();
          reject(new Error(`PUBLISH answered ${JSON.stringify(chunk.toString('latin1', 0, 40))}`));
          return;
        }
      }
      repliedBytes += chunk.length;
      if (repliedBytes >= total) {
        cleanup();
        if (repliedBytes !== total) reject(new Error(`unexpected PUBLISH replies (${repliedBytes} bytes)`));
        else resolve();
        return;
      }
      pump();
    };
    const onClose = () => {
      cleanup();
      reject(new Error('publisher connection closed'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    pump();
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function openSubscribers(port: number, n: number, keep: number): Promise<CountingSubscriber[]> {
  const subs: CountingSubscriber[] = [];
  // Connect in groups: a thousand simultaneous SYNs can overflow the listen backlog.
  for (let i = 0; i < n; i += 100) {
    const group = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, () => CountingSubscriber.open(port, keep)),
    );
    for (const s of group) s.socket.write(encodeCommand(['SUBSCRIBE', CHANNEL]));
    await Promise.all(group.map((s) => s.until(SUBSCRIBED.length)));
    for (const s of group) {
      if (!s.first(SUBSCRIBED.length).equals(SUBSCRIBED)) {
        throw new Error(`SUBSCRIBE answered ${JSON.stringify(s.first(60).toString('latin1'))}`);
      }
    }
    subs.push(...group);
  }
  return subs;
}

/** One fan-out measurement against a running server. */
export async function runFanout(server: ServerProcess, o: FanoutOptions): Promise<FanoutResult> {
  const payload = 'x'.repeat(o.payloadBytes);
  const frame = messageFrame(payload);
  const command = encodeCommand(['PUBLISH', CHANNEL, payload]);
  const expectReply = Buffer.from(`:${o.subscribers}\r\n`);
  const base = {
    server: server.name,
    subscribers: o.subscribers,
    published: o.messages,
    delivered: 0,
    payloadBytes: o.payloadBytes,
    wallMs: 0,
    cpuUs: 0,
    cpuSysUs: 0,
    deliveredPerSec: Number.NaN,
    cpuUsPerDelivery: Number.NaN,
  };
  const subs: CountingSubscriber[] = [];
  let publisher: Socket | undefined;
  try {
    subs.push(...(await openSubscribers(server.port, o.subscribers, SUBSCRIBED.length + frame.length)));
    publisher = connect({ port: server.port, host: '127.0.0.1' });
    publisher.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      publisher!.once('connect', resolve);
      publisher!.once('error', reject);
    });
    publisher.on('error', () => {});
    const deliver = async (messages: number, before: number) => {
      await publishAll(publisher!, messages, command, expectReply);
      await Promise.all(subs.map((s) => s.until(before + messages * frame.length)));
    };
    // Warm-up (unmeasured): JIT, buffers, socket windows.
    const warm = Math.max(1, Math.round(o.messages / 10));
    let expected = SUBSCRIBED.length;
    await withTimeout(deliver(warm, expected), o.timeoutMs, 'warm-up');
    expected += warm * frame.length;
    for (const s of subs) {
      if (
        !s
          .first(SUBSCRIBED.length + frame.length)
          .subarray(SUBSCRIBED.length)
          .equals(frame)
      ) {
        throw new Error('a subscriber got a message that is not the one published');
      }
    }
    const cpu0 = cpuMicros(server.pid);
    const t0 = performance.now();
    await withTimeout(deliver(o.messages, expected), o.timeoutMs, 'fan-out');
    const wallMs = performance.now() - t0;
    const cpu1 = cpuMicros(server.pid);
    expected += o.messages * frame.length;
    const total = subs.reduce((sum, s) => sum + s.received, 0);
    if (total !== expected * subs.length) {
      throw new Error(`subscribers got ${total} bytes, expected ${expected * subs.length}`);
    }
    const delivered = o.messages * o.subscribers;
    const cpuUs = cpu1.total - cpu0.total;
    return {
      ...base,
      delivered,
      wallMs,
      cpuUs,
      cpuSysUs: cpu1.sys - cpu0.sys,
      deliveredPerSec: (delivered * 1000) / wallMs,
      cpuUsPerDelivery: cpuUs / delivered,
    };
  } catch (err) {
    return { ...base, error: (err as Error).message };
  } finally {
    publisher?.destroy();
    for (const s of subs) s.socket.destroy();
  }
}
