/**
 * Splits a line into arguments the way Redis's sdssplitargs does: used for inline commands typed
 * into `nc`/telnet and for redis.conf directives. Double quotes understand \n \r \t \b \a \\ \"
 * and \xHH; single quotes only \'. A closing quote must be followed by a space or the end.
 * Returns null for unbalanced quotes, as Redis does. Input and output are binary strings.
 */

function isSpace(c: number): boolean {
  // isspace() in the C locale: space, \t, \n, \v, \f, \r
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let inDq = false;
    let inSq = false;
    let cur = '';
    let done = false;
    while (!done) {
      if (inDq) {
        if (i >= n) return null;
        const c = line.charCodeAt(i);
        if (
          c === 92 &&
          i + 3 < n &&
          line.charCodeAt(i + 1) === 120 &&
          hexValue(line.charCodeAt(i + 2)) >= 0 &&
          hexValue(line.charCodeAt(i + 3)) >= 0
        ) {
          cur += String.fromCharCode(
            hexValue(line.charCodeAt(i + 2)) * 16 + hexValue(line.charCodeAt(i + 3)),
          );
          i += 3;
        } else if (c === 92 && i + 1 < n) {
          i++;
          const e = line.charCodeAt(i);
          switch (e) {
            case 110:
              cur += '\n';
              break;
            case 114:
              cur += '\r';
              break;
            case 116:
              cur += '\t';
              break;
            case 98:
              cur += '\b';
              break;
            case 97:
              cur += '\x07';
              break;
            default:
              cur += line[i];
          }
        } else if (c === 34) {
          // closing quote must be followed by a space or nothing
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += line[i];
        }
      } else if (inSq) {
        if (i >= n) return null;
        const c = line.charCodeAt(i);
        if (c === 92 && i + 1 < n && line.charCodeAt(i + 1) === 39) {
          i++;
          cur += "'";
        } else if (c === 39) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += line[i];
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const c = line.charCodeAt(i);
        if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
          done = true;
        } else if (c === 34) {
          inDq = true;
        } else if (c === 39) {
          inSq = true;
        } else {
          cur += line[i];
        }
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}
