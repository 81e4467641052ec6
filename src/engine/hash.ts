/**
 * The string hash used by every engine hash table. 32-bit FNV-1a over the bytes of a binary
 * string, started from a per-process random seed and finished with murmur3's fmix32 so the low
 * bits (used as bucket index) are well mixed. Redis uses SipHash-1-2; see docs/compatibility.md
 * for why mnemo trades some flooding resistance for speed here.
 */

let seed = (Math.random() * 0x100000000) | 0;

/** Fixes the seed, for tests that want reproducible bucket layouts. */
export function setHashSeed(s: number): void {
  seed = s | 0;
}

export function hashString(s: string): number {
  let h = seed ^ 0x811c9dc5;
  const n = s.length;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finish(h);
}

/** hashString of the binary string whose chars are `bytes[start..end)`: the same hash. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return finish(h);
}

/** murmur3's fmix32. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
