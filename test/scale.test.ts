/**
 * Scale: one database holds more than 2^24 keys (V8's Map/Set ceiling), with lookups, deletes,
 * random keys and SCAN still correct past that size. Runs on the engine directly (no protocol)
 * so it stays within a few seconds per million keys.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../src/engine/clock.js';
import { Keyspace } from '../src/engine/keyspace.js';

const MAP_LIMIT = 2 ** 24;

describe('a database past 2^24 keys', () => {
  it('stores, finds, deletes and scans more keys than a Map can hold', () => {
    const ks = new Keyspace(1, new ManualClock());
    const db = ks.db(0);
    const n = MAP_LIMIT + 50_000;
    for (let i = 0; i < n; i++) db.add(`k${i}`, i);
    assert.equal(db.size, n);
    for (const i of [0, 1, MAP_LIMIT - 1, MAP_LIMIT, n - 1]) assert.equal(db.get(`k${i}`), i);
    assert.equal(db.get(`k${n}`), undefined);
    for (let i = 0; i < n; i += 1000) assert.equal(db.delete(`k${i}`), true);
    const deleted = Math.ceil(n / 1000);
    assert.equal(db.size, n - deleted);
    assert.equal(db.get('k0'), undefined);
    assert.equal(db.get(`k${MAP_LIMIT + 1}`), MAP_LIMIT + 1);
    for (let j = 0; j < 100; j++) {
      const key = db.randomKey();
      assert.ok(key !== undefined && db.get(key) !== undefined);
    }
    // A full SCAN visits every key exactly once when nothing changes during the scan.
    let cursor = 0;
    let seen = 0;
    do {
      cursor = db.dict.scanStep(cursor, () => {
        seen++;
      });
    } while (cursor !== 0);
    assert.equal(seen, db.size);
  });
});
