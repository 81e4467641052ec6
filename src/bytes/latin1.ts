/**
 * Turning bytes into the engine's binary strings (one char per byte), the conversion every
 * argument and every key or member read back from a slab goes through. Node's latin1Slice is a
 * call into C++ that costs about 50 ns whatever the length; String.fromCharCode with the bytes
 * as arguments stays in V8 and costs 5-26 ns up to 16 bytes (a 1-byte string is V8's cached
 * single-character string: no allocation at all). Past 16 bytes the native copy wins.
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
      return n <= 16 ? upTo16(u, p, n) : u.latin1Slice(p, p + n);
  }
}

/** 9 to 16 bytes: the first eight, then the rest, as one flat string (no rope below 13 chars). */
function upTo16(u: Buffer, p: number, n: number): string {
  const a = u[p]!;
  const b = u[p + 1]!;
  const c = u[p + 2]!;
  const d = u[p + 3]!;
  const e = u[p + 4]!;
  const f = u[p + 5]!;
  const g = u[p + 6]!;
  const h = u[p + 7]!;
  const q = p + 8;
  switch (n) {
    case 9:
      return fc(a, b, c, d, e, f, g, h, u[q]!);
    case 10:
      return fc(a, b, c, d, e, f, g, h, u[q]!, u[q + 1]!);
    case 11:
      return fc(a, b, c, d, e, f, g, h, u[q]!, u[q + 1]!, u[q + 2]!);
    case 12:
      return fc(a, b, c, d, e, f, g, h, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!);
    case 13:
      return fc(a, b, c, d, e, f, g, h, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!);
    case 14:
      return fc(a, b, c, d, e, f, g, h, u[q]!, u[q + 1]!, u[q + 2]!, u[q + 3]!, u[q + 4]!, u[q + 5]!);
    case 15:
      return fc(
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        u[q]!,
        u[q + 1]!,
        u[q + 2]!,
        u[q + 3]!,
        u[q + 4]!,
        u[q + 5]!,
        u[q + 6]!,
      );
    default:
      return fc(
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        u[q]!,
        u[q + 1]!,
        u[q + 2]!,
        u[q + 3]!,
        u[q + 4]!,
        u[q + 5]!,
        u[q + 6]!,
        u[q + 7]!,
      );
  }
}
