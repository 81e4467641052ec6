/**
 * Splits a line into arguments the way Redis's sdssplitargs does: used for inline commands typed
 * into `nc`/telnet and for redis.conf directives. Blanks separate arguments; "double quotes"
 * understand \n \r \t \b \a \xHH and \<any>; 'single quotes' understand \' only; a closing
 * quote must be followed by a blank or the end. Like the C original it stops at a NUL byte.
 * Returns null for unbalanced quotes. Input and output are binary strings.
 */

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/**
 * Split a line into arguments as Redis's sdssplitargs does: blanks separate arguments, "double
 * quotes" understand \n \r \t \b \a \xHH and \<any>, 'single quotes' understand \' only, and a
 * closing quote must be followed by a blank or the end. Returns null for unbalanced quotes.
 */
export function splitArgs(input: string): string[] | null {
  const nul = input.indexOf('\0');
  const line = nul < 0 ? input : input.slice(0, nul);
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line[p])) p++;
    if (p >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = p < n ? line[p]! : '\0';
      if (inq) {
        if (c === '\\' && line[p + 1] === 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
          cur += String.fromCharCode(Number.parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < n) {
          p++;
          const e = line[p]!;
          cur += ESCAPES[e] ?? e;
        } else if (c === '"') {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (p >= n) {
          return null;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === '\\' && line[p + 1] === "'") {
          p++;
          cur += "'";
        } else if (c === "'") {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (p >= n) {
          return null;
        } else {
          cur += c;
        }
      } else if (p >= n || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        cur += c;
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}
