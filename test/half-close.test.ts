/**
 * A client that sends its commands and its EOF together (write, then end() at once) gets every
 * reply before the connection closes, byte for byte as redis-server 7.0 sends them. The server
 * writes replies once per turn of the event loop (server/connection.ts, scheduleFlush), and
 * the EOF can be read in the same turn as the last commands: if it were handled first, their
 * replies would be lost. Payloads of exactly 64 KB (the size of one read) made that happen.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchange } from './fuzz/run.js';
import { showRaw } from './helpers/raw-client.js';
import { encodeCommand } from './helpers/resp.js';
import { sideBySide } from './helpers/side-by-side.js';

/** SET/GET pairs on keys named after `tag`, padded with a final ECHO to exactly `size` bytes. */
function pipelineOf(size: number, tag: string): Buffer {
  const frames: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < size - 2000; i++) {
    const f = encodeCommand(i % 2 === 0 ? ['SET', `${tag}:${i >> 1}`, `v${i}`] : ['GET', `${tag}:${i >> 1}`]);
    frames.push(f);
    total += f.length;
  }
  // An ECHO whose argument makes the whole exactly `size` bytes.
  const head = encodeCommand(['ECHO', '']).length;
  let pad = size - total - head;
  while (encodeCommand(['ECHO', 'x'.repeat(pad)]).length > size - total) pad--;
  frames.push(encodeCommand(['ECHO', 'x'.repeat(pad)]));
  const wire = Buffer.concat(frames);
  assert.equal(wire.length, size);
  return wire;
}

const payloads: Record<string, () => Buffer> = {
  'one small command': () => encodeCommand(['PING']),
  'an inline line of exactly 64 KB with its newline': () =>
    Buffer.concat([Buffer.alloc(65535, 'a'), Buffer.from('\n')]),
  'an inline line of 64 KB and CRLF': () => Buffer.concat([Buffer.alloc(65534, 'a'), Buffer.from('\r\n')]),
  'a pipeline of exactly 64 KB': () => pipelineOf(65536, 'p64'),
  'a pipeline of 64 KB + 1': () => pipelineOf(65537, 'p65'),
  'a pipeline of 200 KB': () => pipelineOf(200_000, 'p200'),
};

describe('replies to commands sent with the EOF', () => {
  const s = sideBySide();
  for (const [name, make] of Object.entries(payloads)) {
    it(name, async () => {
      const bytes = make();
      const [mine, theirs] = await Promise.all([
        exchange(s.mnemo.port, [bytes]),
        exchange(s.redis.port, [bytes]),
      ]);
      assert.ok(theirs.length > 0, 'redis-server answered');
      assert.equal(mine.length, theirs.length, `mnemo ${showRaw(mine, 200)}\nredis ${showRaw(theirs, 200)}`);
      assert.ok(mine.equals(theirs), `mnemo ${showRaw(mine, 200)}\nredis ${showRaw(theirs, 200)}`);
    });
  }
});
