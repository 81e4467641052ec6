/**
 * The Pub/Sub registry (Redis's pubsub.c): channel, pattern and shard-channel subscriptions,
 * message fan-out, and keyspace notifications (notify.c), which are messages on
 * `__keyspace@<db>__:<key>` and `__keyevent@<db>__:<event>`. Subscribers are TCP clients and
 * in-process MemoryStore subscriptions alike, so an in-process publisher reaches TCP
 * subscribers and the reverse. A message is encoded once per protocol version and the same
 * bytes go to every subscriber.
 */

import { NOTIFY } from '../engine/events.js';
import { globMatch } from '../engine/glob.js';

/** One published message, with its wire form computed at most once per protocol. */
export class PubSubMessage {
  private frames: [Buffer | null, Buffer | null] = [null, null];

  constructor(
    readonly kind: 'message' | 'pmessage' | 'smessage',
    readonly channel: string,
    readonly payload: string,
    readonly pattern: string | null = null,
  ) {}

  /** The push frame (RESP3) or array (RESP2) a subscribed connection receives. */
  frame(resp: 2 | 3): Buffer {
    const slot = resp === 2 ? 0 : 1;
    let f = this.frames[slot];
    if (f === null) {
      // Built as one binary string and copied once: a RespWriter would allocate its 16 KB
      // buffer for every message published.
      let s = this.pattern === null ? `${resp === 2 ? '*' : '>'}3\r\n` : `${resp === 2 ? '*' : '>'}4\r\n`;
      s += `$${this.kind.length}\r\n${this.kind}\r\n`;
      if (this.pattern !== null) s += `$${this.pattern.length}\r\n${this.pattern}\r\n`;
      s += `$${this.channel.length}\r\n${this.channel}\r\n$${this.payload.length}\r\n${this.payload}\r\n`;
      f = Buffer.from(s, 'latin1');
      this.frames[slot] = f;
    }
    return f;
  }
}

/** Anything that can hold subscriptions and receive messages. */
export interface Subscriber {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly shardChannels: Set<string>;
  deliver(message: PubSubMessage): void;
}

type Table = Map<string, Set<Subscriber>>;

function addTo(table: Table, name: string, s: Subscriber): void {
  let set = table.get(name);
  if (set === undefined) {
    set = new Set();
    table.set(name, set);
  }
  set.add(s);
}

function removeFrom(table: Table, name: string, s: Subscriber): void {
  const set = table.get(name);
  if (set === undefined) return;
  set.delete(s);
  if (set.size === 0) table.delete(name);
}

export class PubSub {
  readonly channels: Table = new Map();
  readonly patterns: Table = new Map();
  readonly shardChannels: Table = new Map();

  /** Returns true if the subscription is new. */
  subscribe(s: Subscriber, channel: string): boolean {
    if (s.channels.has(channel)) return false;
    s.channels.add(channel);
    addTo(this.channels, channel, s);
    return true;
  }

  unsubscribe(s: Subscriber, channel: string): boolean {
    if (!s.channels.delete(channel)) return false;
    removeFrom(this.channels, channel, s);
    return true;
  }

  psubscribe(s: Subscriber, pattern: string): boolean {
    if (s.patterns.has(pattern)) return false;
    s.patterns.add(pattern);
    addTo(this.patterns, pattern, s);
    return true;
  }

  punsubscribe(s: Subscriber, pattern: string): boolean {
    if (!s.patterns.delete(pattern)) return false;
    removeFrom(this.patterns, pattern, s);
    return true;
  }

  ssubscribe(s: Subscriber, channel: string): boolean {
    if (s.shardChannels.has(channel)) return false;
    s.shardChannels.add(channel);
    addTo(this.shardChannels, channel, s);
    return true;
  }

  sunsubscribe(s: Subscriber, channel: string): boolean {
    if (!s.shardChannels.delete(channel)) return false;
    removeFrom(this.shardChannels, channel, s);
    return true;
  }

  /** Drops every subscription of a subscriber that goes away. */
  removeAll(s: Subscriber): void {
    for (const ch of s.channels) removeFrom(this.channels, ch, s);
    for (const p of s.patterns) removeFrom(this.patterns, p, s);
    for (const ch of s.shardChannels) removeFrom(this.shardChannels, ch, s);
    s.channels.clear();
    s.patterns.clear();
    s.shardChannels.clear();
  }

  /** PUBLISH: returns the number of receivers (channel plus pattern subscriptions). */
  publish(channel: string, payload: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      const msg = new PubSubMessage('message', channel, payload);
      for (const s of direct) {
        s.deliver(msg);
        receivers++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, subs] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        const msg = new PubSubMessage('pmessage', channel, payload, pattern);
        for (const s of subs) {
          s.deliver(msg);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channels have no pattern subscriptions. */
  spublish(channel: string, payload: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    const msg = new PubSubMessage('smessage', channel, payload);
    for (const s of subs) s.deliver(msg);
    return subs.size;
  }

  /** notifyKeyspaceEvent: `flags` is notify-keyspace-events as bits. */
  notifyKeyspaceEvent(flags: number, event: string, key: string, db: number): void {
    if ((flags & NOTIFY.KEYSPACE) !== 0) this.publish(`__keyspace@${db}__:${key}`, event);
    if ((flags & NOTIFY.KEYEVENT) !== 0) this.publish(`__keyevent@${db}__:${event}`, key);
  }
}
