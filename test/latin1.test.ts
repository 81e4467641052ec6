/**
 * bytes/latin1.ts: the short-string path (String.fromCharCode per length) must give exactly
 * the string Node's latin1Slice gives, for every length it handles, at any offset, for every
 * byte value (0x80-0xff included: one char per byte, never UTF-8).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latin1String } from '../src/bytes/latin1.js';

describe('latin1String', () => {
  it('matches latin1Slice for lengths 0-40 at every offset and byte value', () => {
    const buf = Buffer.alloc(300);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 131 + 7) & 0xff;
    for (let n = 0; n <= 40; n++) {
      for (let p = 0; p + n <= buf.length; p += 3) {
        const got = latin1String(buf, p, n);
        assert.equal(got, buf.latin1Slice(p, p + n), `length ${n} at ${p}`);
        assert.equal(got.length, n);
      }
    }
  });

  it('covers every byte value in each position of 16- and 24-byte strings', () => {
    for (const n of [16, 24]) {
      const buf = Buffer.alloc(n);
      for (let v = 0; v < 256; v++) {
        for (let i = 0; i < n; i++) buf[i] = (v + i * 17) & 0xff;
        const s = latin1String(buf, 0, n);
        for (let i = 0; i < n; i++) assert.equal(s.charCodeAt(i), buf[i]);
      }
    }
  });
});
