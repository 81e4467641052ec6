/**
 * LZF compression as liblzf does it with the options Redis builds it with (lzfP.h: HLOG 16,
 * VERY_FAST, CHECK_INPUT), so a string compressed here is byte for byte what Redis's
 * rdbSaveLzfStringObject would write, and anything liblzf wrote decompresses here.
 *
 * Format: 000LLLLL + L+1 literal bytes (1..32); LLLooooo oooooooo, a back reference of L+2
 * bytes (L 1..6) at distance o+1 (1..8192); 111ooooo LLLLLLLL oooooooo, the same with L+9.
 *
 * liblzf leaves its hash table uninitialised (INIT_HTAB 0) and never matches at offset 0
 * (`ref > in_data`); an empty slot here is one stamped by an earlier call, which gives what a
 * zeroed table would. Stamping (position + a per-call base) avoids clearing 256 KB per string.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

const htab = new Int32Array(HSIZE);
/** Slot values above this belong to the current call (they are base + position + 1). */
let base = 0;

/**
 * Compresses `input` into `out[0..outLen)`. Returns the compressed length, or 0 when the result
 * would not fit in `outLen` bytes (then the caller stores the data uncompressed), as
 * lzf_compress does. `out` must have room for `outLen` bytes.
 */
export function lzfCompress(input: Uint8Array, out: Uint8Array, outLen: number = out.length): number {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return 0;
  if (base + inLen + 2 > 0x7fff0000) {
    htab.fill(0);
    base = 0;
  }
  const b = base;
  base += inLen + 1;

  const inEnd = inLen;
  const outEnd = outLen;
  let ip = 0;
  let op = 1; // one byte reserved for the header of the current literal run
  let lit = 0;
  let hval = (input[0]! << 8) | (input[1] ?? 0);

  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]!) >>> 0;
    const slot = ((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1);
    const stored = htab[slot]!;
    htab[slot] = b + ip + 1;
    const ref = stored > b ? stored - b - 1 : -1;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      off < MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;

      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;

      out[op - lit - 1] = (lit - 1) & 0xff; // close the literal run
      if (lit === 0) op--; // ... or drop its unused header

      let mismatch = false;
      if (maxlen > 16) {
        // liblzf checks 16 bytes unconditionally first; mirrored so lengths come out the same.
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }

      len -= 2; // the encoded length: match length - 2
      ip++;

      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;

      lit = 0;
      op++; // start a new literal run

      ip += len + 1;
      if (ip >= inEnd - 2) break;

      // VERY_FAST: hash the two positions just before the new ip.
      ip -= 2;
      hval = (input[ip]! << 8) | input[ip + 1]!;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1)] = b + ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1)] = b + ip + 1;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }

  if (op + 3 > outEnd) return 0;

  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }

  out[op - lit - 1] = (lit - 1) & 0xff;
  if (lit === 0) op--;
  return op;
}

/**
 * Decompresses `input` into `out` (sized to the expected length). Returns the number of bytes
 * produced, or -1 when the data is malformed or would overflow `out` (lzf_decompress's 0).
 */
export function lzfDecompress(input: Uint8Array, out: Uint8Array): number {
  const inEnd = input.length;
  const outEnd = out.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    let ctrl = input[ip++]!;
    if (ctrl < MAX_LIT) {
      ctrl++;
      if (op + ctrl > outEnd || ip + ctrl > inEnd) return -1;
      if (ctrl < 16) {
        for (let k = 0; k < ctrl; k++) out[op++] = input[ip++]!;
      } else {
        out.set(input.subarray(ip, ip + ctrl), op);
        op += ctrl;
        ip += ctrl;
      }
    } else {
      let len = ctrl >>> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inEnd) return -1;
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= inEnd) return -1;
      }
      ref -= input[ip++]!;
      len += 2;
      if (op + len > outEnd || ref < 0) return -1;
      if (op >= ref + len) {
        out.copyWithin(op, ref, ref + len);
        op += len;
      } else {
        // Overlapping: byte by byte, so a short distance repeats a pattern.
        for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
      }
    }
  }
  return op;
}
