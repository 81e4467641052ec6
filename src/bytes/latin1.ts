/**
 * Turning bytes into the engine's binary strings (one char per byte), the conversion every
 * argument and every key or member read back from a slab goes through. Node's latin1Slice is a
 * call into C++ that costs about 50-65 ns whatever the length; String.fromCharCode with the
 * bytes as arguments stays in V8 and costs 5-26 ns up to 16 bytes and 29-44 ns up to 24 (a
 * 1-byte string is V8's cached single-character string: no allocation at all). Past 24 bytes
 * the native copy wins. The cases are spelled out per length because a call with a fixed
 * argument count is what V8 compiles to a straight copy (fromCharCode.apply over an array
 * costs twice latin1Slice).
 *
 * A leaf module of its own, importing nothing, so that protocol/ and engine/, which may not
 * import each other, share it.
 */

const fc = String.fromCharCode;

/** The binary string of `u[p, p + n)`. */
export function latin1String(u: Buffer, p: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fc(u[p]!);
    case 2:
      return fc(u[p]!, u[p + 1]!);
    case 3:
      return fc(u[p]!, u[p + 1]!, u[p + 2]!);
    case 4:
      return fc(u[p]!, u[p + 1]!, u[p + 2]!, u[p + 3]!);
    case 5:
      return fc(u[p]!, u[p + 1]!, u[p + 2]!, u[p + 3]!, u[p + 4]!);
    case 6:
      return fc(u[p]!, u[p + 1]!, u[p + 2]!, u[p + 3]!, u[p + 4]!, u[p + 5]!);
    case 7:
      return fc(u[p]!, u[p + 1]!, u[p + 2]!, u[p + 3]!, u[p + 4]!, u[p + 5]!, u[p + 6]!);
    case 8:
      return fc(u[p]!, u[p + 1]!, u[p + 2]!, u[p + 3]!, u[p + 4]!, u[p + 5]!, u[p + 6]!, u[p + 7]!);
    default:
      return n <= 16 ? upTo16(u, p, n) : n <= 24 ? upTo24(u, p, n) : u.latin1Slice(p, p + n);
  }
}

/** 9 to 16 bytes: the first eight, then the rest, as one flat string (no rope below 13 chars). */
function upTo16(u: Buffer, p: number, n: number): string {
  const b0 = u[p]!;
  const b1 = u[p + 1]!;
  const b2 = u[p + 2]!;
  const b3 = u[p + 3]!;
  const b4 = u[p + 4]!;
  const b5 = u[p + 5]!;
  const b6 = u[p + 6]!;
  const b7 = u[p + 7]!;
  const q = p + 8;
  // biome-ignore format: one line per length
  switch (n) {
    case 9: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!);
    case 10: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!);
    case 11: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!, u[q + 2]!);
    case 12: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!);
    case 13: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!);
    case 14: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!);
    case 15: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!, u[q + 6]!);
    default: return fc(b0, b1, b2, b3, b4, b5, b6, b7, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!, u[q + 6]!, u[q + 7]!);
  }
}

/** 17 to 24 bytes: the first sixteen, then the rest. */
function upTo24(u: Buffer, p: number, n: number): string {
  const b0 = u[p]!;
  const b1 = u[p + 1]!;
  const b2 = u[p + 2]!;
  const b3 = u[p + 3]!;
  const b4 = u[p + 4]!;
  const b5 = u[p + 5]!;
  const b6 = u[p + 6]!;
  const b7 = u[p + 7]!;
  const b8 = u[p + 8]!;
  const b9 = u[p + 9]!;
  const b10 = u[p + 10]!;
  const b11 = u[p + 11]!;
  const b12 = u[p + 12]!;
  const b13 = u[p + 13]!;
  const b14 = u[p + 14]!;
  const b15 = u[p + 15]!;
  const q = p + 16;
  // biome-ignore format: one line per length
  switch (n) {
    case 17: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!);
    case 18: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!);
    case 19: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!, u[q + 2]!);
    case 20: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!);
    case 21: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!);
    case 22: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!);
    case 23: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!, u[q + 6]!);
    default: return fc(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!, u[q + 6]!, u[q + 7]!);
  }
}
