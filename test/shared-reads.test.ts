/**
 * Plain TCP connections read into one buffer shared by every connection
 * (ClientConnection.accept): whatever a read leaves unparsed must be copied out before another
 * read overwrites the buffer. Each scenario leaves bytes pending on one connection (half a
 * frame, commands queued behind a blocked or paused command, the tail of a big bulk), fills the
 * shared buffer from another connection, then finishes, and compares every reply byte for
 * byte with a real redis-server 7.0 given the same traffic.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { encodeCommand } from './helpers/resp.js';
import { sideBySide } from './helpers/side-by-side.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pipeline of about `bytes` bytes of ECHOs (a read-only command CLIENT PAUSE WRITE lets run). */
function filler(bytes: number, tag: string): { wire: Buffer; count: number } {
  const frames: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const f = encodeCommand(['ECHO', `${tag}-${i}-${'f'.repeat(1000)}`]);
    frames.push(f);
    total += f.length;
  }
  return { wire: Buffer.concat(frames), count: frames.length };
}

/** Sends `wire` from `other` and waits for its `count` replies, checking the first and last. */
async function fill(other: RawClient, tag: string): Promise<void> {
  const { wire, count } = filler(96 * 1024, tag);
  other.write(wire);
  const replies = await other.read(count);
  assert.match(replies[0]!.toString('latin1'), new RegExp(`^\\$\\d+\\r\\n${tag}-0-f`));
  assert.match(replies[count - 1]!.toString('latin1'), new RegExp(`^\\$\\d+\\r\\n${tag}-${count - 1}-f`));
}

type Scenario = (a: RawClient, b: RawClient) => Promise<Buffer[]>;

/** `count` commands setting and reading back keys named after `tag`, as one write. */
function pipeline(tag: string, count: number): Buffer {
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(
      encodeCommand(i % 2 === 0 ? ['SET', `${tag}:${i >> 1}`, `value ${i}`] : ['GET', `${tag}:${i >> 1}`]),
    );
  }
  return Buffer.concat(frames);
}

/** More than the connection parses ahead of running (16), so bytes stay unparsed behind. */
const BEHIND = 40;

const scenarios: Record<string, Scenario> = {
  'half a bulk waits while another connection reads': async (a, b) => {
    const frame = Buffer.concat([
      encodeCommand(['SET', 'half', 'hello world']),
      encodeCommand(['GET', 'half']),
    ]);
    const cut = frame.indexOf('hello') + 3;
    a.write(frame.subarray(0, cut));
    await sleep(50);
    await fill(b, 'half');
    a.write(frame.subarray(cut));
    return a.read(2);
  },
  'commands behind a blocked BLPOP keep their bytes': async (a, b) => {
    a.write(Buffer.concat([encodeCommand(['BLPOP', 'queue', '0']), pipeline('blocked', BEHIND)]));
    await sleep(50);
    await fill(b, 'blocked');
    assert.equal((await b.command('LPUSH', 'queue', 'item')).toString('latin1'), ':1\r\n');
    return a.read(1 + BEHIND);
  },
  'commands behind a CLIENT PAUSE keep their bytes': async (a, b) => {
    assert.equal((await b.command('CLIENT', 'PAUSE', '400', 'WRITE')).toString('latin1'), '+OK\r\n');
    a.write(pipeline('paused', BEHIND));
    await sleep(50);
    await fill(b, 'paused');
    return a.read(BEHIND);
  },
  'the tail of a big bulk arrives with half the next command': async (a, b) => {
    const big = 'B'.repeat(40 * 1024);
    const frame = Buffer.concat([
      encodeCommand(['SET', 'big', big]),
      encodeCommand(['SET', 'after', 'the big one']),
      encodeCommand(['STRLEN', 'big']),
      encodeCommand(['GET', 'after']),
    ]);
    const cuts = [30 * 1024, frame.indexOf('the big') + 4];
    a.write(frame.subarray(0, cuts[0]));
    await sleep(50);
    a.write(frame.subarray(cuts[0], cuts[1]));
    await sleep(50);
    await fill(b, 'big');
    a.write(frame.subarray(cuts[1]));
    return a.read(4);
  },
};

describe('reads into the shared buffer, compared with redis-server', () => {
  const servers = sideBySide();

  for (const [name, scenario] of Object.entries(scenarios)) {
    test(name, async () => {
      const run = async (port: number) => {
        const [a, b] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
        try {
          return await scenario(a, b);
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
      };
      const [got, want] = await Promise.all([run(servers.mnemo.port), run(servers.redis.port)]);
      assert.deepEqual(
        got.map((r) => showRaw(r)),
        want.map((r) => showRaw(r)),
      );
    });
  }
});
